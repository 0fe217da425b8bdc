"""The published ledger (整改台账) as pages and downloads, for reports whose issuer publishes it.

Only for ``ledger: {publish: true}`` in report.yaml; otherwise nothing here runs and not a
word of the ledger reaches the site. The pages::

    <report>/ledger.html                  every problem with its measures, by category and aspect
    <report>/ledger/status-<key>.html     the rows of one status
    <report>/ledger/open.html             the rows whose status cell is empty (not done yet)
    <report>/ledger/unit-<hash>.html      the rows of one responsible unit
    <report>/data/ledger.csv, ledger.xlsx the published columns, for download

The filters are plain links to pre-rendered pages, so they work without JavaScript; every
row has an id, and each problem's number links to its row on the full ledger page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from rectify_site.model.ledger import AspectRef, Column, Count, Ledger, Measure, Problem, StatusRef
from rectify_site.model.markdown import plain_text
from rectify_site.model.report import Node, Report
from rectify_site.site.ledger_downloads import cell_values, ledger_csv, ledger_xlsx, published
from rectify_site.site.urls import report_path

PROBLEM_CELLS = ("序号", "具体问题", "问题状态")
"""Columns shown once per problem (spanning its rows); 方面 is the heading above."""

NOT_DONE = "尚未完成"
"""How an empty status cell reads where the report names no remainder."""

OPEN = "open"
"""The filter (and page, ``ledger/open.html``) of rows whose status cell is empty: apart
from the ``status-<key>`` pages, so that no status key can take its name."""


def ledger_path(report: Report, page: str = "index") -> str:
    """``ledger.html``, a filtered page, or a download of a report's published ledger."""
    if page == "index":
        return report_path(report, "ledger")
    if page in ("csv", "xlsx"):
        return report_path(report, f"ledger_{page}")
    return f"{report.id}/ledger/{page}.html"


def _status_page(key: str) -> str:
    return OPEN if key == OPEN else f"status-{key}"


def unit_page(unit: str) -> str:
    """A responsible unit's filter page name: a short hash of its exact name, ASCII."""
    return "unit-" + hashlib.sha256(unit.encode("utf-8")).hexdigest()[:10]


def is_published(report: Report) -> bool:
    return report.ledger is not None and report.ledger_options.publish


# --- the view -------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    column: str
    value: str | int


@dataclass(frozen=True)
class Row:
    """One measure row; the problem's cells on its first row shown, spanning ``span`` rows."""

    anchor: str
    problem_anchor: str
    first: bool
    span: int
    problem_cells: tuple[Cell, ...]
    measure_cells: tuple[Cell, ...]


@dataclass(frozen=True)
class AspectRows:
    anchor: str
    number: str
    heading: str
    rows: tuple[Row, ...]
    problems: int
    measures: int


@dataclass(frozen=True)
class CategoryRows:
    anchor: str | None
    number: str
    heading: str
    aspects: tuple[AspectRows, ...]
    problems: int
    measures: int


@dataclass(frozen=True)
class Filter:
    label: str
    url: str
    count: int
    current: bool = False


@dataclass(frozen=True)
class LedgerView:
    """What ``ledger.html`` shows, for the whole ledger or one filter of it."""

    title: str
    """The filter shown (全部, 已完成, a unit's name)."""
    problem_columns: tuple[str, ...]
    measure_columns: tuple[str, ...]
    categories: tuple[CategoryRows, ...]
    problems: int
    measures: int
    problem_totals: tuple[tuple[str, int], ...]
    """The whole ledger's problems by status label (those not done yet last)."""
    measure_totals: tuple[tuple[str, int], ...]
    """The whole ledger's measures by status label."""
    status_filters: tuple[Filter, ...]
    unit_filters: tuple[Filter, ...]
    all_url: str
    is_all: bool
    downloads: tuple[tuple[str, str], ...] = field(default=())
    """(label, path) of the CSV and XLSX."""


def aspect_refs(report: Report) -> list[AspectRef]:
    """The report's aspects as the ledger names them, each with its category."""
    out: list[AspectRef] = []

    def walk(node: Node, category: str | None) -> None:
        if node.role == "category":
            category = node.anchor
        if node.role == "aspect":
            heading = plain_text(node.heading or "")
            out.append(AspectRef(node.id or node.anchor, heading, category, node.number))
        for child in node.children:
            walk(child, category)

    for part in report.parts:
        walk(part, None)
    return out


def status_refs(report: Report) -> dict[str, StatusRef]:
    return {k: StatusRef(s.label, s.done) for k, s in report.figures.statuses.items()}


def open_labels(report: Report) -> dict[str, str | None]:
    """Role -> the label the report gives what is not done yet (a tally's remainder)."""
    out: dict[str, str | None] = {}
    for f in report.figures.all():
        if f.counts and f.remainder_label and f.scope is None:
            out.setdefault(f.counts, f.remainder_label)
    return out


def _columns(report: Report) -> list[Column]:
    assert report.ledger is not None
    have = report.ledger.columns
    return [c for c in report.ledger_options.publish_columns if c in have]


class _Builder:
    def __init__(self, report: Report) -> None:
        assert report.ledger is not None
        self.report = report
        self.ledger: Ledger = report.ledger
        self.aspects = aspect_refs(report)
        self.by_id = {a.id: a for a in self.aspects}
        self.statuses = status_refs(report)
        self.opened = open_labels(report)
        self.columns = _columns(report)
        self.problem_columns = tuple(c for c in self.columns if c in PROBLEM_CELLS)
        self.measure_columns = tuple(
            c for c in self.columns if c not in PROBLEM_CELLS and c != "方面"
        )
        self.problem_status = "问题状态" in self.columns
        self.measure_status = "措施状态" in self.columns

    def totals(self, count: Count, role: str) -> tuple[tuple[str, int], ...]:
        out = [(self.label(k, role), n) for k, n in count.by_status.items()]
        if count.open:
            out.append((self.label(None, role), count.open))
        return tuple(out)

    def label(self, key: str | None, role: str) -> str:
        """A status as it reads; an empty cell as the report's remainder label, or 尚未完成."""
        if key is None:
            return self.opened.get(role) or NOT_DONE
        return self.statuses[key].label if key in self.statuses else key

    def matches(self, key: str) -> Callable[[Problem, Measure], bool]:
        """Rows of a status, by the status columns that are published: the measure's, or its
        problem's (open: the measure's status cell empty)."""
        by_m, by_p = self.measure_status, self.problem_status
        if key == OPEN:  # a measure not done yet; the problem's cell where it is all there is
            return (lambda p, m: m.status is None) if by_m else (lambda p, m: p.status is None)
        return lambda p, m: (by_m and m.status == key) or (by_p and p.status == key)

    def status_keys(self) -> list[str]:
        """The statuses to filter by: only those of the published status columns."""
        if not (self.problem_status or self.measure_status):
            return []
        used: set[str | None] = set()  # the statuses named, None for an empty cell
        for p in self.ledger.problems:
            if self.problem_status:
                used.add(p.status)
            if self.measure_status:
                used.update(m.status for m in p.measures)
        keys = [k for k in self.statuses if k in used]
        open_ = self.matches(OPEN)
        if any(open_(p, m) for p in self.ledger.problems for m in p.measures):
            keys.append(OPEN)
        return keys

    def units(self) -> list[str]:
        """The responsible units to filter by: none unless 责任单位 is published."""
        return self.ledger.units() if "责任单位" in self.columns else []

    def filters(self, current: str | None) -> tuple[tuple[Filter, ...], tuple[Filter, ...]]:
        report, led = self.report, self.ledger
        statuses = []
        for k in self.status_keys():
            match = self.matches(k)
            count = sum(1 for p in led.problems for m in p.measures if match(p, m))
            page = _status_page(k)
            label = self.label(None if k == OPEN else k, "measure")
            statuses.append(Filter(label, ledger_path(report, page), count, current == page))
        units = tuple(
            Filter(
                u,
                ledger_path(report, unit_page(u)),
                sum(1 for m in led.measures() if m.unit == u),
                current == unit_page(u),
            )
            for u in self.units()
        )
        return tuple(statuses), units

    def view(
        self, title: str, keep: Callable[[Problem, Measure], bool], current: str | None
    ) -> LedgerView:
        report, led = self.report, self.ledger
        by_aspect: dict[str, list[Problem]] = {}
        for p in led.problems:
            by_aspect.setdefault(p.aspect, []).append(p)
        categories: list[CategoryRows] = []
        cat_nodes = {c.anchor: c for c in report.categories()}
        groups: dict[str | None, list[AspectRows]] = {}
        for a in self.aspects:
            rows: list[Row] = []
            n_problems = 0
            for p in by_aspect.get(a.id, []):
                shown = [(k, m) for k, m in enumerate(p.measures, start=1) if keep(p, m)]
                if not shown:
                    continue
                n_problems += 1
                for i, (k, m) in enumerate(shown):
                    values = cell_values(p, m, self.by_id, self.statuses, self.opened)
                    values["问题状态"] = self.label(p.status, "problem")
                    values["措施状态"] = self.label(m.status, "measure")
                    rows.append(
                        Row(
                            anchor=f"{p.anchor}-{k}",
                            problem_anchor=p.anchor,
                            first=i == 0,
                            span=len(shown),
                            problem_cells=tuple(Cell(c, values[c]) for c in self.problem_columns),
                            measure_cells=tuple(Cell(c, values[c]) for c in self.measure_columns),
                        )
                    )
            if rows:
                node_anchor = a.id
                groups.setdefault(a.category, []).append(
                    AspectRows(node_anchor, a.number, a.heading, tuple(rows), n_problems, len(rows))
                )
        for cat, aspects in groups.items():
            node = cat_nodes.get(cat) if cat else None
            categories.append(
                CategoryRows(
                    cat,
                    node.number if node else "",
                    plain_text(node.heading or "") if node else "",
                    tuple(aspects),
                    sum(a.problems for a in aspects),
                    sum(a.measures for a in aspects),
                )
            )
        # counts by status only where the status column is published
        problem_totals = self.totals(led.count("problem"), "problem") if self.problem_status else ()
        measure_totals = self.totals(led.count("measure"), "measure") if self.measure_status else ()
        status_filters, unit_filters = self.filters(current)
        return LedgerView(
            title=title,
            problem_columns=self.problem_columns,
            measure_columns=self.measure_columns,
            categories=tuple(categories),
            problems=sum(c.problems for c in categories),
            measures=sum(c.measures for c in categories),
            problem_totals=problem_totals,
            measure_totals=measure_totals,
            status_filters=status_filters,
            unit_filters=unit_filters,
            all_url=ledger_path(report),
            is_all=current is None,
            downloads=(
                ("整改台账（CSV）", ledger_path(report, "csv")),
                ("整改台账（XLSX）", ledger_path(report, "xlsx")),
            ),
        )


@dataclass(frozen=True)
class LedgerSheet:
    """One ledger page of a report, made only when it is rendered.

    The rows are laid out only for a page that is rendered: an unchanged ledger, whose
    pages an incremental build keeps, costs nothing but this.
    """

    report: Report
    page: str
    """``index``, ``status-<key>`` or ``unit-<hash>``."""
    title: str
    """The filter's label (全部, 已完成, a unit's name)."""

    @cached_property
    def view(self) -> LedgerView:
        b = _Builder(self.report)
        if self.page == "index":
            return b.view(self.title, lambda p, m: True, None)
        if self.page == OPEN:
            return b.view(self.title, b.matches(OPEN), self.page)
        if self.page.startswith("status-"):
            return b.view(self.title, b.matches(self.page[len("status-") :]), self.page)
        unit = self.title
        return b.view(unit, lambda p, m: m.unit == unit, self.page)


def ledger_sheets(report: Report) -> list[tuple[str, LedgerSheet]]:
    """Every ledger page of a report: (path, sheet), the whole ledger first."""
    if not is_published(report):
        return []
    b = _Builder(report)
    out = [(ledger_path(report), LedgerSheet(report, "index", "全部"))]
    for key in b.status_keys():
        page = _status_page(key)
        title = b.label(None if key == OPEN else key, "measure")
        out.append((ledger_path(report, page), LedgerSheet(report, page, title)))
    for unit in b.units():
        page = unit_page(unit)
        out.append((ledger_path(report, page), LedgerSheet(report, page, unit)))
    return out


def ledger_downloads(report: Report) -> dict[str, bytes]:
    """The published ledger's CSV and XLSX (nothing when the issuer does not publish it)."""
    if not is_published(report) or report.ledger is None:
        return {}
    table = published(
        report.ledger,
        _columns(report),
        aspect_refs(report),
        status_refs(report),
        open_labels(report),
    )
    return {
        ledger_path(report, "csv"): ledger_csv(table),
        ledger_path(report, "xlsx"): ledger_xlsx(table),
    }
