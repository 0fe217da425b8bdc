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

import pytest
import yaml

from rectify_site import messages
from rectify_site.check.typography import lint_text

SRC = Path(messages.__file__).resolve().parent
CJK = re.compile("[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"\{\{\{\{.*?\}\}\}\}|\{[a-z_]*\}")


def sample(template: str) -> str:
    """A template as an editor reads it: each ``{name}`` filled with a short value."""
    return PLACEHOLDER.sub(lambda m: "{{ x }}" if m.group(0).startswith("{{") else "x", template)


def catalogue() -> Iterator[tuple[str, str]]:
    for key, (zh, _en) in messages.MESSAGES.items():
        yield f"messages.{key}", sample(zh)
    for pattern, zh, _en in messages.YAML_PROBLEMS:
        yield f"messages.YAML_PROBLEMS[{pattern!r}]", zh


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


# --- YAML's problems, in Chinese ---------------------------------------------------------

YAML_INPUTS = {
    "unclosed quote": 'a: "abc\n',
    "colon in a value": "a: b: c\n",
    "a key indented unlike its siblings": "a:\n  b: 1\n c: 2\n",
    "an unclosed bracket": "a: [1, 2\nb: 3\n",
    "an unclosed brace": "a: {x: 1\nb: 3\n",
    "a key inside a list": "a:\n  - 1\n  b: 2\n",
    "a multi-line plain key": "? a\n: b\nc\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "a value starting with @": "a: @b\n",
    "a stray bracket": "- [a, ]\n- ]\n",
    "a list after a key on its line": "a: - b\n",
    "a question mark": "a: ? b\n",
    "---- inside quotes": "a: 'x\n---\ny'\n",
    "an unknown escape": 'a: "\\q"\n',
    "a bad hex escape": 'a: "\\xZZ"\n',
    "a bad unicode escape": 'a: "\\uD800"\n',
    "text after |": "a: | x\n  b\n",
    "| with 0": "a: |0\n  b\n",
    "a directive": "% YAML\n---\na: 1\n",
    "an unknown directive": "%FOO bar\n---\na: 1\n",
    "a YAML version": "%YAML x\n---\na: 1\n",
    "a long YAML version": "%YAML 1.123456789012\n---\na: 1\n",
    "two YAML directives": "%YAML 1.1\n%YAML 1.1\n---\na: 1\n",
    "YAML 2.0": "%YAML 2.0\n---\na: 1\n",
    "a TAG directive": "%TAG !x\n---\na: 1\n",
    "two TAG directives": "%TAG !x! tag:a\n%TAG !x! tag:b\n---\na: 1\n",
    "no document start": "%YAML 1.1\na: 1\n",
    "an empty anchor": "a: &\n",
    "an empty alias": "a: *\n",
    "an unclosed tag": "a: !<x\n",
    "an empty tag": "a: !<>\n",
    "a bad tag escape": "a: !<%zz>\n",
    "an undefined tag handle": "a: !x!y z\n",
    "text after a tag": "a: !<x>y\n",
    "a stray colon in a flow": "a: [b, :c]\n",
    "a list beside a mapping": "a: b\n- c\n",
    "a tab": "a: b\n\tc: d\n",
    "a duplicate anchor": "a: &x 1\nb: &x 2\n",
}
"""Inputs that make the parsers raise each of their problems (tests/test_messages.py)."""

PYTHON_ACCEPTS = {"an unknown directive", "a long YAML version"}

UNREACHABLE = {
    r"found a tab character": "libyaml, for tabs the check finds first (yaml.tab)",
    r"UTF-8|UTF-16|surrogate|Unicode character|control characters|special characters|"
    r"unacceptable character|input is too long": "the reader: such characters are refused "
    "before YAML is parsed (text.control, file.not_utf8)",
    r"STREAM|DOCUMENT-|<stream-start>|SCALAR, SEQUENCE-START": "libyaml's internal states",
    r"found unexpected ':'": "libyaml before 0.2.5",
}
"""Catalogue entries no text can reach through load_yaml, and why; each is checked with
the parser's own words instead."""

UNREACHABLE_WORDS = {
    r"found a tab character": ("while scanning a plain scalar", "found a tab character"),
    r"found unexpected ':'": ("while scanning a plain scalar", "found unexpected ':'"),
}

ENGLISH = re.compile(r"[A-Za-z]{2,}")
ALLOWED = {"YAML", "UTF", "Tab"}


def _parsers() -> list[tuple[str, type]]:
    found = [("pure Python", yaml.SafeLoader)]
    if getattr(yaml, "CSafeLoader", None) is not None:
        found.insert(0, ("libyaml", yaml.CSafeLoader))
    return found


def _matched(parser: type, folder: Path) -> set[str]:
    """The catalogue entries the inputs reach through ``load_yaml`` with this parser;
    each message checked on the way: no English in the Chinese, the parser's words
    kept in the English."""
    from rectify_site.load import sources

    matched: set[str] = set()
    saved = sources._Parser
    sources._Parser = parser
    try:
        for what, text in YAML_INPUTS.items():
            path = folder / "f.yaml"
            path.write_text(text, "utf-8")
            try:
                sources.load_yaml(path)
            except sources.LoadFailed as failed:
                (d,) = failed.diagnostics
            else:  # the pure-Python parser lets these pass (libyaml does not)
                assert parser is yaml.SafeLoader and what in PYTHON_ACCEPTS, what
                continue
            if d.key != "yaml.syntax":  # found before or after the parser: their own words
                assert d.key in ("yaml.tab", "yaml.alias", "text.noncharacter"), (what, d.key)
                continue
            zh, en = d.message("zh"), d.message("en")
            assert not set(ENGLISH.findall(zh)) - ALLOWED, (what, zh)
            assert messages.YAML_UNKNOWN not in zh, (what, en)
            problem = dict(d.params)["problem"]
            assert problem[0] in zh and problem[1] in en and "(" in en, (what, en)
            matched |= {p for p, z, _ in messages.YAML_PROBLEMS if z == problem[0]}
    finally:
        sources._Parser = saved
    return matched


@pytest.mark.parametrize("name,parser", _parsers())
def test_every_yaml_problem_is_in_chinese_and_english_under_lang_en(
    name: str, parser: type, tmp_path: Path
) -> None:
    assert len(_matched(parser, tmp_path)) > 15, name


def test_every_entry_of_the_catalogue_is_triggered_or_said_why_not(tmp_path: Path) -> None:
    triggered = set().union(*(_matched(parser, tmp_path) for _, parser in _parsers()))
    patterns = [p for p, _, _ in messages.YAML_PROBLEMS]
    assert set(patterns) - triggered == set(UNREACHABLE), set(patterns) - triggered
    for pattern, (context, problem) in UNREACHABLE_WORDS.items():
        zh, _ = messages.yaml_problem(context, problem)
        assert zh == next(z for p, z, _ in messages.YAML_PROBLEMS if p == pattern)


def test_a_problem_the_catalogue_does_not_know_is_still_chinese() -> None:
    zh, en = messages.yaml_problem("while doing something new", "found a novel problem")
    assert zh == messages.YAML_UNKNOWN and not ENGLISH.search(zh)
    assert en == "found a novel problem"
