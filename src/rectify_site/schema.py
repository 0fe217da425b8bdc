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
from pathlib import Path

from .files import FILE_MODELS

SCHEMA_DIR = "schemas"
"""Where ``rectify-site schema`` writes, at the project root beside content/."""


def schema_files() -> dict[str, bytes]:
    """``<kind>.schema.json`` -> its bytes; stable (sorted keys) so diffs stay reviewable."""
    out = {}
    for kind, model in sorted(FILE_MODELS.items()):
        schema = model.model_json_schema(mode="validation")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"{kind}.schema.json"
        text = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        out[f"{kind}.schema.json"] = text.encode("utf-8")
    return out


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema into ``folder``; return the files whose bytes changed."""
    from .output import _atomic_write

    changed = []
    for name, data in schema_files().items():
        path = folder / name
        if not path.is_file() or path.read_bytes() != data:
            _atomic_write(path, data)
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
