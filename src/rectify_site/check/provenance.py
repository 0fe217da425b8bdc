"""Where a finding on a generated page comes from: the content file and line, where known.

``check`` finds broken links and invalid HTML on pages it renders in memory, and names
them as they would be written (``_site/<report>/full.html:12:3``). That is not a file of
the repository, so a CI annotation there shows on no pull request. For ``--format
github`` and ``--format json``, ``trace_findings`` moves each such finding to the content
that produced it, and the page's own position into the message:

1. the finding's URL (a link typed in Markdown), else the text of the page at the
   finding's position (the element it names, then the rest of its line), is looked up in
   the content files; a piece of text found on exactly one line of one file names that
   file, line and column (text made from data, numbers and quotes, is left out of the
   pieces, since content holds a reference there, not the text);
2. else a page inside a report's folder names that report's ``report.yaml`` (no line);
3. else the finding keeps naming the page (the home page's template, say).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from rectify_site.errors import Diagnostic

LABEL = "_site/"
"""How check's page findings name the output folder (linkcheck.py, htmlcheck.py)."""

CONTENT_SUFFIXES = (".yaml", ".yml", ".md")
_TAG_RE = re.compile(r"<[^>]*>")
_SPLIT_RE = re.compile(r"[\s0-9０-９\"'“”‘’「」『』{}<>]+")
"""Where rendered text and its source can differ: numbers and quotes come from data or
typography, whitespace from line joining; pieces between them are matched as typed."""
_MIN_PIECE = 6
_WINDOWS = (None, 16, 10)
"""A piece whole, then its first 16 and 10 characters (a long sentence wraps in YAML)."""


class ContentIndex:
    """The lines of every content file, read once and searched for pieces of text."""

    def __init__(self, content: Path) -> None:
        self.lines: list[tuple[Path, int, str]] = []
        for path in sorted(content.rglob("*")):
            rel = path.relative_to(content)
            if any(part.startswith(".") for part in rel.parts):
                continue
            if path.suffix not in CONTENT_SUFFIXES or not path.is_file():
                continue
            try:
                text = path.read_text("utf-8-sig")
            except (OSError, UnicodeDecodeError):
                continue
            for n, line in enumerate(text.splitlines(), 1):
                self.lines.append((path, n, line))

    def unique(self, needle: str) -> tuple[Path, int, int] | None:
        """(file, line, column) of the one line that holds ``needle``, or None."""
        found = [(p, n, line.index(needle) + 1) for p, n, line in self.lines if needle in line]
        return found[0] if len(found) == 1 else None


def _offset(text: str, line: int, col: int | None) -> int:
    """The character offset of a 1-based line and column in ``text``."""
    start = 0
    for _ in range(line - 1):
        nl = text.find("\n", start)
        if nl < 0:
            return len(text)
        start = nl + 1
    return start + max((col or 1) - 1, 0)


def _pieces(fragment: str) -> list[str]:
    """The runs of plain text in an HTML fragment, long enough to be telling."""
    out = []
    for chunk in _TAG_RE.split(fragment):
        for piece in _SPLIT_RE.split(html.unescape(chunk)):
            piece = piece.strip("，。、；：！？,.;:!?（）()[]【】·—-*_ ")
            if len(piece) >= _MIN_PIECE:
                out.append(piece)
    return out


def candidates(page: str, line: int, col: int | None) -> list[str]:
    """Pieces of text to look for in content, most telling first, for ``line:col``."""
    found: list[str] = []
    lines = page.split("\n")
    if not 1 <= line <= len(lines):
        return found
    at = _offset(page, line, col)
    end_of_line = page.find("\n", at)
    end_of_line = len(page) if end_of_line < 0 else end_of_line
    start_of_line = page.rfind("\n", 0, at) + 1
    # the text at the position, the element it lies in and the rest of its line, then
    # what comes before it on its line
    if page.rfind("<", start_of_line, at + 1) <= page.rfind(">", start_of_line, at + 1):
        next_tag = page.find("<", at, end_of_line)
        found += _pieces(page[at : next_tag if next_tag >= 0 else end_of_line])
    tag_start = page.rfind("<", start_of_line, at + 1)
    here = page[tag_start if tag_start >= 0 else at : max(end_of_line, at + 1)]
    found += _pieces(here)
    found += reversed(_pieces(page[start_of_line : max(tag_start, start_of_line)]))
    return found


def locate(
    page: str, line: int, col: int | None, index: ContentIndex, url: str | None = None
) -> tuple[Path, int, int] | None:
    """The content file, line and column that produced the text at ``line:col``."""
    if url and len(url) >= 4:  # a link typed in Markdown is in content as it is
        hit = index.unique(url)
        if hit is not None:
            return hit
    for piece in candidates(page, line, col):
        for width in _WINDOWS:
            needle = piece if width is None else piece[:width]
            hit = index.unique(needle) if len(needle) >= _MIN_PIECE else None
            if hit is not None:
                return hit
    return None


def _moved(d: Diagnostic, path: Path, line: int | None, col: int | None) -> Diagnostic:
    page = d.location()
    message = (d.message("zh"), d.message("en"))
    return replace(
        d,
        path=str(path),
        line=line,
        col=col,
        key="page.traced",
        params=(("message", message), ("page", page)),
    )


def trace_findings(
    found: Iterable[Diagnostic], files: dict[str, bytes], content: Path
) -> list[Diagnostic]:
    """Each finding on a generated page moved to its content where known (module doc)."""
    index: ContentIndex | None = None
    out: list[Diagnostic] = []
    for d in found:
        rel = d.path[len(LABEL) :] if d.path.startswith(LABEL) else None
        if rel is None or not rel.endswith(".html") or rel not in files:
            out.append(d)
            continue
        index = index or ContentIndex(content)
        params = dict(d.params)
        url = params.get("url") if isinstance(params.get("url"), str) else None
        hit = None
        if d.line is not None:
            page = files[rel].decode("utf-8", "replace")
            hit = locate(page, d.line, d.col, index, url)
        if hit is not None:
            out.append(_moved(d, *hit))
            continue
        report = content / rel.split("/", 1)[0] / "report.yaml"
        if "/" in rel and report.is_file():
            out.append(_moved(d, report, None, None))
        else:
            out.append(d)
    return out
