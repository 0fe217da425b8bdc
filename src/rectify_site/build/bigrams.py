"""The indexed text of a page as overlapping character bigrams (issue 22).

Pagefind segments Chinese with a dictionary when it indexes and with the browser's
``Intl.Segmenter`` when it searches; the two disagree, so text on the page went unfound.
As Lucene's CJK analyzer and Elasticsearch's ``cjk_bigram`` do, every run of Han
characters is indexed as its overlapping bigrams followed by its last character
(营商环境 -> 营商 商环 环境 境), each a whitespace-separated word, on a copy of the page whose
language is ``und`` (so Pagefind runs no segmenter over it). search.js turns a query
into the same bigrams and keeps the pages where they stand at consecutive positions:
every substring of two or more Han characters that is on the page finds it, whatever
the browser. A single character is a prefix of the bigram it starts or is the last
character of its run, so it finds every page that holds it too.

Only the copy given to Pagefind is changed; the published page is not. Inline elements
(``strong``, ``span``…) do not split a run, as they do not for find-in-page; every other
tag ends one, and each block ends with ``BLOCK`` (a word Pagefind stores but does not
index) so that search.js can cut excerpts at block ends. The original text comes back
from the words (``decode``; search.js does the same).
"""

from __future__ import annotations

import html
import re

LANG = "und"
"""The language of the indexed copy: no segmenter, no stemmer."""

BLOCK = "\ue000"
"""The word that ends a block of text in the indexed copy (a private-use character)."""

HAN = (
    "\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0003ffff"
)
"""Han characters, as search.js lists them (keep the two the same)."""

_WORDS_OF = "(?=([{0}][{0}]|[{0}]|[^\\s{0}]+))(?:[{0}]|[^\\s{0}]+)"
_WORDS = re.compile(_WORDS_OF.format(HAN))
_WORDS_BMP = re.compile(_WORDS_OF.format(HAN.split("\U00020000")[0]))
"""``_WORDS`` for text without a character beyond U+FFFF: a smaller class, read faster."""
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_HAN_RUN = re.compile(f"[{HAN}]+")

_INLINE = "a abbr b bdi bdo cite code data dfn em i kbd mark q s samp small span strong sub sup"
INLINE = frozenset(f"{_INLINE} time u var wbr".split(" "))
"""Tags that do not end a run of text (without an id or a data-pagefind attribute)."""

RAW = frozenset({"script", "style", "textarea", "title", "template", "svg", "noscript"})


def words(text: str) -> list[str]:
    """The indexed words of one block of text.

    One ``findall`` in C: at each Han character a lookahead captures it with the next one
    (or alone, at the end of a run) and the match moves on by that one character; any
    other run of non-space characters is captured and consumed whole.
    """
    return _WORDS.findall(text)


def decode(tokens: list[str]) -> str:
    """The text that ``words`` made ``tokens`` from (blocks end with a newline)."""
    out: list[str] = []
    prev_word = False
    for t in tokens:
        if t == BLOCK:
            out.append("\n")
            prev_word = False
        elif _HAN_RUN.fullmatch(t):
            out.append(t[0])
            prev_word = False
        else:
            word = t[0].isalnum() and t[0].isascii()
            if prev_word and word:
                out.append(" ")
            out.append(t)
            prev_word = t[-1].isascii() and t[-1].isalnum()
    return "".join(out)


_VALUES = r"""[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*"""
"""The rest of a tag to its ">", quoted values whole (unrolled: one loop per run of text)."""
_VALUES_NO_LT = r"""[^<>"']*(?:(?:"[^"<>]*"|'[^'<>]*')[^<>"']*)*"""
"""The same without a "<" or ">" anywhere (a tag with one in a value is read apart)."""
_NAME = r"([a-zA-Z][^\t\n\r\f />\x00]*)"
_INLINE_TAG = (
    "</?(?i:" + "|".join(sorted(INLINE)) + r")(?![^<>]*(?i:id|data-pagefind))"
    rf"(?:\s{_VALUES_NO_LT})?/?>"
)
"""An inline tag that cannot be kept (no id, no data-pagefind): it does not end a run."""
_SPECIAL = "|".join(sorted(INLINE | RAW | {"html", "body", "h1"}))
_PLAIN = (  # a start or end tag that changes no state, written as the reference writes it
    rf"<(?!(?:{_SPECIAL})[\s/>])[a-z][a-z0-9-]*(?:\s{_VALUES_NO_LT})?>"
    rf"|</(?!(?:{_SPECIAL})>)[a-z][a-z0-9-]*>"
)
_PIECE = re.compile(
    r"(<!--.*?-->|<[!?][^>]*>)"  # 1: a comment, <!DOCTYPE …>, <?…?>
    rf"|((?:{_PLAIN})(?:\s*(?:{_PLAIN}))*)"  # 2: block tags, whitespace between
    rf"|</\s*{_NAME}\s*>"  # 3: an end tag's name
    rf"|(<{_NAME}{_VALUES}>)"  # 4: a start tag, 5: its name
    rf"|([^<]+(?:(?:{_INLINE_TAG}|<!--.*?-->)+[^<]+)*)",  # 6: text, inline tags within
    re.S,
)
"""A comment, a tag or a run of text: the pages are the site's own, well-formed output."""

_ATTR = re.compile(
    r"((?<=['\"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*('[^']*'|\"[^\"]*\"|(?!['\"])[^>\s]*))?(?:\s|/(?!>))*"
)
"""An attribute, as html.parser finds them (its ``attrfind_tolerant``)."""

_GAP = re.compile(r">\s+<")
"""Whitespace between two tags (in the body it is indexed as one space)."""

_STRIP = re.compile(r"<!--.*?-->|<[^>]*>", re.S)
"""The inline tags and comments within a run of text."""

_CDATA_END = {t: re.compile(f"</\\s*{t}\\s*>", re.I) for t in ("script", "style")}
"""Where the content of an element that html.parser does not parse inside ends."""


def _attrs(tag: str, start: int) -> list[tuple[str, str | None]]:
    """A start tag's attributes from ``start``, named and unescaped as html.parser does."""
    out: list[tuple[str, str | None]] = []
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    for m in _ATTR.finditer(tag, start, end):
        name, rest, value = m.group(1, 2, 3)
        if not rest:
            value = None
        elif value[:1] == "'" == value[-1:] or value[:1] == '"' == value[-1:]:
            value = value[1:-1]
        out.append((name.lower(), html.unescape(value) if value else value))
    return out


def _kept(tag: str, start: int) -> bool:
    """Whether an inline tag has an id or a data-pagefind attribute (it then splits runs)."""
    low = tag.lower()
    if "id" not in low and "data-pagefind" not in low:
        return False
    return any(k == "id" or k.startswith("data-pagefind") for k, _ in _attrs(tag, start))


def _html_tag(piece: str, start: int) -> str:
    """The ``<html>`` start tag with its language swapped for ``LANG``."""
    attrs = [(k, LANG if k == "lang" else v) for k, v in _attrs(piece, start)]
    return "<html" + "".join(f' {k}="{html.escape(v or "")}"' for k, v in attrs) + ">"


def indexed_copy(page: bytes) -> bytes:
    """The copy of a built page that Pagefind indexes: Han text as bigrams, lang ``und``.

    One regex splits the page into comments, tags and text, in one loop with its state in
    locals (html.parser, which did this before, ran at ~3.8 MiB/s holding the GIL while
    Pagefind waited). The rules are the same and so is the output, byte for byte
    (tests/test_bigrams.py holds it to the html.parser version, kept in
    tests/support/bigram_reference.py): inline tags without an id or a data-pagefind
    attribute do not end a run, RAW elements and everything outside the body are copied
    as they are, the first h1 of the body adds a title meta span.
    """
    s = page.decode("utf-8")
    out: list[str] = []
    text: list[str] = []
    h1: list[str] = []
    raw = 0
    body = in_h1 = False
    title: str | None = None
    append, escape, unescape = out.append, html.escape, html.unescape
    find = _WORDS.findall if _ASTRAL.search(s) else _WORDS_BMP.findall  # = words

    def flush() -> None:
        t = "".join(text)
        text.clear()
        if not body or raw:
            append(escape(t, quote=False))
        elif not t:
            pass
        elif t.isspace():
            append(" ")
        elif got := find(t):
            append(" " + escape(" ".join(got), quote=False) + f" {BLOCK} ")
        else:
            append(" ")

    pos, size, match = 0, len(s), _PIECE.match
    while pos < size:
        m = match(s, pos)
        if m is None:  # a "<" that opens nothing: text, as html.parser takes it
            text.append("<")
            h1.append("<") if in_h1 else None
            pos += 1
            continue
        pos = m.end()
        kind = m.lastindex
        if kind == 2:  # tags that only end runs: one piece, not one per tag
            if text:
                flush()
            tags = m.group(2)
            if body and not raw:
                tags = _GAP.sub("> <", tags)
            cut = tags.rfind("<")  # the last tag apart, as the last piece written
            append(tags[:cut])
            append(tags[cut:])
        elif kind == 6:
            t = m.group(6)
            if "<" in t:
                t = _STRIP.sub("", t)
            if "&" in t:
                t = unescape(t)
            text.append(t)
            h1.append(t) if in_h1 else None
        elif kind == 3:
            tag = m.group(3).lower()
            if tag in INLINE:
                # kept inline elements in the site's pages are empty meta spans (<span
                # hidden data-pagefind-meta=…></span>): closed where the source closes them
                last = out[-1] if out else ""
                if not text and last.startswith(f"<{tag}") and last.endswith(">"):
                    append(f"</{tag}>")
                continue
            flush()
            if tag in RAW and raw:
                raw -= 1
            append(f"</{tag}>")
            if tag == "h1" and in_h1:
                in_h1 = False
                title = re.sub(r"\s+", "", "".join(h1))
                append(f'<span hidden data-pagefind-meta="title:{escape(title)}"></span>')
        elif kind == 4:
            piece, tag, at = m.group(4), m.group(5).lower(), m.end(5) - m.start(4)
            if tag in INLINE and not _kept(piece, at):
                continue
            if piece.endswith("/>"):  # <br/>
                flush()
                append(piece)
                continue
            if tag == "html":
                append(_html_tag(piece, at))
                continue
            flush()
            if tag == "body":
                body = True
            if tag in RAW:
                raw += 1
            if tag == "h1" and title is None and body:
                in_h1 = True
            append(piece)
            if tag in _CDATA_END:  # script, style: their content as it is, unescaped
                close = _CDATA_END[tag].search(s, pos)
                stop = close.start() if close else size
                if stop > pos:
                    text.append(s[pos:stop])
                    h1.append(s[pos:stop]) if in_h1 else None
                pos = stop
        else:
            piece = m.group(1)
            if piece[1] == "!" and not piece.startswith(("<!--", "<![")):
                append(piece)  # <!DOCTYPE html>; comments and the rest are dropped
    flush()
    return "".join(out).encode("utf-8")
