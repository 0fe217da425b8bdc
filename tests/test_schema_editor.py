"""The editor and ``check`` agree: what the JSON Schemas say to a Chinese office, and that
they refuse every single-field case of tests/broken/ that a JSON Schema can express.

Each case's ``case.yaml`` says what the editor makes of it (``editor:``): ``refuses`` (the
schema underlines it, as check refuses it), ``cannot: why`` (a single field that JSON
Schema cannot judge, such as 57.0 for a whole number: the test checks that it indeed
passes, so the day it can be expressed the case is moved) or ``n/a: why`` (YAML itself,
a whole file, or fields compared with each other or across files).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # no stubs installed
import pytest
import yaml

from rectify_site.editor.schema import kind_of, schema_files
from test_broken import BROKEN, CASES, expected, make_case

from conftest import ROOT

CJK = re.compile("[\u4e00-\u9fff]")


def _schemas() -> dict[str, dict[str, Any]]:
    return {name: json.loads(data) for name, data in schema_files().items()}


def _properties(node: Any, where: str = "") -> list[tuple[str, str, dict[str, Any]]]:
    found: list[tuple[str, str, dict[str, Any]]] = []
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            found.append((where, name, prop))
        for key, value in node.items():
            found += _properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            found += _properties(item, f"{where}/{i}")
    return found


def test_every_field_has_a_chinese_title_and_description() -> None:
    missing = []
    for name, schema in _schemas().items():
        for where, field, prop in _properties(schema):
            title, text = prop.get("title", ""), prop.get("description", "")
            if not CJK.search(title) or not CJK.search(text.split("\n")[0]):
                missing.append(f"{name}{where}.{field}")
            assert "``" not in text and ":class:" not in text, f"{name}{where}.{field}: RST"
    assert missing == [], "give each Field a title= and description= (model/content.py)"


def test_by_status_explains_statuses() -> None:
    figures = json.dumps(_schemas()["figures.schema.json"], ensure_ascii=False)
    assert "按状态计数" in figures and "statuses 定义的一个状态" in figures


def _editor_view(text: str) -> Any:
    """A YAML file as the editor's yaml-language-server reads it (YAML 1.2 core schema):
    dates are text, 0x39 and 0o71 are integers, yes and no are text."""

    def value(node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            return {value(k): value(v) for k, v in node.value}
        if isinstance(node, yaml.SequenceNode):
            return [value(v) for v in node.value]
        v = node.value
        if node.style:  # quoted
            return v
        if re.fullmatch(r"null|Null|NULL|~|", v):
            return None
        if re.fullmatch(r"true|True|TRUE|false|False|FALSE", v):
            return v.lower() == "true"
        if re.fullmatch(r"[-+]?[0-9]+", v):
            return int(v)
        if re.fullmatch(r"0o[0-7]+|0x[0-9a-fA-F]+", v):
            return int(v, 0)
        if re.fullmatch(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?", v):
            return float(v)
        return v

    node = yaml.compose(text, Loader=yaml.SafeLoader)
    return None if node is None else value(node)


def _editor_errors(content: Path, rel: str) -> list[str]:
    kind = kind_of(rel)
    assert kind is not None, rel
    schema = _schemas()[f"{kind}.schema.json"]
    cls = jsonschema.validators.validator_for(schema)
    data = _editor_view((content / rel).read_text("utf-8"))
    return [e.message for e in cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(data)]


def _spec(name: str) -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load((BROKEN / name / "case.yaml").read_text("utf-8"))
    return spec


def test_every_case_says_what_the_editor_makes_of_it() -> None:
    for name in CASES:
        verdict = _spec(name).get("editor")
        assert isinstance(verdict, str), f"{name}: add editor: to case.yaml"
        assert verdict == "refuses" or verdict.startswith(("cannot: ", "n/a: ")), name


SINGLE_FIELD = [n for n in CASES if not str(_spec(n).get("editor")).startswith("n/a")]


@pytest.mark.parametrize("name", SINGLE_FIELD)
def test_the_editor_and_check_refuse_the_same_single_field_cases(name: str, tmp_path: Path) -> None:
    spec = make_case(name, tmp_path)
    errors = [ln for ln in expected(name, tmp_path) or [] if ": error: " in ln]
    assert errors, f"{name}: check must refuse it"
    files = sorted({op["file"] for op in spec.get("edits", [])})
    found = {rel: _editor_errors(tmp_path / "content", rel) for rel in files}
    if spec["editor"] == "refuses":
        assert any(found.values()), f"{name}: the schema accepts what check refuses"
        # the editor underlines a file that check names too
        named = {ln.split(":", 1)[0].removeprefix("content/") for ln in errors}
        assert {rel for rel, errs in found.items() if errs} <= named, found
    else:  # cannot: a known gap, kept honest
        assert not any(found.values()), f"{name}: the schema refuses it now: say refuses"


def test_a_blank_title_is_refused_by_both(tmp_path: Path) -> None:
    """title: " " passes neither the editor nor check."""
    from rectify_site.commands.cli import main

    make_case("bom-accepted", tmp_path)  # a valid copy of the content
    content = tmp_path / "content"
    report = next(content.glob("*/report.yaml"))
    text = report.read_text("utf-8-sig")
    report.write_text(re.sub(r"(?m)^title: .*$", 'title: " "', text, count=1), "utf-8")
    rel = report.relative_to(content).as_posix()
    assert _editor_errors(content, rel), "the schema accepts a blank title"
    assert main(["check", "--content", str(content), "--no-html-check"]) == 1
    shutil.rmtree(tmp_path / "content")


def test_the_committed_schemas_are_these() -> None:
    committed = {p.name: p.read_bytes() for p in (ROOT / "schemas").glob("*.json")}
    assert committed == schema_files()
