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

_TOKENS = re.compile(f"([{HAN}]+)|([^\\s{HAN}]+)")
_HAN_RUN = re.compile(f"[{HAN}]+")

_INLINE = "a abbr b bdi bdo cite code data dfn em i kbd mark q s samp small span strong sub sup"
INLINE = frozenset(f"{_INLINE} time u var wbr".split(" "))
"""Tags that do not end a run of text (without an id or a data-pagefind attribute)."""

RAW = frozenset({"script", "style", "textarea", "title", "template", "svg", "noscript"})


def words(text: str) -> list[str]:
    """The indexed words of one block of text."""
    out: list[str] = []
    for han, other in _TOKENS.findall(text):
        if han:
            out.extend(map(str.__add__, han, han[1:]))  # its bigrams, in C
            out.append(han[-1])
        else:
            out.append(other)
    return out


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


_PIECE = re.compile(r"""<!--.*?-->|<[a-zA-Z/!?](?:[^>"']|"[^"]*"|'[^']*')*>|[^<]+""", re.S)
"""A comment, a tag or a run of text: the pages are the site's own, well-formed output."""

_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][^\t\n\r\f />\x00]*)")
_ATTR = re.compile(
    r"((?<=['\"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*('[^']*'|\"[^\"]*\"|(?!['\"])[^>\s]*))?(?:\s|/(?!>))*"
)
"""An attribute, as html.parser finds them (its ``attrfind_tolerant``)."""

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
    if "id" not in tag and "data-pagefind" not in tag.lower():
        return False
    return any(k == "id" or k.startswith("data-pagefind") for k, _ in _attrs(tag, start))


class _Copy:
    """The copy being written: the output so far and the text of the open run."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.text: list[str] = []
        self.raw = 0
        self.body = False
        self.title: str | None = None
        self.in_h1 = False
        self.h1: list[str] = []

    def flush(self) -> None:
        """End the open run: as bigrams in the body, as it is elsewhere."""
        text = "".join(self.text)
        self.text = []
        if not self.body or self.raw:
            self.out.append(html.escape(text, quote=False))
            return
        got = words(text)
        if got:
            self.out.append(" " + html.escape(" ".join(got), quote=False) + f" {BLOCK} ")
        elif text:
            self.out.append(" ")

    def data(self, text: str) -> None:
        if self.in_h1:
            self.h1.append(text)
        self.text.append(text)

    def start(self, piece: str, tag: str, start: int) -> None:
        """A start tag (``piece`` as written), ``tag`` its lowercased name."""
        if tag == "html":
            attrs = [(k, LANG if k == "lang" else v) for k, v in _attrs(piece, start)]
            self.out.append(
                "<html" + "".join(f' {k}="{html.escape(v or "")}"' for k, v in attrs) + ">"
            )
            return
        if tag in INLINE and not _kept(piece, start):
            return
        self.flush()
        if tag == "body":
            self.body = True
        if tag in RAW:
            self.raw += 1
        if tag == "h1" and self.title is None and self.body:
            self.in_h1 = True
        self.out.append(piece)

    def startend(self, piece: str, tag: str, start: int) -> None:
        """A self-closing tag (``<br/>``)."""
        if tag in INLINE and not _kept(piece, start):
            return
        self.flush()
        self.out.append(piece)

    def end(self, tag: str) -> None:
        """An end tag."""
        if tag in INLINE:
            # kept inline elements in the site's pages are empty meta spans (<span hidden
            # data-pagefind-meta=…></span>): close them where the source closes them
            last = self.out[-1] if self.out else ""
            if last.startswith(f"<{tag}") and last.endswith(">") and not self.text:
                self.out.append(f"</{tag}>")
            return
        self.flush()
        if tag in RAW and self.raw:
            self.raw -= 1
        if tag == "h1" and self.in_h1:
            self.in_h1 = False
            self.title = re.sub(r"\s+", "", "".join(self.h1))
            self.out.append(f"</{tag}>")
            meta = html.escape(self.title)
            self.out.append(f'<span hidden data-pagefind-meta="title:{meta}"></span>')
            return
        self.out.append(f"</{tag}>")


def indexed_copy(page: bytes) -> bytes:
    """The copy of a built page that Pagefind indexes: Han text as bigrams, lang ``und``.

    One regex splits the page into comments, tags and text (html.parser, which did this
    before, ran at ~3.8 MiB/s holding the GIL while Pagefind waited); the rules are the
    same and the output byte for byte the same (tests/test_bigrams.py holds it to the
    html.parser version in tests/support/bigram_reference.py).
    """
    s = page.decode("utf-8")
    copy = _Copy()
    pos, size = 0, len(s)
    match = _PIECE.match
    while pos < size:
        m = match(s, pos)
        if m is None:  # a "<" that opens nothing: text, as html.parser takes it
            copy.data(html.unescape(s[pos]))
            pos += 1
            continue
        piece = m.group()
        pos = m.end()
        if piece[0] != "<":
            copy.data(html.unescape(piece) if "&" in piece else piece)
        elif piece.startswith("<!--") or piece.startswith("<?"):
            continue  # comments and processing instructions are dropped
        elif piece.startswith("<!"):
            copy.out.append(piece)  # <!DOCTYPE html>
        elif (name := _TAG_NAME.match(piece)) is None:
            copy.data(html.unescape(piece))
        elif piece[1] == "/":
            copy.end(name.group(1).lower())
        else:
            tag = name.group(1).lower()
            if piece.endswith("/>"):
                copy.startend(piece, tag, name.end())
                continue
            copy.start(piece, tag, name.end())
            if tag in _CDATA_END:  # script, style: their content as it is, unescaped
                close = _CDATA_END[tag].search(s, pos)
                stop = close.start() if close else size
                if stop > pos:
                    copy.data(s[pos:stop])
                pos = stop
    copy.flush()
    return "".join(copy.out).encode("utf-8")
