"""The built site read from the outside: pages, links, anchors, downloads."""

from __future__ import annotations

import csv
import io
import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote, urlsplit

import pytest

from conftest import REPORT_ID
from htmltext import links_and_ids, visible_text

CATEGORIES = [
    "positioning",
    "development",
    "governance",
    "accountability",
    "integrity",
    "organisation",
]


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_expected_pages_exist(built_site: Path) -> None:
    for rel in [
        "index.html",
        "404.html",
        "robots.txt",
        "sitemap.xml",
        "favicon.svg",
        f"{REPORT_ID}/index.html",
        f"{REPORT_ID}/full.html",
        f"{REPORT_ID}/figures.html",
        f"{REPORT_ID}/data/report.json",
        f"{REPORT_ID}/data/figures.csv",
        "data/report.schema.json",
    ]:
        assert (built_site / rel).is_file(), rel
    cats = sorted(p.stem for p in (built_site / REPORT_ID / "categories").glob("*.html"))
    assert cats == sorted(CATEGORIES)


def test_every_internal_link_and_anchor_resolves(built_site: Path) -> None:
    ids = {p: links_and_ids(p.read_text("utf-8"))[1] for p in _pages(built_site)}
    for page in _pages(built_site):
        if page.name == "404.html":
            continue  # links from the site root, checked below
        links, _ = links_and_ids(page.read_text("utf-8"))
        for tag, href in links:
            parts = urlsplit(href)
            if parts.scheme in ("mailto", "tel", "https") or parts.netloc:
                assert tag == "a" or href.startswith("https://example.org/"), href
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{page.relative_to(built_site)} -> {href}"
            if parts.fragment:
                assert parts.fragment in ids[target], f"{page.name} -> {href}: no such id"


def test_links_are_relative_so_the_site_works_under_a_subpath(built_site: Path) -> None:
    for page in _pages(built_site):
        if page.name == "404.html":
            continue
        links, _ = links_and_ids(page.read_text("utf-8"))
        for _, href in links:
            assert not href.startswith("/"), f"{page.name}: root-relative link {href}"


def test_no_request_to_another_host(built_site: Path) -> None:
    for page in _pages(built_site):
        links, _ = links_and_ids(page.read_text("utf-8"))
        for tag, href in links:
            if tag != "a":  # everything loaded (css, icons, images, scripts) is local
                assert not urlsplit(href).netloc, f"{page.name} loads {href}"


class _Checker(HTMLParser):
    VOID: ClassVar[set[str]] = {
        "meta",
        "link",
        "br",
        "img",
        "input",
        "hr",
        "source",
        "wbr",
        "rect",
        "path",
        "circle",
    }

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.h1 = 0
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if tag == "h1":
            self.h1 += 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()


@pytest.mark.parametrize(
    "rel",
    [
        "index.html",
        "404.html",
        f"{REPORT_ID}/index.html",
        f"{REPORT_ID}/full.html",
        f"{REPORT_ID}/figures.html",
        *[f"{REPORT_ID}/categories/{c}.html" for c in CATEGORIES],
    ],
)
def test_page_parses_with_one_h1_and_chinese_lang(built_site: Path, rel: str) -> None:
    html = (built_site / rel).read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    checker = _Checker()
    checker.feed(html)
    assert checker.stack == [], f"unclosed: {checker.stack}"
    assert checker.lang == "zh-CN"
    assert checker.h1 == 1
    assert 'href="#main"' in html and 'id="main"' in html  # the skip link and its target


def test_category_pages_carry_aspect_anchors_and_prev_next(built_site: Path) -> None:
    html = (built_site / REPORT_ID / "categories" / "governance.html").read_text("utf-8")
    for anchor in ("fine-governance", "urban-renewal", "public-services"):
        assert f'id="{anchor}"' in html
    assert 'rel="prev" href="development.html"' in html
    assert 'rel="next" href="accountability.html"' in html
    text = visible_text(html)
    assert "（三）关于推动城区高效能治理" in text
    assert "一是打造城区治理“黄浦样本”" in text


def test_contact_links(built_site: Path) -> None:
    html = (built_site / REPORT_ID / "full.html").read_text("utf-8")
    assert 'href="tel:02133134800,11393"' in html
    assert 'href="mailto:hpqwb123@163.com"' in html


def squash_spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_home_shows_figures_at_a_glance_with_text(built_site: Path) -> None:
    html = (built_site / "index.html").read_text("utf-8")
    text = visible_text(html)
    # the report's own labels and statuses, and nothing it does not state (no 尚在推进, no %)
    assert "具体问题 共 57 项，已整改 48 项" in squash_spaces(text)
    assert "整改措施 共 134 条，已完成 120 条" in squash_spaces(text)
    assert "尚在推进" not in text and "%" not in text
    assert "130.98" in text and "152" in text and "201" in text
    # the charts are SVG drawn at build time; the scripts only enhance (the reading tool bar,
    # search): one blocking in the head, which applies the reader's settings, one deferred
    scripts = re.findall(r"<script[^>]*>", html)
    assert len(scripts) == 2 and re.fullmatch(
        r'<script src="assets/site\.[0-9a-f]+\.js">', scripts[0]
    )
    assert re.fullmatch(r'<script src="assets/toolbar\.[0-9a-f]+\.js" defer>', scripts[1])
    assert 'width="84.2"' in html  # the bar is drawn to scale
    for target in ("full.html", "figures.html", *(f"categories/{c}.html" for c in CATEGORIES)):
        assert f"{REPORT_ID}/{target}" in html


def test_downloads(built_site: Path) -> None:
    data = json.loads((built_site / REPORT_ID / "data" / "report.json").read_text("utf-8"))
    assert data["schema_version"] == 2
    figures = {f["path"]: f for g in data["figures"]["groups"] for f in g["figures"]}
    problems = figures["problems"]
    assert (problems["label"], problems["unit"], problems["total"]) == ("具体问题", "项", 57)
    assert problems["by_status"] == {"rectified": 48}
    assert figures["discipline.recovered"]["value"] == "130.98"  # exact, not a float
    assert data["figures"]["statuses"]["rectified"] == {
        "key": "rectified",
        "label": "已整改",
        "done": True,
    }
    assert data["counts"] == {
        "categories": 6,
        "aspects": 16,
        "actions": 42,
        "problems": 0,
        "measures": 0,
    }
    raw = (built_site / REPORT_ID / "data" / "figures.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so that Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    values = {r["key"]: r["value"] for r in rows}
    assert values["problems.total"] == "57" and values["measures.completed"] == "120"
    labels = {r["key"]: (r["group"], r["label"], r["unit"]) for r in rows}
    assert labels["discipline.cases_filed"] == ("执纪问责", "党纪政务立案", "件")
    assert labels["rules.revised"] == ("建章立制", "修订完善", "项")
    assert values["discipline.recovered"] == "130.98"
    schema = json.loads((built_site / "data" / "report.schema.json").read_text("utf-8"))
    assert "figures" in schema["properties"]


def test_sitemap_lists_absolute_urls(built_site: Path) -> None:
    xml = (built_site / "sitemap.xml").read_text("utf-8")
    assert f"<loc>https://example.org/rectify/{REPORT_ID}/full.html</loc>" in xml
    assert "404.html" not in xml
    assert (
        "Sitemap: https://example.org/rectify/sitemap.xml"
        in (built_site / "robots.txt").read_text()
    )


def test_canonical_link_with_base_url(built_site: Path) -> None:
    html = (built_site / REPORT_ID / "full.html").read_text("utf-8")
    url = f"https://example.org/rectify/{REPORT_ID}/full.html"
    assert f'<link rel="canonical" href="{url}">' in html


def test_404_links_from_the_site_root(built_site: Path) -> None:
    html = (built_site / "404.html").read_text("utf-8")
    links, _ = links_and_ids(html)
    for _, href in links:
        if not href.startswith("#"):
            assert href.startswith("/rectify/"), href
            path = href.split("#")[0]  # the fallback link points at the category list
            assert (built_site / posixpath.relpath(path, "/rectify/")).exists()
