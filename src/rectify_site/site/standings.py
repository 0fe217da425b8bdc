"""Where each unit stands: its problems and measures, and what a round adds up to.

A commission reads a round as a whole: every unit's 具体问题 and 整改措施 (total, done,
rate) side by side, and their sum. Only tallies that say what they count (``of``, or
``counts``) take part, and never one that is ``part_of`` another: nothing is matched by
label, so a unit that declares nothing shows ``None`` (未说明), never 0, and is left out
of the sum, with the number of units that are in it said beside it.

The table made here is what the round and issuer pages show, and the CSV and JSON of the
open data (its JSON Schema from the same models: ``table_schema``). No I/O.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict

from rectify_site.model.report import Figure, Figures, Report
from rectify_site.site.csvsafe import neutralise
from rectify_site.site.urls import report_path

KINDS: tuple[Literal["problem", "measure"], ...] = ("problem", "measure")
"""What a roll-up adds: a report's problems (具体问题) and its measures (整改措施)."""

RATE_PLACES = 1
"""Decimal places of a rate the site derives (a stated rate keeps the report's own)."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class Standing(_Model):
    """One kind (problems or measures) of one report; None where the report states none."""

    total: int | None
    """The total of the report's tallies of this kind (not counting their parts)."""
    done: int | None
    """How many of them are done (the done statuses), where the report says so."""
    rate: str | None
    """The done share in percent, as printed without the % sign: stated, else derived."""
    rate_stated: bool = False
    """Whether the report states this rate itself (else the site derived it)."""

    @property
    def ratio(self) -> Fraction | None:
        """The exact done share, for sorting; None where it is not known."""
        if self.done is None or not self.total:
            return None
        return Fraction(self.done, self.total)

    @property
    def stated(self) -> bool:
        """Whether it can be added to a round's sum: total and done both known."""
        return self.total is not None and self.done is not None


class Row(_Model):
    """One report of the table: the unit, its round, and where it stands."""

    report: str
    """The report's id (its folder)."""
    issuer: str
    """发布机关: the unit."""
    title: str
    round: str
    """The round (轮次) the report answers."""
    kind: str
    """巡视 or 巡察."""
    feedback: dt.date | None
    """The date the inspection's feedback was given, if stated."""
    page: str
    """The report's page, relative to the site root."""
    problem: Standing
    measure: Standing


class Sum(_Model):
    """One kind added over the units that state it."""

    total: int
    done: int
    rate: str | None
    """Derived from the sums; None when the total is 0."""
    units: int
    """How many units are in the sum."""
    of: int
    """How many units the table holds."""


class Table(_Model):
    """A round's units, or one unit's reports across rounds, as the site shows them."""

    table: Literal["round", "issuer"]
    """Which: every unit of one round, or one unit over the rounds."""
    name: str
    """The round's or the unit's name."""
    rows: list[Row]
    """In the order the site lists them."""
    totals: dict[Literal["problem", "measure"], Sum]
    """For a round of more than one unit: each kind that some unit states, added."""


def rate_text(done: int, total: int, places: int = RATE_PLACES) -> str:
    """48 of 57 -> '84.2': half up, as Chinese reports round."""
    quantum = Decimal(1).scaleb(-places)
    value = (Decimal(100) * done / total).quantize(quantum, rounding=ROUND_HALF_UP)
    return format(value, "f")


def _done_known(f: Figure, figures: Figures) -> bool:
    """A tally derived from a list knows every status; a typed one only those it gives."""
    statuses = figures.statuses
    return f.derived or any(k in statuses and statuses[k].done for k in f.by_status)


def wholes(report: Report, of: str) -> list[Figure]:
    """The report's tallies of one kind that are no part of another: what is added."""
    return [f for f in report.figures.all() if f.is_tally and f.of == of and f.part_of is None]


def standing(report: Report, of: str) -> Standing:
    """Where one report stands on one kind, as it states or derives it."""
    found = wholes(report, of)
    if not found:
        return Standing(total=None, done=None, rate=None)
    total = sum(f.total or 0 for f in found)
    if not all(_done_known(f, report.figures) for f in found):
        return Standing(total=total, done=None, rate=None)
    done = sum(f.done or 0 for f in found)
    if len(found) == 1 and found[0].rate is not None:
        return Standing(total=total, done=done, rate=found[0].rate.value, rate_stated=True)
    return Standing(total=total, done=done, rate=rate_text(done, total) if total else None)


def row(report: Report) -> Row:
    """One report's row."""
    return Row(
        report=report.id,
        issuer=report.issuer,
        title=report.title,
        round=report.round_name,  # the one it names, else its year (no round invented)
        kind=report.inspection.kind,
        feedback=report.inspection.feedback,
        page=report_path(report),
        problem=standing(report, "problem"),
        measure=standing(report, "measure"),
    )


def add(rows: list[Row], of: Literal["problem", "measure"]) -> Sum | None:
    """One kind added over the rows that state it; None when none does."""
    stated = [s for r in rows if (s := getattr(r, of)).stated]
    if not stated:
        return None
    total = sum(s.total or 0 for s in stated)
    done = sum(s.done or 0 for s in stated)
    rate = rate_text(done, total) if total else None
    return Sum(total=total, done=done, rate=rate, units=len(stated), of=len(rows))


def table(kind: Literal["round", "issuer"], name: str, reports: Iterable[Report]) -> Table:
    """The table of a round (with its sums, when it has more than one unit) or of a unit."""
    rows = [row(r) for r in reports]
    totals: dict[Literal["problem", "measure"], Sum] = {}
    if kind == "round" and len(rows) > 1:  # one unit's sum would only repeat its row
        for of in KINDS:
            if (s := add(rows, of)) is not None:
                totals[of] = s
    return Table(table=kind, name=name, rows=rows, totals=totals)


def by_rate(t: Table, of: Literal["problem", "measure"]) -> list[Row]:
    """The rows by rate, highest first; ties and units that state none keep their order."""
    known = [r for r in t.rows if getattr(r, of).ratio is not None]
    unknown = [r for r in t.rows if getattr(r, of).ratio is None]
    return sorted(known, key=lambda r: getattr(r, of).ratio, reverse=True) + unknown


CSV_COLUMNS = [
    "report",
    "issuer",
    "title",
    "round",
    "kind",
    "feedback",
    "problems_total",
    "problems_done",
    "problems_rate",
    "measures_total",
    "measures_done",
    "measures_rate",
]
"""The table's CSV: one row a report, an empty cell where the report states nothing."""


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def table_csv(t: Table) -> bytes:
    """The rows as CSV, UTF-8 with a BOM (Excel); sums are in the JSON, never a row here."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in t.rows:
        text = [neutralise(c) for c in (r.report, r.issuer, r.title, r.round, r.kind)]
        figures = [
            _cell(v)
            for s in (r.problem, r.measure)
            for v in (s.total, s.done, s.rate)  # numbers stay numbers
        ]
        writer.writerow([*text, _cell(r.feedback and r.feedback.isoformat()), *figures])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def table_json(t: Table) -> bytes:
    """The table as JSON, following ``data/table.schema.json``."""
    data = {"schema": "data/table.schema.json", **t.model_dump(mode="json")}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def table_schema() -> bytes:
    """The JSON Schema of every table's JSON (a round's and a unit's)."""
    schema = Table.model_json_schema(mode="serialization")
    schema["properties"]["schema"] = {"type": "string", "description": "This schema's path."}
    return (json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
