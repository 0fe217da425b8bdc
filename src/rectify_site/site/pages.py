"""The site's pages: which exist, their paths, templates and what each shows.

Everything here is derived from a validated Collection; nothing is rendered or written.
Paths are relative to the site root ("huangpu-12-2/full.html"), from urls.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rectify_site.model.collection import Collection
from rectify_site.model.dates import key as date_key
from rectify_site.model.markdown import plain_text
from rectify_site.model.report import Node, Report
from rectify_site.model.words import DEFAULT_KIND, collection_words
from rectify_site.site.figure_views import HeadlineFigure, changes, figure_tables, headline
from rectify_site.site.ledger_pages import ledger_sheets
from rectify_site.site.rounds import issuer_view, round_views
from rectify_site.site.shards import shards_for
from rectify_site.site.urls import (
    SITE_PAGES,
    category_path,
    issuer_slug,
    report_path,
    round_slug,
    table_path,
)


@dataclass(frozen=True)
class Page:
    """One HTML page: where it goes, which template renders it, and with what."""

    url: str
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    report_id: str | None = None
    """The report this page belongs to (its search shard, its placeholders)."""
    in_sitemap: bool = True
    shows: tuple[str, ...] = ()
    """The reports whose content the page shows (ids): with its template, the options and
    ``values``, all it is made from. An incremental build renders it again only when one
    of these reports' files changed (build.inputs.page_keys)."""
    values: tuple[Any, ...] = ()
    """What else the page shows that no report's files hold (the fixed words, which follow
    the kinds of every report), compared by value."""


def _newest_first_key(r: Report) -> tuple[Any, ...]:
    feedback = r.inspection.feedback or r.published
    published = r.published or feedback
    return (
        feedback is not None,
        date_key(feedback) if feedback else (),
        date_key(published) if published else (),
        r.id,
    )


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
    headlines: dict[str, tuple[HeadlineFigure, ...]]
    words: dict[str, str]
    """The fixed words for pages about many reports (巡视, 巡察 or both)."""


def _group(reports: list[Report], key: Any, prefix: str, slug: Any) -> list[Listing]:
    groups: dict[str, list[Report]] = {}
    for r in reports:  # already newest first, so each group is too
        groups.setdefault(key(r), []).append(r)
    return [Listing(slug(k), k, rs, f"{prefix}/{slug(k)}.html") for k, rs in groups.items()]


def collection_view(reports: list[Report], kind: str = DEFAULT_KIND) -> CollectionView:
    """Group and order the reports; which report follows which is derived from dates.
    ``kind`` gives the words while no report is shown (site.yaml's ``kind``)."""
    ordered = sorted(reports, key=_newest_first_key, reverse=True)
    rounds = _group(ordered, lambda r: r.round_name, "rounds", round_slug)
    issuers = _group(ordered, lambda r: r.issuer, "issuers", issuer_slug)
    issuer_of = {r.id: listing for listing in issuers for r in listing.reports}
    previous = {
        newer.id: older
        for listing in issuers
        for newer, older in zip(listing.reports, listing.reports[1:], strict=False)
    }
    kinds = {r.inspection.kind for r in reports} or {kind}
    return CollectionView(
        ordered,
        rounds,
        issuers,
        issuer_of,
        previous,
        {r.id: headline(r) for r in ordered},
        collection_words(kinds),
    )


def site_name(collection: Collection) -> str:
    """The site's name: site.yaml's, else the fixed words of the reports' kinds."""
    if collection.site.name:
        return collection.site.name
    kinds = {r.inspection.kind for r in collection.reports + collection.drafts}
    return collection_words(kinds or {collection.site.kind or DEFAULT_KIND})["site_name"]


def _parents(report: Report) -> dict[str, Node]:
    out: dict[str, Node] = {}
    for node in report.nodes():
        for child in node.children:
            out[child.anchor] = node
    return out


def report_pages(report: Report, view: CollectionView) -> list[Page]:
    """A report's overview, full text, figures and one page per category."""
    return [overview_page(report, view), *own_pages(report)]


def overview_page(report: Report, view: CollectionView) -> Page:
    """A report's overview: the only page of a report that shows other reports (its
    series, the one before it), so the only one that needs the collection's view."""
    previous = view.previous.get(report.id)
    series = view.issuer_of[report.id]
    overview = {
        "report": report,
        "series": series,
        "previous": previous,
        "changes": changes(previous, report) if previous else [],
        # only the series' own headlines: the page shows the series, not the collection
        "headlines": {r.id: view.headlines[r.id] for r in series.reports},
        "collection_words": view.words,
    }
    return Page(
        report_path(report),
        "report.html",
        report.title,
        overview,
        report.id,
        shows=tuple(r.id for r in series.reports),
        values=(view.words,),
    )


def own_pages(report: Report) -> list[Page]:
    """The pages that show one report and nothing else (full text, figures, ledger,
    categories): made from the report alone, before the rest of the collection is known."""
    ctx: dict[str, Any] = {"report": report}
    own = (report.id,)
    pages = [
        Page(
            report_path(report, "full"),
            "full.html",
            f"{report.title}（全文）",
            ctx,
            report.id,
            shows=own,
        ),
        Page(
            report_path(report, "figures"),
            "figures.html",
            f"{report.title}：统计数字",
            {**ctx, "tables": figure_tables(report.figures)},
            report.id,
            shows=own,
        ),
    ]
    for url, sheet in ledger_sheets(report):  # only where the issuer publishes its ledger
        title = "整改台账" if sheet.page == "index" else f"整改台账：{sheet.title}"
        pages.append(
            Page(
                url,
                "ledger.html",
                f"{report.title}：{title}",
                {**ctx, "ledger": sheet},
                report.id,
                shows=own,
            )
        )
    cats = report.categories()
    parents = _parents(report)
    for i, cat in enumerate(cats):
        pages.append(
            Page(
                category_path(report, cat),
                "category.html",
                plain_text(f"{cat.number}{cat.heading or ''}"),
                {
                    **ctx,
                    "category": cat,
                    "parent": parents.get(cat.anchor),
                    "prev": cats[i - 1] if i > 0 else None,
                    "next": cats[i + 1] if i + 1 < len(cats) else None,
                },
                report.id,
                shows=own,
            )
        )
    return pages


def pages_for(collection: Collection, *, include_drafts: bool = False) -> list[Page]:
    """Every HTML page of the site, in a stable order: the collection's, then each report's."""
    shown = collection.reports + (collection.drafts if include_drafts else [])
    whole = {r.id: r for r in shown}
    # the overviews and the pages about many reports see summaries, as in a build
    view = collection_view([r.summary() for r in shown], collection.site.kind or DEFAULT_KIND)
    pages = collection_pages(collection, view)
    for report in view.reports:
        pages += [overview_page(report, view), *own_pages(whole[report.id])]
    return pages


def collection_pages(collection: Collection, view: CollectionView) -> list[Page]:
    """The pages about the whole collection: home, listings, 404, search, open data."""
    reports = view.reports
    w = view.words
    name = site_name(collection)
    common = {"collection_words": w}
    every = tuple(r.id for r in reports)
    shards = shards_for(every)

    def about(url: str, template: str, title: str, ctx: dict[str, Any], **kw: Any) -> Page:
        """A page about the whole collection: it shows every report."""
        return Page(url, template, title, ctx, shows=every, values=(w,), **kw)

    pages = [
        about(
            SITE_PAGES["index"], "index.html", name, {"reports": reports, "view": view, **common}
        ),
        about(
            SITE_PAGES["issuers"],
            "listing.html",
            "按发布机关浏览",
            {"view": view, "listings": view.issuers, "kind": "issuer", **common},
        ),
        about(
            SITE_PAGES["rounds"],
            "listing.html",
            w["by_round"],
            {"view": view, "listings": view.rounds, "kind": "round", **common},
        ),
        about(
            SITE_PAGES["404"],
            "404.html",
            "页面未找到",
            {"reports": reports, "root_links": True, **common},
            in_sitemap=False,
        ),
        Page(
            SITE_PAGES["search"],
            "search.html",
            "搜索",
            {"shards": shards, **common},
            in_sitemap=False,
            values=(w, shards),  # only which shards there are, not what they hold
        ),
        about(
            SITE_PAGES["data"],
            "data.html",
            "开放数据",
            {"reports": reports, "view": view, "table_path": table_path, **common},
        ),
    ]
    for listing in view.issuers:
        shows = tuple(r.id for r in listing.reports)
        pages.append(
            Page(
                listing.url,
                "listing.html",
                listing.name,
                {
                    "headlines": {r.id: view.headlines[r.id] for r in listing.reports},
                    "listings": [listing],
                    "kind": "issuer",
                    "single": True,
                    "standings": issuer_view(
                        listing.name, listing.slug, listing.url, listing.reports
                    ),
                    **common,
                },
                shows=shows,
                values=(w,),
            )
        )
    for listing in view.rounds:
        shows = tuple(r.id for r in listing.reports)
        for tv in round_views(listing.name, listing.slug, listing.url, listing.reports):
            sorted_by = "" if tv.order == "listed" else f"（按{ORDER_NAMES[tv.order]}完成率排列）"
            pages.append(
                Page(
                    tv.urls[tv.order],
                    "round.html",
                    listing.name + sorted_by,
                    {
                        "listing": listing,
                        "standings": tv,
                        "order_names": ORDER_NAMES,
                        "headlines": {r.id: view.headlines[r.id] for r in listing.reports},
                        **common,
                    },
                    shows=shows,
                    values=(w,),
                )
            )
    return pages


ORDER_NAMES = {"listed": "单位", "problem": "具体问题", "measure": "整改措施"}
"""How each order of a round's table reads (按具体问题完成率排列)."""


def table_groups(view: CollectionView) -> list[tuple[str, str, list[Report]]]:
    """Every round and issuer as (slug, name, reports), for their tables' data files."""
    return [(g.slug, g.name, g.reports) for g in view.rounds + view.issuers]
