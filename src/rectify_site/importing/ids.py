"""Ids of imported parts, categories and aspects, made from their headings.

An id is part of a public URL (``parts/<id>.yaml`` names nothing public, but a category's
page is ``categories/<id>.html`` and an aspect's anchor is ``#<id>``), so it must not
move when another heading is added or removed: it comes from the heading alone, never
from a position. The heading is shortened (the words every heading shares, 关于…问题的
整改, are dropped), then its first characters spelled in pinyin (pypinyin), one syllable
after another: 集中整改进展情况 -> ``ji-zhong-jin-zhan``. When two headings shorten alike,
more of each is spelled; two identical headings add a short hash of their parent's id.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from rectify_site.model.content import GENERATED_ID_RE, RESERVED_IDS

from .tree import Block, Document

KINDS = ("part", "category", "aspect")
"""The nodes that get an id: those with pages or anchors editors link to."""

FILLER_RE = re.compile(
    r"关于|针对|进一步|方面|存在|问题|的整改|整改|情况|工作|以及|和|与|及|的|等|"
    r"\{\{.*?\}\}|\\."  # a figure reference, an escaped character
)
"""What every heading of a report says, left out of its id (关于…方面问题的整改情况)."""

SYLLABLES = (4, 6, 10, 63)
"""How many characters of the shortened heading are spelled: the fewest that are unique."""

MAX_LEN = 40
"""An id's length at most (the model allows 63): short enough to read in a URL."""


def _spell(text: str, chars: int) -> str:
    from pypinyin import Style, lazy_pinyin  # imported here: only import needs it

    syllables: list[str] = []
    for piece in lazy_pinyin(text[:chars], style=Style.NORMAL, errors="default"):
        word = re.sub(r"[^a-z0-9]+", "-", piece.lower()).strip("-")
        if word:
            syllables.append(word)
    out = ""
    for s in syllables:
        if len(out) + len(s) + 1 > MAX_LEN:
            break
        out = f"{out}-{s}" if out else s
    return out


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:4]


def _free(ident: str, taken: set[str]) -> bool:
    """Neither taken nor of the form of a generated anchor (n2-1-3), which check refuses."""
    return ident not in taken and not GENERATED_ID_RE.fullmatch(ident)


def from_heading(heading: str, taken: set[str], *, parent: str = "", kind: str = "") -> str:
    """A new id for ``heading``, none of ``taken`` (which it joins)."""
    short = FILLER_RE.sub("", heading) or heading
    base = ""
    for chars in SYLLABLES:
        base = _spell(short, chars) or kind or "n"
        if base[0].isdigit():
            base = f"{kind or 'n'}-{base}"
        if _free(base, taken):
            taken.add(base)
            return base
    for salt in (parent, *map(str, range(2, 1000))):
        ident = f"{base[: MAX_LEN - 5]}-{_digest(heading, salt)}"
        if _free(ident, taken):
            taken.add(ident)
            return ident
    raise AssertionError("a thousand identical headings")  # pragma: no cover


def _named(doc: Document) -> Iterable[tuple[Block, str, Block | None]]:
    """(block, kind, parent) of every block that gets an id, parents first."""
    stack: list[tuple[Block, Block | None]] = [(p, None) for p in reversed(doc.parts)]
    while stack:
        block, parent = stack.pop()
        kind = "part" if parent is None else block.role
        if kind in KINDS:
            yield block, kind or "", parent
        stack.extend((child, block) for child in reversed(block.children))


def name(doc: Document, bare: set[int] | None = None) -> None:
    """Give every part, category and aspect without an id one from its heading (or, with
    no heading, from its text); ``bare`` (blocks by ``id()``) keep none: an old node that
    had none, whose anchor stays the one its place makes."""
    taken = {b.id for b in doc.blocks() if b.id} | RESERVED_IDS  # the templates' anchors
    for block, kind, parent in _named(doc):
        if block.id or id(block) in (bare or ()):
            continue
        text = block.heading or " ".join(block.paragraphs) or kind
        block.id = from_heading(text, taken, parent=(parent.id or "") if parent else "", kind=kind)
