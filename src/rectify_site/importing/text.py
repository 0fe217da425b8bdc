"""Text helpers of the importer: Chinese numerals, full-width punctuation, literal prose."""

from __future__ import annotations

import re

_CN = {c: i for i, c in enumerate("零一二三四五六七八九")}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CJKP = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’"


def cn_value(text: str, *, digits: bool = False) -> int:
    """一 -> 1, 十六 -> 16, 二十 -> 20, 一百零五 -> 105; digits as they are; with
    ``digits``, Chinese digits one by one (二〇二四 -> 2024)."""
    if digits and not text.isdecimal():
        return int("".join(str("〇一二三四五六七八九".find(c)) if c != "零" else "0" for c in text))
    if text in _CIRCLED:  # before isdigit(), which ① passes
        return _CIRCLED.index(text) + 1
    if text.isdecimal():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _CN:
            current = _CN[ch]
        elif ch == "两":
            current = 2
        elif ch in "十百千":
            unit = {"十": 10, "百": 100, "千": 1000}[ch]
            total += (current or 1) * unit
            current = 0
    return total + current


def fullwidth(text: str) -> str:
    """Half-width , ; : ? ! ( ) inside Chinese text written full-width (GB/T 15834)."""
    text = re.sub(r"\s*([,;:?!])\s*(?=[" + _CJKP + r"])", _fw, text)
    text = re.sub(r"(?<=[" + _CJKP + r"])\s*([,;:?!])\s*", _fw, text)

    def paren(m: re.Match[str]) -> str:
        inner = m.group(1)
        if re.search("[\u3400-\u9fff]", inner) or _cjk_around(m):
            return f"（{inner}）"
        return m.group(0)

    prev = None
    while prev != text:
        prev = text
        text = re.sub(r"\(([^()（）]*)\)", paren, text)
    return text


_TAG_RE = re.compile(r"<(?=[a-zA-Z/!])")
_JINJA_RE = re.compile(r"\{[{%#]")


def literal(text: str) -> str:
    """Text as prose that shows it as typed: Markdown's * and ` escaped, a < that would
    read as an HTML tag written full-width, and {{ {% {# written as Jinja constants."""
    text = text.replace("\\", "\\\\").replace("*", "\\*").replace("`", "\\`")
    text = _TAG_RE.sub("＜", text)
    return _JINJA_RE.sub(lambda m: "{{ '" + m.group(0) + "' }}", text)


def _cjk_around(m: re.Match[str]) -> bool:
    s = m.string
    before = s[m.start() - 1] if m.start() > 0 else ""
    after = s[m.end()] if m.end() < len(s) else ""
    return bool(re.match("[\u3400-\u9fff]", before) and re.match("[\u3400-\u9fff]", after or "x"))


def _fw(m: re.Match[str]) -> str:
    return {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}[m.group(1)]
