"""``python -m neuromem.cli ...``: the same as the ``neuromem`` command."""

import sys

from neuromem.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
