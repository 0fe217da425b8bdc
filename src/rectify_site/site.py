"""The site's shape: which pages and files exist, their URLs, and the data they carry.

Everything here is derived from a validated Collection; nothing is rendered or written.
URLs are paths relative to the site root ("huangpu-12-2/full.html"); templates turn
them into relative links, so the site works under any subpath and from disk.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from .collection import Collection
from .csvsafe import neutralise
from .models import Category, FiguresFile, Report, Tally


@dataclass(frozen=True)
class Page:
    """One HTML page: where it goes, which template renders it, and with what."""

    url: str
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    report_id: str | None = None
    """The report this page shows; its inputs are that report's files."""
    in_sitemap: bool = True


def report_url(report: Report, page: str = "index.html") -> str:
    return f"{report.id}/{page}"


def category_url(report: Report, category: Category) -> str:
    return f"{report.id}/categories/{category.id}.html"


# --- the collection: issuers, rounds, successive reports ---------------------------


def _slug(prefix: str, text: str) -> str:
    """A URL-safe id for a Chinese name: a short hash, the same on every build.

    Issuers and rounds are named in Chinese and have no id of their own in content; a hash
    of the exact name keeps URLs ASCII and stable without asking editors to type one
    (renaming an issuer moves its page, as renaming a report folder does).
    """
    return f"{prefix}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:10]}"


def issuer_slug(issuer: str) -> str:
    return _slug("issuer", issuer)


def round_slug(round_name: str) -> str:
    return _slug("round", round_name)


def _newest_first_key(r: Report) -> tuple[Any, ...]:
    return (r.inspection.feedback, r.published or r.inspection.feedback, r.id)


@dataclass(frozen=True)
class Headline:
    """A report's headline figures for lists: problems and measures, total and done."""

    problems_total: int
    problems_done: int
    problems_label: str
    measures_total: int
    measures_done: int
    measures_label: str


def headline(report: Report) -> Headline:
    """Done means the first status the report counts (已整改, 已完成), as its text says."""
    f = report.figures

    def first(t: Tally, default: str) -> tuple[int, str]:
        for status, count in t.by_status.items():
            return count, f.statuses.get(status, status)
        return 0, default

    pd, pl = first(f.problems, "已整改")
    md, ml = first(f.measures, "已完成")
    return Headline(f.problems.total, pd, pl, f.measures.total, md, ml)


@dataclass(frozen=True)
class Change:
    """One figure in two successive reports of an issuer: 已整改 48 -> 55."""

    group: str
    label: str
    unit: str
    before: int | Decimal
    after: int | Decimal

    @property
    def delta(self) -> int | Decimal:
        return self.after - self.before


def changes(previous: Report, current: Report) -> list[Change]:
    """Figures both reports state, in the current report's order, derived (never typed)."""
    before = {row.key: row for row in figure_rows(previous.figures)}
    return [
        Change(row.group, row.label, row.unit, before[row.key].value, row.value)
        for row in figure_rows(current.figures)
        if row.key in before
    ]


@dataclass(frozen=True)
class Listing:
    """Reports grouped under one issuer or one round, newest first."""

    slug: str
    name: str
    reports: list[Report]
    url: str


@dataclass
class CollectionView:
    """The collection as visitors browse it: by round, by issuer, and report to report."""

    reports: list[Report]
    """Every published report, newest first (feedback date, then publication date)."""
    rounds: list[Listing]
    issuers: list[Listing]
    issuer_of: dict[str, Listing]
    """Report id -> its issuer's listing."""
    previous: dict[str, Report]
    """Report id -> the issuer's report before it, where there is one."""
    headlines: dict[str, Headline]


def _group(reports: list[Report], key: Any, prefix: str, slug: Any) -> list[Listing]:
    groups: dict[str, list[Report]] = {}
    for r in reports:  # already newest first, so each group is too
        groups.setdefault(key(r), []).append(r)
    out = [Listing(slug(k), k, rs, f"{prefix}/{slug(k)}.html") for k, rs in groups.items()]
    return out  # ordered by each group's newest report


def collection_view(reports: list[Report]) -> CollectionView:
    """Group and order the reports; which report follows which is derived from dates."""
    ordered = sorted(reports, key=_newest_first_key, reverse=True)
    rounds = _group(ordered, lambda r: r.inspection.round, "rounds", round_slug)
    issuers = _group(ordered, lambda r: r.issuer, "issuers", issuer_slug)
    issuer_of = {r.id: listing for listing in issuers for r in listing.reports}
    previous = {
        newer.id: older
        for listing in issuers
        for newer, older in zip(listing.reports, listing.reports[1:], strict=False)
    }
    return CollectionView(
        ordered, rounds, issuers, issuer_of, previous, {r.id: headline(r) for r in ordered}
    )


def pages_for(collection: Collection, *, include_drafts: bool = False) -> list[Page]:
    """Every HTML page of the site, in a stable order."""
    reports = collection.reports + (collection.drafts if include_drafts else [])
    view = collection_view(reports)
    reports = view.reports
    pages = [
        Page("index.html", "index.html", collection.site.name, {"reports": reports, "view": view}),
        Page(
            "issuers/index.html",
            "listing.html",
            "按发布机关浏览",
            {"view": view, "listings": view.issuers, "kind": "issuer"},
        ),
        Page(
            "rounds/index.html",
            "listing.html",
            "按巡视轮次浏览",
            {"view": view, "listings": view.rounds, "kind": "round"},
        ),
        Page(
            "404.html",
            "404.html",
            "页面未找到",
            {"reports": reports, "root_links": True},
            in_sitemap=False,
        ),
        Page("search.html", "search.html", "搜索", {"reports": reports}, in_sitemap=False),
        Page("data/index.html", "data.html", "开放数据", {"reports": reports}),
    ]
    for kind, listings in (("issuer", view.issuers), ("round", view.rounds)):
        for listing in listings:
            pages.append(
                Page(
                    listing.url,
                    "listing.html",
                    listing.name,
                    # its own reports' headlines only: a page's context is what it depends on
                    {
                        "headlines": {r.id: view.headlines[r.id] for r in listing.reports},
                        "listings": [listing],
                        "kind": kind,
                        "single": True,
                    },
                )
            )
    for report in reports:
        ctx: dict[str, Any] = {"report": report}
        previous = view.previous.get(report.id)
        series = view.issuer_of[report.id]
        overview = {
            **ctx,
            "series": series,
            "previous": previous,
            "changes": changes(previous, report) if previous else [],
            # only the series' own headlines: the whole dict would make every overview
            # page's context (and its incremental digest) grow with the collection
            "headlines": {r.id: view.headlines[r.id] for r in series.reports},
        }
        pages.append(Page(report_url(report), "report.html", report.title, overview, report.id))
        pages.append(
            Page(
                report_url(report, "full.html"),
                "full.html",
                f"{report.title}(全文)",
                ctx,
                report.id,
            )
        )
        pages.append(
            Page(
                report_url(report, "figures.html"),
                "figures.html",
                f"{report.title}:统计数字",
                {**ctx, "rows": figure_rows(report.figures)},
                report.id,
            )
        )
        cats = report.categories()
        for i, cat in enumerate(cats):
            pages.append(
                Page(
                    category_url(report, cat),
                    "category.html",
                    cat.title,
                    {
                        **ctx,
                        "category": cat,
                        "index": i,
                        "prev": cats[i - 1] if i > 0 else None,
                        "next": cats[i + 1] if i + 1 < len(cats) else None,
                    },
                    report.id,
                )
            )
    return pages


# --- figures as rows: the figures page, the CSV -------------------------------------


@dataclass(frozen=True)
class FigureRow:
    """One statistic: a stable key, what it counts, its unit and value."""

    key: str
    group: str
    label: str
    unit: str
    value: int | Decimal


def _tally_rows(
    key: str, group: str, label: str, unit: str, tally: Tally, statuses: dict[str, str]
) -> list[FigureRow]:
    rows = [FigureRow(f"{key}.total", group, f"{label}", unit, tally.total)]
    for status, count in tally.by_status.items():
        rows.append(
            FigureRow(f"{key}.{status}", group, f"{statuses.get(status, status)}", unit, count)
        )
    rows.append(FigureRow(f"{key}.in_progress", group, "尚在推进", unit, tally.in_progress))
    return rows


def figure_rows(f: FiguresFile) -> list[FigureRow]:
    """All figures as flat rows, in the report's order."""
    st = f.statuses
    rows = _tally_rows("problems", "具体问题", "具体问题总数", "项", f.problems, st)
    rows += _tally_rows("measures", "整改措施", "整改措施总数", "条", f.measures, st)
    if f.discipline:
        d = f.discipline
        g = "执纪问责"
        rows += [
            FigureRow("discipline.cases_filed", g, "党纪政务立案", "件", d.cases_filed),
            FigureRow("discipline.expelled", g, "开除党籍", "人", d.expelled),
            FigureRow("discipline.warned", g, "党内警告", "人", d.warned),
            FigureRow("discipline.admonished", g, "诫勉谈话", "人", d.admonished),
            FigureRow("discipline.organisational", g, "组织处理", "人", d.organisational),
            FigureRow("discipline.recovered", g, "退出违规钱款", "万元", d.recovered),
        ]
    if f.rules:
        rows += [
            FigureRow("rules.new", "建章立制", "新建制度", "项", f.rules.new),
            FigureRow("rules.revised", "建章立制", "修订完善制度", "项", f.rules.revised),
        ]
    if f.common:
        rows += _tally_rows(
            "common.problems", "共性问题", "共性问题总数", "项", f.common.problems, st
        )
        rows += _tally_rows(
            "common.measures", "共性问题", "共性问题整改措施", "条", f.common.measures, st
        )
    if f.self_initiated:
        s = f.self_initiated
        g = "主动认领与发现"
        rows.append(
            FigureRow(
                "self_initiated.claimed_common", g, "主动认领共性问题", "项", s.claimed_common
            )
        )
        rows += _tally_rows("self_initiated.found", g, "主动发现具体问题", "项", s.found, st)
        rows += _tally_rows("self_initiated.measures", g, "相应整改措施", "条", s.measures, st)
    return rows


def figures_csv(report: Report) -> bytes:
    """The figures as CSV, UTF-8 with a BOM so that Excel opens it correctly."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["report", "key", "group", "label", "unit", "value"])
    for row in figure_rows(report.figures):
        text = [neutralise(c) for c in (report.id, row.key, row.group, row.label, row.unit)]
        writer.writerow([*text, str(row.value)])  # formulas in text cells neutralised
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def report_json(report: Report) -> bytes:
    """The validated report as JSON (decimals as exact strings)."""
    data = report.model_dump(mode="json")
    # no indent: json's C encoder only runs without one (5x faster on a large collection)
    return (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8")


def report_schema() -> bytes:
    """The JSON Schema of report.json."""
    schema = Report.model_json_schema(mode="serialization")
    return (json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def data_files(collection: Collection, reports: list[Report]) -> dict[str, bytes]:
    """Downloads: each report's JSON and CSV, and the schema they follow."""
    out = collection_data_files(reports)
    for report in reports:
        out.update(report_data_files(report))
    return out


def collection_data_files(reports: list[Report]) -> dict[str, bytes]:
    """The data files about the whole collection (an incremental build makes them apart)."""
    return {"data/report.schema.json": report_schema(), "data/reports.json": data_index(reports)}


def report_data_files(report: Report) -> dict[str, bytes]:
    """One report's data files: they depend on that report alone."""
    return {
        f"{report.id}/data/report.json": report_json(report),
        f"{report.id}/data/figures.csv": figures_csv(report),
    }


def data_index(reports: list[Report]) -> bytes:
    """``data/reports.json``: every report's data files, so a program finds them from /data/.

    Paths are relative to the site root (where ``data/`` lies), as the site's links are.
    """
    entries = [
        {
            "id": r.id,
            "title": r.title,
            "issuer": r.issuer,
            "published": r.published.isoformat() if r.published else None,
            "page": report_url(r, "full.html"),
            "json": f"{r.id}/data/report.json",
            "csv": f"{r.id}/data/figures.csv",
        }
        for r in sorted(reports, key=lambda r: r.id)
    ]
    data = {"schema": "data/report.schema.json", "reports": entries}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def sitemap(base_url: str, pages: list[Page]) -> bytes:
    """sitemap.xml: absolute URLs, so only written when a base URL is known."""
    base = base_url.rstrip("/") + "/"
    urls = "".join(
        f"  <url><loc>{escape(base + p.url)}</loc></url>\n" for p in pages if p.in_sitemap
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{urls}</urlset>\n"
    ).encode()


def robots(base_url: str | None) -> bytes:
    """robots.txt: everything may be crawled; points at the sitemap when there is one."""
    text = "User-agent: *\nAllow: /\n"
    if base_url:
        text += f"Sitemap: {base_url.rstrip('/')}/sitemap.xml\n"
    return text.encode()
