"""The last characters of a heading kept on one line, so no line holds only one or two.

Headings are set with ``text-wrap: balance``. A browser without it fills lines
greedily, and then only the last line can come out short (``…的通`` / ``报``): the last
four characters of a title are wrapped in ``<span class="nobr">`` (``white-space:
nowrap``), so they move to the next line together. Balanced lines are not changed by it.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

TAIL = 4
"""Characters that stay together at a title's end."""

_TAG = re.compile(r"(<[^>]*>|&[#\w]+;)")


def unbroken_tail(html: Markup | str) -> Markup:
    """``html`` (escaped if plain text) with its last characters in one unbreakable span.

    Only the text after the last tag or entity is taken, so the span never crosses an
    element; a title shorter than twice the tail is left as it is (it has no short line
    to fear on any screen it fits).
    """
    source = str(html if isinstance(html, Markup) else escape(html))
    parts = _TAG.split(source)
    last = parts[-1]
    text = last.rstrip()
    if len(text) < 2 or len(_TAG.sub("x", source).strip()) < 2 * TAIL:
        return Markup(source)
    cut = max(0, len(text) - TAIL)
    head = "".join(parts[:-1]) + text[:cut]
    return Markup(f'{head}<span class="nobr">{text[cut:]}</span>{last[len(text) :]}')
