"""JSON Schemas of the content files, for editors' autocompletion and inline errors.

Each content file names its schema on its first line::

    # yaml-language-server: $schema=../../schemas/report.schema.json

which the YAML language server (VS Code's YAML extension, and others) reads: it then
completes field names, shows each field's title and description (content.py's
``Field(...)``) and marks unknown fields and wrong
types as the editor types. ``rectify-site schema`` writes them from the pydantic models,
so they never drift from what ``check`` enforces (a test keeps the committed copies in step).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from rectify_site.model.content import FILE_MODELS

SCHEMA_DIR = "schemas"
"""Where ``rectify-site schema`` writes, at the project root beside content/."""


def schemas() -> dict[str, dict[str, Any]]:
    """Each content file kind -> its JSON Schema, the fields in the models' order."""
    out = {}
    for kind, model in FILE_MODELS.items():
        schema = for_editors(model.model_json_schema(mode="validation"))
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"{kind}.schema.json"
        out[kind] = schema
    return out


def schema_files() -> dict[str, bytes]:
    """``<kind>.schema.json`` -> its bytes; stable (sorted keys) so diffs stay reviewable."""
    out = {}
    for kind, schema in sorted(schemas().items()):
        text = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        out[f"{kind}.schema.json"] = text.encode("utf-8")
    return out


_RST = re.compile(r"``([^`]+)``|:[a-z]+:`([^`]+)`")


def _plain(text: str) -> str:
    """A docstring as hover text: RST literals (``draft``, :class:`X`) as `draft`, `X`."""
    return _RST.sub(lambda m: f"`{m.group(1) or m.group(2)}`", text).strip()


def for_editors(schema: dict[str, Any]) -> dict[str, Any]:
    """The models' schema as a Chinese office reads it in the editor, and as strict as check.

    Every field's title, description and examples are its ``Field(...)`` in content.py,
    as pydantic writes them; here the models' own descriptions (their docstrings) lose
    their RST markup, and exact decimals become numbers only (check refuses text).
    """

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            _numbers_only(node)
            if isinstance(node.get("description"), str):
                node["description"] = _plain(node["description"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(schema)
    return schema


def _numbers_only(node: dict[str, Any]) -> None:
    """pydantic writes a Decimal as number-or-string; check takes only an unquoted number."""
    branches = node.get("anyOf")
    if not isinstance(branches, list) or len(branches) != 2:
        return
    kinds = [b.get("type") if isinstance(b, dict) else None for b in branches]
    if sorted(map(str, kinds)) == ["number", "string"]:
        number = branches[kinds.index("number")]
        del node["anyOf"]
        node.update(number)


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema into ``folder``; return the files whose bytes changed."""
    from rectify_site.build.output import atomic_write

    changed = []
    for name, data in schema_files().items():
        path = folder / name
        if not path.is_file() or path.read_bytes() != data:
            atomic_write(path, data)
            changed.append(path)
    return changed


def kind_of(rel: str) -> str | None:
    """The schema kind of a content file, from its path relative to ``content/``."""
    parts = rel.split("/")
    if parts == ["site.yaml"]:
        return "site"
    if len(parts) == 2 and parts[1] in ("report.yaml", "figures.yaml"):
        return parts[1].removesuffix(".yaml")
    if len(parts) >= 3 and parts[-1].endswith(".yaml") and parts[1] != "attachments":
        return "node"  # parts/<id>.yaml, and any node kept in a file of its own
    return None


def modeline(rel: str) -> str | None:
    """The ``# yaml-language-server: $schema=…`` line a content file should start with."""
    kind = kind_of(rel)
    if kind is None:
        return None
    up = "../" * rel.count("/")
    return f"# yaml-language-server: $schema=../{up}{SCHEMA_DIR}/{kind}.schema.json"
