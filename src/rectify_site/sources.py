"""Read content files into plain data, remembering where every value came from.

YAML is composed into nodes by libyaml when present (about 7x faster than pure Python)
and then built into Python values here, so that we keep each node's line and column,
refuse duplicate keys and aliases (PyYAML accepts both silently), and read decimals as
``Decimal`` rather than ``float`` (130.98万元 must stay exact).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from .errors import Diagnostic, diag

try:  # libyaml keeps node marks too, and is much faster
    _Base: type[Any] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.SafeLoader

_STR_TAG = "tag:yaml.org,2002:str"
_IMPLICIT_FIRST = frozenset(_Base.yaml_implicit_resolvers)
"""First characters that may make a plain scalar something other than a string."""


class _Loader(_Base):  # type: ignore[misc]
    """The safe loader, with a short cut for the commonest scalar: plain Chinese text.

    PyYAML asks ``resolve`` for the tag of every scalar and tries regular expressions
    chosen by its first character; text starting with any other character is a string
    (what PyYAML itself would answer after the lookup), so we say so at once.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and value and value[0] not in _IMPLICIT_FIRST:
            return _STR_TAG
        return super().resolve(kind, value, implicit)


assert None not in _IMPLICIT_FIRST  # no wildcard resolver, or the short cut would skip it

MAX_FILE_BYTES = 1_000_000
"""Content files are small; anything bigger is almost certainly the wrong file."""

MAX_NODES = 200_000
"""Bound on YAML nodes per file, so no input can make loading take unbounded time."""

MAX_DEPTH = 64
"""Bound on nesting: libyaml's composer recurses, and 200 000 ``[`` would crash it."""

Loc = tuple[str | int, ...]


def field_name(loc: Loc) -> str:
    """('aspects', 2, 'id') -> 'aspects[2].id', as editors see it in the file."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def strings(data: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Every text value of loaded data with its loc, in file order."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from strings(value, (*loc, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from strings(value, (*loc, i))
    elif isinstance(data, str):
        yield loc, data


_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF) for plane in range(17)
)
REFUSED_CHARS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff" + _NONCHARACTERS + "]"
)
"""Characters no text value may hold: C0 and C1 controls (tab and newline are fine),
bidirectional overrides and isolates (they make text display in another order than it
reads), Unicode noncharacters and lone surrogates. They would reach every page, break the
feed's XML and hide text from readers; escapes (``"\\x01"``) are refused like raw ones."""

_RAW_REFUSED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
"""The refused characters that libyaml itself cannot read raw: found before parsing, so
the editor gets the line, the column and the character instead of a syntax error."""

MAX_CHAR_PROBLEMS = 50
"""Refused characters reported per file; a file full of them is the wrong file."""


def refused_char_key(ch: str) -> str:
    """The message key for a character REFUSED_CHARS matched."""
    o = ord(ch)
    if 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069:
        return "text.bidi"
    if o < 0x20 or 0x7F <= o <= 0x9F:
        return "text.control"
    return "text.noncharacter"


def code_point(ch: str) -> str:
    """``U+0001``: how a message names a character that cannot be shown."""
    return f"U+{ord(ch):04X}"


def line_col(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``text[index]``."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


@dataclass
class Source:
    """One loaded YAML file: its data and the (line, col) of every key and item.

    Marks are only needed for error messages, so they are found when first asked for,
    by reading the file again; a clean build of a large collection never pays for them.
    """

    path: Path
    data: Any
    _marks: dict[Loc, tuple[int, int]] | None = field(default=None, repr=False)

    @property
    def marks(self) -> dict[Loc, tuple[int, int]]:
        if self._marks is None:
            self._marks = _marks_of(self.path)
        return self._marks

    def where(self, loc: Loc) -> tuple[int | None, int | None]:
        """The line and column of ``loc``, or of its nearest ancestor that exists."""
        marks = self.marks
        for end in range(len(loc), -1, -1):
            mark = marks.get(tuple(loc[:end]))
            if mark is not None:
                return mark
        return (None, None)


def _marks_of(path: Path) -> dict[Loc, tuple[int, int]]:
    try:
        text = read_text(path)
        node = yaml.compose(text, Loader=_Loader)
    except (LoadFailed, yaml.YAMLError):
        return {}
    builder = _Builder(path, record=True, text=text)
    if node is not None:
        builder.build(node, ())
    return builder.marks


class LoadFailed(Exception):
    """Raised inside this module; carries the diagnostics for one file."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__(diagnostics)


def read_text(path: Path, root: Path | None = None) -> str:
    """Read a content file as UTF-8 text, with the checks an editor's mistakes need.

    Accepts a UTF-8 BOM and CRLF line endings; refuses other encodings (naming the
    byte offset), files over MAX_FILE_BYTES, and symlinks that leave ``root``.
    """
    if root is not None and path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(root.resolve()):
            raise LoadFailed([diag(path, "file.symlink_outside", target=str(target))])
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LoadFailed([diag(path, "file.too_large", size=size, limit=MAX_FILE_BYTES)])
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LoadFailed([diag(path, "file.missing")]) from None
    except OSError as exc:
        problem = exc.strerror or str(exc)
        raise LoadFailed([diag(path, "file.unreadable", problem=problem)]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
        line = raw[:offset].count(b"\n") + 1
        start = raw.rfind(b"\n", 0, offset) + 1
        col = len(raw[start:offset].decode("utf-8-sig", "replace")) + 1
        raise LoadFailed([diag(path, "file.not_utf8", line=line, col=col, offset=offset)]) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_yaml(path: Path, root: Path | None = None) -> Source:
    """Load one YAML file into a Source, or raise LoadFailed with every problem found."""
    text = read_text(path, root)
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise LoadFailed([diag(path, "file.empty", line=1)])
    raw = [
        diag(path, refused_char_key(m.group()), line=lc[0], col=lc[1], char=code_point(m.group()))
        for m, lc in (
            (m, line_col(text, m.start()))
            for m, _ in zip(_RAW_REFUSED.finditer(text), range(MAX_CHAR_PROBLEMS), strict=False)
        )
    ]
    if raw:
        raise LoadFailed(raw)
    try:
        _scan(path, text)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise LoadFailed([_syntax_diagnostic(path, text, exc)]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml always marks its errors
        raise LoadFailed([diag(path, "yaml.syntax", problem=str(exc))]) from None
    builder = _Builder(path, text=text)
    if node is None:  # only comments or document markers
        raise LoadFailed([diag(path, "file.empty", line=1)])
    data = builder.build(node, ())
    if builder.problems:
        raise LoadFailed(builder.problems)
    if not isinstance(data, dict):
        raise LoadFailed([diag(path, "yaml.not_mapping", line=1, col=1)])
    return Source(path=path, data=data)


def _scan(path: Path, text: str) -> None:
    """Bound nesting and size and refuse aliases on the event stream, before composing.

    libyaml's parser is iterative, so this pass is safe on any input; the composer that
    follows recurses and would expand an alias bomb, so it only sees bounded documents.
    """
    depth = nodes = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            nodes += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.ScalarEvent):
            nodes += 1
        elif isinstance(event, yaml.AliasEvent):
            raise LoadFailed([_event_diag(path, event, "yaml.alias")])
        if depth > MAX_DEPTH or nodes > MAX_NODES:
            raise LoadFailed([_event_diag(path, event, "yaml.too_deep")])


def _event_diag(path: Path, event: yaml.Event, key: str) -> Diagnostic:
    """A diagnostic at the 1-based line and column where an event starts."""
    m = event.start_mark
    if m is None:  # pragma: no cover - libyaml marks every event
        return diag(path, key)
    return diag(path, key, line=m.line + 1, col=m.column + 1)


_SYNTAX_HINTS: list[tuple[str, tuple[str, str]]] = [
    (
        "end of stream",
        ("引号或括号没有闭合", "a quote or bracket is not closed"),
    ),
    (
        "mapping values are not allowed",
        (
            "此处不能出现“: ”；值里有英文冒号时请给整个值加引号，或检查上一行的缩进",
            "': ' is not allowed here; quote a value that holds a colon, or check the "
            "indentation of the line above",
        ),
    ),
    (
        "did not find expected key",
        ("这一行的缩进与同级的键不一致", "this line is not indented like the keys beside it"),
    ),
    (
        "did not find expected ',' or",
        ("方括号或花括号没有闭合，或缺少逗号", "a bracket is not closed, or a comma is missing"),
    ),
    (
        "did not find expected '-' indicator",
        ("列表中混入了不以“- ”开头的行", "a list holds a line that does not start with '- '"),
    ),
    (
        "could not find expected ':'",
        (
            "缺少“: ”（键和值之间要有英文冒号和空格）",
            "a ': ' is missing between a key and its value",
        ),
    ),
    (
        "found another document",
        (
            "一个文件只能有一个 YAML 文档：请删除多余的“---”行",
            "a file holds one YAML document: remove the extra '---' line",
        ),
    ),
    (
        "cannot start any token",
        (
            "值不能以 @ 或 ` 开头：请给整个值加引号",
            "a value cannot start with @ or `: quote the whole value",
        ),
    ),
]
"""libyaml's problems, in words an editor can act on (the original follows in brackets)."""


def _syntax_diagnostic(path: Path, text: str, exc: yaml.MarkedYAMLError) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark and "quoted scalar" in (exc.context or ""):
        mark = exc.context_mark  # where the unclosed quote opened, not the end of the file
    line = mark.line + 1 if mark else None
    col = mark.column + 1 if mark else None
    if "nesting depth" in (exc.problem or ""):  # libyaml's own bound (PyYAML >= 6.0.4)
        return diag(path, "yaml.too_deep", line=line, col=col)
    if line is not None:
        lines = text.split("\n")
        source_line = lines[line - 1] if line - 1 < len(lines) else ""
        if "\t" in source_line[: len(source_line) - len(source_line.lstrip())] or (
            "\t" in (exc.problem or "") or "tab" in (exc.problem or "")
        ):
            return diag(path, "yaml.tab", line=line, col=col)
    original = (exc.problem or exc.context or "").strip()
    hint = next((h for key, h in _SYNTAX_HINTS if key in original), (original, original))
    if hint[0] != original:
        hint = (f"{hint[0]}（{original}）", f"{hint[1]} ({original})")
    return diag(path, "yaml.syntax", line=line, col=col, problem=hint)


_PLAIN_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})
_INT_RE = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
"""YAML 1.2's booleans, the ones the editor's yaml-language-server knows; yes/no/on/off
(YAML 1.1) stay text, so that a boolean field refuses them as the editor does."""


def _field_name(loc: Loc) -> str:
    """('aspects', 2, 'id') -> 'aspects[2].id' (as collection.field_name writes it)."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Builder:
    """Turns composed YAML nodes into Python values, recording marks and problems."""

    def __init__(self, path: Path, *, record: bool = False, text: str = "") -> None:
        self.path = path
        self.text = text
        """The file's text, to find a refused character's exact line and column."""
        self.record = record
        """Whether to keep every node's mark (for error messages, see Source.marks)."""
        self.marks: dict[Loc, tuple[int, int]] = {}
        self.problems: list[Diagnostic] = []
        self._seen: set[int] = set()
        self._count = 0

    def _problem(self, node: yaml.Node, message: str, /, **params: Any) -> None:
        m = node.start_mark
        self.problems.append(diag(self.path, message, line=m.line + 1, col=m.column + 1, **params))

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self._count += 1
        if self._count > MAX_NODES or len(loc) > 64:
            if not any(p.key == "yaml.too_deep" for p in self.problems):
                self._problem(node, "yaml.too_deep")
            return None
        if id(node) in self._seen:  # the same node twice: an alias (*name)
            self._problem(node, "yaml.alias")
            return None
        self._seen.add(id(node))
        if self.record:
            self.marks.setdefault(loc, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in _PLAIN_TAGS:
            self._problem(node, "yaml.tag", tag=node.tag)  # !!python/object and the like
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        self._check_chars(node, loc)
        return self._scalar(node)

    def _check_chars(self, node: yaml.Node, loc: Loc) -> None:
        """Refuse a scalar that holds a character no text may hold (see REFUSED_CHARS)."""
        if not isinstance(node.value, str) or REFUSED_CHARS.search(node.value) is None:
            return
        ch = REFUSED_CHARS.search(node.value)
        assert ch is not None
        start, end = node.start_mark.index, node.end_mark.index
        raw = REFUSED_CHARS.search(self.text, start, end) if self.text else None
        if raw is not None:  # typed as it is: its own line and column
            line, col = line_col(self.text, raw.start())
            char = raw.group()
        else:  # written as an escape ("\\x01"): where the value starts
            line, col = node.start_mark.line + 1, node.start_mark.column + 1
            char = ch.group()
        self.problems.append(
            diag(
                self.path,
                refused_char_key(char),
                line=line,
                col=col,
                field=_field_name(loc),
                char=code_point(char),
            )
        )

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._problem(key_node, "yaml.alias")
                continue
            if isinstance(key_node, yaml.ScalarNode):
                self._check_chars(key_node, loc)
            key = self._scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str | int) or isinstance(key, bool):
                self._problem(key_node, "yaml.key_type")
                continue
            key = str(key)
            if key in out or key in first_line:
                self._problem(
                    key_node, "yaml.duplicate_key", name=key, first=first_line.get(key, "?")
                )
                continue
            line = key_node.start_mark.line + 1
            first_line[key] = line
            if self.record:
                self.marks[(*loc, key)] = (line, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, (*loc, key))
        return out

    def _scalar(self, node: yaml.Node) -> Any:
        tag, value = node.tag, node.value
        if tag == "tag:yaml.org,2002:str":
            return value
        if tag == "tag:yaml.org,2002:null":
            return None
        # One dialect with the editor (YAML 1.2 as yaml-language-server reads it, narrowed):
        # true/false only, integers in plain decimal; anything else stays text, which the
        # model refuses with a message that says what to write.
        if tag == "tag:yaml.org,2002:bool":
            return _BOOLS.get(value, value)
        if tag == "tag:yaml.org,2002:int":
            if _INT_RE.match(value):
                return int(value)
            return value  # 5_7, 0x39, 0o71, 0b1, 1:30 (YAML 1.1): text, refused as a number
        if tag == "tag:yaml.org,2002:float":
            if "_" in value or ":" in value:
                return value  # 1_000.5, 1:30.5 (YAML 1.1 only)
            try:
                return Decimal(value)
            except InvalidOperation:
                return value
        if tag == "tag:yaml.org,2002:timestamp":
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                self._problem(node, "yaml.bad_date", value=value)
                return value
        self._problem(node, "yaml.tag", tag=tag)
        return value
