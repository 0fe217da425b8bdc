"""``new``, ``ledger template`` and ``schema``: what editors start from and write against."""

from __future__ import annotations

import argparse
from pathlib import Path

from rectify_site.messages import translate


def new_site(args: argparse.Namespace) -> int:
    """``new site DIR [--kind 巡视|巡察]``: a content folder with one report skeleton (the
    site's name and words of that kind), schemas, .gitignore."""
    from rectify_site.editor import scaffold

    scaffold.new_site(args.dir, report_id=args.report, kind=args.kind)
    content = args.dir / "content"
    return _created(content / args.report, content, args.lang)


def new_report(args: argparse.Namespace) -> int:
    """``new report ID``: a skeleton; with ``--from FILE``, the importer
    (``rectify-site import FILE --id ID``)."""
    if args.source is not None:
        from rectify_site.importing.command import run_import

        return run_import(args.source, args.content, report_id=args.id, lang=args.lang)
    from rectify_site.editor import scaffold

    scaffold.new_report(args.content, args.id, kind=args.kind)
    return _created(args.content / args.id, args.content, args.lang)


def _created(report: Path, content: Path, lang: str) -> int:
    """Say what was written and what to do next."""
    preview = f"rectify-site serve --content {content}"
    print(translate("cli.created", {"report": report, "preview": preview}, lang))
    return 0


def ledger_template(args: argparse.Namespace) -> int:
    """Write an empty ledger.xlsx for one report; never over an existing file."""
    from rectify_site.errors import UsageError, diag
    from rectify_site.load.collection import load_collection
    from rectify_site.site.ledger_downloads import template_xlsx
    from rectify_site.site.ledger_pages import aspect_refs, status_refs

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
    print(translate("cli.written", {"path": out}, args.lang))
    return 0


def schema(args: argparse.Namespace) -> int:
    """Write schemas/<kind>.schema.json; content files name them on their first line."""
    from rectify_site.editor.schema import schema_files, write_schemas

    changed = write_schemas(args.out)
    total = len(schema_files())
    done = {"out": args.out, "total": total, "changed": len(changed)}
    print(translate("cli.schemas_written", done, args.lang))
    return 0
