"""`python -m netlint.cli ...`: the same as the `netlint` command."""

from netlint.cli import main

main()
