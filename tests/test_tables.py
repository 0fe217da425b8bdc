"""Tables as content (issue 21 item 4): a table in the model, validated at its line,
rendered as an accessible <table> on the full text and the category pages, carried by
report.json, indexed by search, readable at 375 px and printed in full.

Every report here is the synthetic one of tests/broken/_base with tables added (its
tables say they are synthetic).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from rectify_site.build.pipeline import build_site, check_site
from rectify_site.errors import ContentError

from conftest import SIDEWAYS, TEMPLATES, axe_violations, serve_folder

BASE = Path(__file__).resolve().parent / "broken" / "_base" / "content"
REPORT = "synthetic"

LONG = "合成的说明文字甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥一二三四五六七八九十"
"""A cell longer than a 375 px screen is wide: it wraps, the page never scrolls sideways."""

ASPECT_TABLE = f"""  tables:
  - caption: 表1 合成的各单位整改情况
    header: [单位, 问题数, 已整改, 说明]
    rows:
    - - 合成第一单位
      - '{{{{ figures.problems.total }}}}'
      - '{{{{ figures.problems.by_status.rectified }}}}'
      - {LONG}
    - [合成第二单位, '3', '', 鸿雁于飞肃肃其羽]
"""

PART_TABLE = """tables:
  caption: 表2 合成的下一步安排
  header: [事项, 时限]
  rows:
  - [合成的安排, 长期坚持]
"""


def _content(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(BASE, content)
    cat = content / REPORT / "categories" / "positioning.yaml"
    text = cat.read_text("utf-8")
    marker = "  text: 合成的整改情况：制定专题文件，明确实现路径。\n"
    assert marker in text
    cat.write_text(text.replace(marker, marker + ASPECT_TABLE, 1), "utf-8")
    part = content / REPORT / "parts" / "next-steps.yaml"
    part.write_text(part.read_text("utf-8") + PART_TABLE, "utf-8")
    return content


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("tables")
    out = tmp / "_site"
    build_site(_content(tmp), out, templates=TEMPLATES, search=False)
    return out


class _Tables(HTMLParser):
    """Every <table> of a page: caption, and each row's cells as (tag, scope, text)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, Any]] = []
        self.cell: list[Any] | None = None
        self.in_caption = False
        self.wraps: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "div" and "content-table-wrap" in (a.get("class") or ""):
            self.wraps.append(a)
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self.in_caption = True
        elif tag == "tr":
            self.tables[-1]["rows"].append([])
        elif tag in ("th", "td"):
            self.cell = [tag, a.get("scope"), ""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self.in_caption = False
        elif tag in ("th", "td") and self.cell is not None:
            self.tables[-1]["rows"][-1].append(tuple(self.cell))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.in_caption:
            self.tables[-1]["caption"] += data
        elif self.cell is not None:
            self.cell[2] += data


def _tables(page: Path) -> _Tables:
    parser = _Tables()
    parser.feed(page.read_text("utf-8"))
    return parser


def _content_tables(page: Path) -> list[dict[str, Any]]:
    return [t for t in _tables(page).tables if t["caption"].startswith("表")]


EXPECTED_ASPECT = {
    "caption": "表1 合成的各单位整改情况",
    "rows": [
        [
            ("th", "col", "单位"),
            ("th", "col", "问题数"),
            ("th", "col", "已整改"),
            ("th", "col", "说明"),
        ],
        [
            ("th", "row", "合成第一单位"),
            ("td", None, "57"),
            ("td", None, "48"),
            (
                "td",
                None,
                "合成的说明文字甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥一二三四五六七八九十",
            ),
        ],
        [
            ("th", "row", "合成第二单位"),
            ("td", None, "3"),
            ("td", None, ""),
            ("td", None, "鸿雁于飞肃肃其羽"),
        ],
    ],
}


def test_a_table_is_a_table_with_caption_and_scoped_headers_in_full_and_category(
    site: Path,
) -> None:
    """The figure references in cells are expanded (57 and 48 live in figures.yaml)."""
    full = _content_tables(site / REPORT / "full.html")
    assert full[0] == EXPECTED_ASPECT
    assert full[1] == {
        "caption": "表2 合成的下一步安排",
        "rows": [
            [("th", "col", "事项"), ("th", "col", "时限")],
            [("th", "row", "合成的安排"), ("td", None, "长期坚持")],
        ],
    }
    category = site / REPORT / "categories" / "positioning.html"
    assert _content_tables(category) == [EXPECTED_ASPECT]


def test_a_table_scrolls_in_its_own_labelled_box(site: Path) -> None:
    wraps = _tables(site / REPORT / "full.html").wraps
    assert [w["aria-label"] for w in wraps] == [
        "表1 合成的各单位整改情况（可左右滚动）",
        "表2 合成的下一步安排（可左右滚动）",
    ]
    assert all(w["role"] == "region" and w["tabindex"] == "0" for w in wraps)


def test_report_json_carries_the_table(site: Path) -> None:
    data = json.loads((site / REPORT / "data" / "report.json").read_text("utf-8"))

    def walk(nodes: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for n in nodes:
            yield n
            yield from walk(n["children"])

    tables = [t for n in walk(data["parts"]) for t in n.get("tables", [])]
    assert tables[0]["caption"] == "表1 合成的各单位整改情况"
    assert tables[0]["header"] == ["单位", "问题数", "已整改", "说明"]
    assert tables[0]["rows"][0][:3] == ["合成第一单位", "57", "48"]
    assert tables[1]["rows"] == [["合成的安排", "长期坚持"]]


def test_a_table_of_the_opening_is_printed_before_the_parts(tmp_path: Path) -> None:
    content = _content(tmp_path)
    report = content / REPORT / "report.yaml"
    text = report.read_text("utf-8")
    report.write_text(
        text.replace(
            "parts:\n",
            "tables:\n- header: [合成项目, 数量]\n  rows:\n"
            "  - [合成的问题, '{{ figures.problems.total }}']\nparts:\n",
            1,
        ),
        "utf-8",
    )
    out = tmp_path / "_site"
    build_site(content, out, templates=TEMPLATES, search=False)
    html = (out / REPORT / "full.html").read_text("utf-8")
    parsed = _tables(out / REPORT / "full.html")
    first = parsed.tables[0]
    assert first["caption"] == ""
    assert first["rows"][1] == [("th", "row", "合成的问题"), ("td", None, "57")]
    assert parsed.wraps[0]["aria-label"] == "表格（可左右滚动）"
    assert html.index("合成的问题") < html.index('<section class="node depth-1')


@pytest.mark.parametrize(
    ("yaml", "message"),
    [
        (
            "  tables:\n  - header: [甲, 乙, 丙]\n    rows:\n    - [一, 二, 三]\n    - [一, 二]\n",
            "tables[0].rows: 表格第 2 行有 2 格，表头有 3 格",
        ),
        ("  tables:\n  - header: [甲, 乙]\n    rows: []\n", "tables[0].rows: 至少需要 1 项"),
        (
            "  tables:\n  - header: [甲, 乙]\n    rows:\n    - ['', '']\n",
            "tables[0].rows: 表格的各格都是空的",
        ),
        (
            "  tables:\n  - header: [甲, 乙]\n    rows:\n    - [一, '{{ figures.nothing }}']\n",
            "tables[0].rows[0][1]: ",
        ),
    ],
    ids=["ragged", "no-rows", "blank", "missing-figure"],
)
def test_a_bad_table_is_an_error_at_its_line(tmp_path: Path, yaml: str, message: str) -> None:
    content = tmp_path / "content"
    shutil.copytree(BASE, content)
    cat = content / REPORT / "categories" / "positioning.yaml"
    text = cat.read_text("utf-8")
    marker = "  text: 合成的整改情况：制定专题文件，明确实现路径。\n"
    cat.write_text(text.replace(marker, marker + yaml, 1), "utf-8")
    line = text[: text.index(marker)].count("\n") + 2  # the line after the marker
    with pytest.raises(ContentError) as err:
        check_site(content, templates=TEMPLATES, html=False, strict=False)
    found = [d.format() for d in err.value.diagnostics]
    mine = [f for f in found if "positioning.yaml" in f and "tables" in f]
    assert mine, found
    assert message in mine[0], mine
    at = int(mine[0].split(":")[1])
    assert line <= at <= line + 4, mine


def test_search_indexes_a_cells_text(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Pagefind finds a word that stands only in a table's cell, on the category page."""
    from rectify_site.build.search import available

    if not available():
        pytest.fail("pagefind[extended] missing") if _ci() else pytest.skip("no pagefind")
    tmp = tmp_path_factory.mktemp("tables-search")
    out = tmp / "_site"
    build_site(_content(tmp), out, templates=TEMPLATES, search=True)
    words = _indexed_words(out)
    assert "鸿雁" in words or any("鸿雁" in w for w in words), sorted(words)[:50]


def _ci() -> bool:
    import os

    return os.environ.get("CI") == "true"


def _indexed_words(out: Path) -> set[str]:
    """The words of every Pagefind index fragment (gzipped JSON), from the files."""
    import gzip

    words: set[str] = set()
    for frag in out.glob("pagefind/**/fragment/*.pf_fragment"):
        data = json.loads(gzip.decompress(frag.read_bytes())[12:] or b"{}")
        words.update(data.get("content", "").split())
        words.add(data.get("content", ""))
    return words


# --- in a browser --------------------------------------------------------------------


@pytest.fixture(scope="module")
def site_url(site: Path) -> Iterator[str]:
    with serve_folder(site) as url:
        yield url


@pytest.mark.browser
@pytest.mark.slow
def test_tables_read_at_375_px_pass_axe_and_print_in_full(browser: Any, site_url: str) -> None:
    found: dict[str, Any] = {}
    for rel in (f"{REPORT}/full.html", f"{REPORT}/categories/positioning.html"):
        context = browser.new_context(viewport={"width": 375, "height": 800})
        page = context.new_page()
        page.goto(f"{site_url}/{rel}")
        if page.evaluate(SIDEWAYS):
            found[rel] = "scrolls sideways"
        if violations := axe_violations(page):
            found[f"{rel} axe"] = violations
        # every cell inside the page's width, or inside its own scrolling box
        outside = page.evaluate(
            """() => [...document.querySelectorAll('.content-table td, .content-table th')]
              .filter(c => { const box = c.closest('.table-wrap').getBoundingClientRect();
                             const r = c.getBoundingClientRect();
                             return r.left < box.left - 1 || r.right > box.right + 1; })
              .map(c => c.textContent)"""
        )
        if outside:
            found[f"{rel} cells outside"] = outside
        page.emulate_media(media="print")
        printed = page.evaluate(
            """() => [...document.querySelectorAll('.content-table')].map(t => {
                 const wrap = t.closest('.table-wrap');
                 return [getComputedStyle(wrap).overflowX, t.scrollWidth <= wrap.clientWidth + 1,
                         getComputedStyle(t.querySelector('td')).borderTopStyle];
               })"""
        )
        if any(p != ["visible", True, "solid"] for p in printed):
            found[f"{rel} print"] = printed
        context.close()
    assert found == {}


# --- export and import -------------------------------------------------------------


def test_a_table_goes_to_word_as_a_table_and_comes_back(tmp_path: Path) -> None:
    """export --to docx writes each table as a Word table with its caption; importing that
    file gives back the same tables (cells as rendered), in the same nodes."""
    import docx

    from rectify_site.commands.cli import main
    from rectify_site.load.collection import load_collection

    content = _content(tmp_path)
    out = tmp_path / "synthetic.docx"
    args = ["export", REPORT, "--to", "docx", "--content", str(content), "--out", str(out)]
    assert main(args) == 0
    word = docx.Document(str(out))
    assert [len(t.rows) for t in word.tables] == [3, 2]
    assert [c.text for c in word.tables[0].rows[1].cells][:3] == ["合成第一单位", "57", "48"]
    captions = [p.text for p in word.paragraphs if p.style.name == "Caption"]
    assert captions == ["表1 合成的各单位整改情况", "表2 合成的下一步安排"]
    again = tmp_path / "again"
    assert main(["import", str(out), "--content", str(again), "--id", "again"]) == 0

    def tables(folder: Path) -> list[tuple[str | None, str | None, Any, Any]]:
        collection = load_collection(folder)
        (report,) = [*collection.reports, *collection.drafts]
        return [(n.id, t.caption, t.header, t.rows) for n in report.nodes() for t in n.tables]

    assert tables(again) == tables(content)


def test_check_warns_about_a_number_typed_into_a_cell(tmp_path: Path) -> None:
    """A count typed into a table is a second copy of a figure, as in prose: check warns
    at its line; the referred and the marked ones pass."""
    content = _content(tmp_path)
    cat = content / REPORT / "categories" / "positioning.yaml"
    text = cat.read_text("utf-8")
    cat.write_text(
        text.replace("[合成第二单位, '3', '',", "[合成第二单位, 梳理问题189个, '',"), "utf-8"
    )
    found = [d.format() for d in check_site(content, templates=TEMPLATES, html=False)]
    mine = [f for f in found if "189个" in f]
    assert len(mine) == 1, found
    assert "positioning.yaml:" in mine[0] and "rows[1][1]" in mine[0], mine


@pytest.mark.slow
def test_pages_with_tables_are_valid_html(site: Path) -> None:
    """The Nu HTML Checker finds no error on the pages that hold tables."""
    import subprocess

    from conftest import find_vnu, need

    vnu = find_vnu()
    need(vnu is not None and shutil.which("java") is not None, "vnu or java missing")
    pages = [site / REPORT / "full.html", site / REPORT / "categories" / "positioning.html"]
    run = subprocess.run(
        ["java", "-Xss8m", "-jar", str(vnu), "--errors-only", "--format", "gnu", "--stdout"]
        + [str(p) for p in pages],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (run.returncode, run.stdout) == (0, "")
