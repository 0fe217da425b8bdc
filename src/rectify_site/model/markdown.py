"""The one markdown-it-py factory: inline Markdown for prose, safe by construction.

Raw HTML is off (it renders as text), links may only be http(s), mailto, tel or relative,
and a soft line break next to a Chinese character renders as nothing: a wrapped line must
not put a space inside a Chinese sentence.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

_SCHEME_RE = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

_CJK_RE = re.compile(
    "[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u201c\u201d\u2018\u2019\u2014\u2026]"
)
_LINK_TARGET_RE = re.compile(
    r"\]\(\s*<?((?:[^()\s>]|\([^()\s]*\))*)|<([a-zA-Z][a-zA-Z0-9+.\-]*:[^>\s]*)>"
)
_RAW_HTML_RE = re.compile(r"<(/?[a-zA-Z][a-zA-Z0-9-]*)(\s[^<>]*)?/?>|<!--")


def is_safe_url(url: str) -> bool:
    """True for relative URLs and the schemes a notice may link to."""
    m = _SCHEME_RE.match(url)
    return m is None or m.group(1).lower() in SAFE_SCHEMES


def unsafe_links(source: str) -> list[str]:
    """Link targets in ``source`` that would be refused, for the check's error messages."""
    out = []
    for m in _LINK_TARGET_RE.finditer(source):
        target = m.group(1) if m.group(1) is not None else m.group(2)
        # markdown-it decodes entities in a destination: &#106;avascript: is javascript:
        if target and not is_safe_url(html.unescape(target)):
            out.append(target)
    return out


class _Loads(HTMLParser):
    """The URLs an HTML fragment makes a browser fetch by itself (img, and the like)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if not value:
                continue
            if name in ("src", "poster", "data"):
                self.urls.append(value)
            elif name == "srcset":  # "a.png 1x, https://host/b.png 2x"
                self.urls += [c.split()[0] for c in value.split(",") if c.strip()]


def is_remote(url: str) -> bool:
    """Whether fetching ``url`` from a page would ask another host for it.

    Absolute URLs (``https://…``) and protocol-relative ones (``//host/…``, which browsers
    also read in ``/\\host`` and ``\\\\host``) are; a path on the same site is not.
    """
    url = url.strip().replace("\\", "/")
    if url.startswith("//"):
        return True
    m = _SCHEME_RE.match(url)
    return m is not None and m.group(1).lower() not in ("mailto", "tel", "data")


def remote_images(html_text: str) -> list[str]:
    """The URLs on other hosts that rendered prose would load by itself (``![t](https://…)``).

    The site promises that no page or feed asks another host for anything, so prose that
    would is refused when it loads, by ``build`` as by ``check``.
    """
    if "<" not in html_text:
        return []
    parser = _Loads()
    parser.feed(html_text)
    parser.close()
    return [url for url in parser.urls if is_remote(url)]


def has_raw_html(source: str) -> bool:
    """Whether ``source`` holds an HTML tag; it would show as text, so say so early."""
    return _RAW_HTML_RE.search(source) is not None


def _softbreak(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    before = tokens[idx - 1].content if idx > 0 else ""
    after = tokens[idx + 1].content if idx + 1 < len(tokens) else ""
    if (before and _CJK_RE.match(before[-1])) or (after and _CJK_RE.match(after[0])):
        return ""
    return "\n"


def make_markdown() -> MarkdownIt:
    """A CommonMark parser with raw HTML off, safe links and CJK-aware soft breaks."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = is_safe_url  # type: ignore[method-assign]
    md.add_render_rule("softbreak", _softbreak)
    return md


_MD = make_markdown()


_INLINE_SYNTAX = re.compile(r"[\\`*_\[\]!<>&~\n\r\0]|^\s|\s$")
"""Characters that can start inline Markdown or need escaping; prose without any is text."""


@lru_cache(maxsize=65536)
def render_inline(source: str) -> str:
    """Inline Markdown to HTML; cached because the same prose renders on several pages.

    Most prose is plain Chinese text with no Markdown at all: for it the result is the
    text with " escaped (the only character markdown-it would escape that is left), and
    parsing is skipped; tests check that both ways give the same HTML.
    """
    if _INLINE_SYNTAX.search(source) is None:
        return source.replace('"', "&quot;")
    html: str = _MD.renderInline(source)
    return html


_TAG_RE = re.compile(r"<[^>]+>")


def plain_text(source: str | None) -> str:
    """Inline Markdown as plain text (for a page's <title>, a feed's summary).

    A node without a heading (a category of a number only) has none: nothing to print.
    """
    if not source:
        return ""
    return html.unescape(_TAG_RE.sub("", render_inline(source)))
