"""The site for older readers (适老化, issue 22): line breaking, figures, the tool bar.

Measured in Chromium from the outside: the lines a heading is set in, the order and
columns of the figures, and the tool bar's sizes, colours, keyboard path and speech.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup

from rectify_site.site.linebreaks import unbroken_tail


def _pages(site: Path) -> list[str]:
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if "pagefind" not in p.relative_to(site).parts
    )


# --- item 3: Chinese line breaking of headings and the timeline ------------------------

LINES_JS = """() => {
  // Every line of every heading and timeline entry, as the characters set on it.
  const out = [];
  for (const el of document.querySelectorAll('h1, h2, h3, h4, h5, h6, .timeline li')) {
    if (!el.getClientRects().length) continue;
    const lines = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      for (let i = 0; i < n.data.length; i++) {
        if (/\\s/.test(n.data[i])) continue;
        const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
        const box = r.getClientRects()[0]; if (!box) continue;
        const mid = box.top + box.height / 2;
        let line = lines.find(l => Math.abs(l.mid - mid) < box.height / 2);
        if (!line) { line = {mid, text: ''}; lines.push(line); }
        line.text += n.data[i];
      }
    }
    lines.sort((a, b) => a.mid - b.mid);
    out.push([el.tagName, lines.map(l => l.text)]);
  }
  return out;
}"""


def _short_lines(page: Any) -> list[tuple[str, list[str]]]:
    """Headings set in more than one line where a line holds one or two characters."""
    found = page.evaluate(LINES_JS)
    assert found, "no heading measured"
    return [(tag, lines) for tag, lines in found if len(lines) > 1 and min(map(len, lines)) <= 2]


def test_a_title_keeps_its_last_characters_together() -> None:
    assert unbroken_tail("关于十二届市委第二轮巡视集中整改进展情况的通报") == Markup(
        '关于十二届市委第二轮巡视集中整改进展情<span class="nobr">况的通报</span>'
    )
    # escaped as text, markup kept, never a span across an element or around spaces
    assert unbroken_tail("A&B<x>的问题所在") == Markup(
        'A&amp;B&lt;x&gt;的<span class="nobr">问题所在</span>'
    )
    assert unbroken_tail(Markup("关于<em>整改工作</em>情况")) == Markup(
        '关于<em>整改工作</em><span class="nobr">情况</span>'
    )
    assert unbroken_tail("统计数字") == Markup("统计数字")  # short: nothing to keep
    spaced = unbroken_tail("整改工作进展情况 ")
    assert spaced == Markup('整改工作<span class="nobr">进展情况</span> ')


@pytest.mark.parametrize("width", [320, 375, 768])
@pytest.mark.parametrize("balance", [True, False], ids=["balanced", "no-balance"])
@pytest.mark.browser
@pytest.mark.slow
def test_no_heading_line_holds_only_one_or_two_characters(
    browser: Any, built_site: Path, site_url: str, width: int, balance: bool
) -> None:
    # no-balance: a browser without text-wrap: balance fills lines greedily
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    short = {}
    for rel in _pages(built_site):
        page.goto(site_url + rel)
        if not balance:
            page.add_style_tag(
                content="h1, h2, h3, h4, h5, h6, .timeline li { text-wrap: wrap !important; }"
            )
            assert page.evaluate("getComputedStyle(document.querySelector('h1')).textWrap") in (
                "wrap",
                "wrap auto",
            )
        if found := _short_lines(page):
            short[rel] = found
    context.close()
    assert short == {}
