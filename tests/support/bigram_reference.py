"""The HTMLParser-based ``indexed_copy`` as first written (issue 22): the reference.

``rectify_site.build.bigrams.indexed_copy`` now tokenizes with one regex (issue 22's
search targets); tests/test_bigrams.py and benchmarks/bench_bigrams.py hold it to
byte-identical output with this one (and ``words`` to
the same words), which is kept unchanged for that purpose only.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from rectify_site.build.bigrams import BLOCK, HAN, INLINE, LANG, RAW

_TOKENS = re.compile(f"[{HAN}]+|[^\\s{HAN}]+")
_HAN_RUN = re.compile(f"[{HAN}]+")


def words(text: str) -> list[str]:
    """The indexed words of one block of text (as first written)."""
    out: list[str] = []
    for m in _TOKENS.finditer(text):
        run = m.group()
        if _HAN_RUN.fullmatch(run):
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
            out.append(run[-1])
        else:
            out.append(run)
    return out


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


def indexed_copy_reference(page: bytes) -> bytes:
    """The copy of a built page that Pagefind indexes: Han text as bigrams, lang ``und``."""
    parser = _Copy()
    parser.feed(page.decode("utf-8"))
    parser.close()
    parser.flush()
    return "".join(parser.out).encode("utf-8")
