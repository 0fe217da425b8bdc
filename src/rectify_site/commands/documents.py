"""``import``, ``export`` and ``pdf``: a report from a document, and back out as one."""

from __future__ import annotations

import argparse

from rectify_site.messages import translate


def import_document(args: argparse.Namespace) -> int:
    """``rectify-site import FILE``: a Word document, text or web page -> a report folder."""
    from rectify_site.importing.command import run_import

    return run_import(
        args.source,
        args.content,
        report_id=args.report_id,
        force=args.force,
        lang=args.lang,
    )


def export(args: argparse.Namespace) -> int:
    """``rectify-site export REPORT --to docx|txt``."""
    from rectify_site.commands.export import export_report

    out = export_report(args.content, args.report, args.to, args.out)
    print(translate("export.written", {"path": out}, args.lang))
    return 0


def pdf(args: argparse.Namespace) -> int:
    """``rectify-site pdf``: the full report, printed by Chromium."""
    from rectify_site.commands.pdf import write_pdf

    out = write_pdf(args.content, args.out, report_id=args.report, templates=args.templates)
    print(translate("cli.written", {"path": out}, args.lang))
    return 0
