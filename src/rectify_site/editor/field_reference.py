"""The field reference in the docs (``docs/fields.md``): every field of every content file.

Written from the JSON Schemas the editor reads (schema.py), so each field's title,
description and examples are those of its ``Field(...)`` in content.py, the same words
as the editor's hover; only the types are put into words here. The result is checked
in (``python scripts/field_reference.py`` writes it) and a test keeps it current.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from typing import Any

import yaml

from rectify_site.editor.schema import schemas

FILES = {
    "site": ("site.yaml", "网站设置"),
    "report": ("<通报>/report.yaml", "通报"),
    "node": ("节点：parts/<标识>.yaml，以及单独文件中的节点", "节点"),
    "figures": ("<通报>/figures.yaml", "统计数字"),
}
"""Each content file kind's heading, and its name where a field links to it."""

SCRIPT = "python scripts/field_reference.py"

INTRO = f"""\
# 内容文件的字段

本文列出内容文件（`content/` 下的 YAML 文件）的每个字段：名称、类型、是否必填、默认值、
说明和示例。这些文字与编辑器中的悬停提示相同，都出自 `src/rectify_site/model/content.py`
中各字段的 `Field(...)`；本文件由程序生成，请勿手改。改了字段说明后运行

```text
{SCRIPT}      # 本文件
rectify-site schema                    # schemas/ 中的 JSON Schema
```

测试会核对两者是否为最新。各文件的结构和完整示例见 [content-model.md](content-model.md)。
"""

_CJK = re.compile("[\u4e00-\u9fff]")
_TEMPLATE = re.compile(r"\{\{.*?\}\}")


class _Section:
    """One model's table: where it sits in its file, and the schema of the model."""

    def __init__(self, anchor: str, heading: str, name: str, schema: dict[str, Any]) -> None:
        self.anchor = anchor
        self.heading = heading
        self.name = name
        self.schema = schema


def field_reference() -> str:
    """The text of ``docs/fields.md``."""
    files = schemas()
    roots = {kind: _model(schema, schema) for kind, schema in files.items()}
    anchors = {str(root.get("title")): kind for kind, root in roots.items()}
    names = {kind: FILES[kind][1] for kind in files}
    out = [INTRO]
    for kind, schema in files.items():
        queue = deque([_Section(kind, FILES[kind][0], FILES[kind][1], roots[kind])])
        while queue:
            section = queue.popleft()
            level = "##" if section.anchor == kind else "###"
            heading = _escape(section.heading)
            out.append(f'\n<a id="{section.anchor}"></a>\n\n{level} {heading}\n')
            about = _chinese(section.schema.get("description", ""))
            if about:
                out.append(f"\n{about}\n")
            out.append(
                "\n| 字段 | 名称 | 类型 | 必填 | 默认值 | 说明 | 示例 |\n"
                "| --- | --- | --- | --- | --- | --- | --- |\n"
            )
            required = set(section.schema.get("required", []))
            for field, prop in section.schema.get("properties", {}).items():
                for ref, each in _refs(prop):
                    model = _name(ref, schema)
                    if model in anchors:
                        continue
                    anchor = f"{section.anchor}-{field.replace('_', '-')}"
                    heading = f"{section.heading} › {field}{each}"
                    anchors[model] = anchor
                    names[anchor] = prop.get("title", field)
                    target = _model({"$ref": ref}, schema)
                    queue.append(_Section(anchor, heading, names[anchor], target))
                row = [
                    f"`{field}`",
                    prop.get("title", ""),
                    _type(prop, schema, anchors, names),
                    "是" if field in required else "否",
                    "—" if field in required else _default(prop),
                    _prose(prop.get("description", "")),
                    "、".join(f"`{as_yaml(e)}`" for e in prop.get("examples", [])) or "—",
                ]
                out.append("| " + " | ".join(_cell(c) for c in row) + " |\n")
    return "".join(out)


def _model(node: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The object a schema node stands for, following ``$ref`` within ``schema``."""
    seen = 0
    while "$ref" in node and "properties" not in node and seen < 8:
        ref = str(node["$ref"])
        node = schema if ref == "#" else schema["$defs"][ref.rsplit("/", 1)[-1]]
        seen += 1
    return node


def _name(ref: str, schema: dict[str, Any]) -> str:
    """The model a ``$ref`` names: a ``$defs`` entry, or the file's own (``#``)."""
    return str(_model({"$ref": ref}, schema).get("title"))


def _refs(prop: Any, each: str = "") -> list[tuple[str, str]]:
    """Every model a field refers to, with how: itself, each item, or each value."""
    if not isinstance(prop, dict):
        return []
    if "$ref" in prop:
        return [(str(prop["$ref"]), each)]
    found = []
    for branch in prop.get("anyOf", []):
        found += _refs(branch, each)
    if "items" in prop:
        found += _refs(prop["items"], "（每一项）")
    for value in [prop.get("additionalProperties"), *prop.get("patternProperties", {}).values()]:
        found += _refs(value, "（每个值）")
    return found


def _type(
    prop: dict[str, Any], schema: dict[str, Any], anchors: dict[str, str], names: dict[str, str]
) -> str:
    """What a field takes, in words an office reads: 文字, 日期, 整数, a link to a table."""
    if "$ref" in prop:
        anchor = anchors[_name(str(prop["$ref"]), schema)]
        return f"[{names[anchor]}](#{anchor})"
    if "anyOf" in prop:
        kinds = [_type(b, schema, anchors, names) for b in prop["anyOf"] if b.get("type") != "null"]
        return " 或 ".join(kinds)
    if "enum" in prop:
        return "、".join(f"`{as_yaml(v)}`" for v in prop["enum"]) + " 之一"
    kind = prop.get("type")
    if kind == "string":
        return {"date": "日期", "email": "电子邮箱"}.get(str(prop.get("format")), "文字")
    if kind == "integer":
        return "整数"
    if kind == "number":
        return "数字"
    if kind == "boolean":
        return "true 或 false"
    if kind == "array":
        items = _type(prop.get("items", {}), schema, anchors, names)
        return f"（{items}）的列表" if " 或 " in items else f"{items}的列表"
    if kind == "object":
        values = [prop.get("additionalProperties"), *prop.get("patternProperties", {}).values()]
        value = next((v for v in values if isinstance(v, dict)), {})
        keys = prop.get("propertyNames", {}).get("enum")
        named = "、".join(f"`{k}`" for k in keys) if keys else "标识"
        return f"映射：键为{named}，值为{_type(value, schema, anchors, names)}"
    return "任意"


def _default(prop: dict[str, Any]) -> str:
    if "default" not in prop or prop["default"] is None:
        return "—"
    if isinstance(prop["default"], dict) and prop["default"] and "$ref" in prop:
        return "各项的默认值"
    return f"`{as_yaml(prop['default'])}`"


def as_yaml(value: Any) -> str:
    """A value as an editor types it in YAML (flow style), quoted only where YAML needs it:
    ``2023-03-29`` stays a date, ``'000000'`` and ``'1.'`` are text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(as_yaml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{as_yaml(k)}: {as_yaml(v)}" for k, v in value.items()) + "}"
    if not isinstance(value, str):
        return str(value)
    try:
        loaded = yaml.safe_load(value)
    except yaml.YAMLError:
        loaded = None
    plain = (
        value == value.strip()
        and value[:1] not in tuple("#&*!|>'\"%@`-?:")
        and not any(c in value for c in ",[]{}")
        and ": " not in value
        and " #" not in value
        and (loaded == value or isinstance(loaded, dt.date))  # a date is typed unquoted
    )
    return value if plain else "'" + value.replace("'", "''") + "'"


def _chinese(text: str) -> str:
    """The Chinese lines that open a model's docstring (the English below is for code)."""
    lines = []
    for line in text.splitlines():
        if not _CJK.search(line):
            break
        lines.append(line.strip())
    return _prose("".join(lines))


def _prose(text: str) -> str:
    """Help text as Markdown: references to data as code, no stray HTML."""
    parts = []
    last = 0
    for m in _TEMPLATE.finditer(text):
        parts.append(_escape(text[last : m.start()]))
        parts.append(f"`{m.group(0)}`")
        last = m.end()
    parts.append(_escape(text[last:]))
    return "".join(parts).replace("\n", " ")


def _escape(text: str) -> str:
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _cell(text: str) -> str:
    """A table cell: a ``|`` would end it, inside code too (GFM)."""
    return text.replace("|", "\\|")
