"""The copy of a page that Pagefind indexes: Han text as overlapping bigrams (issue 22)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rectify_site.build.bigrams import BLOCK, LANG, decode, indexed_copy, words
from rectify_site.build.pipeline import build_site

from conftest import TEMPLATES
from support import generate
from support.bigram_reference import indexed_copy_reference


def test_a_run_of_han_is_its_bigrams_then_its_last_character() -> None:
    assert words("营商环境") == ["营商", "商环", "环境", "境"]
    assert words("增长6.1%。三是") == ["增长", "长", "6.1%。", "三是", "是"]
    assert words("是") == ["是"]


def test_the_page_text_comes_back_from_the_words() -> None:
    for text in [
        "检查营商环境建设、城市更新",
        "同比增长19.9%、6.1%。",
        "ESG全球领导者大会",
        "Open Data",
    ]:
        assert decode(words(text)) == text


def test_the_copy_keeps_anchors_and_inline_tags_do_not_split_a_run() -> None:
    page = (
        '<!DOCTYPE html><html lang="zh-CN"><head><title>标题</title></head><body>'
        '<article data-pagefind-body><h1>关于<span class="nobr">整改</span></h1>'
        '<h2 id="growth">1.针对问题</h2><p><strong>一是</strong>着力提升。</p>'
        "<script>var 整改 = 1;</script></article></body></html>"
    ).encode()
    copy = indexed_copy(page).decode()
    assert f'<html lang="{LANG}">' in copy
    assert '<h2 id="growth">' in copy
    assert "一是 是着 着力 力提 提升 升 。" in copy  # <strong> does not end the run
    assert 'data-pagefind-meta="title:关于整改"' in copy  # the title as on the page
    assert "var 整改 = 1;" in copy  # scripts untouched
    assert copy.count(BLOCK) == 3  # one per block of text


def _pages(site: Path) -> list[Path]:
    pages = sorted(site.rglob("*.html"))
    assert pages
    return pages


def _same_as_reference(pages: list[Path]) -> None:
    differ = [p for p in pages if indexed_copy(b := p.read_bytes()) != indexed_copy_reference(b)]
    assert not differ, f"{len(differ)} of {len(pages)} pages differ, e.g. {differ[0]}"


def test_the_fast_copy_is_byte_identical_on_every_page_of_the_site(built_site: Path) -> None:
    _same_as_reference(_pages(built_site))


@pytest.fixture(scope="module")
def generated_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve synthetic reports (tests/support/generate.py), built without a search index."""
    root = tmp_path_factory.mktemp("gen")
    generate.generate(12, root / "content", seed=7)
    build_site(root / "content", root / "_site", templates=TEMPLATES, search=False)
    return root / "_site"


def test_the_fast_copy_is_byte_identical_on_a_generated_collection(generated_site: Path) -> None:
    _same_as_reference(_pages(generated_site))


@pytest.mark.parametrize(
    "page",
    [
        '<!DOCTYPE html>\n<html lang="zh-CN" class="a&amp;b"><head><title>A &amp; B</title>'
        '<style>p > a { content: "&amp;" }</style></head><body><!-- 注释 -->'
        "<p>营商<!-- x -->环境&nbsp;&lt;建设&gt;</p>"
        '<p>一<span id="k">二</span>三<span hidden data-pagefind-meta="a:b"></span>四</p>'
        "<p>上<br>下<br/>左<wbr/>右<img src=x alt='a>b'>中</p>"
        "<h1>关于<em>整改</em>\n情况</h1><h1>第二</h1>"
        '<svg><text x="1">图&amp;</text></svg><textarea>&lt;b&gt;</textarea>'
        "<script>if (a < b && c) {}</script><SCRIPT>x</SCRIPT><P CLASS=x>大写</P>"
        "</body></html>\n",
        "<p>未闭合 & 结尾 &amp",
        "<body>文字 < 不是标签 <1 a</body>",
    ],
)
def test_the_fast_copy_is_byte_identical_on_awkward_html(page: str) -> None:
    assert indexed_copy(page.encode()) == indexed_copy_reference(page.encode())
