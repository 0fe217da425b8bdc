"""Figures as readers see them: table rows, headlines, and changes between reports.

Every label, unit and group comes from the report's content; the code only decides the
order (the report's) and which derived rows exist: a remainder only where the content
names it, a rate only where the content declares one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rectify_site.model.numbering import qualified
from rectify_site.model.report import Figure, Figures, Report


@dataclass(frozen=True)
class FigureRow:
    """One statistic: a stable key, what it counts, its unit and value."""

    key: str
    group: str
    label: str
    unit: str
    value: int | Decimal
    qualifier: str | None = None
    """余, 万余, 以上, 近 …: printed where the report writes it (``written``)."""
    part_of: str | None = None
    """The total a status, remainder or rate row belongs to (its label), else None."""

    @property
    def written(self) -> tuple[str, str, str]:
        """(before the number, after it, the unit) as the report writes this value."""
        return qualified(self.unit, self.qualifier)

    @property
    def is_rate(self) -> bool:
        """A rate (a percentage of its total), not a count that is part of it."""
        return self.key.endswith(".rate")


@dataclass(frozen=True)
class FigureTable:
    """One group of a report's figures, as a table."""

    caption: str | None
    rows: list[FigureRow]


def figure_row_list(figures: Figures, figure: Figure, group: str) -> list[FigureRow]:
    """The rows of one figure: a value, or a tally's total, statuses, remainder and rate."""
    unit = figure.unit or ""
    if not figure.is_tally:
        assert figure.value is not None
        return [
            FigureRow(
                figure.path, group, figure.label, unit, figure.value, qualifier=figure.qualifier
            )
        ]
    assert figure.total is not None
    rows = [FigureRow(f"{figure.path}.total", group, figure.label, unit, figure.total)]
    for key, count in figure.by_status.items():
        label = figures.statuses[key].label if key in figures.statuses else key
        rows.append(
            FigureRow(f"{figure.path}.{key}", group, label, unit, count, part_of=figure.label)
        )
    if figure.remainder_label is not None and figure.remainder is not None:
        rows.append(
            FigureRow(
                f"{figure.path}.remainder",
                group,
                figure.remainder_label,
                unit,
                figure.remainder,
                part_of=figure.label,
            )
        )
    if figure.rate is not None:
        label = figure.rate.label or figure.label
        rate = Decimal(figure.rate.value)
        rows.append(FigureRow(f"{figure.path}.rate", group, label, "%", rate, part_of=figure.label))
    return rows


def figure_tables(figures: Figures) -> list[FigureTable]:
    """Every group as a table, in the report's order."""
    return [
        FigureTable(
            g.label,
            [r for f in g.figures for r in figure_row_list(figures, f, g.label or "")],
        )
        for g in figures.groups
    ]


def figure_rows(figures: Figures) -> list[FigureRow]:
    """All figures as flat rows, in the report's order (the CSV, the changes)."""
    return [row for table in figure_tables(figures) for row in table.rows]


@dataclass(frozen=True)
class HeadlineFigure:
    """A headline tally for lists: 具体问题 57 项，已整改 48 项."""

    label: str
    unit: str
    total: int
    done: tuple[tuple[str, int], ...]
    """The done statuses' labels and counts, in order."""
    rate: str | None
    rate_label: str | None


def headline(report: Report) -> tuple[HeadlineFigure, ...]:
    """The figures a report marks as its headline, with the statuses that count as done."""
    f = report.figures
    return tuple(
        HeadlineFigure(
            t.label,
            t.unit or "",
            t.total or 0,
            tuple((s.label, n) for s, n in f.done_statuses(t)),
            t.rate.value if t.rate else None,
            t.rate.label if t.rate else None,
        )
        for t in f.headlines()
    )


@dataclass(frozen=True)
class Change:
    """One figure in two successive reports of an issuer: 已整改 48 -> 55."""

    group: str
    label: str
    unit: str
    before: int | Decimal
    after: int | Decimal
    part_of: str | None = None
    """As FigureRow.part_of: the total this row is a part of."""

    @property
    def delta(self) -> int | Decimal:
        return self.after - self.before


def changes(previous: Report, current: Report) -> list[Change]:
    """Figures both reports state, in the current report's order, derived (never typed)."""
    before = {row.key: row for row in figure_rows(previous.figures)}
    return [
        Change(row.group, row.label, row.unit, before[row.key].value, row.value, row.part_of)
        for row in figure_rows(current.figures)
        if row.key in before and before[row.key].unit == row.unit
    ]
