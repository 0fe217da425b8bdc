"""Where every page and file of the site lives: paths relative to the site root.

Templates never build a path by hand: ``url_for`` (render.py) asks ``path_for`` here, and
turns the answer into a relative link, so the site works under any subpath and from disk.
"""

from __future__ import annotations

import hashlib
from typing import Any

from rectify_site.model.report import Node, Report

SITE_PAGES = {
    "index": "index.html",
    "search": "search.html",
    "data": "data/index.html",
    "rounds": "rounds/index.html",
    "issuers": "issuers/index.html",
    "404": "404.html",
    "atom": "atom.xml",
    "schema": "data/report.schema.json",
    "reports.json": "data/reports.json",
    "table_schema": "data/table.schema.json",
}
"""Pages about the whole site, by name."""

REPORT_PAGES = {
    "index": "index.html",
    "full": "full.html",
    "figures": "figures.html",
    "ledger": "ledger.html",
    "ledger_csv": "data/ledger.csv",
    "ledger_xlsx": "data/ledger.xlsx",
    "json": "data/report.json",
    "csv": "data/figures.csv",
}
"""A report's own pages and files, by name."""


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


def sorted_path(listing_url: str, of: str) -> str:
    """A round's page sorted by one rate: rounds/round-<hash>-by-problem.html."""
    return listing_url.removesuffix(".html") + f"-by-{of}.html"


def table_path(slug: str, ext: str) -> str:
    """A round's or an issuer's table in the open data: data/rounds/round-<hash>.csv."""
    folder = "rounds" if slug.startswith("round-") else "issuers"
    return f"data/{folder}/{slug}.{ext}"


def report_path(report: Report, page: str = "index") -> str:
    """One of a report's pages or files: report_path(r, "full") -> huangpu-12-2/full.html."""
    return f"{report.id}/{REPORT_PAGES[page]}"


def category_path(report: Report, node: Node) -> str:
    """A category's own page."""
    return f"{report.id}/categories/{node.anchor}.html"


class NodePaths:
    """Where each node of a report is best read: its category's page, else the full text."""

    def __init__(self, report: Report) -> None:
        self.paths: dict[str, str] = {}
        full = report_path(report, "full")
        for part in report.parts:
            self._place(report, part, None, full)

    def _place(self, report: Report, node: Node, page: str | None, full: str) -> None:
        if node.role == "category":
            page = category_path(report, node)
            self.paths[node.anchor] = page
        else:
            self.paths[node.anchor] = f"{page or full}#{node.anchor}"
        for child in node.children:
            self._place(report, child, page, full)

    def __getitem__(self, node: Node) -> str:
        return self.paths[node.anchor]


_NODE_PATHS: dict[int, tuple[Report, NodePaths]] = {}

NODE_PATHS_KEPT = 16
"""Reports whose node paths are kept: a report's pages render one after another, so a
few suffice; more would keep whole reports alive (the build's parent holds summaries)."""


def node_path(report: Report, node: Node) -> str:
    """A node's page (a category) or its anchor on the page that shows it."""
    hit = _NODE_PATHS.get(id(report))
    if hit is None or hit[0] is not report:
        while len(_NODE_PATHS) >= NODE_PATHS_KEPT:
            del _NODE_PATHS[next(iter(_NODE_PATHS))]  # the oldest
        hit = _NODE_PATHS[id(report)] = (report, NodePaths(report))
    return hit[1][node]


def path_for(target: Any, *args: Any) -> str:
    """The site path of anything that has one.

    ``path_for("search")`` a site page; ``path_for(report)``, ``path_for(report, "full")``
    a report's page or file; ``path_for(report, node)`` a node; ``path_for(listing)`` an
    issuer's or a round's listing (anything with a ``url``).
    """
    if isinstance(target, str):
        return SITE_PAGES[target]
    if isinstance(target, Report):
        if args and isinstance(args[0], Node):
            return node_path(target, args[0])
        return report_path(target, *args)
    url = getattr(target, "url", None)
    if isinstance(url, str):
        return url
    raise TypeError(f"no URL for {type(target).__name__}")
