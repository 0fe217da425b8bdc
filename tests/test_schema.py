"""The JSON Schemas editors' tools read: committed, up to date, named by every content file,
and in agreement with the models on the real content and on a typo."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # no stubs installed
import pytest

from rectify_site.editor.schema import kind_of, modeline, schema_files
from rectify_site.load.sources import load_yaml

from conftest import CONTENT, ROOT, Run

CONTENT_FILES = sorted(p.relative_to(CONTENT).as_posix() for p in CONTENT.rglob("*.yaml"))


def test_committed_schemas_are_up_to_date() -> None:
    """Run ``rectify-site schema`` after changing models.py when this fails."""
    committed = {p.name: p.read_bytes() for p in (ROOT / "schemas").glob("*.json")}
    assert committed == schema_files()


def test_schema_command_writes_every_kind(cli: Callable[..., Run], tmp_path: Path) -> None:
    run = cli("schema", "--out", tmp_path / "s")
    assert run.code == 0, run.err
    names = sorted(p.name for p in (tmp_path / "s").iterdir())
    assert names == [f"{k}.schema.json" for k in ("figures", "node", "report", "site")]


@pytest.mark.parametrize("rel", CONTENT_FILES)
def test_content_file_names_its_schema(rel: str) -> None:
    first = (CONTENT / rel).read_text("utf-8").splitlines()[0]
    assert first == modeline(rel)
    target = first.split("$schema=", 1)[1]
    assert ((CONTENT / rel).parent / target).resolve().is_file()


def _as_json(value: Any) -> Any:
    """YAML as an editor's language server sees it: dates are text, decimals numbers."""
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _validator(rel: str) -> jsonschema.protocols.Validator:
    kind = kind_of(rel)
    schema = json.loads((ROOT / "schemas" / f"{kind}.schema.json").read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.mark.parametrize("rel", CONTENT_FILES)
def test_real_content_matches_its_schema(rel: str) -> None:
    data = _as_json(load_yaml(CONTENT / rel).data)
    assert list(_validator(rel).iter_errors(data)) == []


def test_schema_marks_a_typo_and_a_wrong_type() -> None:
    data = _as_json(load_yaml(CONTENT / "huangpu-12-2" / "figures.yaml").data)
    problems, measures = data["groups"][0]["figures"]
    problems["totl"] = problems.pop("total")
    measures["total"] = "134项"
    messages = sorted(e.message for e in _validator("r/figures.yaml").iter_errors(data))
    assert "Additional properties are not allowed ('totl' was unexpected)" in messages
    assert any(
        "'134项' is not valid under any of the given schemas" in m
        or "'134项' is not of type 'integer'" in m
        for m in messages
    )
