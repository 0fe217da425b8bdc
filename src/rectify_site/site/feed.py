"""The Atom feed of reports (``atom.xml``), written only when the site has a base URL.

Feed readers need absolute URLs and a date per entry. An entry's date is the report's
``published`` date, else ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention, so
the feed never carries the time of the build), else the report is left out with a
warning. Corrections (修订记录) are listed in the entry and move its ``updated`` date.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from rectify_site.errors import Diagnostic, diag
from rectify_site.model.markdown import render_inline
from rectify_site.model.report import Report

CHINA = dt.timezone(dt.timedelta(hours=8))
"""Dates in content are Beijing dates: midnight there is the instant an entry carries."""


def _epoch() -> dt.datetime | None:
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw.isdigit():
        return None
    return dt.datetime.fromtimestamp(int(raw), dt.UTC)


def _instant(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=CHINA)


def _stamp(when: dt.datetime) -> str:
    return when.isoformat(timespec="seconds")


def _entry(report: Report, base: str, published: dt.datetime) -> tuple[str, dt.datetime]:
    updated = max([published, *(_instant(c.date) for c in report.corrections)])
    intro = render_inline(report.intro or "")
    html = f"<p>{intro}</p>" if intro else ""
    if report.corrections:
        items = "".join(
            f"<li>{c.date.isoformat()}：{escape(c.change)}</li>" for c in report.corrections
        )
        html += f"<h2>修订记录</h2><ol>{items}</ol>"
    summary = re.sub(r"<[^>]+>", "", intro)
    url = f"{base}{report.id}/full.html"
    entry = (
        "  <entry>\n"
        f"    <title>{escape(report.issuer + report.title)}</title>\n"
        f"    <id>{escape(base + report.id + '/')}</id>\n"
        f'    <link rel="alternate" type="text/html" href={quoteattr(url)}/>\n'
        f"    <published>{_stamp(published)}</published>\n"
        f"    <updated>{_stamp(updated)}</updated>\n"
        f"    <author><name>{escape(report.issuer)}</name></author>\n"
        f"    <summary>{summary}</summary>\n"
        f'    <content type="html">{escape(html)}</content>\n'
        "  </entry>\n"
    )
    return entry, updated


def atom_feed(
    site_name: str, base_url: str, reports: list[Report], root: Path
) -> tuple[bytes, list[Diagnostic]]:
    """``atom.xml`` for ``reports`` (newest first) and a warning for each one left out."""
    base = base_url.rstrip("/") + "/"
    epoch = _epoch()
    entries: list[tuple[dt.datetime, str, str]] = []
    warnings: list[Diagnostic] = []
    for report in reports:
        published = _instant(report.published) if report.published else epoch
        if published is None:
            warnings.append(
                diag(
                    root / report.id / "report.yaml",
                    "feed.no_date",
                    field="published",
                    severity="warning",
                )
            )
            continue
        text, updated = _entry(report, base, published)
        entries.append((updated, report.id, text))
    entries.sort(key=lambda e: (e[0], e[1]), reverse=True)
    latest = entries[0][0] if entries else epoch
    if latest is None:  # nothing dated at all: the newest feedback date is stable
        days = [
            r.inspection.feedback
            for r in reports
            if isinstance(r.inspection.feedback, dt.date)  # a Month is no instant
        ]
        latest = _instant(max(days, default=dt.date(2000, 1, 1)))
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">\n'
        f"  <title>{escape(site_name)}</title>\n"
        f"  <id>{escape(base)}</id>\n"
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(base + "atom.xml")}/>\n'
        f'  <link rel="alternate" type="text/html" href={quoteattr(base)}/>\n'
        f"  <updated>{_stamp(latest)}</updated>\n"
        f"  <author><name>{escape(site_name)}</name></author>\n"
        + "".join(e[2] for e in entries)
        + "</feed>\n"
    )
    return xml.encode("utf-8"), warnings
