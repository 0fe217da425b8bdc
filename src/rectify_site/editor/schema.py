"""JSON Schemas of the content files, for editors' autocompletion and inline errors.

Each content file names its schema on its first line::

    # yaml-language-server: $schema=../../schemas/report.schema.json

which the YAML language server (VS Code's YAML extension, and others) reads: it then
completes field names, shows each field's docstring and marks unknown fields and wrong
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


def schema_files() -> dict[str, bytes]:
    """``<kind>.schema.json`` -> its bytes; stable (sorted keys) so diffs stay reviewable."""
    out = {}
    for kind, model in sorted(FILE_MODELS.items()):
        schema = for_editors(model.model_json_schema(mode="validation"), kind)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"{kind}.schema.json"
        text = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        out[f"{kind}.schema.json"] = text.encode("utf-8")
    return out


_CJK = re.compile("[\u4e00-\u9fff]")
_RST = re.compile(r"``([^`]+)``|:[a-z]+:`([^`]+)`")


def _plain(text: str) -> str:
    """A docstring as hover text: RST literals (``draft``, :class:`X`) as `draft`, `X`."""
    return _RST.sub(lambda m: f"`{m.group(1) or m.group(2)}`", text).strip()


def for_editors(schema: dict[str, Any], kind: str) -> dict[str, Any]:
    """The models' schema as a Chinese office reads it in the editor, and as strict as check.

    Every field's title and description in Chinese (schemadocs.py), the English of the
    models' docstring kept as a second line, no RST markup, an example where it helps;
    exact decimals are numbers only (check refuses text).
    """
    from rectify_site.editor.fielddocs import STATUS_HELP, doc_for

    def field(prop: dict[str, Any], owner: str | None, name: str) -> None:
        text = _plain(prop.get("description", ""))
        doc = doc_for(owner, name)
        if doc is not None:
            prop["title"] = doc.title
            if not _CJK.search(text.split("\n", 1)[0]):  # an English docstring only
                text = f"{doc.description}\n\n{text}" if text else doc.description
            if name == "by_status" and STATUS_HELP not in text:  # hover explains statuses
                english = text.split("\n", 1)[1].strip() if "\n" in text else ""
                text = f"{STATUS_HELP}\n\n{english}".strip()
            if doc.examples and "examples" not in prop:
                prop["examples"] = doc.examples
        elif _CJK.search(text):  # a title from the docstring's first words
            prop["title"] = re.split(r"[，。：；（,.:;(\n]", text, maxsplit=1)[0]
        if text:
            prop["description"] = text

    def walk(node: Any, owner: str | None) -> None:
        if isinstance(node, dict):
            _numbers_only(node)
            for name, prop in (node.get("properties") or {}).items():
                if isinstance(prop, dict):
                    field(prop, owner, name)
            for key, value in node.items():
                if key == "$defs" and isinstance(value, dict):
                    for def_name, sub in value.items():
                        if isinstance(sub, dict) and "description" in sub:
                            sub["description"] = _plain(sub["description"])
                        walk(sub, def_name)
                else:
                    walk(value, owner)
        elif isinstance(node, list):
            for item in node:
                walk(item, owner)

    if "description" in schema:
        schema["description"] = _plain(schema["description"])
    walk(schema, kind)
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
