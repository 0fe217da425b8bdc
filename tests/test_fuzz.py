"""Fuzzing: mutated content either builds or fails with diagnostics that carry a path.

Hypothesis mutates a copy of the real content: values and structure of the YAML (replace,
delete, add unknown keys, change types, move lines, re-indent) and random bytes or
Markdown-ish text inside prose. Whatever comes out, the tool must never raise anything
but a SiteError, every diagnostic must name a file, and a build must leave either a
complete site or nothing at all.

The suite runs a few hundred examples (the ``ci`` profile, derandomized so a run is
reproducible); ``HYPOTHESIS_PROFILE=thorough`` runs thousands with fresh randomness.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import html
import json
import os
import re
import shutil
import socket
import sys
import tempfile
import threading
from collections.abc import Iterator
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rectify_site.build.cache import cache_dir_for
from rectify_site.build.output import MANIFEST
from rectify_site.build.pipeline import build_site, render_site
from rectify_site.errors import ContentError, SiteError
from rectify_site.load.collection import load_collection
from rectify_site.load.sources import load_yaml
from rectify_site.model.markdown import render_inline
from rectify_site.site.themes import find_theme

from conftest import CONTENT, TEMPLATES

settings.register_profile(
    "ci",
    max_examples=250,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough",
    max_examples=3000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
if os.environ.get("HYPOTHESIS_PROFILE") not in (None, "ci", "thorough"):
    PROFILE = settings.get_profile("ci")

FILES = sorted(p.relative_to(CONTENT).as_posix() for p in CONTENT.rglob("*.yaml"))
ORIGINAL = {rel: (CONTENT / rel).read_bytes() for rel in FILES}
THEME = find_theme(CONTENT, TEMPLATES)

# --- what the mutations are made of ---------------------------------------------------


class Mutation:
    """One changed file; its repr says what changed, so a failing example reads well."""

    def __init__(self, rel: str, what: str, data: bytes) -> None:
        self.rel, self.what, self.data = rel, what[:160], data

    def __repr__(self) -> str:
        return f"Mutation({self.rel!r}, {self.what!r})"


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "{{ figures.problems.total }}",
            "{{ figures.nothing }}",
            "{{ counts.aspects | zh }}",
            "{{ inspection.end | date(year=false) }}",
            "{{ figures.__class__ }}",
            "{% for x in figures %}{{ x }}{% endfor %}",
            "{{",
            "[链接](javascript:alert(1))",
            "<script>alert(1)</script>",
            "../etc",
            "Upper Case",
            "2023-02-30",
            "已整改",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
markdownish = st.text(
    alphabet=st.sampled_from([*"*_[]()<>!#&;:/\\{}%`~-|\"' \n\t整改问题项。，、“”", "\x00"]),
    max_size=40,
)


def _paths(data: Any, loc: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every location in a YAML document, containers included."""
    out = [loc]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*loc, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*loc, i))
    return out


def _dump(data: Any) -> bytes:
    def plain(v: Any) -> Any:
        if isinstance(v, dict):
            return {str(k): plain(x) for k, x in v.items()}
        if isinstance(v, list):
            return [plain(x) for x in v]
        return str(v) if isinstance(v, Decimal) else v

    return yaml.safe_dump(plain(data), allow_unicode=True, sort_keys=False).encode("utf-8")


@st.composite
def value_edits(draw: st.DrawFn) -> Mutation:
    """Replace, delete or add a value somewhere in one file's YAML."""
    rel = draw(st.sampled_from(FILES))
    data = load_yaml(CONTENT / rel).data
    loc = draw(st.sampled_from(_paths(data)))
    action = draw(st.sampled_from(["replace", "delete", "add"]))
    new: Any = None
    if not loc:
        data = new = draw(values) if action == "replace" else data
    else:
        parent = data
        for part in loc[:-1]:
            parent = parent[part]
        key = loc[-1]
        if action == "replace":
            parent[key] = new = draw(values)
        elif action == "delete":
            del parent[key]
        elif isinstance(parent, dict):
            key = draw(st.text(min_size=1, max_size=10))
            parent[key] = new = draw(values)
        else:
            parent.insert(key, new := draw(values))
    return Mutation(rel, f"{action} {loc!r}: {new!r}", _dump(data))


@st.composite
def line_edits(draw: st.DrawFn) -> Mutation:
    """Structure edits on the text: drop, copy, move or re-indent a line, or type into it."""
    rel = draw(st.sampled_from(FILES))
    lines = ORIGINAL[rel].decode("utf-8").split("\n")
    i = draw(st.integers(0, len(lines) - 1))
    action = draw(st.sampled_from(["drop", "copy", "move", "indent", "dedent", "type"]))
    what = f"{action} line {i + 1}"
    if action == "drop":
        del lines[i]
    elif action == "copy":
        lines.insert(i, lines[i])
    elif action == "move":
        to = draw(st.integers(0, len(lines) - 1))
        lines.insert(to, lines.pop(i))
        what += f" to {to + 1}"
    elif action == "indent":
        pad = draw(st.sampled_from([" ", "  ", "\t", "    "]))
        lines[i] = pad + lines[i]
        what += f" by {pad!r}"
    elif action == "dedent":
        lines[i] = lines[i].lstrip()
    else:
        at = draw(st.integers(0, len(lines[i])))
        typed = draw(markdownish)
        lines[i] = lines[i][:at] + typed + lines[i][at:]
        what += f" at {at + 1}: {typed!r}"
    return Mutation(rel, what, "\n".join(lines).encode("utf-8"))


@st.composite
def prose_bytes(draw: st.DrawFn) -> Mutation:
    """Random bytes (not always UTF-8) inside a line of prose."""
    rel = draw(st.sampled_from(FILES))
    raw = ORIGINAL[rel]
    starts = [i for i in range(len(raw)) if raw[i : i + 1] == b"\n"]
    at = draw(st.sampled_from(starts)) if starts else 0
    at = raw.find(b": ", at)
    at = at + 2 if at >= 0 else len(raw)
    noise = draw(st.binary(max_size=12))
    return Mutation(rel, f"bytes at {at}: {noise!r}", raw[:at] + noise + raw[at:])


# --- text and numbers at their limits (issue 20: escapes, figure values) ----------------

LIMIT_FIGURES = "huangpu-12-2/figures.yaml"
LIMIT_NUMBERS = [
    "0.1e-30000000",  # 14 bytes that printed 30 MB pages
    "0.1e-999999999",  # a MemoryError
    "1e400",
    "1.0e+400",
    "9" * 5000,  # past Python's own int() limit
    "123456789012345678901",
    "0.000000000000000000001",
]
LIMIT_ESCAPES = [
    "&#x202E;",
    "&#x0C;",
    "{{ '\\u2066' }}",
    "{{ '\\x1b' }}",
    "&#8238;",
    "{{ '&#x2069;' }}",
]
_NUMBER_AT = re.compile(r"(?<=value: |total: )[0-9.]+")
_PROSE_AT = re.compile(r"^ *(?:- |(?:text|intro|heading|invitation): )(?=[^\s'\"{|>\[-])", re.M)
LIMIT_PROSE = [rel for rel in FILES if _PROSE_AT.search(ORIGINAL[rel].decode("utf-8"))]


def _with_number(at: int, number: str) -> Mutation:
    """The figures with one value or total replaced by ``number``, as typed."""
    text = ORIGINAL[LIMIT_FIGURES].decode("utf-8")
    spots = list(_NUMBER_AT.finditer(text))
    m = spots[at % len(spots)]
    new = text[: m.start()] + number + text[m.end() :]
    return Mutation(LIMIT_FIGURES, f"{m.group()} -> {number[:40]}", new.encode("utf-8"))


def _with_escape(rel: str, at: int, escape: str) -> Mutation:
    """One prose value with ``escape`` typed after its first character (so it stays prose)."""
    text = ORIGINAL[rel].decode("utf-8")
    spots = [m.end() + 1 for m in _PROSE_AT.finditer(text)]
    i = spots[at % len(spots)]
    new = text[:i] + escape + text[i:]
    return Mutation(rel, f"{escape} at {i}", new.encode("utf-8"))


_code_points = st.integers(0, 0x10FFFF)


@st.composite
def limit_edits(draw: st.DrawFn) -> Mutation:
    """A figure value or count beyond what a page can print, or an escape in prose that
    renders to any code point: the seeds above, then numbers and code points at large."""
    if draw(st.booleans()):
        number = draw(
            st.sampled_from(LIMIT_NUMBERS)
            | st.decimals(allow_nan=False, allow_infinity=False).map(str)
            | st.integers(min_value=0, max_value=10**60).map(str)
            | st.tuples(st.integers(0, 10**25), st.integers(-(10**9), 10**9)).map(
                lambda t: f"{t[0]}.5e{t[1]:+d}"
            )
        )
        return _with_number(draw(st.integers(0, 99)), number)
    escape = draw(
        st.sampled_from(LIMIT_ESCAPES)
        | _code_points.map(lambda o: f"&#x{o:X};")
        | _code_points.map(lambda o: f"{{{{ '\\U{o:08x}' }}}}")
    )
    return _with_escape(draw(st.sampled_from(LIMIT_PROSE)), draw(st.integers(0, 999)), escape)


# --- what must hold --------------------------------------------------------------------


def _content_with(edit: Mutation, root: Path) -> Path:
    content = root / "content"
    shutil.copytree(CONTENT, content)
    (content / edit.rel).write_bytes(edit.data)
    return content


def _assert_diagnostics_carry_paths(exc: SiteError) -> None:
    assert exc.diagnostics, "an error without a diagnostic"
    for d in exc.diagnostics:
        assert d.path and d.path != "None", d
        for lang in ("zh", "en"):
            text = d.format(lang)
            assert text.startswith(f"{d.location()}: {d.severity}: "), text


def _load_or_report(content: Path) -> bool:
    """True if the content loads; otherwise its error must be a SiteError with paths."""
    try:
        collection = load_collection(content)
    except ContentError as exc:
        _assert_diagnostics_carry_paths(exc)
        return False
    try:
        render_site(collection, theme=THEME)
    except SiteError as exc:
        _assert_diagnostics_carry_paths(exc)
        return False
    return True


@settings(PROFILE)
@given(st.one_of(value_edits(), line_edits(), prose_bytes()))
@pytest.mark.slow
def test_mutated_content_loads_or_reports_with_paths(edit: Mutation) -> None:
    _count("test_mutated_content_loads_or_reports_with_paths")
    with tempfile.TemporaryDirectory() as tmp:
        _load_or_report(_content_with(edit, Path(tmp)))


@settings(PROFILE, max_examples=max(10, PROFILE.max_examples // 5))
@given(st.one_of(value_edits(), line_edits(), prose_bytes()))
@pytest.mark.slow
def test_mutated_content_builds_completely_or_not_at_all(edit: Mutation) -> None:
    _count("test_mutated_content_builds_completely_or_not_at_all")
    with tempfile.TemporaryDirectory() as tmp:
        content = _content_with(edit, Path(tmp))
        out = Path(tmp) / "out"
        result = _build_or_report(content, out)
        if result is None:
            assert not out.exists(), "a failed build wrote something"
            return
        written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
        assert written == set(result.outputs) | {MANIFEST}
        for rel_out, body in result.outputs.items():
            assert (out / rel_out).read_bytes() == body


_LIMIT_SEEDS = [_with_number(5, n) for n in LIMIT_NUMBERS] + [
    _with_escape(rel, 0, e)
    for rel in ("huangpu-12-2/report.yaml", LIMIT_PROSE[0])
    for e in LIMIT_ESCAPES
]


def _seeded(test: Any) -> Any:
    """``test`` with every limit seed as an explicit example, run whatever the profile."""
    for seed in reversed(_LIMIT_SEEDS):
        test = example(seed)(test)
    return test


@settings(PROFILE, max_examples=max(20, PROFILE.max_examples // 5))
@given(limit_edits())
@_seeded
@pytest.mark.slow
def test_limits_of_text_and_numbers_are_refused_or_published_clean(edit: Mutation) -> None:
    """A figure value no page can print and an escape that renders to a control, bidi or
    noncharacter are refused with paths; whatever passes is published with none of them,
    in pages of a sane size, and the feed stays XML."""
    import xml.etree.ElementTree as ET

    from rectify_site.model.limits import first_refused

    _count("test_limits_of_text_and_numbers_are_refused_or_published_clean")
    with tempfile.TemporaryDirectory() as tmp:
        try:
            collection = load_collection(_content_with(edit, Path(tmp)))
            outputs, _ = render_site(collection, theme=THEME, base_url="https://example.org/")
        except SiteError as exc:
            _assert_diagnostics_carry_paths(exc)
            return
    for rel, body in outputs.items():
        assert len(body) < 1_000_000, (rel, len(body))
        if rel.endswith((".html", ".json", ".xml", ".csv", ".txt")):
            text = body.decode("utf-8").replace("\r\n", "\n")  # CSV's own line ends
            assert first_refused(text) is None, rel
    ET.fromstring(outputs["atom.xml"])


def _latin1(raw: bytes) -> str:
    return raw.decode("latin-1")


def _build_or_report(content: Path, out: Path) -> Any:
    try:
        return build_site(content, out, templates=TEMPLATES, search=False)
    except SiteError as exc:
        _assert_diagnostics_carry_paths(exc)
        return None


# --- prose can never inject markup -------------------------------------------------------

_PROSE_TAGS = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}
_PROSE_TAGS |= {t: set() for t in ("em", "strong", "code", "br")}


class _Markup(HTMLParser):
    """Every tag and attribute in rendered prose, to hold them to the few Markdown makes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


@settings(PROFILE, max_examples=max(50, PROFILE.max_examples))
@given(st.one_of(markdownish, st.text(max_size=60), st.binary(max_size=40).map(_latin1)))
def test_rendered_prose_holds_only_markdown_markup(text: str) -> None:
    """Whatever an editor types, prose renders to Markdown's own tags with safe links only."""
    _count("test_rendered_prose_holds_only_markdown_markup")
    for source in (text, f"[链接]({text})", f"![图]({text})", f"<{text}>"):
        parser = _Markup()
        parser.feed(render_inline(source))
        parser.close()
        for tag, attrs in parser.found:
            assert tag in _PROSE_TAGS, (source, tag)
            for name, value in attrs:
                assert name in _PROSE_TAGS[tag], (source, tag, name)
                if name in ("href", "src"):
                    scheme = urlsplit(html.unescape(value or "").strip()).scheme.lower()
                    assert scheme in ("", "http", "https", "mailto", "tel"), (source, value)


# --- the cache, the manifest and serve's requests (issue 14) -----------------------------

RAN: dict[str, int] = {}
"""Examples run per test, printed at the end under the thorough profile."""


def _count(name: str) -> None:
    RAN[name] = RAN.get(name, 0) + 1


@pytest.fixture(scope="module", autouse=True)
def _report_examples(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" and RAN:
        capture = request.config.pluginmanager.getplugin("capturemanager")
        shown = capture.global_and_fixture_disabled() if capture else contextlib.nullcontext()
        with shown:  # past pytest's capture, onto the terminal
            for name, n in sorted(RAN.items()):
                print(f"\nfuzz: {n} examples ran in {name}", file=sys.stderr)
            print(f"fuzz: {sum(RAN.values())} examples in all", file=sys.stderr)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@functools.cache
def _good_build() -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """A site built once with its cache: (folder, the site's files, the cache's files)."""
    root = Path(tempfile.mkdtemp(prefix="fuzz-cache-"))
    shutil.copytree(CONTENT, root / "content")
    shutil.copytree(TEMPLATES, root / "templates")
    out = root / "site" / "_site"
    build_site(root / "content", out, search=False)
    cache = cache_dir_for(out)
    files = {
        p.relative_to(cache).as_posix(): p.read_bytes() for p in cache.rglob("*") if p.is_file()
    }
    return root, _tree(out), files


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@st.composite
def cache_garbage(draw: st.DrawFn) -> tuple[str, bytes]:
    _, _, files = _good_build()
    name = draw(st.sampled_from(sorted(n for n in files if n != "CACHEDIR.TAG")))
    if name == "state.json" and draw(st.booleans()):  # the right syntax, a wrong shape
        state = json.loads(files[name])
        key = draw(st.sampled_from(sorted(state)))
        state[key] = draw(json_values)
        return name, json.dumps(state).encode()
    kind = draw(st.sampled_from(["json", "bytes", "cut"]))
    if kind == "json":
        return name, json.dumps(draw(json_values)).encode()
    if kind == "cut":
        return name, files[name][: draw(st.integers(0, len(files[name])))]
    return name, draw(st.binary(max_size=200))


@settings(PROFILE, max_examples=max(10, PROFILE.max_examples // 20))
@given(cache_garbage())
@pytest.mark.slow
def test_garbage_in_any_cache_file_is_a_cold_build(garbage: tuple[str, bytes]) -> None:
    _count("test_garbage_in_any_cache_file_is_a_cold_build")
    root, site, files = _good_build()
    out = root / "site" / "_site"
    cache = cache_dir_for(out)
    shutil.rmtree(cache)
    for rel, data in files.items():
        (cache / rel).parent.mkdir(parents=True, exist_ok=True)
        (cache / rel).write_bytes(data)
    name, data = garbage
    (cache / name).write_bytes(data)
    (out / "index.html").write_bytes(b"x" * len(site["index.html"]))  # the check must see it
    build_site(root / "content", out, search=False)
    assert _tree(out) == site


manifest_paths = st.one_of(
    st.sampled_from(
        [
            "../victim.txt",
            "../../victim.txt",
            "/etc/passwd",
            "a/../../victim.txt",
            "..",
            ".",
            "",
            "index.html",
            "./index.html",
            "a//b",
            "C:\\x",
            "\\\\host\\x",
            "x\x00y",
            "huangpu-12-2/../../victim.txt",
        ]
    ),
    st.text(max_size=30),
)


@settings(PROFILE, max_examples=max(10, PROFILE.max_examples // 20))
@given(
    st.one_of(
        st.dictionaries(manifest_paths, st.text(max_size=64) | json_values, max_size=6),
        json_values,
    )
)
@pytest.mark.slow
def test_a_fuzzed_manifest_never_touches_anything_outside(files: Any) -> None:
    _count("test_a_fuzzed_manifest_never_touches_anything_outside")
    root, site, _ = _good_build()
    out = root / "site" / "_site"
    victim = root / "site" / "victim.txt"
    victim.write_text("keep")
    build_site(root / "content", out, search=False)  # the good site and manifest again
    manifest = json.loads((out / MANIFEST).read_text())
    if isinstance(files, dict):
        manifest["files"] = {**manifest["files"], **files}
    else:
        manifest = files
    (out / MANIFEST).write_text(json.dumps(manifest))
    before = {p for p in root.rglob("*") if not p.is_relative_to(out)}
    build_site(root / "content", out, search=False)
    assert victim.read_text() == "keep"
    assert {p for p in root.rglob("*") if not p.is_relative_to(out)} >= before
    assert _tree(out) == site


# serve: a loopback server in this process, given fuzzed request lines and headers


@pytest.fixture(scope="module")
def serving() -> Iterator[int]:
    """The preview server on loopback, for this module's examples only: a server thread
    left running would keep every later build in the test run from forking workers."""
    from rectify_site.serve.preview import Preview
    from rectify_site.serve.server import make_server

    root, _, _ = _good_build()
    preview = Preview(root / "content", root / "_serve", search=False, log=lambda line: None)
    preview.build()
    server = make_server(preview, "127.0.0.1", 0, timeout=2.0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def _ask(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        with contextlib.suppress(OSError):
            s.sendall(request)
        chunks = []
        with contextlib.suppress(OSError):
            while chunk := s.recv(65536):
                chunks.append(chunk)
    return b"".join(chunks)


header_text = st.one_of(
    st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=40),
    st.sampled_from(
        [
            "%0d%0aSet-Cookie:%20x=1",
            "\\evil.example",
            "%5cevil",
            "..%2f..%2f",
            "/%2e%2e/",
            "\r\nX-Injected: 1",
            "localhost",
            "evil.example",
        ]
    ),
)


@settings(PROFILE, max_examples=max(50, PROFILE.max_examples))
@given(
    method=st.sampled_from(["GET", "HEAD", "POST", "OPTIONS", "G\x00T", ""]) | st.text(max_size=6),
    target=st.lists(header_text, max_size=4).map(lambda parts: "/" + "/".join(parts)),
    version=st.sampled_from(["HTTP/1.1", "HTTP/1.0", "HTTP/2", "", "HTTP/1.1 x"]),
    host=st.one_of(st.just("localhost"), header_text),
    headers=st.lists(st.tuples(header_text, header_text), max_size=4),
)
@pytest.mark.slow
def test_serve_answers_any_request_line_and_headers_safely(
    serving: int, method: str, target: str, version: str, host: str, headers: list[tuple[str, str]]
) -> None:
    _count("test_serve_answers_any_request_line_and_headers_safely")
    port = serving
    lines = [f"{method} {target} {version}".strip(), f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in headers]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
    answer = _ask(port, request)
    head = answer.partition(b"\r\n\r\n")[0].decode("latin-1")
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        assert name.lower() not in ("set-cookie", "x-injected"), head
        if name.lower() == "location":
            value = value.strip()
            assert value.startswith("/") and value[1:2] not in ("/", "\\"), head
    if head.startswith("HTTP/") and " 200 " in head.split("\r\n")[0]:
        assert host.strip().lower().split(":")[0] in ("localhost", "127.0.0.1"), head
    # and the server still answers a plain request
    ok = _ask(port, b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    assert ok.startswith(b"HTTP/1.0 200"), ok[:200]


def test_a_category_without_a_heading_builds() -> None:
    """Found by the fuzzer: the pager printed ``next.heading | plain`` of a heading-less
    category and ended in a TypeError traceback."""
    rel = "huangpu-12-2/categories/accountability.yaml"
    data = yaml.safe_load((CONTENT / rel).read_text("utf-8"))
    del data["heading"]
    edit = Mutation(rel, "delete heading", yaml.safe_dump(data, allow_unicode=True).encode())
    with tempfile.TemporaryDirectory() as tmp:
        assert _load_or_report(_content_with(edit, Path(tmp)))


# --- report ids: a folder name or an --id is a valid report or a clear error (issue 20) ----

ID_SEEDS = [
    "x\n",
    "hp\n",
    "data",
    "rounds",
    "issuers",
    "assets",
    "pagefind",
    "search",
    "Data",
    "..",
    ".",
    "",
    "a/b",
    "../x",
    "ｄａｔａ",
    "黄浦",
    "-x",
    "x\r",
    " x",
    "x\u2028",
    "hp\udcff",  # a byte that is not UTF-8, as Python reads it from disk
    "huangpu-12-2",
    "a" * 64,
]
report_names = st.one_of(
    st.sampled_from(ID_SEEDS),
    st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
)


def _refused_at(exc: SiteError, path: Path) -> None:
    """A clear error: one line each, naming ``path`` (the report's folder) and its id."""
    _assert_diagnostics_carry_paths(exc)
    for d in exc.diagnostics:
        assert "\n" not in d.format() and "\r" not in d.format(), d
    assert any(d.path == str(path) and d.field == "id" for d in exc.diagnostics), exc


def _folder_name(name: str) -> bool:
    """Whether ``name`` can be one folder on this system at all."""
    return (name not in ("", ".", "..") and "/" not in name and "\0" not in name) and len(
        name.encode("utf-8", "surrogateescape")
    ) <= 255


@settings(PROFILE, max_examples=max(40, PROFILE.max_examples // 5))
@given(report_names)
def test_a_report_folder_or_id_is_a_report_or_an_error_at_its_path(name: str) -> None:
    from rectify_site.editor.scaffold import new_report
    from rectify_site.errors import UsageError
    from rectify_site.importing.command import run_import
    from rectify_site.model.content import report_id_problem

    _count("test_a_report_folder_or_id_is_a_report_or_an_error_at_its_path")
    valid = report_id_problem(name) is None
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "new" / "content"
        (content.parent / "schemas").mkdir(parents=True)  # so new report writes none
        try:  # new report ID
            new_report(content, name)
        except UsageError as exc:
            assert not valid, exc
            _refused_at(exc, content / name)
            assert not content.exists()
        else:
            assert valid and (content / name / "report.yaml").is_file()
            assert [r.id for r in load_collection(content).drafts] == [name]
        if not valid:  # import --id: refused before the document is read
            with pytest.raises(UsageError) as raised:
                run_import(Path(tmp) / "no-such.txt", content, report_id=name)
            _refused_at(raised.value, content / name)
        if not _folder_name(name):
            return
        content = Path(tmp) / "folder" / "content"
        shutil.copytree(CONTENT / "huangpu-12-2", content / name)
        try:  # a report folder of that name
            collection = load_collection(content)
        except ContentError as exc:
            assert not valid, exc
            if not name.startswith((".", "_")):  # else left out as no report: empty
                _refused_at(exc, content / name)
        else:
            assert valid and [r.id for r in collection.reports] == [name]


# --- the ledger's cells (issue 20: bidi, 序号 ① and ², merged ranges, publish_columns) -----

LEDGER_SEEDS = [
    "\u202e",
    "\u2066",
    "\x85",
    "\ufdd0",
    "\U0010fffe",
    "①",
    "²",
    "½",
    "⑴",
    "３",
    "1-1",
    "一",
    "",
    " ",
    "\r\n",
    "=HYPERLINK(1)",
    "已整改",
    "已完成",
    "已完结",
    "2024-06-30",
    "2024年6月30日",
]
"""Synthetic cell texts the fuzzer starts from (and mixes with random text)."""


@functools.cache
def _aspect_ids() -> tuple[str, ...]:
    report = load_collection(CONTENT).reports[0]
    return tuple(n.id or n.anchor for n in report.nodes() if n.role == "aspect")


def _cell_text(extra: str = "") -> st.SearchStrategy[str]:
    """A seed, random text, or seeds and synthetic characters run together (①²\u202e…)."""
    pieces = st.sampled_from([*"（合成）问题措施单位甲乙 \n", *LEDGER_SEEDS, *extra])
    mixed = st.lists(pieces, max_size=5).map("".join)
    typed = st.text(max_size=8).map(_writable)
    return st.one_of(st.sampled_from(LEDGER_SEEDS), mixed, typed)


def _writable(text: str) -> str:
    """Text without the C0 controls that no .xlsx can hold (XML 1.0 forbids them)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", text)


NUMBERS = ["①", "⑴", "３", "1-1", "一", "²", "½", ""]
"""序号 as offices write them (and ², ½, which are not one), besides plain integers."""


@st.composite
def fuzzed_ledgers(draw: st.DrawFn) -> dict[str, Any]:
    """A small synthetic ledger: numbers, aspects, texts, statuses and dates, each cell
    either as a valid ledger has it or fuzzed (seeds, random text), merged ranges down to
    Excel's last row, and publish options. A ledger is fuzzed in a few cells or in all,
    so that many get as far as their published pages."""
    from support import ledger_data as data

    mode = draw(st.sampled_from(["valid", "few", "all"]))
    noisy = {
        "valid": st.just(False),
        "few": st.integers(0, 19).map(lambda n: n == 0),
        "all": st.just(True),
    }[mode]

    def cell(valid: st.SearchStrategy[Any], fuzzed: st.SearchStrategy[Any]) -> Any:
        return draw(fuzzed if draw(noisy) else valid)

    none = st.none()
    date = st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1))
    problems = []
    for n in range(draw(st.integers(1, 4))):
        measures = [
            data.MeasureRow(
                text=cell(st.just(f"（合成）措施{n}-{k}"), _cell_text()),
                status=cell(st.sampled_from([None, "已完成"]), _cell_text()),
                unit=cell(st.sampled_from([None, *data.UNITS]), _cell_text()),
                deadline=cell(none | date, _cell_text()),
                done_on=cell(none | date, _cell_text()),
            )
            for k in range(draw(st.integers(1, 3)))
        ]
        number = cell(
            st.sampled_from([n + 1, chr(0x2460 + n), f"{n + 1}-1"]),
            st.integers(0, 60) | st.sampled_from(NUMBERS) | _cell_text("0123456789"),
        )
        aspect = cell(st.sampled_from(_aspect_ids()), _cell_text())
        status = cell(none, st.sampled_from(["已整改", "已完成"]) | _cell_text())
        problems.append(data.ProblemRows(number, aspect, f"（合成）问题{n}", status, measures))
    column = st.sampled_from("ABCDEFGHIJKLMZ")
    row = st.integers(1, 14)
    down = st.one_of(row, st.just(1_048_576))

    @st.composite
    def one_range(draw: st.DrawFn) -> str:
        c0, c1, r0, r1 = draw(column), draw(column), draw(row), draw(down)
        if draw(st.integers(0, 4)):  # mostly as Excel writes ranges: top-left first
            c0, c1, r0, r1 = min(c0, c1), max(c0, c1), min(r0, r1), max(r0, r1)
        return f"{c0}{r0}:{c1}{r1}"

    published = st.sampled_from(
        [None, "[]", "[序号]", "[备注]", "[序号, 具体问题, 整改措施, 责任领导]", "[电话]"]
    )
    fair = st.sampled_from(["E2:E1048576", "L2:L1048576", "M2:M1048576", "Z3:Z1048576"])
    return {
        "problems": problems,
        "layout": draw(st.sampled_from(["merged", "empty"])),
        "merges": [cell(fair, one_range()) for _ in range(draw(st.integers(0, 4)))],
        "publish": draw(st.integers(0, 3).map(bool)),
        "columns": cell(st.none(), published),
        "counted": cell(st.just(False), st.booleans()),
    }


def _write_fuzzed_ledger(content: Path, case: dict[str, Any]) -> None:
    from support import ledger_data as data

    folder = content / "huangpu-12-2"
    path = data.write_ledger(folder / "ledger.xlsx", case["problems"], layout=case["layout"])
    data.patch_sheet(path, merges=case["merges"])  # by hand: openpyxl would expand them
    if case["counted"]:
        figures = folder / "figures.yaml"
        text = figures.read_text("utf-8")
        text = text.replace("    label: 具体问题\n", "    label: 具体问题\n    counts: problem\n")
        figures.write_text(text, "utf-8")
    if case["publish"] or case["columns"] is not None:
        extra = f"ledger:\n  publish: {str(case['publish']).lower()}\n"
        if case["columns"] is not None:
            extra += f"  publish_columns: {case['columns']}\n"
        report = folder / "report.yaml"
        report.write_text(report.read_text("utf-8") + extra, "utf-8")


@settings(PROFILE, max_examples=max(10, PROFILE.max_examples // 10))
@given(fuzzed_ledgers())
@pytest.mark.slow
def test_a_fuzzed_ledger_checks_or_reports_with_paths(case: dict[str, Any]) -> None:
    """Whatever the cells hold, check passes or names the file (and the cell); a ledger that
    passes publishes none of the characters no text may hold."""
    from rectify_site.load.sources import REFUSED_CHARS

    _count("test_a_fuzzed_ledger_checks_or_reports_with_paths")
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        shutil.copytree(CONTENT, content)
        _write_fuzzed_ledger(content, case)
        try:
            collection = load_collection(content)
            outputs, _ = render_site(collection, theme=THEME)
        except SiteError as exc:
            _assert_diagnostics_carry_paths(exc)
            return
        for rel, body in outputs.items():
            if rel.endswith((".html", ".csv", ".json", ".xml")):  # CSV lines end in CR LF
                text = body.decode("utf-8", "replace").replace("\r\n", "\n")
                assert not REFUSED_CHARS.search(text), rel
