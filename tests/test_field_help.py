"""Field help has one source, the content models' ``Field(...)``: every field has it, its
examples are valid and name no real unit, and the field reference in the docs is current.

The schemas in ``schemas/`` are written from the same fields (test_schema.py keeps them
current); ``docs/fields.md`` is written by ``python scripts/field_reference.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any

import jsonschema  # type: ignore[import-untyped]  # no stubs installed
import pytest
from pydantic import TypeAdapter
from pydantic.fields import FieldInfo

from rectify_site.editor.field_reference import as_yaml, field_reference
from rectify_site.editor.schema import schemas
from rectify_site.load.sources import load_yaml
from rectify_site.model import content

from conftest import CONTENT, REPORT_ID, ROOT

CJK = re.compile("[\u4e00-\u9fff]")

MODELS = [
    m
    for m in vars(content).values()
    if isinstance(m, type) and issubclass(m, content.Strict) and m is not content.Strict
]
FIELDS = [(m, name, f) for m in MODELS for name, f in m.model_fields.items()]
IDS = [f"{m.__name__}.{name}" for m, name, _ in FIELDS]


def test_every_content_model_is_a_file_or_inside_one() -> None:
    """The models checked here are the ones the files use (none forgotten, none extra)."""
    schema_text = json.dumps(schemas())
    for m in MODELS:
        assert f'"title": "{m.__name__}"' in schema_text, m.__name__
    assert len(FIELDS) >= 76


@pytest.mark.parametrize(("model", "name", "field"), FIELDS, ids=IDS)
def test_every_field_has_a_chinese_title_and_description(
    model: type, name: str, field: FieldInfo
) -> None:
    assert field.title and CJK.search(field.title), "give the Field a title= in Chinese"
    assert field.description and CJK.search(field.description.split("\n")[0]), (
        "give the Field a description= in Chinese"
    )


EXAMPLES = [(m, n, f, e) for m, n, f in FIELDS for e in f.examples or []]


@pytest.mark.parametrize(
    ("model", "name", "field", "example"),
    EXAMPLES,
    ids=[f"{m.__name__}.{n}-{i}" for i, (m, n, _, _) in enumerate(EXAMPLES)],
)
def test_every_example_is_valid_as_the_reference_writes_it(
    model: type, name: str, field: FieldInfo, example: Any, tmp_path: Path
) -> None:
    """Typed into a content file as docs/fields.md shows it, the example passes check."""
    path = tmp_path / "example.yaml"
    path.write_text(f"{name}: {as_yaml(example)}\n", "utf-8")
    value = load_yaml(path).data[name]
    kind = Annotated[field.annotation, *field.metadata] if field.metadata else field.annotation
    TypeAdapter(kind).validate_python(value, strict=True)


def _properties(node: Any) -> list[tuple[str, dict[str, Any]]]:
    found = []
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            found.append((name, prop))
        for value in node.values():
            found += _properties(value)
    elif isinstance(node, list):
        for item in node:
            found += _properties(item)
    return found


@pytest.mark.parametrize("kind", ["site", "report", "node", "figures"])
def test_every_example_passes_the_schema_the_editor_reads(kind: str) -> None:
    schema = schemas()[kind]
    cls = jsonschema.validators.validator_for(schema)
    for name, prop in _properties(schema):
        check = cls({**prop, "$defs": schema.get("$defs", {})}, format_checker=cls.FORMAT_CHECKER)
        for example in prop.get("examples", []):
            assert list(check.iter_errors(example)) == [], f"{kind}: {name}: {example!r}"


def test_field_help_names_no_real_unit() -> None:
    """Examples are neutral (中共××区委员会), never the default report's issuer or office."""
    report = load_yaml(CONTENT / REPORT_ID / "report.yaml").data
    real = [
        report["title"],
        report["issuer"],
        report["inspection"]["team"],
        report["inspection"]["round"],
        *(report["contact"][k] for k in ("phone", "email", "address", "postcode")),
        "上海",
        "黄浦",
        "沪",
    ]
    help_text = json.dumps(
        [[f.title, f.description, f.examples] for _, _, f in FIELDS], ensure_ascii=False
    )
    assert [word for word in real if word in help_text] == []


def test_the_field_reference_is_current() -> None:
    """Run ``python scripts/field_reference.py`` after changing a Field when this fails."""
    committed = (ROOT / "docs" / "fields.md").read_text("utf-8")
    assert committed == field_reference()


def test_the_reference_lists_every_field() -> None:
    reference = field_reference()
    for model, name, field in FIELDS:
        assert f"| `{name}` | {field.title} |" in reference, f"{model.__name__}.{name}"


def test_the_chinese_guide_is_current() -> None:
    """Run ``python scripts/field_reference.py`` after changing a Field or a message when
    this fails: the guide's lists of fields and messages are written from them."""
    from rectify_site.editor.guide import GUIDE, refresh_guide

    committed = (ROOT / "docs" / GUIDE).read_text("utf-8")
    assert committed == refresh_guide(committed)


def test_the_chinese_guide_lists_every_field_and_message() -> None:
    from rectify_site.editor.guide import GUIDE

    guide = (ROOT / "docs" / GUIDE).read_text("utf-8")
    for model, name, field in FIELDS:
        assert re.search(
            rf"- `([a-z_]+(\[\]|\.<键>)?\.)*{name}`（{re.escape(str(field.title))}，", guide
        ), f"{model.__name__}.{name}"
    for part in ("new site", "import", "serve", "check", "build", "draft: true", "ledger.xlsx"):
        assert part in guide
    assert "正文列出 2 个具体问题，此处声明 0 个" in guide
