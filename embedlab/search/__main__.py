"""Entry point of ``python -m embedlab.search``."""

import sys

from .cli import main

sys.exit(main())
