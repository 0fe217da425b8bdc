"""Statistics: the figures a report states, declared once, and prose that refers to them.

A paragraph states figures when it counts something by status (已整改48项) or lists
disciplinary or rule-making figures (党纪政务立案43件). Each number with its unit becomes
a declared figure with the report's own label and unit; a status count after it makes it
a tally; the figures of one sentence are one group (the leading sentences of problems and
measures alone are the main group, without a namespace). The sentence then refers to
them (``{{ figures.problems.total }}``). Elsewhere a number equal to a declared figure,
next to its label (57个具体问题), refers to it too; 六大类16方面 refers to the derived
counts when they agree. Numbers inside actions are facts of the text and stay as typed.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from rectify_site.model.numbering import zh_numeral

from . import language, stated, words
from .text import cn_value
from .tree import Block, Document, Figure, Group, Status, Table

NUMBER_RE = re.compile(r"(?<![\d.])(?P<num>\d+(?:\.\d+)?)(?:(?P<pct>%)|(?P<unit>[^\d\s，。；、]))")
"""A number in prose next to a declared figure's label (refer())."""
_STATUS_WORDS = sorted(words.STATUSES, key=lambda s: len(s[0]), reverse=True)


@lru_cache(maxsize=512)
def _parsed(text: str) -> stated.Parsed:
    return stated.parse(text)


def is_statistics(text: str) -> bool:
    """Whether a paragraph states figures: a count by status, or two figures or more
    whose labels are of discipline or rules (立案, 处分, 制度 …)."""
    parsed = _parsed(text)
    if any(f.kind in ("status", "remainder") for f in parsed.figures):
        return True
    strong = sum(
        1
        for f in parsed.figures
        if f.kind == "value"
        and f.label
        and any(w in language.simplified(f.label) for w in words.STRONG_FIGURE_WORDS)
    )
    return strong >= 2


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=。)", text) if s]


class _Figures:
    """The figures declared so far, their ids and the statuses they use."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.statuses: dict[str, Status] = {}
        self.used_group_ids: set[str] = set()
        self.main: Group | None = None
        self.last_main = False

    def status(self, written: str, done: bool | None = None) -> Status:
        """The status written so (a known word by its table entry, another as written)."""
        entry = next((e for e in _STATUS_WORDS if e[0] == written or e[1] == written), None)
        if entry is None:
            if done is None:
                done = not words.GENERIC_NOT_DONE_RE.match(written)
            key = f"status_{len(self.statuses) + 1}"
            label = written
        else:
            _w, label, key, done = entry
        for s in self.statuses.values():
            if s.label == label:
                return s
        for s in self.statuses.values():  # 已完成整改 in a sentence, 已完成 in status lines
            if label.startswith(s.label) or s.label.startswith(label):
                return s
        while key in self.statuses:
            key += "_2"
        self.statuses[key] = Status(key, label, done)
        self.doc.statuses.append(self.statuses[key])
        return self.statuses[key]

    def group_for(
        self, figures: list[Figure], *, table: bool = False, table_label: str | None = None
    ) -> Group:
        """The group of a sentence's figures (or of a table's, headed by its caption)."""
        main_labels = {label for label, _ in words.MAIN_FIGURES}
        is_main = not table and all(f.is_tally and f.label in main_labels for f in figures)
        if is_main and (self.main is None or self.last_main):
            if self.main is None:
                self.main = Group(None)
                self.doc.groups.append(self.main)
            group = self.main
            for fig in figures:
                fig.headline = True  # the report's leading tallies: problems, measures
        else:
            label = figures[0].label
            gid = next(
                (g for w, g in words.GROUP_IDS if w in label), f"group_{len(self.doc.groups) + 1}"
            )
            if table:
                gid = "table"
            base, n = gid, 2
            taken = self.used_group_ids | {f.id for f in (self.main.figures if self.main else [])}
            while gid in taken:
                gid, n = f"{base}_{n}", n + 1
            self.used_group_ids.add(gid)
            group = Group(gid, label=table_label)
            self.doc.groups.append(group)
        self.last_main = group is self.main
        taken_ids = {f.id for f in group.figures} | (
            self.used_group_ids if group.id is None else set()
        )
        for index, fig in enumerate(figures, start=len(group.figures) + 1):
            fid = next((i for w, i in words.FIGURE_IDS if w in fig.label), f"figure_{index}")
            if table:  # a table's figures by row: r1_problems, r2_problems
                fid = f"r{fig.row}_{fid}"
            base, n = fid, 2
            while fid in taken_ids:
                fid, n = f"{base}_{n}", n + 1
            taken_ids.add(fid)
            fig.id = fid
            group.figures.append(fig)
        return group


def _decimal(text: str) -> Decimal | int:
    return Decimal(text) if "." in text else int(text)


def declare(state: _Figures, text: str, line: int) -> str:
    """Declare the figures of a statistics paragraph; return it referring to them.

    stated.parse() reads the paragraph; the value figures of each sentence are a group,
    its counts by status, remainders and rates belong to the figure they follow.
    """
    parsed = stated.parse(text)
    for kind, what in parsed.warnings:
        if kind == "rate":
            state.doc.warn(line, "import.rate_unmatched", value=what)
        elif kind == "status":
            state.doc.warn(line, "import.status_ambiguous", status=what)
        else:
            state.doc.warn(line, "import.figure_unlabelled", value=what)
    made: dict[int, Figure] = {}
    sentences: dict[int, list[Figure]] = {}
    spans: list[tuple[int, int, Figure, str, bool]] = []  # (start, end, figure, what, numeral)
    for st in parsed.figures:
        n = st.number
        where = (n.start, n.end)
        if st.kind == "value":
            assert st.label is not None
            fig = Figure(
                id="", label=st.label, unit=n.unit, value=n.value, qualifier=n.qualifier, line=line
            )
            made[id(st)] = fig
            sentences.setdefault(st.sentence, []).append(fig)
            spans.append((*where, fig, "value", n.numeral))
            continue
        assert st.owner is not None
        owner = made[id(st.owner)]
        if st.kind == "rate":
            written = text[n.start : n.end]
            precision = len(written.split(".")[1]) if "." in written else 0
            owner.rate = (st.label or "", precision)
            spans.append((*where, owner, "rate", n.numeral))
            continue
        if not isinstance(n.value, int):
            continue
        if owner.total is None:
            owner.total = int(owner.value or 0)
            owner.value = None
        assert st.status is not None
        rest = owner.total - sum(owner.by_status.values())
        if st.kind == "remainder" and n.value == rest and not owner.remainder:
            owner.remainder = st.status
            spans.append((*where, owner, "remainder", n.numeral))
            continue
        status = state.status(st.status, st.done)
        owner.by_status[status.key] = n.value
        spans.append((*where, owner, f"by_status.{status.key}", n.numeral))
    for index in sorted(sentences):
        group = state.group_for(sentences[index])
        for fig in sentences[index]:
            fig.path = group.path(fig)
    # written once the paragraph is read: a value may have become a tally since
    for s, e, fig, what, numeral in sorted(spans, key=lambda x: x[0], reverse=True):
        ref = _ref(fig, what)
        if numeral:
            number = fig.number() if what == "value" else None
            if what.startswith("by_status."):
                number = fig.by_status[what.removeprefix("by_status.")]
            if number is None or zh_numeral(int(number)) != text[s:e]:
                continue  # 两项, 半个月: kept as written
            ref = ref.replace(" }}", " | zh }}")
        text = text[:s] + ref + text[e:]
    return text


_CELL_RE = re.compile(r"^(?P<num>\d+(?:\.\d+)?)(?P<pct>%)?(?P<unit>[^\d\s%{}]{0,2})$")
"""A cell that is a number (12, 12项, 95.5%), and nothing else."""
_HEAD_UNIT_RE = re.compile(r"^(?P<label>.+?)\s*[（(](?P<unit>[^（）()]{1,4})[）)]$")
"""A header naming its unit: 反馈问题（项）."""


def _head(text: str) -> tuple[str, str]:
    m = _HEAD_UNIT_RE.match(text.strip())
    return (m.group("label"), m.group("unit")) if m else (text.strip(), "")


def _is_status(label: str) -> bool:
    simple = language.simplified(label)
    return any(simple in (e[0], e[1]) for e in _STATUS_WORDS) or bool(
        re.match(r"^(?:已|尚未|未|正在|基本|持续)", simple)
    )


def declare_table(state: _Figures, table: Table) -> None:
    """A statistics table's numbers as figures, its cells referring to them.

    A column is numeric when every filled cell in it is a number. Each row (named by its
    first cell) gets one figure a numeric column, labelled by the row and the column's
    header: a column whose header is a status (已整改, 已完成 …) counts by that status the
    nearest column before it, which becomes a tally; a rate column (完成率, %) is that
    tally's rate where the counts give it, else left as text with a warning. The figures
    of a table are one group, headed by its caption. Cells of text stay as written."""
    if table.written:
        return
    header, rows = table.header, table.rows
    width = len(header)
    numeric: list[int] = []
    for c in range(1, width):
        filled = [row[c] for row in rows if row[c].strip()]
        if filled and all(_CELL_RE.match(cell.strip()) for cell in filled):
            numeric.append(c)
    if not numeric:
        return
    heads = {c: _head(header[c]) for c in numeric}
    owner_of: dict[int, int] = {}
    kind: dict[int, str] = {}
    last_total: int | None = None
    for c in numeric:
        label = heads[c][0]
        pct = any("%" in row[c] for row in rows)
        if (pct or label.endswith("率")) and last_total is not None:
            kind[c], owner_of[c] = "rate", last_total
        elif _is_status(label) and last_total is not None:
            kind[c], owner_of[c] = "status", last_total
        elif pct or label.endswith("率"):
            kind[c] = "text"
        else:
            kind[c], last_total = "total", c
    figures: list[Figure] = []
    refs: list[tuple[int, int, Figure, str]] = []  # (row, col, figure, what)
    for r, row in enumerate(rows):
        name = re.sub(r"\s+", "", row[0]) or f"第{r + 1}行"
        made: dict[int, Figure] = {}
        for c in numeric:
            m = _CELL_RE.match(row[c].strip())
            if m is None or kind[c] == "text":
                continue
            label, unit = heads[c]
            unit = unit or m.group("unit") or ""
            number = _decimal(m.group("num"))
            if kind[c] == "total":
                fig = Figure(
                    id="", label=f"{name}{label}", unit=unit, value=number, line=table.line
                )
                fig.row = r + 1
                made[c] = fig
                figures.append(fig)
                refs.append((r, c, fig, "value"))
            elif kind[c] == "status":
                owner = made.get(owner_of[c])
                if (
                    owner is None
                    or not isinstance(number, int)
                    or not isinstance(owner.value if owner.total is None else owner.total, int)
                ):
                    continue
                if owner.total is None:
                    owner.total, owner.value = int(owner.value or 0), None
                status = state.status(label)
                owner.by_status[status.key] = number
                refs.append((r, c, owner, f"by_status.{status.key}"))
        for c in numeric:  # rates once the row's counts are known
            m = _CELL_RE.match(row[c].strip())
            if m is None or kind[c] != "rate":
                continue
            owner = made.get(owner_of[c])
            written = m.group("num")
            places = len(written.split(".")[1]) if "." in written else 0
            if owner is None or not owner.total or places > 2 or owner.rate:
                continue
            done = sum(n for k, n in owner.by_status.items() if state.statuses[k].done)
            rate = (Decimal(done) * 100 / owner.total).quantize(
                Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
            )
            if rate != Decimal(written):
                state.doc.warn(table.line, "import.rate_unmatched", value=row[c].strip())
                continue
            owner.rate = (heads[c][0], places)
            refs.append((r, c, owner, "rate"))
    if not figures:
        return
    group = state.group_for(figures, table=True, table_label=table.caption)
    for fig in figures:
        fig.path = group.path(fig)
    for r, c, fig, what in refs:
        m = _CELL_RE.match(rows[r][c].strip())
        assert m is not None
        ref = _ref(fig, what) if what != "value" or not fig.is_tally else _ref(fig, "value")
        rows[r][c] = ref + ("%" if m.group("pct") else "") + (m.group("unit") or "")


def _ref(fig: Figure, what: str) -> str:
    if what == "value":
        return "{{ figures." + fig.path + (".total" if fig.is_tally else "") + " }}"
    return "{{ figures." + fig.path + "." + what + " }}"


def refer(doc: Document, text: str) -> str:
    """Numbers next to the label of a declared figure of that value refer to it."""
    edits = []
    for m in NUMBER_RE.finditer(text):
        if m.group("pct"):
            continue
        value = _decimal(m.group("num"))
        after = text[m.end() :]
        before = text[: m.start()]
        for group in doc.groups:
            fig = next(
                (
                    f
                    for f in group.figures
                    if f.number() == value
                    and (after.startswith(f.label) or before.endswith(f.label))
                ),
                None,
            )
            if fig is not None:
                edits.append((m.start("num"), m.end("num"), _ref(fig, "value")))
                break
    for s, e, ref in sorted(edits, reverse=True):
        text = text[:s] + ref + text[e:]
    return text


def counts(doc: Document, text: str) -> str:
    """六大类16方面 -> references to the derived counts, when they agree."""
    derived = {
        "cat": ("categories", doc.count("category")),
        "asp": ("aspects", doc.count("aspect")),
    }

    def one(m: re.Match[str]) -> str:
        parts = []
        for name in ("cat", "asp"):
            key, n = derived[name]
            if cn_value(m.group(name)) != n or n == 0:
                return m.group(0)
            typed = m.group(name)
            parts.append("{{ counts." + key + (" }}" if typed.isdigit() else " | zh }}"))
        s = m.group(0)
        cat_s, cat_e = m.span("cat")
        asp_s, asp_e = m.span("asp")
        base = m.start()
        return (
            s[: cat_s - base]
            + parts[0]
            + s[cat_e - base : asp_s - base]
            + parts[1]
            + s[asp_e - base :]
        )

    return words.COUNT_RE.sub(one, text)


def _derive(doc: Document, blocks: list[Block]) -> None:
    """A tally of problems that equals the listed problems counts them (and types nothing)."""
    listed: dict[str, int] = {}
    for block in blocks:
        if block.role == "problem" and block.status is not None:
            listed[block.status] = listed.get(block.status, 0) + 1
    count = doc.count("problem")
    if not count:
        return
    for group in doc.groups:
        for fig in group.figures:
            if not (fig.is_tally and "问题" in fig.label and fig.total == count):
                continue
            fig.counts = "problem"
            if all(listed.get(k) == n for k, n in fig.by_status.items()):
                fig.derived = True
            return


def _paragraph_blocks(doc: Document) -> list[Block]:
    return doc.blocks()


def recognise(doc: Document) -> None:
    """Declare the figures and statuses; rewrite prose to refer to them."""
    state = _Figures(doc)
    declaring: set[tuple[int, int]] = set()
    blocks = _paragraph_blocks(doc)
    for block in blocks:  # the status lines name the statuses as the report words them
        if block.status is not None:
            block.status = state.status(block.status).key
    for i, para in enumerate(doc.intro):
        if is_statistics(para):
            doc.intro[i] = declare(state, para, 0)
    for b_index, block in enumerate(blocks):
        for p_index, para in enumerate(block.paragraphs):
            if is_statistics(para):
                block.paragraphs[p_index] = declare(state, para, block.line)
                declaring.add((b_index, p_index))
    for table in [*doc.tables, *(t for b in blocks for t in b.tables)]:
        declare_table(state, table)
    for b_index, block in enumerate(blocks):
        for p_index, para in enumerate(block.paragraphs):
            if (b_index, p_index) not in declaring:
                para = refer(doc, para)
            block.paragraphs[p_index] = counts(doc, para)
    _derive(doc, blocks)
    for group in doc.groups:
        for fig in group.figures:
            path = group.path(fig)
            if fig.is_tally:
                doc.found.append(f"{path}.total = {fig.total} ({fig.label}, {fig.unit})")
                for key, n in fig.by_status.items():
                    label = state.statuses[key].label
                    doc.found.append(f"{path}.by_status.{key} = {n} ({label}, {fig.unit})")
                if fig.remainder:
                    rest = (fig.total or 0) - sum(fig.by_status.values())
                    doc.found.append(f"{path}.remainder = {rest} ({fig.remainder}, {fig.unit})")
                if fig.rate:
                    doc.found.append(f"{path}.rate ({fig.rate[0]}, %)")
                if fig.counts:
                    doc.found.append(f"{path}: counts {fig.counts}")
            else:
                doc.found.append(f"{path} = {fig.value} ({fig.label}, {fig.unit})")
