"""The Chinese language tools the importer reads text with, loaded once and quietly.

rjieba (jieba-rs: segmentation with part-of-speech tags, no model to build at start),
cn2an (Chinese numerals), OpenCC (traditional script, for recognition only) and jionlp
(its time parser and its dictionary of measure words). jionlp prints a banner on import;
it is loaded with stdout held so that no command's output carries it.
"""

from __future__ import annotations

import contextlib
import io
from functools import cache
from typing import Any

Token = tuple[str, str]
"""A word and its part-of-speech tag (jieba's tag set: n, v, vn, m, q, x …)."""


def tag(text: str) -> list[Token]:
    """The words of ``text`` with their tags (rjieba)."""
    import rjieba

    return [(w, t) for w, t in rjieba.tag(text)]


@cache
def jionlp() -> Any:
    """The jionlp module, imported without its banner."""
    with contextlib.redirect_stdout(io.StringIO()):
        import jionlp as jio  # type: ignore[import-untyped]
    return jio


@cache
def measure_words() -> frozenset[str]:
    """jionlp's dictionary of measure words (个 项 条 件 轮 批次 …)."""
    return frozenset(jionlp().quantifiers_loader())


@cache
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """``text`` in simplified script, character for character (same length), for
    recognition only: what is kept is always the text as written."""
    out = str(_t2s().convert(text))
    if len(out) == len(text):
        return out
    chars = [_t2s().convert(c) for c in text]
    return "".join(c if len(c) == 1 else o for c, o in zip(chars, text, strict=True))


def cn_number(text: str) -> int | None:
    """一千二百 -> 1200, 两百 -> 200 (cn2an); None when it is no number."""
    import cn2an  # type: ignore[import-untyped]

    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError):
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    return int(value)
