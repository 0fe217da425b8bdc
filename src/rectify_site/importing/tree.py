"""The plain tree the importer builds: what a document says, before it is content.

readers (lines) -> outline (this tree) -> statistics (figures, references) -> writer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any


@dataclass
class Warning_:
    """A line the importer could not place, or numbering that skips: printed, not fatal."""

    line: int | None
    key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Table:
    """A data table of the document: its caption, header row and rows, as cells of text
    (statistics makes a statistics table's numbers figures and its cells refer to them)."""

    line: int
    caption: str | None
    header: list[str]
    rows: list[list[str]]
    written: bool = False
    """Given as content wrote it (an export carried it): no figures to declare."""


@dataclass
class Block:
    """One numbered (or unnumbered) node of the document."""

    line: int
    depth: int
    style: str | None = None
    number: int | None = None
    heading: str | None = None
    run_in: bool = False
    paragraphs: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    status: str | None = None
    """The status as written (已完成); statistics gives it a key."""
    role: str | None = None
    children: list[Block] = field(default_factory=list)
    numbered: bool = True
    id: str | None = None
    action_style: str = "一是"
    """How its actions are numbered (一是, 第一，)."""
    tables: list[Table] = field(default_factory=list)
    """Tables after its paragraphs."""
    lines: list[int] = field(default_factory=list, repr=False, compare=False)
    """The source lines it holds (its own first): where a table after them belongs."""

    def __post_init__(self) -> None:
        self.lines.append(self.line)

    def walk(self) -> list[Block]:
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


@dataclass
class Status:
    key: str
    label: str
    done: bool


@dataclass
class Figure:
    """A declared figure: a value, or a tally (total with counts by status)."""

    id: str
    label: str
    unit: str
    value: Decimal | int | None = None
    qualifier: str | None = None
    """余, 万余, 以上, 近 … as the text writes the value."""
    total: int | None = None
    by_status: dict[str, int] = field(default_factory=dict)
    headline: bool = False
    remainder: str | None = None
    """The label under which the report states total minus the counted statuses."""
    derived: bool = False
    """Counted from the listed nodes: written with ``counts`` and no numbers."""
    rate: tuple[str, int] | None = None
    """(label, precision) of the done share in %, when the report prints it."""
    counts: str | None = None
    line: int | None = None
    path: str = ""
    """How prose refers to it: problems, discipline.cases_filed."""
    row: int | None = None
    """The row of the table that states it, from 1, for a table's figure."""

    @property
    def is_tally(self) -> bool:
        return self.total is not None

    def number(self) -> Decimal | int:
        return self.total if self.total is not None else (self.value or 0)


@dataclass
class Group:
    id: str | None
    label: str | None = None
    """Its heading on the figures page, where the document names one (a table's caption)."""
    figures: list[Figure] = field(default_factory=list)

    def path(self, figure: Figure) -> str:
        return f"{self.id}.{figure.id}" if self.id else figure.id


@dataclass
class Document:
    path: Path
    issuer: str | None = None
    title: str | None = None
    intro: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    """Tables of the opening, before the first part."""
    kind: str = "巡视"
    team: str | list[str] | None = None
    """As written; several teams as a list."""
    round: str | None = None
    """Only where the title or opening names one."""
    start: dt.date | str | None = None
    """A day, or a month as YYYY-MM where the text gives only the month (so end, feedback)."""
    end: dt.date | str | None = None
    feedback: dt.date | str | None = None
    parts: list[Block] = field(default_factory=list)
    signature: str | None = None
    """The issuer as signed at the end (发文机关署名), when the document signs."""
    contact: dict[str, str] = field(default_factory=dict)
    contact_labels: dict[str, str] = field(default_factory=dict)
    """Contact lines worded otherwise than 联系电话 电子邮箱 通讯地址 邮政编码."""
    disclosure: dict[str, Any] = field(default_factory=dict)
    recipients: str | None = None
    """主送机关 as written, without the colon."""
    images: list[tuple[str, bytes, str]] = field(default_factory=list)
    """A Word document's pictures (name, bytes, suffix): written as attachments."""
    levels: list[str] = field(default_factory=list)
    status_line: str | None = None
    statuses: list[Status] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    found: list[str] = field(default_factory=list)
    """What statistics recognised, as printed: ``problems.total = 57 (具体问题, 项)``."""
    bare: set[int] = field(default_factory=set, repr=False)
    """Blocks (by ``id()``) the source marks as having no id: ids.name gives them none."""
    source_lines: list[str] = field(default_factory=list, repr=False)
    """The source's text as read, a line each: kept for serve's import review page."""

    def blocks(self) -> list[Block]:
        out: list[Block] = []
        for part in self.parts:
            out.extend(part.walk())
        return out

    role_counts: dict[str | None, int] | None = field(default=None, repr=False, compare=False)
    """Blocks by role, counted once: roles are set before statistics, which asks for these
    counts for every paragraph (and changes neither roles nor the tree)."""

    def count(self, role: str) -> int:
        if self.role_counts is None:
            self.role_counts = {}
            for b in self.blocks():
                self.role_counts[b.role] = self.role_counts.get(b.role, 0) + 1
        return self.role_counts.get(role, 0)

    def warn(self, line: int | None, key: str, **params: Any) -> None:
        self.warnings.append(Warning_(line, key, params))
