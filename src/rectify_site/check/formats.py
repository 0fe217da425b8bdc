"""Diagnostics as ``check --format`` prints them: for editors, for scripts, for GitHub.

- ``text``: ``path:line:col: severity: field: message``, one a line, as compilers print;
- ``json``: a list of objects with path, line, column, severity, field and message;
- ``github``: workflow commands (``::error file=…,line=…::…``) that GitHub Actions shows
  as annotations on the pull request's changed lines.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from rectify_site.errors import Diagnostic

FORMATS = ("text", "json", "github")


def render(diagnostics: Iterable[Diagnostic], fmt: str, lang: str = "zh") -> str:
    """All diagnostics in one format, ending in a newline unless there are none."""
    items = list(diagnostics)
    if fmt == "json":
        return json.dumps([d.as_dict(lang) for d in items], ensure_ascii=False, indent=1) + "\n"
    if fmt == "github":
        return "".join(github(d, lang) + "\n" for d in items)
    return "".join(d.format(lang) + "\n" for d in items)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(d: Diagnostic, lang: str = "zh") -> str:
    """One workflow command; GitHub escapes as its toolkit's ``issueCommand`` does."""
    props = [f"file={_escape_property(d.as_dict(lang)['path'])}"]
    if d.line is not None:
        props.append(f"line={d.line}")
        if d.col is not None:
            props.append(f"col={d.col}")
    if d.field:
        props.append(f"title={_escape_property(d.field)}")
    return f"::{d.severity} {','.join(props)}::{_escape_data(d.message(lang))}"
