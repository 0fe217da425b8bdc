"""``build``, ``check`` and ``serve``: a content folder made into a site, checked, previewed.

Each imports the pipeline only when it runs, so that ``--version`` and ``--help`` are quick.
"""

from __future__ import annotations

import argparse
import sys

from rectify_site.interrupts import unwinding
from rectify_site.messages import translate

HINTS = frozenset({"base_url.missing"})
"""What ``build`` says as a hint (提示) in its summary, not as a warning: a newcomer's
first build is fine without them (``check --strict`` warns)."""


def build(args: argparse.Namespace) -> int:
    """``rectify-site build``, with SIGINT and SIGTERM under ``unwinding``: the
    last good site until the new one is complete, then the new one whatever comes."""
    with unwinding() as hold:
        code = _build(args)
        if hold.caught and code == 0:
            print(translate("cli.built_when_interrupted", {}, args.lang), file=sys.stderr)
        return code


def _build(args: argparse.Namespace) -> int:
    from rectify_site.build.pipeline import build_site
    from rectify_site.progress import for_terminal

    result = build_site(
        args.content,
        args.out,
        templates=args.templates,
        base_url=args.base_url,
        search=not args.no_search,
        compress=args.compress,
        verify=args.verify,
        progress=for_terminal(quiet=args.quiet, lang=args.lang),
    )
    hints, drafts = [], []
    for d in result.warnings:
        if d.key == "draft.skipped":
            drafts.append(str(dict(d.params).get("id", "")))
        elif d.key in HINTS:
            hints.append(d)
        else:
            print(d.format(args.lang), file=sys.stderr)
    if drafts:  # one line, however many: a draft is left out on purpose
        left = {"count": len(drafts), "ids": "、".join(drafts)}
        print(translate("cli.drafts_left_out", left, args.lang))
    for d in hints:
        print(translate("cli.hint", {"message": d.message(args.lang)}, args.lang))
    stats = result.stats
    assert stats is not None
    done = {
        "reports": result.reports,
        "out": args.out,
        "written": len(stats.written),
        "unchanged": len(stats.unchanged),
        "removed": len(stats.removed),
    }
    print(translate("cli.built", done, args.lang))
    return 0


def check(args: argparse.Namespace) -> int:
    """Load, render and check everything; print findings in the chosen format.

    Exit 0 when clean, 1 on errors (or warnings with --strict), 2 on usage errors.
    """
    from rectify_site.build.pipeline import check_site
    from rectify_site.check.formats import render
    from rectify_site.errors import SiteError, UsageError
    from rectify_site.progress import for_terminal

    progress = for_terminal(quiet=args.quiet, lang=args.lang)
    try:
        found = check_site(
            args.content,
            templates=args.templates,
            html=args.html_check,
            trace=args.format != "text",  # annotations need a file of the repository
            as_of=args.as_of,
            strict=args.strict,
            base_url=args.base_url,
            progress=progress,
        )
    except SiteError as exc:
        found = exc.diagnostics
        if isinstance(exc, UsageError):
            sys.stderr.write(render(found, "text", args.lang))
            return exc.exit_code
    found = sorted(
        set(found), key=lambda d: (d.path, d.line or 0, d.col or 0, d.field, d.message())
    )
    errors = sum(d.severity == "error" for d in found)
    warnings = len(found) - errors
    stream = sys.stderr if args.format == "text" else sys.stdout
    stream.write(render(found, args.format, args.lang))
    failed = errors > 0 or (args.strict and warnings > 0)
    if args.format == "text":
        if not found:
            summary = translate("cli.checked", {}, args.lang)
        else:
            summary = translate(
                "cli.checked_findings", {"errors": errors, "warnings": warnings}, args.lang
            )
        print(summary, file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0


def serve(args: argparse.Namespace) -> int:
    """``rectify-site serve``: the preview, until Ctrl-C."""
    from rectify_site.serve.server import serve as preview

    return preview(
        args.content,
        templates=args.templates,
        host=args.host,
        port=args.port,
        search=not args.no_search,
        lang=args.lang,
        allow_hosts=args.allow_host,
    )
