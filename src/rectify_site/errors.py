"""Diagnostics and the one small exception tree for everything a user can cause.

    SiteError                 anything the user caused; the CLI prints it, no traceback
    ├── ContentError          content does not load or validate (exit 1)
    └── UsageError            bad flags, a refused output folder, a missing tool (exit 2)

A ContentError carries every Diagnostic found, not only the first, so that an editor
fixes a whole batch per build.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from rectify_site.messages import translate

Severity = Literal["error", "warning"]

Loc = tuple[str | int, ...]
"""Where a value lies inside a file: the keys and indexes from its root (pydantic's loc)."""


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding, printed as ``path:line:col: severity: field: message``."""

    path: str
    line: int | None = None
    col: int | None = None
    severity: Severity = "error"
    field: str = ""
    key: str = ""
    params: tuple[tuple[str, Any], ...] = ()

    def message(self, lang: str = "zh") -> str:
        """The message in the editor's language (Chinese by default), on one line."""
        return one_line(translate(self.key, dict(self.params), lang))

    def location(self) -> str:
        """``path:line:col`` with the unknown parts left out."""
        where = one_line(display_path(self.path))
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        return where

    def format(self, lang: str = "zh") -> str:
        """The one diagnostic format used everywhere."""
        fld = f"{self.field}: " if self.field else ""
        return f"{self.location()}: {self.severity}: {fld}{self.message(lang)}"

    def as_dict(self, lang: str = "zh") -> dict[str, Any]:
        """The record printed by ``check --format json``."""
        return {
            "path": one_line(display_path(self.path)),
            "line": self.line,
            "column": self.col,
            "severity": self.severity,
            "field": self.field,
            "message": self.message(lang),
        }


def diag(
    path: str | Path,
    key: str,
    /,
    *,
    line: int | None = None,
    col: int | None = None,
    field: str = "",
    severity: Severity = "error",
    **params: Any,
) -> Diagnostic:
    """Build a Diagnostic; keyword parameters fill the message template."""
    return Diagnostic(
        path=str(path),
        line=line,
        col=col,
        severity=severity,
        field=field,
        key=key,
        params=tuple(sorted(params.items())),
    )


_BREAKS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r"}


def one_line(text: str) -> str:
    """``text`` with every control character (but tab), line separator and lone surrogate
    (a name's bytes that were not UTF-8) escaped as JSON writes it (``\\n``, ``\\u001b``):
    a diagnostic is one line, even where it quotes a name such as a folder ``hp\\n`` or
    an ``--id`` typed with a newline."""
    return _BREAKS.sub(lambda m: _NAMED.get(m[0]) or f"\\u{ord(m[0]):04x}", text)


def display_path(path: str) -> str:
    """A path relative to the current folder when it lies below it, as compilers print."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if rel.startswith(".." + os.sep) else rel


class SiteError(Exception):
    """Base of every error the user caused; ``exit_code`` is what the CLI returns."""

    exit_code = 1

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=_sort_key)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


class ContentError(SiteError):
    """Content that does not load or validate."""

    exit_code = 1


class UsageError(SiteError):
    """Bad flags, a refused output folder or a missing tool."""

    exit_code = 2


def _sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return (d.path, d.line or 0, d.col or 0, d.field)
