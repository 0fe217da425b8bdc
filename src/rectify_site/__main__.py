"""``python -m rectify_site``."""

import sys

try:
    from rectify_site.commands.cli import run
except KeyboardInterrupt:  # Ctrl-C while starting up: nothing was done, so nothing to undo
    print("rectify-site: interrupted", file=sys.stderr)
    sys.exit(130)

run()
