"""Placeholders of a skeleton (``rectify-site new``): never published by mistake.

``rectify-site new report`` writes ``【未填写】`` wherever an editor has to write text.
It is valid text for the models, so a skeleton loads, previews and checks its structure.
A published report's placeholders are errors at their file, line and field ("未填写"), so
it is never published by mistake; a draft's are warnings: ``build`` leaves the draft out,
``check`` lists them (``--strict``: errors), ``serve`` shows the draft with each one
marked in the page and listed in the draft banner.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape
from pathlib import Path

from rectify_site.errors import Diagnostic, diag

PLACEHOLDER = "【未填写】"
_RE = re.compile("【未填写[^】]*】")
KEY = "placeholder.unfilled"


def find_placeholders(files: Iterable[Path], root: Path | None = None) -> list[Diagnostic]:
    """An error for every placeholder left in ``files`` (those that load), in file order."""
    from rectify_site.load.sources import LoadFailed, field_name, load_yaml, strings

    out: list[Diagnostic] = []
    for path in files:
        try:
            if PLACEHOLDER[:-1] not in path.read_text("utf-8", errors="replace"):
                continue  # the quick test: nearly every file has none
            source = load_yaml(path, root)
        except (OSError, LoadFailed):
            continue  # loading reports it
        for loc, text in strings(source.data):
            if _RE.search(text):
                line, col = source.where(loc)
                out.append(diag(path, KEY, line=line, col=col, field=field_name(loc)))
    return out


def report_of(path: str, root: Path) -> str | None:
    """The report folder a diagnostic's path lies in (its id), if any."""
    try:
        rel = Path(path).resolve().relative_to(root.resolve())
    except ValueError:
        rel = Path(path)
        if rel.is_absolute():
            return None
    return rel.parts[0] if len(rel.parts) > 1 else None


_SKIP = re.compile(r"<(title|script|style|textarea)\b[^>]*>.*?</\1\s*>", re.S | re.I)
_TAG = re.compile(r"(<[^>]*>)")


def mark_html(html: str, listed: list[Diagnostic], lang: str = "zh") -> str:
    """A served page of a draft: each placeholder in the text marked, and the list of them
    (file, line, field) after the draft banner."""
    head, sep, body = html.partition("<body")
    if not sep:
        return html
    kept: list[str] = []

    def keep(m: re.Match[str]) -> str:
        kept.append(m.group(0))
        return f"\0{len(kept) - 1}\0"

    body = _SKIP.sub(keep, body)
    parts = _TAG.split(body)
    for i in range(0, len(parts), 2):  # text between tags, never inside one
        parts[i] = _RE.sub(
            lambda m: f'<mark class="placeholder" title="未填写">{m.group(0)}</mark>', parts[i]
        )
    body = "".join(parts)
    body = re.sub("\0(\\d+)\0", lambda m: kept[int(m.group(1))], body)
    if listed:
        items = "".join(
            f"<li><code>{escape(d.location())}</code> {escape(d.field)}</li>" for d in listed
        )
        caption = "Not filled in yet:" if lang == "en" else "尚未填写："
        block = f'<div class="draft-placeholders"><p>{caption}</p><ul>{items}</ul></div>'
        body = re.sub(
            r'(<p class="draft-banner"[^>]*>.*?</p>)',
            lambda m: m.group(1) + block,
            body,
            count=1,
            flags=re.S,
        )
    return head + sep + body
