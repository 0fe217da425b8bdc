"""The copy of a page that Pagefind indexes: Han text as overlapping bigrams (issue 22)."""

from __future__ import annotations

from rectify_site.build.bigrams import BLOCK, LANG, decode, indexed_copy, words


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
