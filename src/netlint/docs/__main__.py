import sys

from netlint.docs import main

sys.exit(main())
