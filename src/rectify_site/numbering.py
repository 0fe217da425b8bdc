"""Generated numbering in the GB/T 9704 hierarchy of official documents.

Content never types 一、 (一) 1. or 一是: they come from an item's position, so moving
an item renumbers everything.
"""

from __future__ import annotations

import datetime as dt

_DIGITS = "零一二三四五六七八九"


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


def part_number(index: int) -> str:
    """First level: 一、 二、 三、 (index from 0)."""
    return f"{zh_numeral(index + 1)}、"


def section_number(index: int) -> str:
    """Second level: (一) (二), in full-width brackets as official documents have them."""
    return f"（{zh_numeral(index + 1)}）"


def item_number(index: int) -> str:
    """Third level: 1. 2. 3."""
    return f"{index + 1}."


def action_number(index: int) -> str:
    """Enumerated actions within a paragraph: 一是 二是 三是."""
    return f"{zh_numeral(index + 1)}是"


def zh_date(value: dt.date, year: bool = True) -> str:
    """2023-03-29 -> 2023年3月29日 (or 3月29日 without the year)."""
    day = f"{value.month}月{value.day}日"
    return f"{value.year}年{day}" if year else day
