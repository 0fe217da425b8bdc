"""What a paragraph states: its figures, parsed (numbers.py finds them, this reads them).

For each number with a counting unit: the label is the noun phrase it counts, as the text
writes it, the shortest that still names it (after the unit, 312个问题; else before the
number, 整改任务150项), found on rjieba's segmentation and tags. A number whose words
are a status (已完成整改296个, 基本完成并持续推进9个, 128项整改措施已如期完成) counts by
that status the figure it follows: the one of the same label, else of the same unit;
其余 names its remainder. A percentage after a rate's label (整改完成率94.87%) is the
stated rate of the latest tally, and must agree with its counts; with no tally it is a
figure of its own. The statuses are the text's own words; whether each is done is read
from the tables of ``words`` (ambiguous ones are warned about).

Traditional script is read through OpenCC, character for character: labels and statuses
are cut from the text as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from . import language, words
from .numbers import Number, find


@dataclass(eq=False)
class Stated:
    """One stated figure, or a count by status of one, or a tally's stated rate."""

    number: Number
    kind: str
    """value, status (a count by status), remainder (其余…), rate (of ``owner``)."""
    label: str | None = None
    status: str | None = None
    """The status as the text words it (已完成整改), for status and remainder."""
    done: bool = False
    ambiguous: bool = False
    owner: Stated | None = None
    """The figure a status count, remainder or rate belongs to."""
    counts: list[Stated] = field(default_factory=list)
    """Of a total: its status counts and remainder, in order."""
    rate: Stated | None = None
    """Of a total: its stated rate, when it agrees with the counts."""
    rate_label: str | None = None
    sentence: int = 0


@dataclass
class Parsed:
    figures: list[Stated]
    warnings: list[tuple[str, str]]
    """(kind, what): rate (disagrees with the counts), status (ambiguous), unlabelled."""


@cache
def _status_re() -> re.Pattern[str]:
    mods = "|".join(sorted(words.STATUS_MODIFIERS, key=len, reverse=True))
    cores = "|".join(sorted(words.STATUS_CORES, key=len, reverse=True))
    joins = "|".join(words.STATUS_JOINERS)
    part = rf"(?:{mods})*(?:{cores})(?:中)?"
    return re.compile(rf"^{part}(?:(?:{joins})?{part})*$")


def is_status(text: str) -> bool:
    """Whether ``text`` (simplified) is only a status: 已完成, 正在全力推进, 办理中."""
    return bool(text) and bool(_status_re().match(text))


def decide(status: str) -> tuple[bool, bool]:
    """(done, ambiguous) of a status as the text words it (simplified)."""
    if any(w in status for w in words.STATUS_AMBIGUOUS):
        return False, True
    if any(w in status for w in words.STATUS_NOT_DONE) or status.endswith("中"):
        return False, False
    return any(w in status for w in words.STATUS_DONE), False


def _tokens(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, word, tag) of ``text``; adjacent words that join into one of
    ``words.LABEL_WORDS`` are one."""
    out: list[tuple[int, int, str, str]] = []
    at = 0
    for word, tag in language.tag(text):
        if out and out[-1][2] + word in words.LABEL_WORDS:
            s, _e, w, _t = out.pop()
            out.append((s, at + len(word), w + word, "n"))
        else:
            out.append((at, at + len(word), word, tag))
        at += len(word)
    return out


def _nominal(word: str, tag: str, following: str | None) -> bool:
    if word in words.LABEL_WORDS:
        return True
    if word in words.LABEL_WORDS_BEFORE:
        return following is not None and following in words.LABEL_WORDS_BEFORE[word]
    return tag in words.NOMINAL_TAGS and not (tag == "a" and len(word) == 1)


def label_before(text: str) -> tuple[int, int] | None:
    """Span in ``text`` of the noun phrase that ends it (党纪政务处分 in 给予党纪政务处分)."""
    tokens = _tokens(text)
    start = len(tokens)
    while start > 0:
        _s, _e, word, tag = tokens[start - 1]
        following = tokens[start][2] if start < len(tokens) else None
        if (
            word in words.LABEL_JOINERS
            and start < len(tokens)
            and start >= 2
            and tokens[start - 2][3].startswith("v")
        ):
            start -= 2  # 制定及修改完善制度: two verbs of one label
            break
        if word in words.LABEL_STOPS or not _nominal(word, tag, following):
            break
        start -= 1
    if start == len(tokens):
        if tokens and tokens[-1][3] in words.LONE_LABEL_TAGS and len(tokens[-1][2]) > 1:
            return tokens[-1][0], tokens[-1][1]
        return None
    return tokens[start][0], tokens[-1][1]


def label_after(text: str) -> tuple[int, int] | None:
    """Span in ``text`` of the noun phrase that starts it (问题 in 问题，…)."""
    tokens = _tokens(text)
    end = 0
    while end < len(tokens):
        _s, _e, word, tag = tokens[end]
        following = tokens[end + 1][2] if end + 1 < len(tokens) else None
        listed = word in words.LABEL_WORDS or word in words.LABEL_WORDS_BEFORE
        if not _nominal(word, tag, following) or (is_status(word) and not listed):
            break
        end += 1
    if end == 0:
        return None
    return tokens[0][0], tokens[end - 1][1]


def _clause_start(s: str, pos: int, floor: int) -> int:
    for i in range(pos - 1, floor - 1, -1):
        if s[i] in words.DELIMITERS:
            return i + 1
    return floor


def _clause_end(s: str, pos: int, ceiling: int) -> int:
    for i in range(pos, ceiling):
        if s[i] in words.DELIMITERS:
            return i
    return ceiling


def _strip(s: str, a: int, b: int) -> tuple[int, int]:
    """Leading and trailing fillers off s[a:b]."""
    m = words.LEADING_FILLERS_RE.match(s[a:b])
    if m and m.end() > 0:
        a += m.end()
    m = words.TRAILING_FILLERS_RE.search(s[a:b])
    if m and m.start() < m.end():
        b = a + m.start()
    return a, b


def _share(total: Stated, precision: int) -> Decimal | None:
    whole = total.number.value
    if not whole:
        return None
    done = sum(Decimal(c.number.value) for c in total.counts if c.kind == "status" and c.done)
    return (done * 100 / Decimal(whole)).quantize(
        Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP
    )


def parse(text: str) -> Parsed:
    """The figures ``text`` states, in order, with their statuses, totals and rates."""
    s = language.simplified(text)
    numbers = find(s, text)
    figures: list[Stated] = []
    warnings: list[tuple[str, str]] = []
    cursor = 0
    sentence = 0
    last_stop = 0

    def owner_for(label: str | None, unit: str) -> Stated | None:
        totals = [f for f in figures if f.kind == "value" and f.number.unit != "%"]
        if label:
            simple = language.simplified(label)
            for f in reversed(totals):
                if f.label and language.simplified(f.label).endswith(simple):
                    return f
        for f in reversed(totals):
            if f.number.unit == unit or f.number.unit[-1:] == unit[-1:]:
                return f
        return None

    for index, num in enumerate(numbers):
        begin, stop = num.span
        sentence += s.count("。", last_stop, begin)
        last_stop = begin
        nxt = numbers[index + 1].span[0] if index + 1 < len(numbers) else len(s)
        a = _clause_start(s, begin, cursor)
        pa, pb = _strip(s, a, begin)
        prefix = s[pa:pb]
        end = _clause_end(s, stop, nxt)
        more_in_clause = end == nxt and index + 1 < len(numbers)
        cursor = stop
        if num.unit == "%":
            _rate(s, text, pa, pb, num, figures, warnings, sentence)
            continue
        if prefix in words.REMAINDER_WORDS:
            rest = s[stop:end]
            tally = next((f for f in reversed(figures) if f.kind == "value" and f.counts), None)
            owner = tally or owner_for(None, num.unit)
            if owner is not None and is_status(rest):
                done, ambiguous = decide(rest)
                fig = Stated(num, "remainder", status=text[stop:end], owner=owner)
                fig.done, fig.ambiguous, fig.sentence = done, ambiguous, sentence
                owner.counts.append(fig)
                figures.append(fig)
                cursor = end
                continue
        split = _status_split(prefix, [f.label for f in figures if f.kind == "value"])
        if split is not None:
            status, label = split
            owner = owner_for(label, num.unit)
            if owner is not None:
                _count(figures, warnings, num, text[pa : pa + len(status)], owner, sentence)
                continue
        after = label_after(s[stop:end]) if stop < end else None
        rest_at = stop + after[1] if after else stop
        rest = s[rest_at:end]
        if not more_in_clause and is_status(rest):
            label = text[stop + after[0] : stop + after[1]] if after else None
            owner = owner_for(label, num.unit)
            if owner is not None:
                _count(figures, warnings, num, text[rest_at:end], owner, sentence)
                cursor = end
                continue
        if after:
            label = text[stop + after[0] : stop + after[1]]
            cursor = stop + after[1]
        else:
            before = label_before(prefix)
            if before is None:
                warnings.append(("unlabelled", text[begin:stop]))
                continue
            label = text[pa + before[0] : pa + before[1]]
        figures.append(Stated(num, "value", label=label, sentence=sentence))
    return Parsed(figures, warnings)


def _status_split(prefix: str, labels: list[str | None]) -> tuple[str, str | None] | None:
    """(status, label) when ``prefix`` is a status, or a status then a known label
    (已完成 整改举措)."""
    if is_status(prefix):
        return prefix, None
    known = {language.simplified(label) for label in labels if label}
    for k in range(len(prefix) - 1, 0, -1):
        head, tail = prefix[:k], prefix[k:]
        if tail in known and is_status(head):
            return head, tail
    return None


def _count(
    figures: list[Stated],
    warnings: list[tuple[str, str]],
    num: Number,
    status: str,
    owner: Stated,
    sentence: int,
) -> None:
    done, ambiguous = decide(language.simplified(status))
    fig = Stated(num, "status", status=status, owner=owner, sentence=sentence)
    fig.done, fig.ambiguous = done, ambiguous
    if ambiguous:
        warnings.append(("status", status))
    owner.counts.append(fig)
    figures.append(fig)


_RATE_TAIL_RE = re.compile(r"(?:达到|达|为|是|约|近|超过)+$")


def _rate(
    s: str,
    text: str,
    pa: int,
    pb: int,
    num: Number,
    figures: list[Stated],
    warnings: list[tuple[str, str]],
    sentence: int,
) -> None:
    prefix = s[pa:pb]
    tail = _RATE_TAIL_RE.search(prefix)
    if tail:
        prefix = prefix[: tail.start()]
    tokens = _tokens(prefix)
    if not tokens:
        return
    start = len(tokens) - 1
    word = tokens[start][2]
    if not word.endswith(words.RATE_LABEL_ENDS):
        return
    if word in words.RATE_LABEL_ENDS and start > 0:
        start -= 1
    while start > 0:  # 总体完成率, 整改完成率: the words that say what it is the rate of
        before, tag = tokens[start - 1][2], tokens[start - 1][3]
        if before in words.LABEL_STOPS or not _nominal(before, tag, tokens[start][2]):
            break
        start -= 1
    label = text[pa + tokens[start][0] : pa + tokens[-1][1]]
    tally = next((f for f in reversed(figures) if f.kind == "value" and f.counts), None)
    if tally is None:
        figures.append(Stated(num, "value", label=label, sentence=sentence))
        return
    written = text[num.start : num.end]
    precision = len(written.split(".")[1]) if "." in written else 0
    if precision <= 2 and _share(tally, precision) == Decimal(num.value):
        fig = Stated(num, "rate", label=label, owner=tally, sentence=sentence)
        tally.rate, tally.rate_label = fig, label
        figures.append(fig)
    else:
        warnings.append(("rate", f"{written}%"))
