"""What any text or number of content may be, whoever reads it: the loader, the model
and the prose that renders.

Text: no control character (but tab and newline), no bidirectional override or isolate,
no noncharacter or lone surrogate, whether typed, written as a YAML escape, or produced
by rendering (a Markdown character reference ``&#x202E;``, a Jinja string escape
``{{ '\\u2066' }}``). Numbers: at most MAX_DIGITS significant digits, a magnitude within
10^±MAX_EXPONENT, and printed in fewer than MAX_PRINTED characters: a 14-byte value
(``0.1e-30000000``) must not print as 30 MB on every page.
"""

from __future__ import annotations

import re
from decimal import Decimal

_REFUSED_IN_BMP = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
)
REFUSED_CHARS = re.compile(
    "["
    + _REFUSED_IN_BMP
    + "".join(
        chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF) for plane in range(1, 17)
    )
    + "]"
)
"""Characters no text value may hold: C0 and C1 controls (tab and newline are fine),
bidirectional overrides and isolates (they make text display in another order than it
reads), Unicode noncharacters and lone surrogates. They would reach every page, break the
feed's XML and hide text from readers; escapes (``"\\x01"``) are refused like raw ones."""

MAYBE_REFUSED = re.compile("[" + _REFUSED_IN_BMP + "\U00010000-\U0010ffff]")
"""REFUSED_CHARS and every character beyond the BMP: a value it finds nothing in is clean.
It reads text about six times faster: the noncharacters of planes 1-16, single characters
beyond the BMP, keep ``re`` from testing each character with one table look-up."""


def first_refused(text: str) -> str | None:
    """The first character of ``text`` that no text may hold, or None (the usual case)."""
    if MAYBE_REFUSED.search(text) is None:
        return None
    found = REFUSED_CHARS.search(text)
    return found.group() if found else None


def refused_char_key(ch: str) -> str:
    """The message key for a character REFUSED_CHARS matched."""
    o = ord(ch)
    if 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069:
        return "text.bidi"
    if o < 0x20 or 0x7F <= o <= 0x9F:
        return "text.control"
    return "text.noncharacter"


def code_point(ch: str) -> str:
    """``U+0001``: how a message names a character that cannot be shown."""
    return f"U+{ord(ch):04X}"


# The message figure.bounds (messages.py) states these three numbers.
MAX_DIGITS = 20
"""Significant digits a number may have: more than any statistic of a report states."""
MAX_EXPONENT = 20
"""The magnitude of a number: from 10^-20 to 10^20 (its first digit's place)."""
MAX_PRINTED = 40
"""A number is printed (``format(value, "f")``, as pages show it) in fewer characters."""
MAX_WRITTEN = 2 * MAX_PRINTED
"""An integer written longer than this is out of bounds whatever its digits: the loader
reads it as a Decimal (Python's ``int()`` refuses more than 4,300 digits), which the
model then refuses with the bounds' message."""


def number_fits(value: int | Decimal) -> bool:
    """Whether a number is within the bounds every page can print it in.

    Checked on the digits and the exponent first, so that ``0.1e-999999999`` is refused
    without being printed (which would need a gigabyte).
    """
    d = value if isinstance(value, Decimal) else Decimal(value)
    if not d.is_finite():
        return True  # not a number at all: the model refuses it as such
    if len(d.as_tuple().digits) > MAX_DIGITS or not -MAX_EXPONENT <= d.adjusted() <= MAX_EXPONENT:
        return False
    return len(format(d, "f")) < MAX_PRINTED
