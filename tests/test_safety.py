"""Safe under attack and faults (issue 14): each hole found by probing, closed and kept closed.

Nothing outside the output folder is touched, a hand-edited output file is repaired, a
cache in any state means a cold build and a read-only output is a clear error: never a
traceback for anything a user or a file system does.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from rectify_site.build.cache import cache_dir_for
from rectify_site.build.output import MANIFEST
from rectify_site.build.pipeline import build_site

from conftest import REPORT_ID, Run, edit
from support.trees import tree

# --- 1. the manifest cannot make a build touch anything outside the output ---------------


def test_a_tampered_manifest_never_touches_files_outside_the_output(
    content_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "deep" / "_site"
    build_site(content_copy, out, search=False)
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "rel.txt").write_text("keep me")
    absolute = tmp_path / "absolute.txt"
    absolute.write_text("keep me too")
    (out / "huangpu-link").symlink_to(victim, target_is_directory=True)
    manifest = json.loads((out / MANIFEST).read_text())
    outside = ["../../victim/rel.txt", str(absolute), "huangpu-link/rel.txt", "a/../../x"]
    for rel in outside:
        manifest["files"][rel] = "0" * 64
    (out / MANIFEST).write_text(json.dumps(manifest))
    edit(content_copy / REPORT_ID / "figures.yaml", "rectified: 48", "rectified: 49")

    result = build_site(content_copy, out, search=False)

    assert (victim / "rel.txt").read_text() == "keep me"
    assert absolute.read_text() == "keep me too"
    assert not set(outside) & set(result.stats.removed if result.stats else [])
    warned = {
        dict(w.params)["entry"] for w in result.warnings if w.key == "output.manifest_outside"
    }
    assert warned == set(outside)
    assert all(rel in json.loads((out / MANIFEST).read_text())["files"] for rel in ["index.html"])
    assert not set(outside) & set(json.loads((out / MANIFEST).read_text())["files"])


def test_a_site_folder_replaced_by_a_symlink_is_never_written_through(
    content_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "_site"
    build_site(content_copy, out, search=False)
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(out / REPORT_ID, elsewhere)
    before = tree(elsewhere)
    shutil.rmtree(out / REPORT_ID)
    (out / REPORT_ID).symlink_to(elsewhere, target_is_directory=True)
    edit(content_copy / REPORT_ID / "figures.yaml", "rectified: 48", "rectified: 49")
    from rectify_site.errors import UsageError

    with pytest.raises(UsageError) as raised:
        build_site(content_copy, out, search=False)
    assert raised.value.diagnostics[0].key == "output.refused"
    assert tree(elsewhere) == before


# --- 10. a changed output file of the same size is found and repaired ---------------------


def test_a_hand_edited_file_of_the_same_size_is_repaired(
    content_copy: Path, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    out = tmp_path / "_site"
    build = ("build", "--content", content_copy, "--out", out, "--no-search")
    assert cli(*build).code == 0
    good = (out / "index.html").read_bytes()
    page = out / "index.html"
    st = page.stat()
    page.write_bytes(good.replace(b"<html", b"<htmk", 1))  # one byte, same size
    assert page.stat().st_size == st.st_size

    run = cli(*build)  # the time changed: the fast path sees it, the hash confirms
    assert run.code == 0, run.err
    assert "写入 1 个文件" in run.out, run.out
    assert page.read_bytes() == good

    page.write_bytes(good.replace(b"<html", b"<htmk", 1))
    # now with the time as the last build left it, too: only --verify reads the bytes
    recorded = json.loads((cache_dir_for(out) / "state.json").read_text())["files"]["index.html"]
    os.utime(page, ns=(recorded[2], recorded[2]))
    assert cli(*build).out.count("写入 0 个文件") == 1
    run = cli(*build, "--verify")
    assert run.code == 0 and "写入 1 个文件" in run.out, run.out + run.err
    assert page.read_bytes() == good


def test_a_changed_kept_page_is_rendered_again(content_copy: Path, tmp_path: Path) -> None:
    """An incremental build that would keep a page checks the page is still what it wrote."""
    out = tmp_path / "_site"
    build_site(content_copy, out, search=False)
    page = out / REPORT_ID / "full.html"
    good = page.read_bytes()
    page.write_bytes(good.replace(b"<html", b"<htmk", 1))
    edit(content_copy / "site.yaml", "\n", "\n\n")  # a rebuild that renders nothing new
    build_site(content_copy, out, search=False)
    assert page.read_bytes() == good


# --- 9. a cache in any state is a cold build; a read-only output a clear error -------------

STATES: dict[str, object] = {
    "files a string": {"files": "x"},
    "files a list": {"files": ["index.html"]},
    "inputs null": {"inputs": None},
    "warnings [{}]": {"warnings": [{}]},
    "outputs rows short": {"outputs": {"index.html": ["k"]}},
    "reports a list": {"reports": []},
    "saved_ns text": {"saved_ns": "soon"},
    "templates nested": {"templates": {"x": [[1]]}},
    "an extra field": {"surprise": 1},
}


def _garbage_states(state: dict[str, object]) -> Iterator[tuple[str, bytes]]:
    for name, change in STATES.items():
        yield name, json.dumps({**state, **change}).encode()  # type: ignore[dict-item]
    yield "a top-level list", b"[1, 2, 3]"
    yield "a top-level string", b'"state"'
    yield "null", b"null"
    yield "garbage bytes", bytes(range(256)) * 4
    yield "truncated", json.dumps(state).encode()[:100]
    yield "deep nesting", b"[" * 100_000 + b"]" * 100_000


def _cold(content: Path, tmp_path: Path) -> dict[str, bytes]:
    cold = tmp_path / "cold" / "_site"
    build_site(content, cold, search=False)
    return tree(cold)


@pytest.mark.slow
def test_garbage_in_every_cache_file_means_a_cold_build(content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "_site"
    build_site(content_copy, out, search=False)
    cache = cache_dir_for(out)
    state = json.loads((cache / "state.json").read_text())
    expected = tree(out)
    assert expected == _cold(content_copy, tmp_path)
    files = sorted(p for p in cache.rglob("*") if p.is_file() and p.name != "CACHEDIR.TAG")
    assert {p.name for p in files} >= {"state.json", "lock", f"{REPORT_ID}.pickle"}
    assert any(p.suffix == ".cache" for p in files)  # compiled templates

    cases = [(cache / "state.json", name, data) for name, data in _garbage_states(state)]
    for path in files:
        for name, data in [("garbage", bytes(range(256)) * 3), ("empty", b""), ("json", b"{}")]:
            cases.append((path, name, data))
    for path, name, data in cases:
        build_site(content_copy, out, search=False)  # a good cache to spoil
        path.write_bytes(data)
        (out / "index.html").unlink()  # so that the cold build has something to write
        result = build_site(content_copy, out, search=False, verify=True)
        assert tree(out) == expected, f"{path.name}: {name}"
        assert result.stats is not None and "index.html" in result.stats.written


@pytest.mark.parametrize(
    "spoil",
    ["reports a file", "state.json a folder", "jinja a file", "lock a folder", "cache a file"],
)
@pytest.mark.slow
def test_a_cache_of_the_wrong_structure_means_a_cold_build(
    content_copy: Path, tmp_path: Path, spoil: str, cli: Callable[..., Run]
) -> None:
    out = tmp_path / "_site"
    build = ("build", "--content", content_copy, "--out", out, "--no-search")
    assert cli(*build).code == 0
    expected = tree(out)
    cache = cache_dir_for(out)
    what, kind = spoil.split(" a ")
    path = cache if what == "cache" else cache / what
    shutil.rmtree(path) if path.is_dir() else path.unlink()
    if kind == "file":
        path.write_bytes(b"not a folder")
    else:
        (path / "inner").mkdir(parents=True)
    edit(content_copy / REPORT_ID / "figures.yaml", "rectified: 48", "rectified: 49")
    edit(content_copy / REPORT_ID / "figures.yaml", "rectified: 49", "rectified: 48")
    (out / "index.html").unlink()
    run = cli(*build)
    assert run.code == 0 and "Traceback" not in run.err, run.err
    assert tree(out) == expected
    assert cli(*build).code == 0


def _read_only(folder: Path) -> Callable[[bool], None]:
    """Make ``folder`` refuse new files (chmod, or as root the immutable attribute)."""
    if os.geteuid() != 0:
        mode = folder.stat().st_mode

        def chmod(on: bool) -> None:
            folder.chmod(0o555 if on else mode)

        return chmod
    if shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: cannot make a folder read-only")

    def chattr(on: bool) -> None:
        subprocess.run(["chattr", "+i" if on else "-i", str(folder)], check=True)

    return chattr


@pytest.mark.parametrize("which", ["output", "parent"])
def test_a_read_only_output_is_a_clear_error(
    content_copy: Path, tmp_path: Path, cli: Callable[..., Run], which: str
) -> None:
    parent = tmp_path / "site"
    parent.mkdir()
    out = parent / "_site"
    build = ("build", "--content", content_copy, "--out", out, "--no-search")
    if which == "output":  # a site that was built, then its folder made read-only
        assert cli(*build).code == 0
        edit(content_copy / REPORT_ID / "figures.yaml", "rectified: 48", "rectified: 49")
        shutil.rmtree(parent / ".rectify-cache")
    toggle = _read_only(out if which == "output" else parent)
    try:
        toggle(True)
        try:
            (out if which == "output" else parent).joinpath("probe").touch()
        except OSError:
            pass
        else:
            pytest.skip("this file system ignores the read-only attribute")
        run = cli(*build)
    finally:
        toggle(False)
    assert run.code == 2, run.out + run.err
    assert "Traceback" not in run.err, run.err
    assert ": error: " in run.err, run.err


# --- 5. no formula reaches a spreadsheet through a CSV the site writes ---------------------


def test_csv_cells_that_start_a_formula_are_neutralised(content_copy: Path, tmp_path: Path) -> None:
    import csv
    import io

    from rectify_site.site.csvsafe import neutralise

    figures = content_copy / REPORT_ID / "figures.yaml"
    edit(figures, "label: 已整改", 'label: \'=HYPERLINK("http://evil","x")\'')
    edit(figures, "label: 已完成", "label: '@SUM(A1:A9)'")
    out = tmp_path / "_site"
    build_site(content_copy, out, search=False)
    text = (out / REPORT_ID / "data" / "figures.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["report", "key", "group", "label", "unit", "value"]
    labels = {r[1]: r[3] for r in rows[1:]}
    assert labels["problems.rectified"] == '\'=HYPERLINK("http://evil","x")'
    assert labels["measures.completed"] == "'@SUM(A1:A9)"
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row[:5])
        float(row[5])  # a number stays a number, with no quote before it
    assert (
        neutralise("-1") == "'-1"
        and neutralise("\tx") == "'\tx"
        and neutralise("已整改") == "已整改"
    )


# --- 7. the base URL is a whole URL, or the build stops ----------------------------------

BAD_BASE_URLS = [
    "https://example.org/\nDisallow: /",
    "https://example.org/\r\nX: y",
    "https:// example.org/",
    "https://",
    "https://user:pw@example.org/",
    "https://example.org/?q=1",
    "https://exa\x01mple.org/",
    "http:/example.org",
    "javascript://example.org/",
]


@pytest.mark.parametrize("url", BAD_BASE_URLS)
def test_a_bad_base_url_in_site_yaml_is_refused(
    content_copy: Path, tmp_path: Path, url: str
) -> None:
    from rectify_site.errors import ContentError

    site = content_copy / "site.yaml"
    site.write_text(site.read_text("utf-8") + f"base_url: {json.dumps(url)}\n", "utf-8")
    with pytest.raises(ContentError) as raised:
        build_site(content_copy, tmp_path / "_site", search=False)
    found = [d for d in raised.value.diagnostics if d.field == "base_url"]
    assert found and found[0].path.endswith("site.yaml") and found[0].line is not None
    assert "\n" not in found[0].format() and "\n" not in found[0].format("en")
    assert not (tmp_path / "_site").exists()


@pytest.mark.slow
def test_a_bad_base_url_flag_is_a_usage_error(
    content_copy: Path, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    for url in BAD_BASE_URLS[:3]:
        run = cli(
            "build",
            "--content",
            content_copy,
            "--out",
            tmp_path / "o",
            "--no-search",
            "--base-url",
            url,
        )
        assert run.code == 2, run.err
        assert run.err.startswith("--base-url: error: ") and "Traceback" not in run.err
        assert not (tmp_path / "o").exists()
    good = cli(
        "build",
        "--content",
        content_copy,
        "--out",
        tmp_path / "o",
        "--no-search",
        "--base-url",
        "https://黄浦.example.cn:8443/通报/",
    )
    assert good.code == 0, good.err
    robots = (tmp_path / "o" / "robots.txt").read_text().splitlines()
    assert [line.split(":")[0] for line in robots] == ["User-agent", "Allow", "Sitemap"]


# --- 6. control characters, noncharacters and bidi controls never reach the output --------

REFUSED = [
    "\x01",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9f",
    "\r",
    "\ufffe",
    "\uffff",
    "\ufdd0",
    "\U0010ffff",
    "\u202a",
    "\u202e",
    "\u2066",
    "\u2069",
]


@pytest.mark.parametrize("char", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_refused_characters_in_any_text_field_stop_the_build(
    content_copy: Path, tmp_path: Path, char: str
) -> None:
    from rectify_site.errors import ContentError

    escape = f"\\U{ord(char):08X}"  # a YAML double-quoted escape
    report = content_copy / REPORT_ID / "report.yaml"
    edit(report, "  team: 市委第一巡视组\n", f'  team: "市委第一{escape}巡视组"\n')
    raw = char not in "\x01\x08\x0b\x0c\x1b\x7f\x85\x9f\r\ufffe\uffff"  # libyaml reads these
    if raw:  # typed as it is, in a prose field of another file
        figures = content_copy / REPORT_ID / "categories" / "governance.yaml"
        edit(figures, "针对城市更新系统性谋划不够的问题", f"针对城市更新{char}系统性谋划不够的问题")
    with pytest.raises(ContentError) as raised:
        build_site(content_copy, tmp_path / "_site", search=False)
    found = raised.value.diagnostics
    point = f"U+{ord(char):04X}"
    team = [d for d in found if d.field == "inspection.team"]
    assert team and point in team[0].format() and team[0].line == 5, found
    if raw:
        aspect = [d for d in found if d.field == "children[1].heading"]
        assert aspect and (aspect[0].line, aspect[0].col) == (14, 18), found
        assert point in aspect[0].format("en")
    assert not (tmp_path / "_site").exists()


LEDGER_REFUSED = [c for c in REFUSED if c not in "\x01\x08\x0b\x0c\x1b\r\ufffe\uffff"]
"""The refused characters a ledger.xlsx can carry (XML 1.0 has no C0 controls, no U+FFFE)."""


@pytest.mark.parametrize("char", LEDGER_REFUSED, ids=[f"U+{ord(c):04X}" for c in LEDGER_REFUSED])
def test_refused_characters_in_a_published_ledger_cell_stop_the_build(
    content_copy: Path, tmp_path: Path, char: str
) -> None:
    """Issue 20.4: a bidi override in a ledger cell was published on every ledger page, the
    CSV and the XLSX. The cell is refused as a YAML value is, at its row and column."""
    from rectify_site.errors import ContentError
    from rectify_site.load.collection import load_collection

    from support import ledger_data

    report = load_collection(content_copy).reports[0]
    ids = [n.id or n.anchor for n in report.nodes() if n.role == "aspect"]
    rows = ledger_data.shaped_like(ids, 57, 48, 134, 120)
    rows[1].measures[0].unit = f"（合成）区{char}财政局"
    row = 2 + len(rows[0].measures)
    path = ledger_data.write_ledger(content_copy / REPORT_ID / "ledger.xlsx", rows)
    yaml_path = content_copy / REPORT_ID / "report.yaml"
    yaml_path.write_text(yaml_path.read_text("utf-8") + "ledger:\n  publish: true\n", "utf-8")
    with pytest.raises(ContentError) as raised:
        build_site(content_copy, tmp_path / "_site", search=False)
    found = [d for d in raised.value.diagnostics if d.path == str(path)]
    assert [(d.line, d.col, d.field) for d in found] == [(row, 5, "责任单位")], found
    assert f"U+{ord(char):04X}" in found[0].format("en") and char not in found[0].format()
    assert not (tmp_path / "_site").exists()


def test_every_xml_the_site_writes_is_well_formed(built_site: Path) -> None:
    import xml.etree.ElementTree as ET

    written = sorted(built_site.rglob("*.xml")) + sorted(built_site.rglob("*.svg"))
    assert {p.name for p in written} >= {"atom.xml", "sitemap.xml", "favicon.svg"}
    for path in written:
        ET.fromstring(path.read_bytes())  # raises on anything that is not well-formed XML


def test_zero_width_characters_are_a_typography_warning(content_copy: Path) -> None:
    from rectify_site.build.pipeline import check_site

    report = content_copy / REPORT_ID / "report.yaml"
    edit(report, "如有意见建议，请及时反映。", "如有意见建议，\u200d请及时\u2060反映。")
    found = [d for d in check_site(content_copy, html=False) if d.key == "typography.zero_width"]
    assert [(d.severity, d.field, d.line) for d in found] == [("warning", "contact.invitation", 16)]
    assert "U+200D" in found[0].format()


# --- 6b. nor do escapes: what prose renders to is checked, not only what is typed ------------

ESCAPES = [
    ("&#x202E;", "\u202e"),  # a Markdown character reference
    ("&#x0C;", "\x0c"),
    ("&#8238;", "\u202e"),
    ("{{ '\\u2066' }}", "\u2066"),  # a Jinja string escape
    ("{{ '\\x1b' }}", "\x1b"),
    ("{{ '&#x2069;' }}", "\u2069"),  # both: Jinja writes a reference, Markdown decodes it
]


def _published_chars(out: Path) -> set[str]:
    """Every refused character anywhere in the site's text files."""
    from rectify_site.model.limits import REFUSED_CHARS

    found: set[str] = set()
    for path in out.rglob("*"):
        if path.suffix in (".html", ".json", ".xml", ".csv", ".txt", ".js"):
            found |= set(REFUSED_CHARS.findall(path.read_text("utf-8", "replace")))
    return found


@pytest.mark.parametrize(("escape", "char"), ESCAPES, ids=[e for e, _ in ESCAPES])
def test_control_and_bidi_characters_written_as_escapes_in_prose_stop_the_build(
    content_copy: Path, tmp_path: Path, cli: Callable[..., Run], escape: str, char: str
) -> None:
    report = content_copy / REPORT_ID / "report.yaml"
    edit(report, "现将巡视整改进展情况予以公布。", f"现将巡视整改{escape}进展情况予以公布。")
    governance = content_copy / REPORT_ID / "categories" / "governance.yaml"
    edit(governance, "  - 提升智慧化治理能力。", f"  - 提升智慧化{escape}治理能力。")
    out = tmp_path / "_site"
    run = cli(
        "build",
        "--content",
        content_copy,
        "--out",
        out,
        "--no-search",
        "--base-url",
        "https://example.org/",
    )
    assert run.code == 1 and "Traceback" not in run.err, run.err
    point = f"U+{ord(char):04X}"
    errors = [ln for ln in run.err.splitlines() if ": error: " in ln]
    assert [ln.split("在网页上生成")[0] for ln in errors] == [
        f"{governance}:10:5: error: children[0].actions[1]: 正文中的“{escape}”",
        f"{report}:10:1: error: intro: 正文中的“{escape}”",
    ], run.err
    assert all(point in ln for ln in errors), errors
    assert not out.exists()
    check = cli("check", "--strict", "--content", content_copy, "--no-html-check", "--lang", "en")
    assert check.code == 1 and f"'{escape}' in prose publishes" in check.err, check.err


def test_escapes_in_titles_labels_and_code_publish_as_text(
    content_copy: Path, tmp_path: Path
) -> None:
    """Text that is not prose is never read as Markdown or Jinja: an escape in a title, a
    figure label or a code span is shown as it is written, on every page, in report.json
    and in the feed (which stays well-formed XML)."""
    import xml.etree.ElementTree as ET

    report = content_copy / REPORT_ID / "report.yaml"
    edit(report, "title: 关于", "published: 2024-01-15\ntitle: 关于&#x202E;")  # in the feed
    edit(report, "现将巡视整改进展情况予以公布。", "现将巡视整改进展情况予以公布`&#x0C;`。")
    figures = content_copy / REPORT_ID / "figures.yaml"
    edit(figures, "label: 开除党籍", "label: '开除{{ ''\\u2066'' }}党籍&#x1B;'")
    out = tmp_path / "_site"
    build_site(content_copy, out, search=False, base_url="https://example.org/")
    assert _published_chars(out) == set()
    feed = ET.fromstring((out / "atom.xml").read_bytes())
    assert any(
        "&#x202E;" in (e.text or "") for e in feed.iter("{http://www.w3.org/2005/Atom}title")
    )
    data = json.loads((out / REPORT_ID / "data" / "report.json").read_text("utf-8"))
    assert data["title"].startswith("关于&#x202E;")
    assert "&amp;#x202E;" in (out / REPORT_ID / "full.html").read_text("utf-8")


# --- build refuses what check reports as a request to another host ------------------------


@pytest.mark.parametrize(
    "image", ["https://evil.example/p.png", "//evil.example/p.png", "HTTP://evil.example/p"]
)
def test_an_image_from_another_host_in_prose_stops_the_build(
    content_copy: Path, tmp_path: Path, cli: Callable[..., Run], image: str
) -> None:
    governance = content_copy / REPORT_ID / "categories" / "governance.yaml"
    edit(governance, "id: fine-governance\n", f"id: fine-governance\n  text: '![t]({image})'\n")
    out = tmp_path / "_site"
    run = cli(
        "build",
        "--content",
        content_copy,
        "--out",
        out,
        "--no-search",
        "--base-url",
        "https://example.org/",
    )
    assert run.code == 1, run.out + run.err
    assert f"children[0].text: 正文中的图片“{image}”来自其他网站" in run.err, run.err
    assert not out.exists()
    check = cli("check", "--content", content_copy, "--no-html-check")
    assert check.code == 1 and image in check.err


def test_an_image_on_the_site_itself_is_fine(content_copy: Path, tmp_path: Path) -> None:
    from rectify_site.model.markdown import remote_images

    assert remote_images('<img src="assets/a.png" srcset="b.png 2x, //evil.example/c 3x">') == [
        "//evil.example/c"
    ]
    governance = content_copy / REPORT_ID / "categories" / "governance.yaml"
    edit(governance, "id: fine-governance\n", "id: fine-governance\n  text: '![t](../x.png)'\n")
    build_site(content_copy, tmp_path / "_site", search=False)
    assert '<img src="../x.png"' in (tmp_path / "_site" / REPORT_ID / "full.html").read_text()


# --- issue 20 (round two) -----------------------------------------------------------------

# --- 9. a tampered cache runs no code: a value is read only when sealed with our key -------


class _Planted:
    """A pickle that would create a file when loaded (what an attacker would plant)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def test_a_planted_pickle_in_the_cache_is_never_loaded(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pickle

    from rectify_site.build import signing

    monkeypatch.setenv(signing.KEY_ENV, str(tmp_path / "state" / "cache.key"))
    signing._key_at.cache_clear()
    out = tmp_path / "_site"
    build_site(content_copy, out, search=False)
    expected = tree(out)
    cache = cache_dir_for(out)
    assert (tmp_path / "state" / "cache.key").stat().st_mode & 0o077 == 0
    assert not (tmp_path / "state").is_relative_to(cache)
    # a build reads an unchanged report's summary; its whole model where a page of its
    # own is to be made again (full.html removed): a pickle planted in either is not run
    for group, removed in (("summaries", "index.html"), ("reports", f"{REPORT_ID}/full.html")):
        slot = f"{group}/{REPORT_ID}"
        key = json.loads((cache / "state.json").read_text())["values"][slot]
        pickled = cache / group / f"{REPORT_ID}.pickle"
        assert pickled.read_bytes().startswith(signing.MAGIC)
        marker = tmp_path / "pwned"
        payload = pickle.dumps((key, _Planted(marker)))
        other = signing.MAGIC + b"\0" * 32 + payload  # sealed with somebody else's key
        for planted in (payload, other, signing.MAGIC + payload):
            build_site(content_copy, out, search=False)
            pickled.write_bytes(planted)
            (out / removed).unlink()  # so that the build has work to do
            result = build_site(content_copy, out, search=False, verify=True)
            assert not marker.exists(), "the planted pickle ran"
            assert tree(out) == expected
            assert result.stats is not None and removed in result.stats.written
        # the seal covers the slot too: a sealed value moved to another slot is not read
        assert signing.unseal(f"{group}/other", pickled.read_bytes()) is None
        assert signing.unseal(slot, pickled.read_bytes()) is not None


# --- 1. inputs are regular files inside content/: nothing followed out, nothing hangs -----


def _special(kind: str, path: Path) -> Iterator[None]:
    import socket

    if kind == "device":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(path))
        yield
        sock.close()
        return
    elif kind == "outside":
        outside = path.parent.parent.parent / "secret.txt"
        outside.write_text("not content")
        path.symlink_to(outside)
    elif kind == "folder outside":
        outside = path.parent.parent.parent / "elsewhere"
        outside.mkdir()
        (outside / "a.txt").write_text("not content")
        path.symlink_to(outside, target_is_directory=True)
    yield


SPECIAL = ["device", "fifo", "socket", "outside", "folder outside"]


@pytest.mark.parametrize("kind", SPECIAL)
def test_an_input_that_is_no_regular_file_inside_content_is_refused(
    content_copy: Path, tmp_path: Path, cli: Callable[..., Run], kind: str
) -> None:
    path = content_copy / REPORT_ID / "notes.txt"
    with contextlib.contextmanager(_special)(kind, path):
        out = tmp_path / "_site"
        for command in ("build", "check"):
            args = [command, "--content", content_copy, "--no-search", "--out", out]
            if command == "check":
                args = [command, "--content", content_copy, "--no-html-check"]
            run = cli(*args, timeout=60)  # a FIFO read would hang, /dev/zero never end
            assert run.code == 1, (command, run.err)
            assert "Traceback" not in run.err
            line = next(x for x in run.err.splitlines() if "notes.txt" in x)
            assert line.startswith(f"{path}: error: ") or "notes.txt: error: " in line, line
            assert ("不是普通文件" if kind in ("fifo", "socket") else "符号链接") in line, line
        assert not out.exists()


def test_inputs_are_hashed_in_bounded_chunks(tmp_path: Path) -> None:
    import tracemalloc

    from rectify_site.build.cache import hash_inputs

    big = tmp_path / "big.bin"
    with big.open("wb") as fh:
        fh.truncate(64 * 1024 * 1024)  # sparse: 64 MB of zeros on no disk
    tracemalloc.start()
    hashes = hash_inputs({"c:big": big}, {}, 0)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert hashes["c:big"][2] == __import__("hashlib").sha256(b"\0" * (64 << 20)).hexdigest()
    assert peak < 8 * 1024 * 1024, peak


LINKED_FOLDERS = {
    "a report's parts/": ("parts", "progress.yaml"),
    "a report's attachments/": ("attachments", "tasks.pdf"),
    "a whole report folder": ("", "report.yaml"),
}


@pytest.mark.parametrize(("folder", "read"), LINKED_FOLDERS.values(), ids=LINKED_FOLDERS)
def test_a_symlinked_folder_on_the_way_out_of_content_is_refused_by_the_loader(
    content_copy: Path, tmp_path: Path, folder: str, read: str
) -> None:
    """Not only the file is looked at but every folder on its way (issue 20, item 5): the
    loader itself (``load_site``, under every command) reads nothing through a link out."""
    from rectify_site import ContentError, load_site

    report = content_copy / REPORT_ID
    if folder == "attachments":
        (report / "attachments").mkdir()
        (report / "attachments" / "tasks.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * 100)
        with (report / "report.yaml").open("a", encoding="utf-8") as fh:
            fh.write("attachments:\n- file: tasks.pdf\n  title: 合成附件\n")
    linked = report / folder if folder else report
    elsewhere = tmp_path / "elsewhere"
    shutil.move(linked, elsewhere)
    linked.symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(ContentError) as info:
        load_site(content_copy)
    refused = [d.format() for d in info.value.diagnostics if d.key == "file.symlink_outside"]
    message = f"符号链接指向 content 目录之外（{elsewhere / read}）：请改为普通文件"
    assert f"{linked / read}: error: {message}" in refused, refused


# --- 13. report ids: a folder name is an id, and never one of the site's own names ---------


def _report_as(content: Path, name: str) -> Path:
    """The real report copied into ``content/<name>/``, of another round (so that the
    unit reports once a round): today's code would build it."""
    folder = content / name
    shutil.copytree(content / REPORT_ID, folder)
    edit(folder / "report.yaml", "round: 十二届市委第二轮巡视", "round: 十二届市委第三轮巡视")
    return folder


def test_a_report_folder_with_a_trailing_newline_is_refused_at_its_path(
    content_copy: Path, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    _report_as(content_copy, "hp\n")
    out = tmp_path / "_site"
    run = cli("build", "--content", content_copy, "--no-search", "--out", out)
    assert run.code == 1, run.err
    assert "Traceback" not in run.err
    lines = [x for x in run.err.splitlines() if "不可用于网址" in x]
    shown = f"{content_copy}/hp\\n: error: id: 标识“hp\\n”不可用于网址"
    assert len(lines) == 1 and lines[0].startswith(shown), run.err
    assert not out.exists()


RESERVED_FOLDERS = ["data", "rounds", "issuers", "assets", "pagefind", "search", "index"]


@pytest.mark.parametrize("name", RESERVED_FOLDERS)
def test_a_report_named_like_a_page_of_the_site_is_refused(
    content_copy: Path, tmp_path: Path, name: str
) -> None:
    from rectify_site.errors import ContentError

    folder = _report_as(content_copy, name)
    with pytest.raises(ContentError) as raised:
        build_site(content_copy, tmp_path / "_site", search=False)
    found = [d for d in raised.value.diagnostics if d.path == str(folder)]
    assert [(d.field, d.key) for d in found] == [("id", "report.id_reserved")], found
    assert "网站自身" in found[0].format() and name in found[0].format("en")
    assert not (tmp_path / "_site").exists()


def test_no_report_id_can_take_a_top_level_name_the_build_wrote(built_site: Path) -> None:
    """Every name the default site writes at its top (pages, folders, feeds, the theme's
    files, their .gz and .br copies), and the stem a server may map it to (search for
    search.html), is refused as a report folder."""
    from rectify_site.model.content import report_id_problem

    names = {p.name for p in built_site.iterdir()}
    assert {"data", "rounds", "issuers", "assets", "pagefind", "sitemap.xml"} <= names, names
    for name in sorted(names - {REPORT_ID}):
        for candidate in {name, name.split(".")[0]}:
            assert report_id_problem(candidate) is not None, candidate


def test_a_report_named_like_a_file_of_the_sites_own_theme_is_refused(
    content_copy: Path, tmp_path: Path
) -> None:
    """A site's theme may add files at the top of the site (templates/static/press/…):
    a report of that name would be overwritten by them, so the build refuses it."""
    from rectify_site.errors import ContentError

    press = content_copy.parent / "templates" / "static" / "press"
    press.mkdir(parents=True)
    (press / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', "utf-8")
    folder = _report_as(content_copy, "press")
    with pytest.raises(ContentError) as raised:
        build_site(content_copy, tmp_path / "_site", search=False)
    found = [d for d in raised.value.diagnostics if d.path == str(folder)]
    assert [(d.field, d.key) for d in found] == [("id", "report.id_reserved")], found
    assert "press" in found[0].format().split("网站自身使用：")[1], found[0].format()
    assert not (tmp_path / "_site").exists()


def test_the_readme_names_every_reserved_report_id() -> None:
    from rectify_site.model.content import RESERVED_REPORT_IDS

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    block = readme[readme.index("A **report's id**") :][:900]
    assert all(f"`{name}`" in block for name in RESERVED_REPORT_IDS), block


def test_a_new_top_level_file_forgotten_in_site_root_still_overwrites_no_report(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build holds every report id to the names it is about to write itself, so a
    file added to the collection's (here ``press/list.json``) cannot overwrite a report
    even before SITE_ROOT names it."""
    from rectify_site.build import stages
    from rectify_site.errors import ContentError

    made = stages.collection_files

    def with_press(*args: object, **kw: object) -> tuple[dict[str, bytes], list[object]]:
        files, warnings = made(*args, **kw)  # type: ignore[arg-type]
        return {**files, "press/list.json": b"[]"}, warnings

    monkeypatch.setattr(stages, "collection_files", with_press)
    folder = _report_as(content_copy, "press")
    with pytest.raises(ContentError) as raised:
        build_site(content_copy, tmp_path / "_site", search=False)
    assert [d.key for d in raised.value.diagnostics if d.path == str(folder)] == [
        "report.id_reserved"
    ]
    assert not (tmp_path / "_site").exists()


@pytest.mark.parametrize("where", ["report folder", "file"])
def test_a_name_that_is_not_utf8_is_refused_at_its_path(
    content_copy: Path, tmp_path: Path, cli: Callable[..., Run], where: str
) -> None:
    """A name of bytes that are not UTF-8 (copied from an old GBK disk) cannot be a URL or
    a key of the cache: refused at its path, on one line, never a traceback."""
    raw = os.fsencode(content_copy) + b"/"
    if where == "report folder":
        shutil.copytree(content_copy / REPORT_ID, os.fsdecode(raw + b"hp\xff"))
    else:
        path = os.fsencode(content_copy / REPORT_ID) + b"/\xb8\xbd\xbc\xfe.txt"  # 附件 in GBK
        Path(os.fsdecode(path)).write_bytes(b"notes")
    out = tmp_path / "_site"
    for args in (["build", "--no-search", "--out", out], ["check", "--no-html-check"]):
        run = cli(*args, "--content", content_copy)
        assert run.code == 1, run.err
        assert "Traceback" not in run.err
        refused = [x for x in run.err.splitlines() if "UTF-8" in x]
        assert len(refused) == 1 and "\\udc" in refused[0], run.err
    assert not out.exists()
