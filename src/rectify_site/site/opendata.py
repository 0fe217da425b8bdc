"""The site's open data: each report as JSON and its figures as CSV, the schema, and the
index of them all.

Everything here is bytes made from validated reports; nothing is rendered or written.
"""

from __future__ import annotations

import csv
import io
import json

from rectify_site.model.report import Report
from rectify_site.site.csvsafe import neutralise
from rectify_site.site.figure_views import figure_rows
from rectify_site.site.ledger_pages import is_published, ledger_downloads
from rectify_site.site.pages import collection_view, table_groups
from rectify_site.site.rounds import table_files
from rectify_site.site.urls import SITE_PAGES, report_path, table_path


def report_json(report: Report) -> bytes:
    """The validated report as JSON (decimals as exact strings)."""
    data = report.model_dump(mode="json")
    # no indent: json's C encoder only runs without one (5x faster on a large collection)
    return (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8")


def report_schema() -> bytes:
    """The JSON Schema of report.json."""
    schema = Report.model_json_schema(mode="serialization")
    return (json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def figures_csv(report: Report) -> bytes:
    """The figures as CSV, UTF-8 with a BOM so that Excel opens it correctly."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["report", "key", "group", "label", "unit", "value"])
    for row in figure_rows(report.figures):
        text = [neutralise(c) for c in (report.id, row.key, row.group, row.label, row.unit)]
        writer.writerow([*text, str(row.value)])  # formulas in text cells neutralised
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def collection_data_files(reports: list[Report]) -> dict[str, bytes]:
    """The data files about the whole collection (an incremental build makes them apart):
    the schema, the index, and each round's and issuer's table (rounds.py)."""
    tables = table_files(table_groups(collection_view(reports)))
    return {
        "data/report.schema.json": report_schema(),
        "data/reports.json": data_index(reports),
        **tables,
    }


def report_data_files(report: Report) -> dict[str, bytes]:
    """One report's data files: they depend on that report alone."""
    return {
        report_path(report, "json"): report_json(report),
        report_path(report, "csv"): figures_csv(report),
        **ledger_downloads(report),  # only where the issuer publishes its ledger
    }


def data_files(reports: list[Report]) -> dict[str, bytes]:
    """Downloads: each report's JSON and CSV, and the schema they follow."""
    out = collection_data_files(reports)
    for report in reports:
        out.update(report_data_files(report))
    return out


def data_index(reports: list[Report]) -> bytes:
    """``data/reports.json``: every report's data files, so a program finds them from /data/.

    Paths are relative to the site root (where ``data/`` lies), as the site's links are.
    """
    entries = [
        {
            "id": r.id,
            "title": r.title,
            "issuer": r.issuer,
            "kind": r.inspection.kind,
            "published": r.published.isoformat() if r.published else None,
            "page": report_path(r, "full"),
            "json": report_path(r, "json"),
            "csv": report_path(r, "csv"),
            # the ledger's downloads, only where the issuer publishes it
            **(
                {
                    "ledger_csv": report_path(r, "ledger_csv"),
                    "ledger_xlsx": report_path(r, "ledger_xlsx"),
                }
                if is_published(r)
                else {}
            ),
        }
        for r in sorted(reports, key=lambda r: r.id)
    ]
    view = collection_view(reports)
    tables = [
        {
            "table": "round" if g in view.rounds else "issuer",
            "name": g.name,
            "page": g.url,
            "csv": table_path(g.slug, "csv"),
            "json": table_path(g.slug, "json"),
        }
        for g in view.rounds + view.issuers
    ]
    data = {
        "schema": "data/report.schema.json",
        "reports": entries,
        "table_schema": SITE_PAGES["table_schema"],
        "tables": tables,
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
