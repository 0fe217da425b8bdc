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

from . import words
from .text import cn_value
from .tree import Block, Document, Figure, Group, Status

_UNITS = "|".join(sorted(words.UNITS, key=len, reverse=True))
NUMBER_RE = re.compile(rf"(?<![\d.])(?P<num>\d+(?:\.\d+)?)(?:(?P<pct>%)|(?P<unit>{_UNITS}))")
_DELIMS = "，,；;：:。"
_STATUS_WORDS = sorted(words.STATUSES, key=lambda s: len(s[0]), reverse=True)


def _status(prefix: str) -> tuple[str, str, str, bool] | None:
    """The status a count's prefix names (已经整改 -> 已整改), when it is only that."""
    text = re.sub(r"^(?:其中|并|同时|均|现)", "", prefix.strip("、 "))
    for entry in _STATUS_WORDS:
        if text == entry[0]:
            return entry
    if words.GENERIC_STATUS_RE.match(text):
        return (text, text, "", not words.GENERIC_NOT_DONE_RE.match(text))
    return None


def _strip(prefix: str) -> str:
    text = prefix.strip("、 ")
    while True:
        m = words.FILLERS_RE.match(text)
        if not m or not m.group(0):
            return text
        text = text[m.end() :].strip("、 ")


def _segment_start(sentence: str, pos: int, cursor: int) -> int:
    start = cursor
    for i in range(pos - 1, cursor - 1, -1):
        if sentence[i] in _DELIMS:
            return max(i + 1, cursor)
    return start


def _suffix_label(sentence: str, end: int) -> str:
    rest = sentence[end:]
    cut = len(rest)
    for i, ch in enumerate(rest):
        if ch in _DELIMS or ch == "、" or ch.isdigit():
            cut = i
            break
    label = rest[:cut]
    for written, *_ in _STATUS_WORDS:
        at = label.find(written)
        if at > 0:
            label = label[:at]
    return label


def _clean_label(label: str) -> str:
    return words.LABEL_TAIL_RE.sub("", label)


def is_statistics(text: str) -> bool:
    """Whether a paragraph states figures (a count by status, or 2+ strong figures)."""
    strong = 0
    cursor = 0
    for m in NUMBER_RE.finditer(text):
        if m.group("pct"):
            continue
        start = _segment_start(text, m.start(), cursor)
        prefix = text[start : m.start()]
        if _status(prefix) is not None:
            return True
        if any(w in prefix for w in words.STRONG_FIGURE_WORDS):
            strong += 1
        cursor = m.end()
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

    def status(self, written: str) -> Status:
        entry = next((e for e in _STATUS_WORDS if e[0] == written or e[1] == written), None)
        if entry is None:
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

    def group_for(self, figures: list[Figure]) -> Group:
        main_labels = {label for label, _ in words.MAIN_FIGURES}
        is_main = all(f.is_tally and f.label in main_labels for f in figures)
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
            base, n = gid, 2
            taken = self.used_group_ids | {f.id for f in (self.main.figures if self.main else [])}
            while gid in taken:
                gid, n = f"{base}_{n}", n + 1
            self.used_group_ids.add(gid)
            group = Group(gid)
            self.doc.groups.append(group)
        self.last_main = group is self.main
        taken_ids = {f.id for f in group.figures} | (
            self.used_group_ids if group.id is None else set()
        )
        for index, fig in enumerate(figures, start=len(group.figures) + 1):
            fid = next((i for w, i in words.FIGURE_IDS if w in fig.label), f"figure_{index}")
            base, n = fid, 2
            while fid in taken_ids:
                fid, n = f"{base}_{n}", n + 1
            taken_ids.add(fid)
            fig.id = fid
            group.figures.append(fig)
        return group


def _decimal(text: str) -> Decimal | int:
    return Decimal(text) if "." in text else int(text)


def _rate_matches(fig: Figure, value: str, statuses: dict[str, Status]) -> int | None:
    """The precision at which ``value`` is the tally's done share, or None."""
    if not fig.total:
        return None
    done = sum(c for k, c in fig.by_status.items() if statuses[k].done)
    precision = len(value.split(".")[1]) if "." in value else 0
    share = (Decimal(done) * 100 / Decimal(fig.total)).quantize(
        Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP
    )
    return precision if share == Decimal(value) else None


def _prefers_suffix(label: str, suffix: str) -> bool:
    """Whether a figure's label follows its number (细化为57个具体问题) rather than
    preceding it (提出整改措施134条)."""
    if not suffix:
        return False
    return not label or label.endswith(words.LABEL_BEFORE_NUMBER_ENDS)


def declare(state: _Figures, text: str, line: int) -> str:
    """Declare the figures of a statistics paragraph; return it referring to them.

    The figures of each sentence are a group; a status count or a remainder belongs to
    the latest figure of its unit in the paragraph, also one of an earlier sentence.
    """
    recent: list[Figure] = []  # figures of this paragraph, in order
    spans: list[tuple[int, int, Figure, str]] = []  # (start, end, figure, what) in text
    offset = 0
    for sentence in _sentences(text):
        figures: list[Figure] = []
        cursor = 0
        for m in NUMBER_RE.finditer(sentence):
            if m.start() < cursor:
                continue
            start = _segment_start(sentence, m.start(), cursor)
            prefix = sentence[start : m.start()]
            num = m.group("num")
            if m.group("pct"):
                rate = words.RATE_RE.search(sentence[start : m.end()])
                tally = next((f for f in reversed(recent) if f.is_tally), None)
                precision = _rate_matches(tally, num, state.statuses) if tally else None
                if tally and rate and precision is not None:
                    tally.rate = (rate.group("label"), precision)
                    spans.append((offset + m.start("num"), offset + m.end("num"), tally, "rate"))
                else:
                    state.doc.warn(line, "import.rate_unmatched", value=f"{num}%")
                cursor = m.end()
                continue
            unit = m.group("unit")
            owner = next((f for f in reversed(recent) if f.unit == unit), None)
            status = _status(prefix)
            if status is not None and owner is not None and "." not in num:
                st = state.status(status[0])
                if owner.total is None:
                    owner.total = int(owner.value or 0)
                    owner.value = None
                owner.by_status[st.key] = int(num)
                spans.append(
                    (offset + m.start("num"), offset + m.end("num"), owner, f"by_status.{st.key}")
                )
                cursor = m.end()
                continue
            label = _strip(prefix)
            if label in words.REMAINDER_WORDS:
                under = _suffix_label(sentence, m.end())
                if (
                    owner is not None
                    and owner.is_tally
                    and under
                    and "." not in num
                    and int(num) == (owner.total or 0) - sum(owner.by_status.values())
                ):
                    owner.remainder = under
                    spans.append(
                        (offset + m.start("num"), offset + m.end("num"), owner, "remainder")
                    )
                    cursor = m.end() + len(under)
                    continue
            cursor = m.end()
            suffix = _clean_label(_suffix_label(sentence, m.end()))
            if _prefers_suffix(label, suffix):
                cursor = m.end() + len(_suffix_label(sentence, m.end()))
                label = suffix
            if not label:
                state.doc.warn(line, "import.figure_unlabelled", value=f"{num}{unit}")
                continue
            fig = Figure(id="", label=label, unit=unit, value=_decimal(num), line=line)
            figures.append(fig)
            recent.append(fig)
            spans.append((offset + m.start("num"), offset + m.end("num"), fig, "value"))
        if figures:
            group = state.group_for(figures)
            for fig in figures:
                fig.path = group.path(fig)
        offset += len(sentence)
    # written once the paragraph is read: a value may have become a tally since
    for s, e, ref in sorted(((s, e, _ref(f, what)) for s, e, f, what in spans), reverse=True):
        text = text[:s] + ref + text[e:]
    return text


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
