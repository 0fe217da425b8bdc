"""Numbers with a counting unit in prose: a figure reference, plain text, or unregistered.

Principle 1 (one source of truth): a number with a counting unit in prose (1882个,
46079条, 65万余元) is either a reference to a declared figure
(``{{ figures.problems.total }}项``) or marked as plain text, so that ``check`` can tell
a statistic typed twice from a fact of the text. The mark is a Jinja string constant,
``{{ '1882个' }}``: it renders as the characters inside it, prose's sandbox allows it,
export prints it as text, and import writes every number it does not make a figure so
marked (after its escaping, which never touches it).

Not counted: years, months and days (their units, 年 月 日, are no counting units),
ordinals (第23次), a digit run that is part of a longer number (021-33134800, 〔2024〕12号,
10.5.3), numbers after Latin letters (G20), and anything inside a Jinja expression.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

UNITS = (
    "平方米",
    "人次",
    "批次",
    "个",
    "项",
    "条",
    "件",
    "人",
    "名",
    "家",
    "起",
    "次",
    "份",
    "处",
    "元",
    "笔",
    "户",
    "轮",
    "所",
    "批",
    "天",
    "场",
    "篇",
    "期",
    "类",
    "种",
    "幢",
    "栋",
    "座",
    "套",
    "台",
    "辆",
    "亩",
    "吨",
    "课时",
)
"""Counting units (量词) a statistic is stated in; 万 and 亿 before one are magnitudes
(130.98万元), 余 and 多 approximations (2600余项, 30多个). One list, used by ``check``
and by import's marking of plain numbers."""

_UNIT_RE = "|".join(sorted(UNITS, key=len, reverse=True))
COUNT_RE = re.compile(
    r"(?<![\d.A-Za-z_-])(?P<num>\d+(?:\.\d+)?)(?P<mag>[万亿])?(?P<approx>余|多)?"
    rf"(?P<unit>{_UNIT_RE})"
)
"""A number (digits, with decimals) and its counting unit."""

JINJA_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
"""A Jinja expression, statement or comment in prose: references and marks alike."""

MARK_RE = re.compile(r"\{\{ '([^'{}\\]*)' \}\}")
"""The plain-text mark of a number, as import writes it and editors type it."""

_ORDINAL_RE = re.compile(r"第\s*$")


@dataclass(frozen=True)
class Count:
    """One number with a counting unit, where it stands in the text."""

    start: int
    end: int
    written: str


def _blank(text: str) -> str:
    """``text`` with every Jinja expression blanked (same length, so offsets hold)."""
    return JINJA_RE.sub(lambda m: "\x00" * len(m.group(0)), text)


def unregistered(text: str) -> Iterator[Count]:
    """Every number with a counting unit in ``text`` that is neither in a figure
    reference nor marked as plain text, in order."""
    bare = _blank(text)
    for m in COUNT_RE.finditer(bare):
        before = bare[: m.start()]
        if _ORDINAL_RE.search(before[-3:]):
            continue  # 第23次: an ordinal
        if m.start() > 0 and bare[m.start() - 1] in "\x00":
            continue  # glued to a reference: {{ x }}5个 reads as one number
        yield Count(m.start(), m.end(), m.group(0))


def mark(text: str) -> str:
    """``text`` with every unregistered number marked as plain text (``{{ '5个' }}``)."""
    out, last = [], 0
    for c in unregistered(text):
        out += [text[last : c.start], "{{ '", c.written, "' }}"]
        last = c.end
    out.append(text[last:])
    return "".join(out)
