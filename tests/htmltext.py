"""Reading built pages from the outside: text, links and ids, with the standard library."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser


class _Text(HTMLParser):
    """Collects the visible text inside one element (``<main>`` by default)."""

    def __init__(self, root_tag: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root_tag = root_tag
        self.depth = 0
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == self.root_tag:
            self.depth += 1
        if tag in ("script", "style", "template"):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == self.root_tag:
            self.depth -= 1
        if tag in ("script", "style", "template"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if self.depth > 0 and not self.skip:
            self.parts.append(data)


def visible_text(html: str, root_tag: str = "main") -> str:
    parser = _Text(root_tag)
    parser.feed(html)
    return "".join(parser.parts)


def squash(text: str) -> str:
    """NFKC, then no whitespace: how the fidelity test compares seed and page."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "link" and a.get("rel") in ("canonical", "alternate"):
            return  # names an absolute URL; the browser fetches nothing
        for name in ("href", "src"):
            value = a.get(name)
            if value is not None:
                self.links.append((tag, value))


def links_and_ids(html: str) -> tuple[list[tuple[str, str]], set[str]]:
    parser = _Links()
    parser.feed(html)
    return parser.links, parser.ids


_BLOCKS = frozenset(
    {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dt", "dd", "div", "section", "header"}
)


class _Lines(HTMLParser):
    """The text of each block of one element, a line per heading or paragraph."""

    def __init__(self, root_tag: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root_tag = root_tag
        self.depth = 0
        self.lines: list[str] = []
        self.current: list[str] = []

    def _break(self) -> None:
        line = re.sub(r"\s+", "", "".join(self.current))
        if line:
            self.lines.append(line)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == self.root_tag:
            self.depth += 1
        classes = (dict(attrs).get("class") or "").split()
        if self.depth and (tag in _BLOCKS or "issuer" in classes or "title" in classes):
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag in _BLOCKS:
            self._break()
        if tag == self.root_tag:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.current.append(data)


def block_lines(html: str, root_tag: str = "article") -> list[str]:
    """The page as an official text reads: one line per heading or paragraph."""
    parser = _Lines(root_tag)
    parser.feed(html)
    parser._break()
    return parser.lines
