"""Read content files into plain data, remembering where every value came from.

YAML is parsed into events by libyaml when present (about 7x faster than pure Python)
and built into Python values here in the same pass, so that we keep each value's line
and column, refuse duplicate keys and aliases (PyYAML accepts both silently), and read
decimals as ``Decimal`` rather than ``float`` (130.98万元 must stay exact).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError

from rectify_site.errors import Diagnostic, Loc, diag
from rectify_site.files import refusal
from rectify_site.messages import yaml_problem
from rectify_site.model.limits import MAX_WRITTEN, REFUSED_CHARS, code_point, refused_char_key
from rectify_site.model.limits import MAYBE_REFUSED as _MAYBE_REFUSED

try:  # libyaml keeps event marks too, and is much faster
    _Parser: type[Any] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Parser = yaml.SafeLoader

_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_IMPLICIT_FIRST = frozenset(_Parser.yaml_implicit_resolvers)
"""First characters that may make a plain scalar something other than a string."""

assert None not in _IMPLICIT_FIRST  # no wildcard resolver, or the short cut would skip it

MAX_FILE_BYTES = 1_000_000
"""Content files are small; anything bigger is almost certainly the wrong file."""

MAX_NODES = 200_000
"""Bound on YAML nodes per file, so no input can make loading take unbounded time."""

MAX_DEPTH = 64
"""Bound on nesting: content is shallow, and deeper files are mistakes or attacks."""


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


_RAW_REFUSED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
"""The refused characters that libyaml itself cannot read raw: found before parsing, so
the editor gets the line, the column and the character instead of a syntax error."""

MAX_CHAR_PROBLEMS = 50
"""Refused characters reported per file; a file full of them is the wrong file."""


def refused_char(text: str) -> re.Match[str] | None:
    """The first character of ``text`` no text value may hold (REFUSED_CHARS), if any: the
    test every loader of typed text applies (YAML values and keys, the ledger's cells)."""
    return REFUSED_CHARS.search(text) if _MAYBE_REFUSED.search(text) else None


def line_col(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``text[index]``."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


@dataclass
class MarkedYaml:
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
    """Every key's and item's mark, by the same one pass that loaded the file."""
    try:
        builder = _Builder(path, read_text(path), record=True)
        builder.build()
    except (LoadFailed, yaml.YAMLError):
        return {}
    return builder.marks


class LoadFailed(Exception):
    """Raised inside this module; carries the diagnostics for one file."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__(diagnostics)


def read_text(path: Path, root: Path | None = None) -> str:
    """Read a content file as UTF-8 text, with the checks an editor's mistakes need.

    Accepts a UTF-8 BOM and CRLF line endings; refuses other encodings (naming the
    byte offset), files over MAX_FILE_BYTES, and, with ``root``, anything but a regular
    file inside it (``files.refusal``: a symlinked folder on the way included).
    """
    if root is not None and (refused := refusal(path, root)) is not None:
        raise LoadFailed([refused])
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


def load_yaml(path: Path, root: Path | None = None) -> MarkedYaml:
    """Load one YAML file into a MarkedYaml, or raise LoadFailed with every problem found."""
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
    builder = _Builder(path, text)
    try:
        data = builder.build()
    except yaml.MarkedYAMLError as exc:
        raise LoadFailed([_syntax_diagnostic(path, text, exc)]) from None
    except yaml.YAMLError as exc:  # the reader's (characters refused above come first)
        hint = yaml_problem(None, str(getattr(exc, "reason", "") or exc))
        raise LoadFailed([diag(path, "yaml.syntax", problem=hint)]) from None
    if data is _NO_DOCUMENT:  # only comments or document markers
        raise LoadFailed([diag(path, "file.empty", line=1)])
    if builder.problems:
        raise LoadFailed(builder.problems)
    if not isinstance(data, dict):
        raise LoadFailed([diag(path, "yaml.not_mapping", line=1, col=1)])
    return MarkedYaml(path=path, data=data)


def _event_diag(path: Path, event: yaml.Event, key: str) -> Diagnostic:
    """A diagnostic at the 1-based line and column where an event starts."""
    m = event.start_mark
    if m is None:  # pragma: no cover - libyaml marks every event
        return diag(path, key)
    return diag(path, key, line=m.line + 1, col=m.column + 1)


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
    hint = yaml_problem(exc.context, exc.problem)  # the catalogue's words, never English
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


_NO_DOCUMENT: Any = object()
"""What ``_Builder.build`` returns for a stream without a document."""
_KEY: Any = object()
"""An open mapping's state between entries: the next node is a key."""
_SKIP: Any = object()
"""An open mapping's state after a refused key: its value is not built."""


class _Open:
    """A mapping or sequence whose end event has not come yet."""

    __slots__ = ("first_line", "items", "key", "loc", "out")

    def __init__(self, loc: Loc, items: list[Any] | None, out: dict[str, Any] | None) -> None:
        self.loc = loc
        self.items = items
        """A sequence's value so far (None for a mapping); its length is the next index."""
        self.out = out
        """A mapping's value so far (None for a sequence)."""
        self.key: Any = _KEY
        """_KEY, _SKIP or the text of the key whose value comes next."""
        self.first_line: dict[str, int] = {}
        """The line of every key so far, for the message about a duplicate."""


_Scalar = yaml.ScalarEvent
_MapStart = yaml.MappingStartEvent
_SeqStart = yaml.SequenceStartEvent
_MapEnd = yaml.MappingEndEvent
_SeqEnd = yaml.SequenceEndEvent


class _Builder:
    """Builds Python values straight from the parser's events, in one pass.

    libyaml's composer recurses (200 000 ``[`` would crash it), so nodes are never
    composed: an explicit stack follows the events, and the depth and size bounds and the
    refusal of aliases are checked on every event before anything is built from it. What
    the composer itself would refuse (a second document, an anchor used twice) is refused
    as it would be, once the whole stream has parsed, as before.
    """

    def __init__(self, path: Path, text: str, *, record: bool = False) -> None:
        self.path = path
        self.text = text
        """The file's text, to find a refused character's exact line and column."""
        self.record = record
        """Whether to keep every value's mark (for error messages, see MarkedYaml.marks)."""
        self.marks: dict[Loc, tuple[int, int]] = {}
        self.problems: list[Diagnostic] = []

    def _problem(self, event: Any, message: str, /, **params: Any) -> None:
        m = event.start_mark
        self.problems.append(diag(self.path, message, line=m.line + 1, col=m.column + 1, **params))

    def build(self) -> Any:
        """The file's one document as Python values, or _NO_DOCUMENT.

        Raises LoadFailed for an alias or a bound passed, and the parser's or the
        composer's MarkedYAMLError; problems that still let the rest be read are
        collected in ``problems``.
        """
        loader = _Parser(self.text)
        try:
            return self._events(loader.get_event, loader.resolve)
        finally:
            loader.dispose()

    def _events(self, next_event: Callable[[], Any], resolve: Callable[..., str]) -> Any:
        """The loop of ``build``: one event at a time, the open collections on ``stack``."""
        record, marks = self.record, self.marks
        stack: list[_Open] = []
        top: _Open | None = None
        root: Any = _NO_DOCUMENT
        root_mark: Any = None
        depth = nodes = documents = 0
        skip = 0  # open collections inside a node that is not built (a refused key, a tag)
        building = True  # until the first document ends or the composer would have stopped
        anchors: dict[str, Any] = {}  # name -> mark, in the first document
        failure: yaml.MarkedYAMLError | None = None
        while True:
            event = next_event()
            kind = type(event)
            if kind is _Scalar:
                nodes += 1
                if nodes > MAX_NODES:
                    raise LoadFailed([_event_diag(self.path, event, "yaml.too_deep")])
            elif kind is _MapStart or kind is _SeqStart:
                nodes += 1
                depth += 1
                if depth > MAX_DEPTH or nodes > MAX_NODES:
                    raise LoadFailed([_event_diag(self.path, event, "yaml.too_deep")])
            elif kind is _MapEnd or kind is _SeqEnd:
                depth -= 1
                if skip:
                    skip -= 1
                elif building:
                    stack.pop()
                    top = stack[-1] if stack else None
                continue
            elif kind is yaml.AliasEvent:
                raise LoadFailed([_event_diag(self.path, event, "yaml.alias")])
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1 and failure is None:
                    failure = ComposerError(
                        "expected a single document in the stream",
                        root_mark,
                        "but found another document",
                        event.start_mark,
                    )
                continue
            elif kind is yaml.DocumentEndEvent:
                building = False
                continue
            elif kind is yaml.StreamEndEvent:
                break
            else:  # the stream's start
                continue
            if not building:
                continue
            mark = event.start_mark
            anchor = event.anchor
            if anchor is not None:  # harmless without aliases; the composer refused a name twice
                first = anchors.get(anchor)
                if first is not None:
                    failure = ComposerError(
                        "found duplicate anchor; first occurrence", first, "second occurrence", mark
                    )
                    building = False
                    continue
                anchors[anchor] = mark
            if skip:
                if kind is not _Scalar:
                    skip += 1
                continue
            if top is None:
                loc: Loc = ()
            elif top.items is not None:
                loc = (*top.loc, len(top.items))
            else:
                key = top.key
                if key is _KEY:
                    if kind is _Scalar:
                        top.key = self._key(event, top, resolve)
                    else:
                        tag = event.tag
                        self._problem(event, "yaml.alias" if tag == _MERGE_TAG else "yaml.key_type")
                        top.key = _SKIP
                        skip = 1
                    continue
                top.key = _KEY
                if key is _SKIP:
                    if kind is not _Scalar:
                        skip = 1
                    continue
                name: str = key
                loc = (*top.loc, name)
            if record:
                marks.setdefault(loc, (mark.line + 1, mark.column + 1))
            opened: _Open | None = None
            if kind is _Scalar:
                value = event.value
                tag = event.tag
                if tag is None or tag == "!":
                    tag = _tag(value, event.implicit, resolve)
                if _MAYBE_REFUSED.search(value) and REFUSED_CHARS.search(value):
                    self._refused(event, loc)
                if tag != _STR_TAG:
                    value = self._scalar(event, tag, value)
            else:
                tag = event.tag
                if tag is not None and tag != "!" and tag not in _PLAIN_TAGS:
                    self._problem(event, "yaml.tag", tag=tag)  # !!python/object and the like
                    value = None
                    skip = 1
                elif kind is _MapStart:
                    value = {}
                    opened = _Open(loc, None, value)
                else:
                    value = []
                    opened = _Open(loc, value, None)
            if top is None:
                root, root_mark = value, mark
            elif top.items is not None:
                top.items.append(value)
            else:
                assert top.out is not None
                top.out[name] = value
            if opened is not None:
                stack.append(opened)
                top = opened
        if failure is not None:
            raise failure
        return root

    def _key(self, event: Any, top: _Open, resolve: Callable[..., str]) -> Any:
        """The text of a scalar key, or _SKIP (with a problem) if it cannot be one."""
        value = event.value
        tag = event.tag
        if tag is None or tag == "!":
            tag = _tag(value, event.implicit, resolve)
        if tag == _MERGE_TAG:
            self._problem(event, "yaml.alias")
            return _SKIP
        if _MAYBE_REFUSED.search(value) and REFUSED_CHARS.search(value):
            self._refused(event, top.loc)
        key = value if tag == _STR_TAG else self._scalar(event, tag, value)
        if not isinstance(key, str | int) or isinstance(key, bool):
            self._problem(event, "yaml.key_type")
            return _SKIP
        key = str(key)
        if key in top.first_line:
            self._problem(event, "yaml.duplicate_key", name=key, first=top.first_line[key])
            return _SKIP
        mark = event.start_mark
        top.first_line[key] = mark.line + 1
        if self.record:
            self.marks[(*top.loc, key)] = (mark.line + 1, mark.column + 1)
        return key

    def _refused(self, event: Any, loc: Loc) -> None:
        """Refuse a scalar that holds a character no text may hold (see REFUSED_CHARS)."""
        ch = REFUSED_CHARS.search(event.value)
        assert ch is not None
        start, end = event.start_mark.index, event.end_mark.index
        raw = REFUSED_CHARS.search(self.text, start, end) if self.text else None
        if raw is not None:  # typed as it is: its own line and column
            line, col = line_col(self.text, raw.start())
            char = raw.group()
        else:  # written as an escape ("\\x01"): where the value starts
            line, col = event.start_mark.line + 1, event.start_mark.column + 1
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

    def _scalar(self, event: Any, tag: str, value: str) -> Any:
        if tag == _STR_TAG:
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
                # longer than any bounded number: read exactly, as Python's int() will not
                # past 4,300 digits, for the model to refuse as out of bounds
                return int(value) if len(value) <= MAX_WRITTEN else Decimal(value)
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
                self._problem(event, "yaml.bad_date", value=value)
                return value
        self._problem(event, "yaml.tag", tag=tag)
        return value


def _tag(value: str, implicit: tuple[bool, bool], resolve: Callable[..., str]) -> str:
    """The tag PyYAML's resolver gives an untagged scalar, asked only when it may matter.

    The resolver tries regular expressions chosen by the first character; text starting
    with any other character is a string (what the resolver itself would answer), and
    that is most of a content file: plain Chinese text.
    """
    if value and value[0] not in _IMPLICIT_FIRST:
        return _STR_TAG
    return resolve(yaml.ScalarNode, value, implicit)
