"""The entry point of every way to start rectify-site: the ``rectify-site`` script,
``python -m rectify_site`` and build.py (``start``).

A Ctrl-C can come at any moment of start-up, while the modules of the command line are
still being imported: ``start`` imports them inside its own handler, so that it exits 130
with the ``rectify-site: interrupted`` line (nothing was done yet, so nothing is undone)
and never shows a traceback or dies of the signal (-2). Before ``start`` runs there is
only the interpreter and this package's ``__init__``, which imports nothing; so this
module imports nothing that is not loaded with the interpreter itself.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import NoReturn

INTERRUPTED = "rectify-site: interrupted"
"""interrupts.INTERRUPTED, spelt out: that module may be the import that was interrupted."""


def start(argv: Sequence[str] | None = None) -> NoReturn:
    """Import the command line and run it (``commands.cli.run``); an interrupt before the
    command has its own handler ends the process with 130."""
    try:
        from rectify_site.commands.cli import run
    except KeyboardInterrupt:
        _interrupted()
    run(argv)


def _interrupted() -> NoReturn:
    """Say so and leave at once: a second Ctrl-C no longer interrupts the leaving."""
    import _signal  # type: ignore[import-not-found]  # built in: nothing read, nothing to interrupt

    _signal.signal(_signal.SIGINT, _signal.SIG_IGN)
    sys.stderr.write(INTERRUPTED + "\n")
    sys.stderr.flush()
    sys.stdout.flush()
    os._exit(130)


if __name__ == "__main__":
    start()
