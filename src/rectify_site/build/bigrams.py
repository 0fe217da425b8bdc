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
from html.parser import HTMLParser

LANG = "und"
"""The language of the indexed copy: no segmenter, no stemmer."""

BLOCK = "\ue000"
"""The word that ends a block of text in the indexed copy (a private-use character)."""

HAN = (
    "\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0003ffff"
)
"""Han characters, as search.js lists them (keep the two the same)."""

_TOKENS = re.compile(f"[{HAN}]+|[^\\s{HAN}]+")
_HAN_RUN = re.compile(f"[{HAN}]+")

_INLINE = "a abbr b bdi bdo cite code data dfn em i kbd mark q s samp small span strong sub sup"
INLINE = frozenset(f"{_INLINE} time u var wbr".split(" "))
"""Tags that do not end a run of text (without an id or a data-pagefind attribute)."""

RAW = frozenset({"script", "style", "textarea", "title", "template", "svg", "noscript"})


def words(text: str) -> list[str]:
    """The indexed words of one block of text."""
    out: list[str] = []
    for m in _TOKENS.finditer(text):
        run = m.group()
        if _HAN_RUN.fullmatch(run):
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
            out.append(run[-1])
        else:
            out.append(run)
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


class _Copy(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.text: list[str] = []
        self.raw = 0
        self.body = False
        self.title: str | None = None
        self.in_h1 = False
        self.h1: list[str] = []

    def flush(self) -> None:
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

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {k for k, _ in attrs}
        marked = any(k.startswith("data-pagefind") for k in names)
        keep = tag not in INLINE or "id" in names or marked
        if tag == "html":
            attrs = [(k, LANG if k == "lang" else v) for k, v in attrs]
            self.out.append(
                "<html" + "".join(f' {k}="{html.escape(v or "")}"' for k, v in attrs) + ">"
            )
            return
        if not keep:
            return
        self.flush()
        if tag == "body":
            self.body = True
        if tag in RAW:
            self.raw += 1
        if tag == "h1" and self.title is None and self.body:
            self.in_h1 = True
        self.out.append(self.get_starttag_text() or f"<{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in INLINE and not any(k == "id" or k.startswith("data-pagefind") for k, _ in attrs):
            return
        self.flush()
        self.out.append(self.get_starttag_text() or f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in INLINE:
            # an inline tag kept (id, data-pagefind) closes like any other: no way to
            # tell here, so inline end tags never split; a kept one is closed below
            self.out.append(f"</{tag}>") if self._open_kept(tag) else None
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

    def _open_kept(self, tag: str) -> bool:
        # kept inline elements in the site's pages are empty meta spans (<span hidden
        # data-pagefind-meta=…></span>): close them where the source closes them
        last = "".join(self.out[-1:])
        return last.startswith(f"<{tag}") and last.endswith(">") and not self.text

    def handle_data(self, data: str) -> None:
        if self.in_h1:
            self.h1.append(data)
        self.text.append(data)

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")


def indexed_copy(page: bytes) -> bytes:
    """The copy of a built page that Pagefind indexes: Han text as bigrams, lang ``und``."""
    parser = _Copy()
    parser.feed(page.decode("utf-8"))
    parser.close()
    parser.flush()
    return "".join(parser.out).encode("utf-8")
