"""``python -m rectify_site``."""

import sys

from .cli import main

sys.exit(main())
