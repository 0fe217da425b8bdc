"""From the files editors write to one checked ``Report``: numbers, figures, prose.

The loader (collection.py) reads the files and resolves ``{file: …}`` references into a
tree of ``Draft`` nodes that remember where each came from; ``assemble`` then, with no
I/O:

1. numbers every node from its depth and position (numbering.py) and gives it an anchor;
2. collects the problems and measures the text lists (and the ledger's, where given);
3. derives each tally that counts them, and checks what content declares against it;
4. computes rates and remainders, and the derived counts;
5. expands the references in every prose field (prose.py) against that data;

and returns the Report with every Finding, each naming its file and loc.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from rectify_site.errors import Loc
from rectify_site.model.checks import Finding, IdClaims, check_dates
from rectify_site.model.content import FigureFile, FiguresFile, NodeFile, ReportFile, TableFile
from rectify_site.model.ledger import FILENAME as LEDGER_FILE
from rectify_site.model.ledger import AspectRef, Ledger
from rectify_site.model.markdown import plain_text
from rectify_site.model.numbering import level_style, number
from rectify_site.model.prose import expand_checked
from rectify_site.model.report import (
    Action,
    Counts,
    Figure,
    Figures,
    Group,
    Node,
    Rate,
    Report,
    Status,
    Table,
    depth_first,
)

FIGURES = "figures.yaml"


@dataclass
class Draft:
    """A node as read, with where it came from: its file and its loc in that file."""

    node: NodeFile
    file: str
    loc: Loc
    default_id: str | None = None
    """A node kept in a file of its own takes the file's name as its id."""
    ref: tuple[str, Loc] | None = None
    """Where a node kept in a file of its own is referred to: file and loc."""
    children: list[Draft] = field(default_factory=list)

    @property
    def id(self) -> str | None:
        return self.node.id or self.default_id


@dataclass(frozen=True)
class Entity:
    """A problem or measure that tallies count: a listed node, or a row of the ledger."""

    role: str
    status: str | None
    within: frozenset[str]
    """The ids and anchors of the nodes it lies in (for a tally's ``scope``)."""


@dataclass
class Numbered:
    """A draft with its place in the report: anchor, depth, number, the nodes around it."""

    draft: Draft
    anchor: str
    depth: int
    number: str
    within: frozenset[str]
    """The anchors of this node and of every node it lies in (for a tally's ``scope``)."""
    category: str | None
    """The anchor of the category it lies in (or is), if any."""
    children: list[Numbered]


def number_tree(report: ReportFile, parts: list[Draft]) -> list[Numbered]:
    """The report's parts numbered once, for the ledger's aspects and for ``assemble``."""
    return _number_level(parts, list(report.numbering.levels), 1, (), frozenset(), None)


def _number_level(
    drafts: list[Draft],
    levels: list[str],
    depth: int,
    path: tuple[int, ...],
    within: frozenset[str],
    category: str | None,
) -> list[Numbered]:
    out = []
    style = level_style(levels, depth)
    index = 0
    for position, draft in enumerate(drafts, start=1):
        here = (*path, position)
        anchor = draft.id or "n" + "-".join(map(str, here))
        num = ""
        if draft.node.numbered:
            num = number(style, index)
            index += 1
        inside = within | {anchor}
        cat = anchor if draft.node.role == "category" else category
        kids = _number_level(draft.children, levels, depth + 1, here, inside, cat)
        out.append(Numbered(draft, anchor, depth, num, inside, cat, kids))
    return out


def _walk(tree: list[Numbered]) -> list[Numbered]:
    return list(depth_first(tree, lambda n: n.children))


def _round(value: Decimal, places: int) -> str:
    """Half up, as Chinese reports round: 89.65 -> 89.7 (never banker's rounding)."""
    quantum = Decimal(1).scaleb(-places)
    return format(value.quantize(quantum, rounding=ROUND_HALF_UP), "f")


class _FigureBuilder:
    """Derives and checks the figures of figures.yaml against what the text lists."""

    def __init__(
        self,
        figures: FiguresFile,
        entities: list[Entity],
        source: dict[str, str],
        anchors: set[str],
    ) -> None:
        self.file = figures
        self.entities = entities
        self.source = source
        """Role -> where its entities come from: "listed" or "ledger"."""
        self.anchors = anchors
        self.partial = False
        """Set when the rest of the report failed: what the text lists is unknown."""
        self.found: list[Finding] = []

    def finding(self, loc: Loc, key: str, fld: str, **params: Any) -> None:
        self.found.append(Finding(FIGURES, loc, key, {**params, "_field": fld}))

    def build(self) -> Figures:
        statuses = {
            k: Status(key=k, label=s.label, done=s.done) for k, s in self.file.statuses.items()
        }
        paths: set[str] = set()
        top = {f.id for g in self.file.groups if not g.id for f in g.figures}
        groups = []
        for gi, g in enumerate(self.file.groups):
            if g.id in top:  # {{ figures.x }} cannot be a figure and a group at once
                self.finding(("groups", gi, "id"), "figure.duplicate", g.id, value=g.id)
            figures = []
            for fi, f in enumerate(g.figures):
                path = f"{g.id}.{f.id}" if g.id else f.id
                loc: Loc = ("groups", gi, "figures", fi)
                if path in paths:
                    self.finding((*loc, "id"), "figure.duplicate", path, value=path)
                    continue
                paths.add(path)
                figures.append(self.figure(f, path, loc, statuses))
            groups.append(Group(id=g.id, label=g.label, figures=figures))
        self.check_parts(groups)
        return Figures(statuses=statuses, groups=groups)

    def check_parts(self, groups: list[Group]) -> None:
        """Each ``part_of`` names another tally of this report, counting the same thing."""
        tallies = {f.path: f for g in groups for f in g.figures if f.is_tally}
        for gi, g in enumerate(self.file.groups):
            for fi, f in enumerate(g.figures):
                if f.part_of is None:
                    continue
                path = f"{g.id}.{f.id}" if g.id else f.id
                loc: Loc = ("groups", gi, "figures", fi, "part_of")
                whole = tallies.get(f.part_of)
                if whole is None or f.part_of == path:
                    self.finding(loc, "figure.part_of_unknown", f"{path}.part_of", value=f.part_of)
                elif (f.of or f.counts) and whole.of and (f.of or f.counts) != whole.of:
                    self.finding(loc, "figure.part_of_kind", f"{path}.part_of", value=f.part_of)

    def figure(self, f: FigureFile, path: str, loc: Loc, statuses: dict[str, Status]) -> Figure:
        base: dict[str, Any] = {
            "id": f.id,
            "path": path,
            "label": f.label,
            "unit": f.unit,
            "qualifier": f.qualifier,
            "headline": f.headline,
        }
        if f.value is not None:
            return Figure(**base, value=f.value)
        for key in f.by_status:
            if key not in statuses:
                self.finding(
                    (*loc, "by_status", key),
                    "tally.unknown_status",
                    f"{path}.by_status.{key}",
                    status=key,
                )
        total, by_status, derived = self.derive(f, path, loc, statuses)
        counted = sum(by_status.values())
        if total is not None and counted > total:
            if len(by_status) == 1:
                key, count = next(iter(by_status.items()))
                status_text: Any = statuses[key].label if key in statuses else key
                floc: Loc = (*loc, "by_status", key)
                fld = f"{path}.by_status.{key}"
            else:
                count, status_text = counted, ("各状态合计", "all statuses together")
                floc, fld = (*loc, "by_status"), f"{path}.by_status"
            self.finding(
                floc, "tally.over", fld, status=status_text, count=count, total=total, what=f.label
            )
        done = sum(n for k, n in by_status.items() if k in statuses and statuses[k].done)
        rate = None
        if f.rate is not None and total is not None:
            if not any(k in statuses and statuses[k].done for k in by_status):
                self.finding((*loc, "rate"), "rate.no_done", f"{path}.rate", what=f.label)
            elif total == 0:
                self.finding((*loc, "rate"), "rate.no_total", f"{path}.rate", what=f.label)
            else:
                value = _round(Decimal(100) * done / total, f.rate.precision)
                rate = Rate(label=f.rate.label, precision=f.rate.precision, value=value)
        return Figure(
            **base,
            total=total if total is not None else 0,
            by_status=by_status,
            done=done,
            remainder=(total or 0) - counted,
            remainder_label=f.remainder,
            rate=rate,
            counts=f.counts,
            of=f.of or f.counts,
            part_of=f.part_of,
            scope=f.scope,
            derived=derived,
        )

    def derive(
        self, f: FigureFile, path: str, loc: Loc, statuses: dict[str, Status]
    ) -> tuple[int | None, dict[str, int], bool]:
        """The tally's total and counts: declared, or derived from what is listed."""
        listed: list[Entity] = []
        if f.counts is not None:
            if f.scope is not None and f.scope not in self.anchors:
                self.finding(
                    (*loc, "scope"), "figure.scope_unknown", f"{path}.scope", value=f.scope
                )
            listed = [
                e
                for e in self.entities
                if e.role == f.counts and (f.scope is None or f.scope in e.within)
            ]
        from_ledger = self.source.get(f.counts or "") == "ledger"
        if not listed and not from_ledger:  # a ledger is complete: none there counts as 0
            if f.total is None and not (self.partial and f.counts):
                self.finding((*loc, "total"), "tally.no_total", f"{path}.total", what=f.label)
            return f.total, dict(f.by_status), False
        origin = self.source.get(f.counts or "", "listed")
        unit = f.unit or ""
        found = Counter(e.status for e in listed)
        if f.total is not None and f.total != len(listed):
            self.finding(
                (*loc, "total"),
                f"tally.{origin}_total",
                f"{path}.total",
                what=f.label,
                found=len(listed),
                declared=f.total,
                unit=unit,
            )
        for key, declared in f.by_status.items():
            if key in statuses and found.get(key, 0) != declared:
                self.finding(
                    (*loc, "by_status", key),
                    f"tally.{origin}_status",
                    f"{path}.by_status.{key}",
                    what=f.label,
                    status=statuses[key].label,
                    found=found.get(key, 0),
                    declared=declared,
                    unit=unit,
                )
        if f.by_status:  # content says which statuses it shows; the counts come from the list
            by_status = {k: found.get(k, 0) for k in f.by_status}
        else:
            by_status = {k: found[k] for k in statuses if found.get(k)}
        return len(listed), by_status, True


def _figure_data(figures: Figures) -> dict[str, Any]:
    """What prose may read of the figures: nested plain values by path.

    A tally counted from a list knows every status's count, 0 included; a typed tally
    has only the counts content gives (so a misspelt status is an error, not a 0).
    """
    data: dict[str, Any] = {}
    for group in figures.groups:
        into = data.setdefault(group.id, {}) if group.id else data
        for f in group.figures:
            if not f.is_tally:
                into[f.id] = f.value
                continue
            counts = dict(f.by_status)
            if f.derived:
                counts = {k: f.by_status.get(k, 0) for k in figures.statuses} | counts
            entry: dict[str, Any] = {
                "total": f.total,
                "by_status": counts,
                "done": f.done,
                "remainder": f.remainder,
            }
            if f.rate is not None:
                entry["rate"] = f.rate.value
            into[f.id] = entry
    return data


def prose_data(report: Report) -> dict[str, Any]:
    """What prose reads of an assembled report (as ``assemble`` gave it): for a page that
    renders the report's prose itself, such as serve's import review."""
    return {
        "title": report.title,
        "issuer": report.issuer,
        "inspection": report.inspection.model_dump(),
        "figures": _figure_data(report.figures),
        "counts": report.counts.model_dump(),
    }


class _Prose:
    """Expands prose against the report's data, collecting findings at file and loc."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.found: list[Finding] = []

    def __call__(self, text: str, file: str, loc: Loc) -> str:
        out, problems = expand_checked(text, self.data)
        for key, params in problems:
            self.found.append(Finding(file, loc, key, params))
        return out


def _build_tables(tables: list[TableFile], prose: _Prose, file: str, loc: Loc) -> list[Table]:
    """Each table's caption and cells expanded like prose, at their own locs."""

    def cell(text: str, at: Loc) -> str:
        return prose(text, file, at) if text.strip() else text

    out = []
    for t, table in enumerate(tables):
        at = (*loc, "tables", t)
        out.append(
            Table.model_construct(
                caption=prose(table.caption, file, (*at, "caption")) if table.caption else None,
                header=[cell(c, (*at, "header", i)) for i, c in enumerate(table.header)],
                rows=[
                    [cell(c, (*at, "rows", r, i)) for i, c in enumerate(row)]
                    for r, row in enumerate(table.rows)
                ],
                written=(table.caption, list(table.header), [list(r) for r in table.rows]),
            )
        )
    return out


def _build_node(n: Numbered, prose: _Prose, action_style: str) -> Node:
    d = n.draft
    f, loc = d.file, d.loc
    heading = prose(d.node.heading, f, (*loc, "heading")) if d.node.heading else None
    texts = d.node.text
    if len(texts) == 1:  # one paragraph, written as a string or a list of one
        paragraphs = [prose(texts[0], f, (*loc, "text"))]
    else:
        paragraphs = [prose(t, f, (*loc, "text", i)) for i, t in enumerate(texts)]
    # built from values validated already: construct, not validate again (most of a large
    # collection's models are nodes and actions)
    actions = [
        Action.model_construct(
            number=number(action_style, i), text=prose(t, f, (*loc, "actions", i))
        )
        for i, t in enumerate(d.node.actions)
    ]
    run_in = d.node.run_in
    if run_in is None:  # a part stands on its own line; a leaf of one paragraph runs in
        run_in = n.depth > 1 and not d.children and len(paragraphs) <= 1
    return Node.model_construct(
        id=d.id,
        anchor=n.anchor,
        role=d.node.role,
        depth=n.depth,
        number=n.number,
        heading=heading,
        run_in=run_in,
        numbered=d.node.numbered,
        paragraphs=paragraphs,
        actions=actions,
        tables=_build_tables(d.node.tables, prose, f, loc) if d.node.tables else [],
        status=d.node.status,
        children=[_build_node(c, prose, action_style) for c in n.children],
    )


def assemble(
    report_id: str,
    report: ReportFile,
    parts: list[Draft],
    figures: FiguresFile,
    *,
    ledger: list[Entity] | None = None,
    extra: dict[str, Any] | None = None,
    tree: list[Numbered] | None = None,
) -> tuple[Report | None, list[Finding]]:
    """Join validated files into one Report; every finding names its file and loc.

    ``ledger`` holds the problems and measures of the office's ledger, where the report
    has one: tallies that count those roles then roll up from it instead of the text.
    ``extra`` holds further fields of the Report (attachments) made by the loader;
    ``tree`` the parts as ``number_tree`` numbered them, where the loader already has it.
    """
    found: list[Finding] = check_dates(report)
    if tree is None:
        tree = number_tree(report, parts)
    flat = _walk(tree)
    ids = IdClaims()
    statuses = figures.statuses
    listed: list[Entity] = []
    for n in flat:
        d = n.draft
        if d.node.id is not None:
            ids.claim(d.node.id, d.file, (*d.loc, "id"))
        elif d.default_id:  # a node in a file of its own: where the file is referred to
            ids.claim(d.default_id, *(d.ref or (d.file, ())))
        if d.node.role == "category" and d.id is None:
            found.append(Finding(d.file, d.loc, "category.id", {}))
        if d.node.status is not None and d.node.status not in statuses:
            found.append(
                Finding(
                    d.file, (*d.loc, "status"), "node.unknown_status", {"status": d.node.status}
                )
            )
        if d.node.role in ("problem", "measure"):
            listed.append(Entity(d.node.role, d.node.status, n.within))
        found += _unpunctuated(d)
    found += ids.found
    entities = listed
    source = {"problem": "listed", "measure": "listed"}
    if ledger is not None:  # a ledger lists both, even when it is empty
        roles = {"problem", "measure"}
        entities = [e for e in listed if e.role not in roles] + ledger
        source.update({r: "ledger" for r in roles})
    builder = _FigureBuilder(figures, entities, source, {n.anchor for n in flat})
    built = builder.build()
    found += builder.found
    found += uncounted(figures, listed, ledger)

    in_categories = [m for n in flat if n.draft.node.role == "category" for m in _walk([n])]
    counts = Counts(
        categories=sum(1 for n in flat if n.draft.node.role == "category"),
        aspects=sum(1 for n in flat if n.draft.node.role == "aspect"),
        actions=sum(len(m.draft.node.actions) for m in {id(m): m for m in in_categories}.values()),
        problems=sum(1 for e in listed if e.role == "problem"),
        measures=sum(1 for e in listed if e.role == "measure"),
    )
    insp = report.inspection
    data = {
        "title": report.title,
        "issuer": report.issuer,
        "inspection": {
            **{name: getattr(insp, name) for name in type(insp).model_fields},
            "team": insp.team_text,
        },
        "figures": _figure_data(built),
        "counts": counts.model_dump(),
    }
    prose = _Prose(data)
    intro = prose(report.intro, "report.yaml", ("intro",)) if report.intro else None
    tables = _build_tables(report.tables, prose, "report.yaml", ())
    contact = report.contact
    if contact is not None and contact.invitation:
        invitation = prose(contact.invitation, "report.yaml", ("contact", "invitation"))
        contact = contact.model_copy(update={"invitation": invitation})
    nodes = [_build_node(n, prose, report.numbering.actions) for n in tree]
    found += prose.found
    if any(f.severity == "error" for f in found):
        return None, found
    return (
        Report(
            id=report_id,
            title=report.title,
            issuer=report.issuer,
            draft=report.draft,
            published=report.published,
            inspection=insp,
            recipients=report.recipients,
            intro=intro,
            tables=tables,
            parts=nodes,
            status_line=report.status_line,
            figures=built,
            counts=counts,
            contact=contact,
            disclosure=report.disclosure,
            source_url=report.source_url,
            corrections=report.corrections,
            **(extra or {}),
        ),
        found,
    )


def ledger_aspects(tree: list[Numbered]) -> list[tuple[AspectRef, frozenset[str]]]:
    """The aspects a ledger row may name, each with the anchors of the nodes it lies in.

    The loader reads the ledger with these before ``assemble``, which then counts its rows
    as entities inside those nodes (a tally's ``scope``).
    """
    return [
        (
            AspectRef(
                n.draft.id or n.anchor, plain_text(n.draft.node.heading or ""), n.category, n.number
            ),
            n.within,
        )
        for n in _walk(tree)
        if n.draft.node.role == "aspect"
    ]


def ledger_entities(
    ledger: Ledger, aspects: list[tuple[AspectRef, frozenset[str]]]
) -> list[Entity]:
    """Every problem and measure of the ledger, inside its aspect."""
    within = {a.id: inside for a, inside in aspects}
    out: list[Entity] = []
    for p in ledger.problems:
        inside = within.get(p.aspect, frozenset())
        out.append(Entity("problem", p.status, inside))
        out.extend(Entity("measure", m.status, inside) for m in p.measures)
    return out


_CLOSED = re.compile(r"[。；！？][”’」』）)]*\s*$")
"""How a run-in action ends: its own full stop (or ；！？), perhaps inside a quote."""


def _unpunctuated(d: Draft) -> list[Finding]:
    """A warning for each action that does not end with its punctuation: run in after
    一是, 二是 …, it would read as one with the next (``明确责任分工二是建立…``)."""
    out = []
    for i, text in enumerate(d.node.actions):
        if not _CLOSED.search(text) and not text.rstrip().endswith("】"):  # 【未填写】: not yet
            tail = text.rstrip()[-12:]
            params = {"tail": ("…" if len(text.rstrip()) > 12 else "") + tail}
            loc: Loc = (*d.loc, "actions", i)
            out.append(Finding(d.file, loc, "action.unpunctuated", params, "warning"))
    return out


ROLE_WORDS: dict[str, tuple[tuple[str, str], str, str]] = {
    "problem": (("具体问题", "problems"), "问题", "problems"),
    "measure": (("整改措施", "measures"), "措施", "measures"),
}
"""Each counted role: how a message names it (zh, en), its short word, and the figure id
the skeleton and the importer give its tally."""


def uncounted(
    figures: FiguresFile, listed: list[Entity], ledger: list[Entity] | None
) -> list[Finding]:
    """Warnings where what the text or the ledger lists is compared with no figure.

    A tally is compared with the listed problems (measures) only when it says
    ``counts: problem``; one that plainly is their tally (the id ``problems``, or the one
    tally labelled 具体问题) but does not say so, and declares another number than the
    text lists, is a warning naming the count found. A ledger whose problems (measures)
    no tally counts is a warning too: which of its tallies it feeds is never guessed
    from labels (a report may have three labelled 整改措施).
    """
    out: list[Finding] = []
    tallies = [
        (gi, fi, g, f)
        for gi, g in enumerate(figures.groups)
        for fi, f in enumerate(g.figures)
        if f.value is None
    ]
    for role, (what, short, fid) in ROLE_WORDS.items():
        if any(f.counts == role for *_, f in tallies):
            continue
        if ledger is not None:
            found = sum(e.role == role for e in ledger)
            if found:
                params = {"found": found, "what": what, "short": short, "role": role}
                out.append(Finding(LEDGER_FILE, (), "ledger.uncounted", params, "warning"))
            continue
        found = sum(e.role == role for e in listed)
        if not found:
            continue
        labelled = [t for t in tallies if t[3].label == what[0]]
        for gi, fi, g, f in tallies:
            plain = g.id is None and f.id == fid
            if f.counts is not None or not (plain or labelled == [(gi, fi, g, f)]):
                continue
            if f.total is None or f.total == found:
                continue
            path = f"{g.id}.{f.id}" if g.id else f.id
            params = {
                "found": found,
                "declared": f.total,
                "what": what,
                "short": short,
                "role": role,
                "_field": path,
            }
            loc: Loc = ("groups", gi, "figures", fi, "total")
            out.append(Finding(FIGURES, loc, "tally.uncounted", params, "warning"))
    return out


def check_figures(figures: FiguresFile) -> list[Finding]:
    """The checks figures.yaml allows on its own (when the rest of the report failed)."""
    builder = _FigureBuilder(figures, [], {}, set())
    builder.partial = True
    builder.build()
    return [f for f in builder.found if f.key != "figure.scope_unknown"]
