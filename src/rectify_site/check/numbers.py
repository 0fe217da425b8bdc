"""Numbers with a counting unit in prose that are neither a figure nor marked as text.

A statistic typed into prose (梳理问题189个) instead of declared in figures.yaml is a
second copy that no figure page, open data file or status check knows of; a fact of the
text that happens to be a number is fine, once marked (``{{ '189个' }}``, model/counting.py).
``check`` warns about each unmarked one, in every report, at the line and column where
it stands in the file; ``check --strict`` makes them fail.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rectify_site.errors import Diagnostic, Loc, diag
from rectify_site.load.sources import (
    LoadFailed,
    MarkedYaml,
    field_name,
    line_col,
    load_yaml,
    read_text,
    strings,
)
from rectify_site.model.counting import unregistered

PROSE_FIELDS = frozenset(
    {"intro", "heading", "text", "actions", "invitation", "caption", "header", "rows"}
)
"""The fields that are prose (Markdown after Jinja): where a number is read as text; a
table's caption and cells are prose too."""


def _prose(loc: Loc) -> bool:
    names = [p for p in loc if isinstance(p, str)]
    return bool(names) and names[-1] in PROSE_FIELDS


def _at(text: str, line: int | None, written: str, nth: int) -> tuple[int, int] | None:
    """Where the ``nth`` ``written`` at or after ``line`` stands in the file's text."""
    start = sum(len(ln) + 1 for ln in text.split("\n")[: (line or 1) - 1])
    at = start - 1
    for _ in range(nth + 1):
        at = text.find(written, at + 1)
        if at < 0:
            return None
    return line_col(text, at)


def check_numbers(paths: Iterable[Path], *, root: Path | None = None) -> list[Diagnostic]:
    """A warning for every unregistered number with a counting unit in the prose of the
    given YAML files (the ledger's .xlsx holds no prose)."""
    out: list[Diagnostic] = []
    for path in paths:
        if path.suffix != ".yaml":
            continue
        try:
            source: MarkedYaml = load_yaml(path, root)
        except LoadFailed:
            continue  # already reported by loading
        text: str | None = None
        for loc, value in strings(source.data):
            if not _prose(loc):
                continue
            seen: dict[str, int] = {}
            for count in unregistered(value):
                if text is None:
                    text = read_text(path)
                line, col = source.where(loc)
                nth = seen.get(count.written, 0)
                seen[count.written] = nth + 1
                exact = _at(text, line, count.written, nth)
                if exact is not None:
                    line, col = exact
                out.append(
                    diag(
                        path,
                        "prose.unregistered_number",
                        line=line,
                        col=col,
                        field=field_name(loc),
                        severity="warning",
                        written=count.written,
                    )
                )
    return out
