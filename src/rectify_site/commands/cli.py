"""The command line: thin over the pipeline; prints user errors without a traceback.

Exit status: 0 success, 1 content errors or failed checks, 2 usage or environment errors,
130 interrupted. The commands are declared in ``commands.parser`` (their options in
``commands.options``, their help in the message catalogue) and run by the modules named
in ``RUN``; each imports what it needs only when it runs, so ``--version`` and ``--help``
are quick.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import NoReturn

from rectify_site.commands import authoring, documents, publishing
from rectify_site.commands.completion import completion
from rectify_site.commands.localised import lang_of
from rectify_site.commands.parser import make_parser, path_of
from rectify_site.interrupts import EXIT_INTERRUPTED, HOLD, INTERRUPTED, interrupted, leave
from rectify_site.messages import translate

RUN: Mapping[tuple[str, ...], Callable[[argparse.Namespace], int]] = {
    ("build",): publishing.build,
    ("check",): publishing.check,
    ("serve",): publishing.serve,
    ("ledger", "template"): authoring.ledger_template,
    ("new", "site"): authoring.new_site,
    ("new", "report"): authoring.new_report,
    ("schema",): authoring.schema,
    ("import",): documents.import_document,
    ("export",): documents.export,
    ("pdf",): documents.pdf,
    ("completion",): completion,
}
"""What runs each command of ``commands.parser.PROGRAM``."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``rectify-site`` script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = make_parser(lang_of(argv)).parse_args(argv)
    from rectify_site.errors import SiteError

    try:
        return RUN[path_of(args)](args)
    except SiteError as exc:
        for d in exc.diagnostics:
            print(d.format(args.lang), file=sys.stderr)
        errors = sum(d.severity == "error" for d in exc.diagnostics)
        print(translate("cli.errors", {"errors": errors}, args.lang), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return interrupted()
    except OSError as exc:  # the file system refused something no check foresaw: no traceback
        from rectify_site.errors import diag

        where = exc.filename or getattr(args, "out", None) or "."
        print(
            diag(where, "output.failed", problem=exc.strerror or str(exc)).format(args.lang),
            file=sys.stderr,
        )
        return 2


def run(argv: Sequence[str] | None = None) -> NoReturn:
    """The ``rectify-site`` script, ``python -m rectify_site`` and build.py: ``main``, then
    exit with its status (``leave``); the process ends with the command."""
    try:
        HOLD.process_ends = True
        code = main(argv)
    except KeyboardInterrupt:  # before main's own handler was reached
        print(INTERRUPTED, file=sys.stderr)
        code = EXIT_INTERRUPTED
    leave(code)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
