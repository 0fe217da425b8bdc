"""The Chinese guide for editors (``docs/编写指南.md``): its lists of fields and messages.

The guide is prose written by hand, but where it lists the fields of a content file, or
the messages ``check`` gives, the list is generated between two marker comments:

    <!-- 生成：fields report -->        every field of report.yaml, from its Field(...)
    <!-- 生成：messages -->             the messages about content, from messages.py
    <!-- 生成结束 -->

``refresh_guide`` rewrites those blocks (``python scripts/field_reference.py`` writes the
file) and ``tests/test_field_help.py`` keeps the checked-in guide current, so the guide
says what the models and the catalogue say, in the same words as the editor's hover.
"""

from __future__ import annotations

import re
from typing import Any

from rectify_site.editor.field_reference import as_yaml
from rectify_site.editor.schema import schemas
from rectify_site.messages import MESSAGES, YAML_PROBLEMS

GUIDE = "编写指南.md"
"""The guide's file name in ``docs/``."""

NODE = "NodeFile"
"""The model of a node: listed once, under its own heading, not inside every file."""

_BLOCK = re.compile(r"(<!-- 生成：(?P<what>[^>]*?) -->\n).*?(<!-- 生成结束 -->)", re.S)

MESSAGE_GROUPS = (
    ("yaml.", "YAML 写法"),
    ("file.", "文件"),
    ("text.", "文字中的字符"),
    ("placeholder.", "未填写之处"),
    ("tally.", "统计数字"),
    ("figure.", "统计数字"),
    ("rate.", "统计数字"),
    ("ledger.", "台账"),
    ("node.", "条目"),
    ("action.", "条目"),
    ("prose.", "正文引用的数据"),
    ("dates.", "日期"),
    ("attachment.", "附件"),
)
"""Which messages about content the guide lists, under which heading, in this order."""


def refresh_guide(text: str) -> str:
    """``text`` with every generated block written anew."""

    def block(m: re.Match[str]) -> str:
        what = m.group("what").split()
        body = fields(what[1]) if what[0] == "fields" else messages()
        return m.group(1) + body + m.group(3)

    return _BLOCK.sub(block, text)


def fields(kind: str) -> str:
    """Every field of one content file (site, report, node, figures) as a list: name,
    title, whether required, the help and its examples; nested fields by their path."""
    schema = schemas()[kind]
    root = schema
    while "$ref" in root and "properties" not in root:  # a node's file: its own model
        root = _model(str(root["$ref"]), schema)
    lines: list[str] = []
    _walk(root, schema, "", lines, {NODE} if root is not schema else set())
    return "".join(lines)


def _walk(
    node: dict[str, Any], schema: dict[str, Any], prefix: str, lines: list[str], seen: set[str]
) -> None:
    required = set(node.get("required", []))
    for name, prop in node.get("properties", {}).items():
        path = f"{prefix}{name}"
        need = "必填" if name in required else "可选"
        help_text = _flat(prop.get("description", ""))
        examples = "、".join(f"`{as_yaml(e)}`" for e in prop.get("examples", []))
        line = f"- `{path}`（{prop.get('title', name)}，{need}）：{help_text}"
        if examples:
            line += f"例：{examples}"
        lines.append(line.rstrip() + "\n")
        for ref, each in _object_refs(prop):
            target = _model(ref, schema)
            title = ref.rsplit("/", 1)[-1]
            if title in seen or ref == "#" or (title == NODE and prefix + name != ""):
                if title == NODE and ref != "#":  # a node written in place: its own list
                    head, sep, tail = lines[-1].rpartition("例：")
                    said = "每一项的字段见“条目”。"
                    lines[-1] = f"{head}{said}{sep}{tail}" if sep else f"{tail.rstrip()}{said}\n"
                continue
            _walk(target, schema, f"{path}{each}.", lines, seen | {title})


def _object_refs(prop: dict[str, Any]) -> list[tuple[str, str]]:
    """The models a field holds: itself (``a.b``), each item (``a[].b``) or each value."""
    found: list[tuple[str, str]] = []
    if "$ref" in prop:
        found.append((str(prop["$ref"]), ""))
    for branch in prop.get("anyOf", []):
        found += _object_refs(branch)
    items = prop.get("items")
    if isinstance(items, dict):
        found += [(r, "[]") for r, _ in _object_refs(items)]
    values = prop.get("additionalProperties")
    if isinstance(values, dict):
        found += [(r, ".<键>") for r, _ in _object_refs(values)]
    for value in prop.get("patternProperties", {}).values():
        found += [(r, ".<键>") for r, _ in _object_refs(value)]
    return found


def _model(ref: str, schema: dict[str, Any]) -> dict[str, Any]:
    return schema if ref == "#" else schema["$defs"][ref.rsplit("/", 1)[-1]]


def _flat(text: str) -> str:
    """Help text on one line, references to data as code."""
    parts = re.split(r"(\{\{.*?\}\})", " ".join(text.split()))
    return "".join(
        f"`{p}`" if i % 2 else p.replace("<", "&lt;").replace(">", "&gt;")
        for i, p in enumerate(parts)
    )


def messages() -> str:
    """The messages ``check`` gives about content, grouped, each as an editor reads it
    (a value to be filled in shown as ……)."""
    out: list[str] = []
    heading = ""
    for prefix, title in MESSAGE_GROUPS:
        if title != heading:
            out.append(f"\n**{title}**\n\n")
            heading = title
        for key, (zh, _en) in MESSAGES.items():
            if key.startswith(prefix):
                shown = re.sub(r"\{[a-z_]*(![rs])?\}", "……", zh)
                out.append(f"- {_flat(shown)}\n")
        if prefix == "yaml.":  # what follows 语法错误：, one line for each problem
            out.append("\n“YAML 语法错误：”之后的说明：\n\n")
            out += [f"- {_flat(zh)}\n" for _, zh, _en in YAML_PROBLEMS]
    return "".join(out).lstrip("\n")
