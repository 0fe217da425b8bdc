"""Generated numbering in the GB/T 9704 hierarchy of official documents.

Content never types 一、 (一) 1. or 一是: a number comes from a node's depth and its
position among its numbered siblings, in the style of its level. One table of styles
serves every report; a report may name another style for a level (``numbering`` in
report.yaml), written as its first number (``1．``, ``①``), so that nothing about one
report's numbering lives in code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rectify_site.model.dates import Month, zh

_DIGITS = "零一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def zh_numeral(n: int) -> str:
    """0..9999 as a Chinese numeral: 6 -> 六, 16 -> 十六, 42 -> 四十二, 105 -> 一百零五."""
    if n < 0 or n > 9999:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    out = ""
    units = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
    zero_pending = False
    for value, name in units:
        digit = (n // value) % 10
        if digit:
            if zero_pending:
                out += "零"
            out += _DIGITS[digit] + name
            zero_pending = False
        elif out:
            zero_pending = True
    return out


def _circled(n: int) -> str:
    return _CIRCLED[n - 1] if 1 <= n <= len(_CIRCLED) else f"({n})"


STYLES: dict[str, Callable[[int], str]] = {
    "一、": lambda n: f"{zh_numeral(n)}、",
    "（一）": lambda n: f"（{zh_numeral(n)}）",
    "(一)": lambda n: f"({zh_numeral(n)})",
    "1.": lambda n: f"{n}.",
    "1．": lambda n: f"{n}．",
    "1、": lambda n: f"{n}、",
    "（1）": lambda n: f"（{n}）",
    "(1)": lambda n: f"({n})",
    "①": _circled,
    "一是": lambda n: f"{zh_numeral(n)}是",
    "第一，": lambda n: f"第{zh_numeral(n)}，",
    "第一": lambda n: f"第{zh_numeral(n)}",
    "": lambda n: "",
}
"""Every numbering style, named by how it writes the number 1."""

DEFAULT_LEVELS = ("一、", "（一）", "1.", "（1）", "①")
"""GB/T 9704: 一、 then （一） then 1. then （1）; deeper levels continue with ①."""

DEFAULT_ACTIONS = "一是"
"""Run-in enumerations inside a paragraph: 一是 二是 三是."""


def number(style: str, index: int) -> str:
    """The number of the item at ``index`` (from 0) in ``style``: ("（一）", 2) -> （三）."""
    return STYLES[style](index + 1)


def level_style(levels: tuple[str, ...] | list[str], depth: int) -> str:
    """The style of ``depth`` (1 for parts): the report's own, else the default table."""
    if depth <= len(levels):
        return levels[depth - 1]
    if depth <= len(DEFAULT_LEVELS):
        return DEFAULT_LEVELS[depth - 1]
    return DEFAULT_LEVELS[-1]


QUALIFIERS_BEFORE = ("近", "将近", "约", "大约", "超过", "逾", "不足")
"""Qualifiers written before the number (近300万元); 以上 左右 以下 之多 after the unit;
余 多 after the number, 万余 亿余 in place of the unit's 万 or 亿 (65万余元)."""
QUALIFIERS_AFTER_UNIT = ("以上", "左右", "以下", "之多")


def qualified(unit: str, qualifier: str | None) -> tuple[str, str, str]:
    """(before the number, right after it, the unit) as the report writes a value:
    ("", "余", "项") for 2600余项, ("", "万余", "元") for 65万余元, ("", "", "%以上")."""
    if not qualifier:
        return "", "", unit
    if qualifier in QUALIFIERS_BEFORE:
        return qualifier, "", unit
    if qualifier in QUALIFIERS_AFTER_UNIT:
        return "", "", unit + qualifier
    if qualifier[:1] in "万亿" and unit.startswith(qualifier[:1]):
        return "", qualifier, unit[1:]
    return "", qualifier, unit


def zh_date(value: dt.date | Month, year: bool = True) -> str:
    """2023-03-29 -> 2023年3月29日 (or 3月29日 without the year); a month: 2021年4月."""
    return zh(value, year=year)
