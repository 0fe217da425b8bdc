"""Numbers with a counting unit in a sentence: 57项, 三个, 2600余项, 65万余元, 94.87%.

Digits are read as written (an exact decimal where there is a point), Chinese numerals
with cn2an. The unit is a measure word of jionlp's dictionary or of ``words.UNITS_MORE``,
less the words that make dates, ordinals and document numbers (``words.NOT_UNITS``).
Never a figure: a number after 第 (ordinals, article numbers), a year, month or day, a
number inside quotation marks or a book title, one run into other digits or a hyphen
(phone numbers), 〔2024〕12号 (a document number, 号 being no unit), and a lone 一.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from . import language, words


@dataclass(frozen=True)
class Number:
    """One number with its unit, as the text writes it."""

    start: int
    """Where the number itself (digits or numeral) starts; ``end`` is where it ends."""
    end: int
    value: int | Decimal
    unit: str
    """As written, with its magnitude: 项, 万元, %."""
    qualifier: str | None
    """余, 多, 以上, 近, 约 … as written (万余 where it stands after the magnitude)."""
    span: tuple[int, int]
    """The whole mention: qualifier, number, magnitude, unit."""
    numeral: bool
    """Written in Chinese numerals (三个, 两项)."""


_CN = "零〇一二两三四五六七八九十百千"


@cache
def _pattern() -> re.Pattern[str]:
    units = (language.measure_words() | set(words.UNITS_MORE)) - set(words.NOT_UNITS)
    alternation = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    before = "|".join(words.QUALIFIERS_BEFORE)
    after = "|".join(words.QUALIFIERS_AFTER)
    return re.compile(
        rf"(?P<pre>{before})?"
        rf"(?P<num>\d+(?:\.\d+)?|[{_CN}]+|半)"
        r"(?P<q1>余|多)?(?P<mag>万|亿)?(?P<q2>余|多)?"
        rf"(?:(?P<pct>%|％)|(?P<unit>{alternation}))"
        rf"(?P<post>{after})?"
    )


def _quoted(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in re.finditer(r"“[^”]*”|《[^》]*》|\"[^\"]*\"|「[^」]*」", text):
        spans.append(m.span())
    return spans


def _cut(m: re.Match[str], written: str, name: str) -> str:
    """Group ``name`` of ``m`` as ``written`` has it."""
    return written[m.start(name) : m.end(name)] if m.group(name) else ""


def find(text: str, written: str | None = None) -> list[Number]:
    """Every number with a counting unit in ``text`` (in simplified script), in order;
    units and qualifiers are cut from ``written`` (the same text as written, of the same
    length) where it is given."""
    written = text if written is None else written
    quoted = _quoted(text)
    out: list[Number] = []
    for m in _pattern().finditer(text):
        start, end = m.span("num")
        num = m.group("num")
        before = text[:start]
        after = text[m.end() :]
        if before.endswith(("第", "〔", "[", "-", "—", ".")) or (before[-1:].isdigit()):
            continue
        if after[:1].isdigit():
            continue
        if any(a <= start < b for a, b in quoted):
            continue
        unit = m.group("unit") or "%"
        numeral = not num[0].isdigit()
        if numeral:
            if num == "半":
                value: int | Decimal = Decimal("0.5")
            else:
                if num in words.NOT_NUMERALS or (num, unit) in words.NOT_NUMERAL_UNITS:
                    continue
                n = language.cn_number(num)
                if n is None:
                    continue
                value = n
        else:
            value = Decimal(num) if "." in num else int(num)
        if unit in words.DATE_UNITS:
            continue
        mag = _cut(m, written, "mag")
        unit = _cut(m, written, "unit") or "%"
        qualifier = _cut(m, written, "pre") or _cut(m, written, "post") or None
        if m.group("q1"):
            qualifier = _cut(m, written, "q1")
        elif m.group("q2"):
            qualifier = mag + _cut(m, written, "q2")
        out.append(
            Number(
                start=start,
                end=end,
                value=value,
                unit=mag + unit,
                qualifier=qualifier,
                span=m.span(),
                numeral=numeral,
            )
        )
    return out
