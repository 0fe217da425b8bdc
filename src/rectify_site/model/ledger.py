"""The ledger (整改台账) as data: problems and measures, their statuses, the roll-ups.

The office keeps one row per measure (整改措施) in Excel; a problem (具体问题) with several
measures spans several rows. ``rectify_site.load.xlsx`` reads ``<report>/ledger.xlsx``
into the ``Ledger`` below, with Excel's own row and column on every finding; the columns
it knows are ``Column``, matched by name, in any order::

    序号 方面 具体问题 整改措施 责任单位 责任领导 完成时限 问题状态 措施状态 完成日期 备注

The ledger needs only a small view of the report: its aspects (:class:`AspectRef`) and its
statuses (:class:`StatusRef`); the roll-ups count problems and measures, in all or inside
a set of aspects, by status. ``rectify_site.site.ledger_downloads`` writes the template
and the published CSV and XLSX.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict

from rectify_site.errors import Diagnostic, diag

FILENAME = "ledger.xlsx"

Column = Literal[
    "序号",
    "方面",
    "具体问题",
    "整改措施",
    "责任单位",
    "责任领导",
    "完成时限",
    "问题状态",
    "措施状态",
    "完成日期",
    "备注",
]
HEADERS: tuple[Column, ...] = get_args(Column)
"""Every column the ledger knows, in the template's order."""
REQUIRED_HEADERS: tuple[Column, ...] = ("序号", "方面", "具体问题", "整改措施")
PROBLEM_COLUMNS: tuple[Column, ...] = ("序号", "方面", "具体问题", "问题状态")
"""The problem's own cells: merged over its rows, or filled on its first row only."""
PRIVATE_COLUMNS: tuple[Column, ...] = ("责任领导", "备注")
"""Not published unless ``publish_columns`` names them: leaders' names are personal data."""
DEFAULT_PUBLISHED: tuple[Column, ...] = tuple(h for h in HEADERS if h not in PRIVATE_COLUMNS)


# --- the view of the report the ledger needs --------------------------------------------


@dataclass(frozen=True)
class AspectRef:
    """An aspect (方面) a ledger row may name, by ``id`` or by ``heading`` as printed."""

    id: str
    heading: str
    category: str | None = None
    """The id of the category the aspect belongs to, for roll-ups per category."""
    number: str = ""
    """The aspect's printed number (``1.``), also accepted before the heading."""


@dataclass(frozen=True)
class StatusRef:
    """A status the report declares: its label as printed (已整改) and whether it is done."""

    label: str
    done: bool


# --- the entities ---------------------------------------------------------------------


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Measure(_Frozen):
    """整改措施: one row of the ledger."""

    row: int
    text: str
    unit: str | None = None
    leader: str | None = None
    deadline: dt.date | None = None
    status: str | None = None
    """A status key of the report, or None (an empty cell: not done yet, 挂账)."""
    done: bool = False
    done_on: dt.date | None = None
    note: str | None = None


class Problem(_Frozen):
    """具体问题: the rows from its first to the row before the next problem."""

    row: int
    number: str
    """序号 as written (``3``)."""
    aspect: str
    """The id of its aspect."""
    text: str
    status: str | None = None
    done: bool = False
    measures: tuple[Measure, ...] = ()

    @property
    def anchor(self) -> str:
        """A stable anchor on the ledger page, from 序号 where it reads as ASCII (① as 1)."""
        slug = re.sub(r"[^a-z0-9]+", "-", number_key(self.number).lower()).strip("-")
        return f"p-{slug}" if slug and slug.isascii() else f"p-r{self.row}"

    @property
    def number_value(self) -> str | int:
        """序号 as published: a whole number where it is written in digits (3, ３), else
        as written (①, 一, 1-1)."""
        return int(self.number) if self.number.isdecimal() else self.number


class Count(_Frozen):
    """A total, and how many are in each status (statuses with none are left out)."""

    total: int = 0
    by_status: dict[str, int] = {}

    @property
    def open(self) -> int:
        """Rows whose status cell is empty (not done yet)."""
        return self.total - sum(self.by_status.values())


class Ledger(_Frozen):
    """A report's ledger, read and checked."""

    path: str
    """The file, for diagnostics (``content/<id>/ledger.xlsx``)."""
    columns: dict[str, int]
    """Header -> column number (A = 1), the columns the file has."""
    problems: tuple[Problem, ...]

    def measures(self) -> list[Measure]:
        """Every measure in row order."""
        return [m for p in self.problems for m in p.measures]

    def count(self, role: str, aspects: Iterable[str] | None = None) -> Count:
        """Problems (``role="problem"``) or measures (``"measure"``) by status.

        With ``aspects``, only those inside these aspects (a tally's ``scope``).
        """
        inside = None if aspects is None else set(aspects)
        items: list[Problem | Measure] = []
        for p in self.problems:
            if inside is not None and p.aspect not in inside:
                continue
            if role == "problem":
                items.append(p)
            else:
                items.extend(p.measures)
        by_status: dict[str, int] = {}
        for item in items:
            if item.status is not None:
                by_status[item.status] = by_status.get(item.status, 0) + 1
        return Count(total=len(items), by_status=dict(sorted(by_status.items())))

    def units(self) -> list[str]:
        """Every responsible unit named, in order of first appearance."""
        seen: dict[str, None] = {}
        for m in self.measures():
            if m.unit:
                seen.setdefault(m.unit, None)
        return list(seen)

    def texts(self) -> list[str]:
        """Every text of the ledger (for tests that nothing of it is published)."""
        out: list[str] = []
        for p in self.problems:
            out.append(p.text)
            for m in p.measures:
                out += [t for t in (m.text, m.unit, m.leader, m.note) if t]
        return out


# --- 序号 ---------------------------------------------------------------------------


def number_key(written: str) -> str:
    """序号 as compared: its compatibility form (NFKC) without spaces, so that an office's
    ① (or a full-width １) is the same number as 1, ⒈ is 1. and ⑴ is (1)."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", written))


_NOT_NUMBERING = ("<super>", "<sub>", "<fraction>")
"""Compatibility forms that make a digit a footnote mark, an exponent or part of a number."""


def footnote_mark(written: str) -> str | None:
    """The first character of a 序号 that is written raised, lowered or as a fraction (²,
    ₂, ½): a footnote mark or an exponent, never a sequence number; None if there is none.

    Enclosed numbers (①, ⑴, ⒈) are numbering, as Chinese documents write it; what
    Unicode decomposes as ``<super>``, ``<sub>`` or ``<fraction>`` is not.
    """
    for ch in written:
        if unicodedata.decomposition(ch).startswith(_NOT_NUMBERING):
            return ch
    return None


# --- dates -------------------------------------------------------------------------


_SPACE = re.compile(r"\s+")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ZH = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")


def parse_date(value: Any) -> dt.date | None:
    """An Excel date, ``2024-06-30`` or ``2024年6月30日``; None if it is none of them."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = _SPACE.sub("", value)
        m = _ISO.match(text) or _ZH.match(text)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
    return None


# --- checks over time (check --as-of) ---------------------------------------------------


def default_as_of() -> dt.date:
    """``check --as-of``'s default: the day of SOURCE_DATE_EPOCH (UTC) if set, else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def parse_as_of(text: str) -> dt.date:
    """``--as-of`` as given: 2024-06-30 or 2024年6月30日 (argparse reports a ValueError)."""
    parsed = parse_date(text)
    if parsed is None:
        raise ValueError(text)
    return parsed


def deadline_warnings(
    ledger: Ledger, as_of: dt.date, statuses: Mapping[str, StatusRef]
) -> list[Diagnostic]:
    """Warnings: every measure past its deadline and not done (逾期); every done measure
    without a 完成日期."""
    out: list[Diagnostic] = []
    cols = ledger.columns
    for m in ledger.measures():
        if not m.done and m.deadline is not None and m.deadline < as_of:
            label = statuses[m.status].label if m.status else ("未填写", "not filled in")
            out.append(
                diag(
                    ledger.path,
                    "ledger.overdue",
                    line=m.row,
                    col=cols.get("完成时限"),
                    field="完成时限",
                    severity="warning",
                    deadline=m.deadline.isoformat(),
                    status=label,
                    as_of=as_of.isoformat(),
                )
            )
        if m.done and m.done_on is None:
            col = cols.get("完成日期", cols.get("措施状态"))
            out.append(
                diag(
                    ledger.path,
                    "ledger.no_done_date",
                    line=m.row,
                    col=col,
                    field="完成日期",
                    severity="warning",
                )
            )
    return out
