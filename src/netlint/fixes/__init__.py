"""Fixes as edits of the model file: `netlint check --fix`, `--diff`, `--unsafe-fixes`.

A rule that knows its fix mechanically attaches an `Autofix` (edits of the text
at the spans the loader recorded) to its finding; yaml_edits makes those edits
in the file's own style. apply.py applies them; run.py loops check -> apply ->
check until nothing changes, and never writes a file it could not read as YAML.
Everything outside the edited spans stays byte for byte.
"""
