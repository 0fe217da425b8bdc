"""The tool's own words follow the typography that ``check`` asks of content.

Every Chinese message (the catalogue, the YAML syntax hints, the summary lines and every
other Chinese string in the code) is run through the project's own typography check
(typography.py: AutoCorrect as official documents write Chinese): full-width punctuation
inside Chinese, ``写入 26 个文件，未变 0 个``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from rectify_site import messages
from rectify_site.check.typography import lint_text
from rectify_site.load.sources import _SYNTAX_HINTS

SRC = Path(messages.__file__).resolve().parent
CJK = re.compile("[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"\{\{\{\{.*?\}\}\}\}|\{[a-z_]*\}")


def sample(template: str) -> str:
    """A template as an editor reads it: each ``{name}`` filled with a short value."""
    return PLACEHOLDER.sub(lambda m: "{{ x }}" if m.group(0).startswith("{{") else "x", template)


def catalogue() -> Iterator[tuple[str, str]]:
    for key, (zh, _en) in messages.MESSAGES.items():
        yield f"messages.{key}", sample(zh)
    for libyaml, (zh, _en) in _SYNTAX_HINTS:
        yield f"sources._SYNTAX_HINTS[{libyaml!r}]", zh


def _text(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):  # f-strings: each {…} stands for a short value
        parts = [_text(v) if isinstance(v, ast.Constant) else "x" for v in node.values]
        return "".join(p or "" for p in parts)
    return None


def code_strings() -> Iterator[tuple[str, str]]:
    """Every Chinese string literal of the package that is not a docstring."""
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "scaffold.py":
            continue  # YAML skeletons (key: 值); test_new checks the files they make
        if "importing" in path.parts:
            continue  # the importer's tables of the words documents use, not messages
        tree = ast.parse(path.read_text("utf-8"))
        # docstrings, and the attribute docstrings under fields: English for developers
        docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
        for node in ast.walk(tree):
            if id(node) in docstrings or not isinstance(node, ast.Constant | ast.JoinedStr):
                continue
            text = _text(node)
            if text and CJK.search(text):
                yield f"{path.relative_to(SRC)}:{node.lineno}", sample(text)


def test_the_catalogue_is_complete() -> None:
    assert len(list(catalogue())) > 60
    assert len(list(code_strings())) > 60


def test_every_chinese_message_passes_the_typography_check() -> None:
    found = [
        f"{where}: {text!r} -> {new!r}"
        for where, text in [*catalogue(), *code_strings()]
        if not text.startswith("[")  # a character class (markdown.py), not words
        for _line, _old, new in lint_text(text)
    ]
    assert found == []
