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

import datetime as dt
import html
import os
import shutil
import tempfile
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rectify_site.collection import load_collection
from rectify_site.errors import ContentError, SiteError
from rectify_site.markdown import render_inline
from rectify_site.output import MANIFEST
from rectify_site.pipeline import build_site, render_site
from rectify_site.render import find_theme
from rectify_site.sources import load_yaml

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
def test_mutated_content_loads_or_reports_with_paths(edit: Mutation) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _load_or_report(_content_with(edit, Path(tmp)))


@settings(PROFILE, max_examples=max(10, PROFILE.max_examples // 5))
@given(st.one_of(value_edits(), line_edits(), prose_bytes()))
def test_mutated_content_builds_completely_or_not_at_all(edit: Mutation) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        content = _content_with(edit, Path(tmp))
        out = Path(tmp) / "out"
        result = _build_or_report(content, out)
        if result is None:
            assert not out.exists(), "a failed build wrote something"
            return
        written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
        assert written == set(result.files) | {MANIFEST}
        for rel_out, body in result.files.items():
            assert (out / rel_out).read_bytes() == body


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
