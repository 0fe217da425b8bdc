"""Prose is inline Markdown: safe, and Chinese-aware where lines wrap."""

from __future__ import annotations

from rectify_site.model.markdown import render_inline


def test_softbreak_inside_chinese_renders_as_nothing() -> None:
    assert render_inline("深入贯彻落实\n市委关于巡视整改工作的部署要求") == (
        "深入贯彻落实市委关于巡视整改工作的部署要求"
    )


def test_softbreak_between_latin_words_keeps_a_break() -> None:
    assert render_inline("ESG global\nleaders") == "ESG global\nleaders"


def test_raw_html_is_text() -> None:
    assert render_inline("<script>alert(1)</script>") == ("&lt;script&gt;alert(1)&lt;/script&gt;")


def test_unsafe_links_are_not_links() -> None:
    html = render_inline("[点此](javascript:alert(1)) [图](data:text/html,x)")
    assert "href" not in html
    assert '<a href="https://www.gov.cn">' in render_inline("[网站](https://www.gov.cn)")
