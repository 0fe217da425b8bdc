"""A round as a whole, and a unit over the rounds: what their pages and data files show.

A round's page lists every unit's report of the round with where it stands (standings.py),
in the order the site lists them, and the same table sorted by each rate on a page of its
own (``…-by-problem.html``, ``…-by-measure.html``): a reader switches order by a link,
no JavaScript. An issuer's page shows its reports side by side, one a round. Both tables
are open data too (``data/rounds/<slug>.csv`` and ``.json``, ``data/issuers/…``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rectify_site.model.report import Report
from rectify_site.model.words import collection_words
from rectify_site.site.standings import (
    KINDS,
    Row,
    Table,
    by_rate,
    table,
    table_csv,
    table_json,
    table_schema,
)
from rectify_site.site.urls import SITE_PAGES, sorted_path, table_path

Order = Literal["listed", "problem", "measure"]

ORDERS: tuple[Order, ...] = ("listed", *KINDS)
"""The orders of a round's table, each on its own page."""


@dataclass(frozen=True)
class TableView:
    """One page's table: its rows in the page's order, and the links around it."""

    table: Table
    rows: list[Row]
    order: Order
    urls: dict[Order, str]
    """The page of each order (a round's; an issuer's table has only ``listed``)."""
    csv: str
    json: str
    words: dict[str, str]
    """The fixed words of the reports' kind: 巡察 for a round of 巡察."""

    @property
    def one_totals_row(self) -> bool:
        """Whether one 合计 row holds both sums: the same units state both kinds."""
        t = self.table
        if set(t.totals) != set(KINDS):
            return False
        return all(r.problem.stated == r.measure.stated for r in t.rows)


def round_views(name: str, slug: str, url: str, reports: Sequence[Report]) -> list[TableView]:
    """A round's table in each order: the listed one at ``url``, then by each rate."""
    t = table("round", name, reports)
    urls: dict[Order, str] = {"listed": url, **{of: sorted_path(url, of) for of in KINDS}}
    words = collection_words({r.inspection.kind for r in reports})
    return [
        TableView(
            t,
            t.rows if order == "listed" else by_rate(t, order),
            order,
            urls,
            table_path(slug, "csv"),
            table_path(slug, "json"),
            words,
        )
        for order in ORDERS
    ]


def issuer_view(name: str, slug: str, url: str, reports: Sequence[Report]) -> TableView:
    """One unit's reports across rounds, in the order its page lists them."""
    t = table("issuer", name, reports)
    words = collection_words({r.inspection.kind for r in reports})
    return TableView(
        t,
        t.rows,
        "listed",
        {"listed": url},
        table_path(slug, "csv"),
        table_path(slug, "json"),
        words,
    )


def table_files(groups: Sequence[tuple[str, str, Sequence[Report]]]) -> dict[str, bytes]:
    """Each round's and issuer's table as CSV and JSON, and the schema they follow.

    ``groups`` holds (slug, name, reports): a slug ``round-…`` is a round, else an issuer.
    """
    out = {SITE_PAGES["table_schema"]: table_schema()}
    for slug, name, reports in groups:
        kind: Literal["round", "issuer"] = "round" if slug.startswith("round-") else "issuer"
        t = table(kind, name, reports)
        out[table_path(slug, "csv")] = table_csv(t)
        out[table_path(slug, "json")] = table_json(t)
    return out
