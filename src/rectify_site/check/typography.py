"""Chinese typography as official documents write it, checked by AutoCorrect.

AutoCorrect (``autocorrect-py``) is a maintained CJK copywriting linter. Its default
style puts spaces between Chinese and Latin letters or digits (57 项); official documents
(GB/T 15834, GB/T 9704) write 57项, so the spacing rules are off and only the
punctuation rules stay on: full-width punctuation inside Chinese text, no space next to
full-width punctuation, half-width letters and digits. Findings are warnings, each at
the YAML file and line of the text; ``check --strict`` makes them fail.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from rectify_site.errors import Diagnostic, Loc, diag
from rectify_site.load.sources import (
    LoadFailed,
    MarkedYaml,
    code_point,
    field_name,
    line_col,
    load_yaml,
    read_text,
    strings,
)

CONFIG: dict[str, Any] = {
    "rules": {
        # GB/T 15834 style: no space between Chinese and Latin letters or digits (57项)
        "space-word": 0,
        "space-punctuation": 0,
        "space-bracket": 0,
        "space-backticks": 0,
        "space-dash": 0,
        # full-width punctuation inside Chinese text, and no spaces around it
        "fullwidth": 1,
        "no-space-fullwidth": 1,
        "no-space-fullwidth-quote": 1,
        # full-width letters and digits (ＡＢＣ１２３) to half-width
        "halfwidth-word": 1,
        "halfwidth-punctuation": 1,
        "spellcheck": 0,
    }
}
"""AutoCorrect's configuration (the ``.autocorrectrc`` format) for official documents."""

_CJK_RE = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")
"""Zero-width space, non-joiner, joiner, word joiner and a BOM inside text: invisible,
they split words for search, copying and screen readers (a BOM that starts a file is
fine: reading drops it)."""
_CONTEXT = 6
"""Characters of context on either side of a change, so the editor can find it."""


@cache
def _linter() -> Any:
    import autocorrect_py  # imported here: only ``check`` needs it

    # load_config exists in the extension module; its .pyi stub leaves it out
    autocorrect_py.load_config(json.dumps(CONFIG))  # type: ignore[attr-defined]
    return autocorrect_py


def lint_text(text: str) -> list[tuple[int, str, str]]:
    """(line within ``text``, old excerpt, suggested excerpt) for each finding."""
    result = _linter().lint_for(text, "text")
    out = []
    for found in result.lines:
        for old, new in _changes(found.old, found.new):
            out.append((int(found.line), old, new))
    return out


def _changes(old: str, new: str) -> Iterator[tuple[str, str]]:
    """Short excerpts around each change AutoCorrect made to a line; near ones merged."""
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    spans: list[list[int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if spans and i1 - spans[-1][1] <= 2 * _CONTEXT:
            spans[-1][1], spans[-1][3] = i2, j2
        else:
            spans.append([i1, i2, j1, j2])
    for i1, i2, j1, j2 in spans:
        a0, b0 = max(0, i1 - _CONTEXT), max(0, j1 - _CONTEXT)
        yield old[a0 : i2 + _CONTEXT], new[b0 : j2 + _CONTEXT]


def _chinese(data: Any) -> Iterator[tuple[Loc, str]]:
    """The text values that hold Chinese: the ones the typography rules apply to."""
    return ((loc, s) for loc, s in strings(data) if _CJK_RE.search(s))


def zero_width(path: Path, source: MarkedYaml) -> list[Diagnostic]:
    """A warning for each text value that holds a zero-width character, at its line."""
    text: str | None = None
    out: list[Diagnostic] = []
    for loc, value in strings(source.data):
        found = ZERO_WIDTH.search(value)
        if found is None:
            continue
        if text is None:
            text = read_text(path)
        line, col = source.where(loc)
        # typed as it is, the character is in the file at or after the value's line
        start = sum(len(ln) + 1 for ln in text.split("\n")[: (line or 1) - 1])
        raw = ZERO_WIDTH.search(text, start)
        if raw is not None:
            line, col = line_col(text, raw.start())
        out.append(
            diag(
                path,
                "typography.zero_width",
                line=line,
                col=col,
                field=field_name(loc),
                severity="warning",
                char=code_point(found.group()),
            )
        )
    return out


def check_typography(paths: Iterable[Path], *, root: Path | None = None) -> list[Diagnostic]:
    """Typography warnings for every Chinese text in the given YAML files, and for
    zero-width characters in any text.

    Files that do not load (already reported by loading) are left out; ``root`` is the
    content folder that they must stay inside.
    """
    out: list[Diagnostic] = []
    for path in paths:
        if path.suffix != ".yaml":
            continue  # the ledger (ledger.xlsx) is no prose
        try:
            source: MarkedYaml = load_yaml(path, root)
            out += zero_width(path, source)
        except LoadFailed:
            continue  # already reported by loading
        for loc, text in _chinese(source.data):
            line, col = source.where(loc)
            for offset, old, new in lint_text(text):
                at = line + offset - 1 if line is not None and "\n" in text else line
                out.append(
                    diag(
                        path,
                        "typography",
                        line=at,
                        col=col,
                        field=field_name(loc),
                        severity="warning",
                        old=old,
                        new=new,
                    )
                )
    return out
