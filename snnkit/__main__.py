"""``python -m snnkit ...``: the same command line as the ``snnkit`` script."""

import sys

from snnkit.cli import main

sys.exit(main())
