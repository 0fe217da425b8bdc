"""The assembled report: what templates, JSON, search, export and the ledger see.

Built by ``assemble`` from the files editors write (``files.py``), with every number,
anchor and derived figure already computed; no I/O here. The model::

    Report ── inspection (kind 巡视|巡察, team, round, dates)
       │  ├── parts: [Node]           one recursive shape for everything numbered
       │  │      Node ── id/anchor, role (category|aspect|problem|measure), depth,
       │  │              number (一、 （一） 1. （1）), heading, run_in, paragraphs,
       │  │              actions [Action(number 一是, text)], status, children [Node]
       │  ├── figures: Figures ── statuses {key: Status(label, done)}
       │  │                    └─ groups [Group(id, label, figures [Figure])]
       │  │                         Figure: a value, or a tally (total, by_status,
       │  │                         done, remainder, rate) that may count listed nodes
       │  ├── counts (categories, aspects, actions, problems, measures: derived)
       │  └── contact, disclosure, source_url, corrections, attachments
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Literal, TypeVar

from pydantic import Field

from rectify_site.model.content import (
    Contact,
    Correction,
    Disclosure,
    EntityRole,
    Inspection,
    LedgerOptions,
    Role,
    Strict,
)
from rectify_site.model.ledger import Ledger
from rectify_site.model.numbering import qualified
from rectify_site.model.words import words

T = TypeVar("T")


def depth_first(roots: Iterable[T], children: Callable[[T], Iterable[T]]) -> Iterator[T]:
    """Every node of a tree in document order: the one walk of the report's structure
    (the assembled nodes and the numbered drafts alike)."""
    stack = list(roots)[::-1]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(list(children(node))[::-1])


class Status(Strict):
    """One status a report declares: its label and whether it counts as done."""

    key: str
    """The key content uses (rectified)."""
    label: str
    """How it reads (已整改)."""
    done: bool
    """Whether it counts as done in headlines, bars and rates."""


class Rate(Strict):
    """A derived percentage: the done share of a tally, rounded half up."""

    label: str | None
    """How the report names it (整改完成率), if it does."""
    precision: int
    """Decimal places, as the report writes the rate."""
    value: str
    """The rate as printed, without the % sign: 76, 89.7."""


UNNAMED_ROUND = "未注明轮次"
"""Where a report names no round: listed under the year, never under an invented round."""


class Figure(Strict):
    """One statistic: a value (43 件), or a tally (57 项, 48 已整改)."""

    id: str
    """The figure's own id within its group."""
    path: str
    """The id prose refers to: problems, discipline.cases_filed, common.problems."""
    label: str
    """The report's own words for it."""
    unit: str | None = None
    """项, 个, 条, 件, 人, 万元 …"""
    qualifier: str | None = None
    """余, 万余, 以上, 近 … where the report states the value as approximate."""
    value: int | Decimal | None = None
    """A value figure's value; None for a tally."""
    total: int | None = None
    """A tally's total."""
    by_status: dict[str, int] = {}
    """A tally's counts by status key, in the order content gives them."""
    done: int | None = None
    """A tally's done statuses together."""
    remainder: int | None = None
    """A tally's total minus its counted statuses."""
    remainder_label: str | None = None
    """How the report names the remainder; it is shown only where this is given."""
    rate: Rate | None = None
    """The done share, where the report states one."""
    counts: EntityRole | None = None
    """The role of the listed nodes (or ledger rows) it counts, if any."""
    of: EntityRole | None = None
    """What it counts, where the report declares it (``of``, or ``counts``): only such
    tallies take part in a round's roll-up."""
    part_of: str | None = None
    """The path of the tally of the same report it is a part of (共性问题 of 具体问题):
    never added to a roll-up besides its whole."""
    scope: str | None = None
    """The id of the node it counts within, if any."""
    derived: bool = False
    """Whether its numbers come from listed nodes or the ledger rather than typed."""
    headline: bool = False
    """Shown with the report in lists and drawn as a bar on its home page."""

    @property
    def is_tally(self) -> bool:
        return self.total is not None

    @property
    def written(self) -> tuple[str, str, str]:
        """(before the number, after it, the unit) as the report writes its value."""
        return qualified(self.unit or "", self.qualifier)


class Group(Strict):
    """Figures as the report groups them."""

    id: str | None = None
    """The namespace of its figures' paths, if any."""
    label: str | None = None
    """The group's caption, if content gives one."""
    figures: list[Figure]
    """In the report's order."""


class Figures(Strict):
    """Every statistic of a report and the statuses they are counted by."""

    statuses: dict[str, Status] = {}
    """Key -> status, in the order content declares them."""
    groups: list[Group] = []
    """In the report's order."""

    def all(self) -> list[Figure]:
        """Every figure, in order."""
        return [f for g in self.groups for f in g.figures]

    def headlines(self) -> list[Figure]:
        """The tallies the report marks as its headline figures."""
        return [f for f in self.all() if f.headline and f.is_tally]

    def done_statuses(self, figure: Figure) -> list[tuple[Status, int]]:
        """A tally's done statuses with their counts, in order."""
        return [
            (self.statuses[k], n)
            for k, n in figure.by_status.items()
            if k in self.statuses and self.statuses[k].done
        ]


class Action(Strict):
    """One run-in enumeration (举措) of a paragraph: 一是…"""

    number: str
    """The generated number, 一是."""
    text: str
    """Inline Markdown, references expanded."""


class Table(Strict):
    """A table of the report (表格): its cells are inline Markdown, references expanded."""

    caption: str | None = None
    """Its title (表1 …), printed as the table's caption."""
    header: list[str]
    """The header row, one cell a column."""
    rows: list[list[str]]
    """The rows, as many cells each as the header; the first cell names the row."""
    written: tuple[str | None, list[str], list[list[str]]] | None = Field(
        default=None, exclude=True
    )
    """Caption, header and rows as content writes them (references unexpanded): what an
    export carries so that an import gives the same cells back. Never in report.json."""


class Node(Strict):
    """A numbered (or unnumbered) node of the report's structure, at any depth."""

    id: str | None = None
    """The stable id content gives, if any."""
    anchor: str
    """The id on the page: the content's id, else a positional one (n2-1-3)."""
    role: Role | None = None
    """category (its own page), aspect, problem or measure."""
    depth: int
    """1 for a part, 2 for its children, …"""
    number: str
    """The generated number as printed (一、 （一） 1. （1）), empty when unnumbered."""
    heading: str | None = None
    """Inline Markdown, references expanded."""
    run_in: bool
    """Whether the heading runs into the first paragraph (ended with 。)."""
    numbered: bool = True
    """False for unnumbered paragraphs."""
    paragraphs: list[str] = []
    """Inline Markdown, references expanded."""
    actions: list[Action] = []
    """Run-in enumerations after the last paragraph."""
    tables: list[Table] = []
    """Tables after the paragraphs, in order."""
    status: str | None = None
    """A status key of the report's figures, if the node has one."""
    children: list[Node] = []
    """The next level, in order."""

    def walk(self) -> Iterator[Node]:
        """This node and every node below it, in document order."""
        return depth_first([self], lambda node: node.children)


class Counts(Strict):
    """Counts that the structure shows, derived and never typed."""

    categories: int
    """Nodes with role category (问题大类)."""
    aspects: int
    """Nodes with role aspect (方面)."""
    actions: int
    """Run-in enumerations (举措) inside the categories."""
    problems: int
    """Nodes with role problem listed in the text."""
    measures: int
    """Nodes with role measure listed in the text."""


class Attachment(Strict):
    """附件: a file published with the report, listed at the end of its full text."""

    file: str
    """Its name in the report folder's attachments/."""
    title: str
    """Its title as the report lists it."""
    url: str
    """Where the site serves it (site-root relative)."""
    size: int
    """Bytes."""
    type: str
    """The file type as readers know it: PDF, DOCX, XLSX …"""


class Report(Strict):
    """One report, every file joined; what templates, JSON and search are made from."""

    schema_version: Literal[2] = 2
    """The shape of this JSON (report.json), bumped when it changes; 1 was the one-report
    model."""
    id: str
    """The report's folder name; its URL is /<id>/."""
    title: str
    """The title, without the issuer: 关于…的通报."""
    issuer: str
    """发布机关."""
    draft: bool = False
    """Drafts are left out of ``build``."""
    published: dt.date | None = None
    """Publication date, when the issuer states one."""
    inspection: Inspection
    """The inspection the report answers, and its kind (巡视 or 巡察)."""
    recipients: str | None = None
    """主送机关, as written (without its colon), when the report names them."""
    intro: str | None = None
    """The opening paragraph, references expanded."""
    tables: list[Table] = []
    """Tables after the opening paragraph, before the parts."""
    parts: list[Node]
    """The parts in order."""
    status_line: str | None = None
    """The label of a node's status line (整改进展), if the report prints one."""
    figures: Figures
    """Every statistic, stated once or derived."""
    counts: Counts
    """Derived counts of the structure."""
    contact: Contact | None = None
    """The closing invitation and contact block."""
    disclosure: Disclosure | None = None
    """政务公开 fields, when stated."""
    source_url: str | None = None
    """Where the original was published (以原文为准)."""
    corrections: list[Correction] = []
    """修订记录, oldest first."""
    attachments: list[Attachment] = []
    """附件, in order."""
    ledger: Ledger | None = Field(default=None, exclude=True)
    """The office's ledger (ledger.xlsx), where the folder has one: never in report.json;
    the site shows it only where ``ledger_options.publish`` says so."""
    ledger_options: LedgerOptions = Field(default=LedgerOptions(), exclude=True)
    """report.yaml's ``ledger:`` (publish, publish_columns)."""

    def summary(self) -> Report:
        """What the pages about many reports need of this one (its title, dates, figures,
        its outline of headings, whether its ledger is published): the report without its
        paragraphs, actions, tables and ledger rows. The build's parent holds these, not
        the collection's whole models; a theme's pages about many reports see these."""
        ledger = self.ledger.model_copy(update={"problems": ()}) if self.ledger else None
        parts = [_outline(p) for p in self.parts]
        return self.model_copy(update={"parts": parts, "tables": [], "ledger": ledger})

    def nodes(self) -> Iterator[Node]:
        """Every node, in document order."""
        for part in self.parts:
            yield from part.walk()

    def categories(self) -> list[Node]:
        """The nodes that get a page of their own, in document order."""
        return [n for n in self.nodes() if n.role == "category"]

    @property
    def round_name(self) -> str:
        """The round it is listed under: the one it names, else the year of its feedback
        (else start, else publication) date, marked as no round: 2022年（未注明轮次）."""
        if self.inspection.round:
            return self.inspection.round
        year = self.inspection.year or (self.published.year if self.published else None)
        return f"{year}年（{UNNAMED_ROUND}）" if year else UNNAMED_ROUND

    @property
    def words(self) -> dict[str, str]:
        """The site's fixed words for this report's kind of inspection."""
        return words(self.inspection.kind)

    def status_label(self, key: str | None) -> str:
        """How a status key reads in this report."""
        status = self.figures.statuses.get(key or "")
        return status.label if status else (key or "")


def _outline(node: Node) -> Node:
    """A node and its children with their headings only (Report.summary)."""
    children = [_outline(c) for c in node.children]
    return node.model_copy(
        update={"paragraphs": [], "actions": [], "tables": [], "children": children}
    )
