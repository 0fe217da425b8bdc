"""Text from a document is text: what import writes into prose shows as typed.

Prose fields (intro, heading, text, actions, invitation) are inline Markdown rendered
after Jinja, so every character that could start Markdown's inline syntax is escaped
with a backslash (``[整改](https://…)`` stays text, not a link; ``&#x202E;`` stays the
six characters typed), a ``<`` that would read as an HTML tag is written full-width,
and ``{{ {% {#`` become Jinja string constants. This runs on the document's lines before
statistics puts figure references into them, so those references, and the plain-text
mark of a number (a Jinja constant, ``{{ '1882个' }}``), are never escaped.

Plain-text fields (title, issuer, team, labels) are neither Markdown nor Jinja:
``plain`` undoes the escaping for them.
"""

from __future__ import annotations

import re

MARKDOWN = "\\`*_[]&~"
"""Every character of CommonMark's inline syntax (with ``<``, handled apart): code spans,
emphasis, links and images (``[``, ``]``; ``!`` alone is nothing), entity references,
and ``~`` (strikethrough, should the parser ever enable it)."""

_ESCAPE_RE = re.compile("[" + re.escape(MARKDOWN) + "]")
_TAG_RE = re.compile(r"<(?=[a-zA-Z/!?])")
_JINJA_RE = re.compile(r"\{[{%#]")
_CONSTANT_RE = re.compile(r"\{\{ '(\{[{%#])' \}\}")
_ESCAPED_RE = re.compile(r"\\([" + re.escape(MARKDOWN) + "])")


def prose(text: str) -> str:
    """``text`` as inline Markdown and Jinja that renders to exactly ``text`` (with a
    tag-like ``<`` full-width, so that no page holds what reads as raw HTML)."""
    text = _ESCAPE_RE.sub(lambda m: "\\" + m.group(0), text)
    text = _TAG_RE.sub("＜", text)
    return _JINJA_RE.sub(lambda m: "{{ '" + m.group(0) + "' }}", text)


def plain(text: str) -> str:
    """The text of a plain field, from its ``prose`` form."""
    return _ESCAPED_RE.sub(r"\1", _CONSTANT_RE.sub(r"\1", text))
