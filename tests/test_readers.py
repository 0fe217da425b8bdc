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

from conftest import REPORT_ID


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


# --- item 4: the figures page and the home page ------------------------------------------

FIGURE_ROWS_JS = """() => [...document.querySelectorAll('main table')].map(t => ({
  caption: t.caption.textContent.trim(),
  rows: [...t.tBodies[0].rows].map(r => ({
    part: r.classList.contains('part'),
    label: r.cells[0].textContent.trim(),
    shown: [...r.cells[0].childNodes].filter(n => !(n.classList && getComputedStyle(n)
             .clipPath === 'inset(50%)')).map(n => n.textContent).join('').trim(),
    value: r.cells[1].textContent.trim(),
    indent: r.cells[0].getBoundingClientRect().left
            + parseFloat(getComputedStyle(r.cells[0]).paddingLeft),
    right: r.cells[1].getBoundingClientRect().right
           - parseFloat(getComputedStyle(r.cells[1]).paddingRight),
  })),
}))"""


def _expected_rows(collection: Any) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Each group's rows as figures.yaml gives them: (label, the total it is part of)."""
    report = next(r for r in collection.reports if r.id == REPORT_ID)
    figures = report.figures
    out = []
    for g in figures.groups:
        rows: list[tuple[str, str | None]] = []
        for f in g.figures:
            if not f.is_tally:
                rows.append((f.label, None))
                continue
            rows.append((f.label, None))
            rows += [(figures.statuses[k].label, f.label) for k in f.by_status]
        out.append((g.label or "统计数字", rows))
    return out


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.browser
@pytest.mark.slow
def test_figures_page_indents_parts_under_their_total_in_one_value_column(
    browser: Any, collection: Any, site_url: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site_url + f"{REPORT_ID}/figures.html")
    tables = page.evaluate(FIGURE_ROWS_JS)
    context.close()
    expected = _expected_rows(collection)
    assert [t["caption"] for t in tables] == [caption for caption, _ in expected]
    rights = set()
    for table, (_, rows) in zip(tables, expected, strict=True):
        assert len(table["rows"]) == len(rows), table["caption"]
        total_indent = None
        for got, (label, part_of) in zip(table["rows"], rows, strict=True):
            rights.add(round(got["right"]))
            if part_of is None:
                assert not got["part"] and got["label"] == label
                total_indent = got["indent"]
                continue
            # a status row says, to eyes and to screen readers, what it is a part of
            assert got["part"], label
            assert got["shown"] == f"其中：{label}", got
            assert got["label"] == f"{part_of}其中：{label}", got
            assert total_indent is not None and got["indent"] >= total_indent + 16, got
    assert len(rights) == 1, f"values end at {sorted(rights)} px: not one column"


GLANCE_JS = """() => [...document.querySelectorAll('.glance .card')].map(card => ({
  group: card.querySelector('h3') ? card.querySelector('h3').textContent.trim() : '',
  labels: [...card.querySelectorAll('.progress-label, .stats dt')].map(e => e.textContent.trim()),
}))"""


@pytest.mark.browser
@pytest.mark.slow
def test_every_page_shows_each_groups_figures_in_the_order_of_figures_yaml(
    browser: Any, collection: Any, site_url: str
) -> None:
    report = next(r for r in collection.reports if r.id == REPORT_ID)
    expected = [
        {"group": g.label or "", "labels": [f.label for f in g.figures]}
        for g in report.figures.groups
    ]
    assert any(  # the real report has a group whose value comes before its tallies
        not g.figures[0].is_tally and any(f.is_tally for f in g.figures)
        for g in report.figures.groups
    )
    page = browser.new_page()
    for rel in ("index.html", f"{REPORT_ID}/index.html"):
        page.goto(site_url + rel)
        assert page.evaluate(GLANCE_JS) == expected, rel
    page.goto(site_url + f"{REPORT_ID}/figures.html")
    shown = [
        [row["label"] for row in t["rows"] if not row["part"]]
        for t in page.evaluate(FIGURE_ROWS_JS)
    ]
    assert shown == [e["labels"] for e in expected]
    page.close()
