"""``python -m stancematrix``: the command line (see ``stancematrix --help``)."""

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
