"""The command line: thin over the pipeline; prints user errors without a traceback.

Exit status: 0 success, 1 content errors or failed checks, 2 usage or environment errors.
Heavy modules are imported inside each command, so ``--version`` and ``--help`` are quick.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from . import __version__
from .formats import FORMATS

if TYPE_CHECKING:
    from .output import WriteStats


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors exit 2 with one line, as every other error does."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"rectify-site: error: {message}\n")
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="rectify-site", description="巡视巡察整改进展情况通报的静态网站生成器")
    p.add_argument("--version", action="version", version=f"rectify-site {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "--content",
            type=Path,
            default=Path("content"),
            help="collection root, one folder per report (default: content)",
        )
        sp.add_argument(
            "--templates",
            type=Path,
            default=None,
            help="theme folder (default: templates/ beside content/, else built in)",
        )
        sp.add_argument(
            "--lang", choices=["zh", "en"], default="zh", help="language of messages (default: zh)"
        )

    b = sub.add_parser("build", help="build the site")
    common(b)
    b.add_argument("--out", type=Path, default=Path("_site"), help="output folder (_site)")
    b.add_argument("--base-url", default=None, help="absolute URL the site is published at")
    b.add_argument(
        "--no-search", action="store_true", help="skip the Pagefind search index (faster)"
    )
    b.add_argument(
        "--no-compress",
        dest="compress",
        action="store_false",
        help="do not write .gz and .br copies of text files over 1 KB",
    )
    b.add_argument(
        "--verify",
        action="store_true",
        help="hash every file already in the output, not only those whose size or time changed",
    )

    c = sub.add_parser("check", help="validate content and the site it makes; writes nothing")
    common(c)
    c.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (path:line:col: …), json, or github (workflow annotations)",
    )
    c.add_argument("--strict", action="store_true", help="warnings fail the check too")
    c.add_argument(
        "--no-html-check",
        dest="html_check",
        action="store_false",
        help="skip the Nu HTML Checker (faster; CI should not use this)",
    )

    c.add_argument(
        "--as-of",
        type=_as_of,
        default=None,
        metavar="DATE",
        help="the day ledger deadlines are checked against (default: SOURCE_DATE_EPOCH, "
        "else today)",
    )

    lg = sub.add_parser("ledger", help="the ledger (整改台账, ledger.xlsx) of a report")
    lsub = lg.add_subparsers(dest="ledger_command", required=True, parser_class=_Parser)
    lt = lsub.add_parser(
        "template", help="write an empty ledger.xlsx with the report's aspects and statuses"
    )
    common(lt)
    lt.add_argument("report", help="report id (its folder under content/)")
    lt.add_argument(
        "--out", type=Path, default=None, help="file to write (default: ledger-<report>.xlsx)"
    )

    s = sub.add_parser("serve", help="preview with live reload while editing (drafts shown)")
    common(s)
    s.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only)",
    )
    s.add_argument(
        "--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)"
    )
    s.add_argument("--no-search", action="store_true", help="do not refresh the search index")
    s.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a host name the preview may be reached by, besides localhost (repeatable)",
    )

    d = sub.add_parser("pdf", help="print a report to an A4 PDF through Chromium")
    common(d)
    d.add_argument("report", nargs="?", default=None, help="report id (default: the only one)")
    d.add_argument("--out", type=Path, default=None, help="PDF file (default: <report-id>.pdf)")

    im = sub.add_parser(
        "import", help="a Word document, text or saved web page -> one checked report folder"
    )
    im.add_argument("source", type=Path, help=".docx, .txt, .html or .htm")
    im.add_argument(
        "--content", type=Path, default=Path("content"), help="collection root (content)"
    )
    im.add_argument("--id", dest="report_id", default=None, help="report id (the folder name)")
    im.add_argument(
        "--force",
        action="store_true",
        help="replace an existing report folder (its ledger.xlsx and attachments/ are kept)",
    )
    im.add_argument(
        "--lang", choices=["zh", "en"], default="zh", help="language of messages (default: zh)"
    )

    ex = sub.add_parser("export", help="write a report as the document an office sends upward")
    ex.add_argument("report", help="report id")
    ex.add_argument("--to", choices=["docx", "txt"], required=True, help="docx or txt")
    ex.add_argument(
        "--content", type=Path, default=Path("content"), help="collection root (content)"
    )
    ex.add_argument("--out", type=Path, default=None, help="file (default: <report-id>.<to>)")
    ex.add_argument(
        "--lang", choices=["zh", "en"], default="zh", help="language of messages (default: zh)"
    )

    sc = sub.add_parser("schema", help="write the JSON Schema of each content file kind")
    sc.add_argument(
        "--out", type=Path, default=Path("schemas"), help="folder to write (default: schemas)"
    )
    sc.add_argument(
        "--lang", choices=["zh", "en"], default="zh", help="language of messages (default: zh)"
    )
    return p


def _as_of(text: str) -> object:
    import datetime as dt

    from .ledger import parse_date

    parsed = parse_date(text)
    if not isinstance(parsed, dt.date):
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (write 2024-06-30)")
    return parsed


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``rectify-site`` script."""
    args = _parser().parse_args(argv)
    from .errors import SiteError

    try:
        if args.command == "build":
            return _interruptible(_build, args)
        if args.command == "check":
            return _check(args)
        if args.command == "serve":
            from .serve import serve

            return serve(
                args.content,
                templates=args.templates,
                host=args.host,
                port=args.port,
                search=not args.no_search,
                lang=args.lang,
                allow_hosts=args.allow_host,
            )
        if args.command == "pdf":
            return _pdf(args)
        if args.command == "schema":
            return _schema(args)
        if args.command == "ledger":
            return _ledger_template(args)
        if args.command == "import":
            from .importing.command import run_import

            return run_import(
                args.source,
                args.content,
                report_id=args.report_id,
                force=args.force,
                lang=args.lang,
            )
        if args.command == "export":
            return _export(args)
    except SiteError as exc:
        for d in exc.diagnostics:
            print(d.format(args.lang), file=sys.stderr)
        errors = sum(d.severity == "error" for d in exc.diagnostics)
        summary = f"{errors} error(s)" if args.lang == "en" else f"共 {errors} 个错误"
        print(summary, file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        from .output import HOLD

        HOLD.active = _ENTRY_POINT  # put back; from the script nothing may interrupt the exit
        print("rectify-site: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # the file system refused something no check foresaw: no traceback
        from .errors import diag

        where = exc.filename or getattr(args, "out", None) or "."
        print(
            diag(where, "output.failed", problem=exc.strerror or str(exc)).format(args.lang),
            file=sys.stderr,
        )
        return 2
    return 2  # pragma: no cover - argparse requires a command


def run(argv: Sequence[str] | None = None) -> NoReturn:
    """The ``rectify-site`` script, ``python -m rectify_site`` and build.py: ``main``, then
    exit with its status.

    Once ``main`` has returned, SIGINT and SIGTERM are blocked: the interpreter restores
    their default action while it shuts down, and a signal then would kill a process whose
    work is done (status -2 for a build that is complete). After an interrupt (130) the
    process leaves at once: CPython marks a KeyboardInterrupt raised while an extension
    module ran Python code through ``PyRun_*`` as unhandled even once it is caught, and at
    exit would kill the process with SIGINT. Everything was put back and printed by then.
    """
    import os
    import signal

    global _ENTRY_POINT
    _ENTRY_POINT = True
    try:
        code = main(argv)
    except KeyboardInterrupt:  # before main's own handler was reached
        print("rectify-site: interrupted", file=sys.stderr)
        code = 130
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    if code == 130:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)
    sys.exit(code)


_ENTRY_POINT = False
"""True when ``run`` (the script, ``python -m``) called ``main``: the process ends with it."""


def _interruptible(build: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run ``build`` with SIGINT and SIGTERM (a CI job cancelled, a service stopped) under
    output.interrupt: before the new site is complete they unwind the build, which puts
    the last good site back (exit 130); once it is complete they are held, and the build
    finishes with exit 0 and exactly the new site.

    From the script the handlers stay until the process exits (``run`` then blocks both
    signals): a signal that arrived just before a restore would be run by the restored
    handler (Python runs handlers late, between bytecodes) and turn a complete build into
    an exit 130. Called in-process (``main([...])``), the previous handlers come back.
    """
    import signal

    from .output import HOLD, interrupt

    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    HOLD.active, HOLD.caught = False, []
    for s in previous:
        signal.signal(s, interrupt)
    unraisable = sys.unraisablehook

    def again(info: Any) -> None:
        """An interrupt raised where it cannot propagate (a weakref callback, a __del__)
        would be printed and lost: ask for it again, to arrive where it can unwind."""
        if isinstance(info.exc_value, KeyboardInterrupt):
            import _thread

            _thread.interrupt_main()
        else:
            unraisable(info)

    sys.unraisablehook = again
    try:
        code = build(args)
        if HOLD.caught and code == 0:
            note = (
                "rectify-site: interrupted after the new site was complete; it is in place"
                if args.lang == "en"
                else "rectify-site：中断信号到达时新站点已写好，已完整发布"
            )
            print(note, file=sys.stderr)
        return code
    finally:
        if not _ENTRY_POINT:
            for s, handler in previous.items():
                signal.signal(s, handler)
            sys.unraisablehook = unraisable
            HOLD.active, HOLD.caught = False, []


def _build(args: argparse.Namespace) -> int:
    from .incremental import nothing_to_do

    # nothing changed since the last build: say so without importing the pipeline
    search = not args.no_search
    same = nothing_to_do(
        args.content,
        args.out,
        templates=args.templates,
        search=search,
        verify=args.verify,
        base_url=args.base_url,
        include_drafts=False,
        serving=False,
        compress=args.compress,
    )
    if same is not None:
        warnings, n = same.warnings, same.reports
        stats: WriteStats | None = same.stats
    else:
        from .pipeline import build_site

        result = build_site(
            args.content,
            args.out,
            templates=args.templates,
            base_url=args.base_url,
            search=search,
            compress=args.compress,
            verify=args.verify,
        )
        warnings, n, stats = result.warnings, len(result.collection.reports), result.stats
    for d in warnings:
        print(d.format(args.lang), file=sys.stderr)
    assert stats is not None
    if args.lang == "en":
        print(
            f"built {n} report(s) into {args.out}: {len(stats.written)} written, "
            f"{len(stats.unchanged)} unchanged, {len(stats.removed)} removed"
        )
    else:
        print(
            f"已构建 {n} 份通报到 {args.out}:写入 {len(stats.written)} 个文件,"
            f"未变 {len(stats.unchanged)} 个,删除 {len(stats.removed)} 个"
        )
    return 0


def _check(args: argparse.Namespace) -> int:
    """Load, render and check everything; print findings in the chosen format.

    Exit 0 when clean, 1 on errors (or warnings with --strict), 2 on usage errors.
    """
    from .errors import SiteError, UsageError
    from .formats import render
    from .pipeline import check_site

    try:
        found = check_site(
            args.content,
            templates=args.templates,
            html=args.html_check,
            trace=args.format != "text",  # annotations need a file of the repository
            as_of=args.as_of,
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
            summary = "checked: no errors" if args.lang == "en" else "检查完毕:没有错误"
        elif args.lang == "en":
            summary = f"checked: {errors} error(s), {warnings} warning(s)"
        else:
            summary = f"检查完毕:{errors} 个错误,{warnings} 个警告"
        print(summary, file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0


def _schema(args: argparse.Namespace) -> int:
    """Write schemas/<kind>.schema.json; content files name them on their first line."""
    from .schema import schema_files, write_schemas

    changed = write_schemas(args.out)
    total = len(schema_files())
    if args.lang == "en":
        print(f"wrote {len(changed)} of {total} schema(s) into {args.out}")
    else:
        print(f"已写入 {args.out}:{total} 个 JSON Schema,其中 {len(changed)} 个有变化")
    return 0


def _ledger_template(args: argparse.Namespace) -> int:
    """Write an empty ledger.xlsx for one report; never over an existing file."""
    from .collection import load_collection
    from .errors import UsageError, diag
    from .ledger_files import template_xlsx
    from .ledger_pages import aspect_refs, status_refs

    collection = load_collection(args.content)
    reports = {r.id: r for r in collection.reports + collection.drafts}
    report = reports.get(args.report)
    if report is None:
        choices = "、".join(sorted(reports))
        raise UsageError(
            [diag(args.content, "pdf.report_unknown", value=args.report, choices=choices)]
        )
    out: Path = args.out or Path(f"ledger-{report.id}.xlsx")
    if out.exists():
        raise UsageError([diag(out, "ledger.exists")])
    data = template_xlsx(aspect_refs(report), status_refs(report))
    try:
        with open(out, "xb") as fh:  # exclusive: never over a file made meanwhile
            fh.write(data)
    except FileExistsError:
        raise UsageError([diag(out, "ledger.exists")]) from None
    except OSError as exc:
        raise UsageError([diag(out, "output.failed", problem=exc.strerror or str(exc))]) from None
    print(f"wrote {out}" if args.lang == "en" else f"已生成 {out}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from .export import export_report
    from .messages import translate

    out = export_report(args.content, args.report, args.to, args.out)
    print(translate("export.written", {"path": out}, args.lang))
    return 0


def _pdf(args: argparse.Namespace) -> int:
    from .pdf import write_pdf

    out = write_pdf(args.content, args.out, report_id=args.report, templates=args.templates)
    print(f"wrote {out}" if args.lang == "en" else f"已生成 {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
