"""The site for older readers (适老化, issue 22): line breaking, figures, the tool bar.

Measured in Chromium from the outside: the lines a heading is set in, the order and
columns of the figures, and the tool bar's sizes, colours, keyboard path and speech.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup

from rectify_site.site.linebreaks import unbroken_tail

from conftest import REPORT_ID, axe_violations


def _pages(site: Path) -> list[str]:
    """Every page; 404.html links from the base URL's path (/rectify/), not served here."""
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if "pagefind" not in p.relative_to(site).parts and p.name != "404.html"
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


# --- item 5: the 阅读辅助 tool bar ----------------------------------------------------------

KEY = "rectify-site:reading"
TOOLS = ["smaller", "larger", "contrast", "spacing", "cursor", "reset"]
SPEECH = ["read", "pause", "stop"]
THEMES = {
    "default": {},
    "contrast": {"contrast": True},
    "contrast-200": {"contrast": True, "size": 4},
    "default-200": {"size": 4},
    "spacing-cursor-150": {"spacing": True, "cursor": True, "size": 2},
}


def speech_stub(voices: list[dict[str, str]] | None) -> str:
    """A speechSynthesis with ``voices`` that records what it is asked (None: no API)."""
    if voices is None:
        return (
            "Object.defineProperty(window, 'speechSynthesis', {value: undefined});"
            "Object.defineProperty(window, 'SpeechSynthesisUtterance', {value: undefined});"
        )
    return """(() => {
  const log = {spoken: [], calls: []}; window.__speech = log;
  const synth = { paused: false, getVoices: () => VOICES,
    speak(u) { log.spoken.push({text: u.text, lang: u.lang, voice: u.voice && u.voice.name}); },
    pause() { this.paused = true; log.calls.push('pause'); },
    resume() { this.paused = false; log.calls.push('resume'); },
    cancel() { this.paused = false; log.calls.push('cancel'); },
    addEventListener() {}, removeEventListener() {} };
  Object.defineProperty(window, 'speechSynthesis', {value: synth, configurable: true});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
})();""".replace("VOICES", __import__("json").dumps(voices))


ZH_VOICE = [{"name": "stub-zh", "lang": "zh-CN"}]


@pytest.fixture
def reader(browser: Any) -> Iterator[Any]:
    """New pages in a context of their own: settings stored, a speech stub, a width."""
    contexts = []

    def make(
        settings: dict[str, Any] | None = None,
        voices: list[dict[str, str]] | None = None,
        width: int = 1280,
        **kw: Any,
    ) -> Any:
        context = browser.new_context(viewport={"width": width, "height": 900}, **kw)
        contexts.append(context)
        if settings is not None:
            value = json.dumps(json.dumps(settings))
            context.add_init_script(f"localStorage.setItem({KEY!r}, {value});")
        context.add_init_script(speech_stub(voices))
        return context.new_page()

    yield make
    for c in contexts:
        c.close()


CONTRAST_JS = """() => {
  const rgb = s => { const m = s.match(/[\\d.]+/g).map(Number);
    return [m[0], m[1], m[2], m[3] ?? 1]; };
  const lum = ([r, g, b]) => { const f = c => { c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05); };
  const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3]));
  const behind = el => { const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor); if (c[3] > 0) layers.push(c);
      if (c[3] === 1) break; }
    return layers.reverse().reduce((acc, c) => over(c, acc), [255, 255, 255]); };
  const hidden = el => { for (let e = el; e; e = e.parentElement)
    if (getComputedStyle(e).clipPath === 'inset(50%)') return true; return false; };
  const low = [];
  let texts = 0;
  for (const el of document.querySelectorAll('body, body *')) {
    if (el.closest('svg') || !el.getClientRects().length || hidden(el)) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.data.trim());
    if (!own || getComputedStyle(el).visibility !== 'visible') continue;
    texts++;
    const c = rgb(getComputedStyle(el).color); const bg = behind(el);
    const r = ratio(over(c, bg), bg);
    if (r < 7) low.push([el.outerHTML.slice(0, 60), r.toFixed(2)]);
  }
  // the charts: the drawn part against its track and against what is behind the bar
  for (const fill of document.querySelectorAll('.bar-fill')) {
    const track = fill.parentElement.querySelector('.bar-track');
    const f = rgb(getComputedStyle(fill).fill), t = rgb(getComputedStyle(track).fill);
    const bg = behind(fill.closest('svg'));
    for (const [what, r] of [['track', ratio(f, t)], ['background', ratio(f, bg)]])
      if (r < 7) low.push(['bar against its ' + what, r.toFixed(2)]);
  }
  return {texts, low};
}"""

FOCUS_JS = """() => {
  const rgb = s => s.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => { const f = c => { c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05); };
  const behind = el => { for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor); if ((c[3] ?? 1) > 0) return c; }
    return [255, 255, 255]; };
  const bad = [];
  const all = [...document.querySelectorAll('a[href], button, input, select, [tabindex="0"]')]
    .filter(e => e.getClientRects().length && getComputedStyle(e).visibility === 'visible');
  for (const el of all) {
    el.focus();
    const s = getComputedStyle(el);
    const r = ratio(rgb(s.outlineColor), behind(el.parentElement));
    if (s.outlineStyle === 'none' || parseFloat(s.outlineWidth) < 2 || r < 7)
      bad.push([el.outerHTML.slice(0, 60), s.outlineStyle, s.outlineWidth, r.toFixed(2)]);
  }
  return {count: all.length, bad};
}"""


@pytest.mark.parametrize("size", [0, 4], ids=["100%", "200%"])
@pytest.mark.browser
@pytest.mark.slow
def test_high_contrast_puts_every_text_at_7_to_1_or_more(
    reader: Any, built_site: Path, site_url: str, size: int
) -> None:
    page = reader({"contrast": True, "size": size}, voices=ZH_VOICE)
    low: dict[str, Any] = {}
    rels = [*_pages(built_site), "search.html?q=营商环境"]
    for rel in rels:
        page.goto(site_url + rel)
        if rel.startswith("search.html?"):
            page.wait_for_selector("main mark")  # hits highlighted
        assert page.evaluate("document.documentElement.classList.contains('contrast')")
        page.keyboard.press("Tab")  # keyboard use, so that focus() shows the focus ring
        found = page.evaluate(CONTRAST_JS)
        assert found["texts"] > 10, rel
        focus = page.evaluate(FOCUS_JS)
        assert focus["count"] > 5, rel
        if found["low"] or focus["bad"]:
            low[rel] = found["low"][:5] + focus["bad"][:5]
    assert low == {}
    # links, marks and the charts were among what was measured
    page.goto(site_url + "index.html")
    assert page.locator(".bar-fill").count() >= 2 and page.locator("main a[href]").count() > 5


SIZE_JS = "parseFloat(getComputedStyle(document.querySelector('main .body')).fontSize)"


@pytest.mark.browser
@pytest.mark.slow
def test_text_size_goes_up_in_four_steps_to_200_percent_and_18_px_without_javascript(
    reader: Any, browser: Any, site_url: str
) -> None:
    full = site_url + f"{REPORT_ID}/full.html"
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(full)
    assert plain.evaluate(SIZE_JS) == 18
    assert not plain.locator(".reading-tools").is_visible()
    context.close()
    page = reader()
    page.goto(full)
    sizes = [page.evaluate(SIZE_JS)]
    for _ in range(4):
        page.click("[data-tool=larger]")
        sizes.append(page.evaluate(SIZE_JS))
    assert sizes == [18, 22.5, 27, 31.5, 36]
    assert page.locator(".size-value").inner_text() == "200%"
    assert page.get_attribute("[data-tool=larger]", "aria-disabled") == "true"
    page.click("[data-tool=larger]", force=True)  # no further than 200 % (aria-disabled)
    assert page.evaluate(SIZE_JS) == 36
    # the page still fits a phone at 200 %: nothing scrolls sideways
    page.set_viewport_size({"width": 320, "height": 700})
    wide = "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    for rel in ("index.html", f"{REPORT_ID}/full.html", f"{REPORT_ID}/figures.html"):
        page.goto(site_url + rel)
        assert not page.evaluate(wide), rel
    page.goto(full)
    page.click("[data-tool=smaller]")
    assert page.evaluate(SIZE_JS) == 31.5
    page.click("[data-tool=reset]")
    assert page.evaluate(SIZE_JS) == 18


SPACING_JS = """() => {
  const tight = [];
  for (const el of document.querySelectorAll('main *')) {
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.data.trim())) continue;
    if (!el.getClientRects().length) continue;
    const s = getComputedStyle(el);
    if (s.display === 'inline') continue;  // its line box is its block's
    const ratio = parseFloat(s.lineHeight) / parseFloat(s.fontSize);
    if (!(ratio >= 1.5)) tight.push([el.outerHTML.slice(0, 50), s.lineHeight, s.fontSize]);
  }
  // consecutive paragraphs: from one paragraph's last line to the next one's first line
  // is at least 1.3 times the distance between lines
  const paragraphs = [];
  for (const p of document.querySelectorAll('main p.body, main p.item')) {
    const next = p.nextElementSibling;
    if (!next || !next.matches('p.body, p.item')) continue;
    const line = parseFloat(getComputedStyle(p).lineHeight);
    const gap = next.getBoundingClientRect().top - p.getBoundingClientRect().bottom;
    paragraphs.push((line + gap) / line);
  }
  return {tight, paragraphs};
}"""


@pytest.mark.parametrize("theme", list(THEMES))
@pytest.mark.browser
@pytest.mark.slow
def test_lines_are_1_5_apart_and_paragraphs_further_in_every_theme(
    reader: Any, site_url: str, theme: str
) -> None:
    page = reader(THEMES[theme])
    for rel in ("index.html", f"{REPORT_ID}/full.html", f"{REPORT_ID}/categories/development.html"):
        page.goto(site_url + rel)
        found = page.evaluate(SPACING_JS)
        assert found["tight"] == [], rel
        if rel.endswith("full.html"):
            assert len(found["paragraphs"]) > 10
            assert min(found["paragraphs"]) >= 1.3, rel
    if THEMES[theme].get("spacing"):
        line = page.evaluate(
            "(() => { const s = getComputedStyle(document.querySelector('main .body'));"
            " return parseFloat(s.lineHeight) / parseFloat(s.fontSize); })()"
        )
        assert line >= 2.2


@pytest.mark.browser
@pytest.mark.slow
def test_large_cursor_is_the_sites_own_48_px_image(reader: Any, site_url: str) -> None:
    page = reader()
    page.goto(site_url + "index.html")
    cursor = "sel => getComputedStyle(document.querySelector(sel)).cursor"
    assert "svg" not in page.evaluate(cursor, "main p")
    page.click("[data-tool=cursor]")
    assert page.get_attribute("[data-tool=cursor]", "aria-pressed") == "true"
    found = {sel: page.evaluate(cursor, sel) for sel in ("main p", "main a[href]", "header input")}
    assert "cursor.svg" in found["main p"]
    assert "cursor-link.svg" in found["main a[href]"]
    assert "cursor-text.svg" in found["header input"]
    for value in found.values():  # from this site, and a real 48 px (or larger) image
        src = value.split('"')[1]
        assert src.startswith(site_url), src
        size = page.evaluate(
            """src => new Promise(ok => { const i = new Image();
                 i.onload = () => ok([i.naturalWidth, i.naturalHeight]); i.onerror = () => ok(null);
                 i.src = src; })""",
            src,
        )
        assert size is not None and max(size) >= 48, (src, size)


FOCUSED_JS = """() => { const e = document.activeElement; const s = getComputedStyle(e);
  return [e.dataset.tool || e.className, s.outlineStyle, parseFloat(s.outlineWidth)]; }"""


@pytest.mark.browser
@pytest.mark.slow
def test_keyboard_reaches_and_works_every_tool_from_the_top_of_the_page(
    reader: Any, site_url: str
) -> None:
    page = reader(voices=ZH_VOICE)
    page.goto(site_url + f"{REPORT_ID}/full.html")
    order = []
    for _ in range(1 + len(TOOLS) + len(SPEECH) + 1):
        page.keyboard.press("Tab")
        name, style, width = page.evaluate(FOCUSED_JS)
        assert style != "none" and width >= 2, f"no visible focus on {name}"
        order.append(name)
    assert order == ["skip-link", *TOOLS, *SPEECH, "site-name"]
    # each works from the keyboard, Enter and Space alike
    page.focus("[data-tool=larger]")
    page.keyboard.press("Enter")
    page.keyboard.press(" ")
    assert page.locator(".size-value").inner_text() == "150%"
    assert page.evaluate(SIZE_JS) == 27
    for name, cls in (("contrast", "contrast"), ("spacing", "spacious"), ("cursor", "big-cursor")):
        page.focus(f"[data-tool={name}]")
        page.keyboard.press("Enter")
        assert page.get_attribute(f"[data-tool={name}]", "aria-pressed") == "true"
        assert page.evaluate(f"document.documentElement.classList.contains('{cls}')")
    page.focus("[data-tool=smaller]")
    page.keyboard.press(" ")
    assert page.locator(".size-value").inner_text() == "125%"
    page.focus("[data-tool=reset]")
    page.keyboard.press("Enter")
    assert page.evaluate("document.documentElement.className.split(' ').sort()") == sorted(
        ["js", "search-ok", "speech-ok"]
    )
    assert page.locator(".size-value").inner_text() == "100%"
    # nothing moves: no animation or transition anywhere
    moving = page.evaluate(
        "[...document.querySelectorAll('*')].filter(e => { const s = getComputedStyle(e);"
        " return s.animationName !== 'none' || parseFloat(s.transitionDuration) > 0; }).length"
    )
    assert moving == 0


@pytest.mark.browser
@pytest.mark.slow
def test_read_aloud_speaks_the_page_or_the_selection_in_chinese_with_pause_and_stop(
    reader: Any, site_url: str
) -> None:
    page = reader(voices=[{"name": "stub-en", "lang": "en-US"}, *ZH_VOICE])
    page.goto(site_url + f"{REPORT_ID}/full.html")
    for name in SPEECH:
        assert page.locator(f"[data-tool={name}]").is_visible(), name
    assert page.get_attribute("[data-tool=stop]", "aria-disabled") == "true"
    page.click("[data-tool=read]")
    spoken = page.evaluate("window.__speech.spoken")
    assert spoken and {s["lang"] for s in spoken} == {"zh-CN"}
    assert {s["voice"] for s in spoken} == {"stub-zh"}
    text = "".join(s["text"] for s in spoken)
    assert "营商环境" in text and text.startswith("中共上海市黄浦区委员会")
    assert max(len(s["text"]) for s in spoken) <= 240  # in pieces engines do not cut off
    page.click("[data-tool=pause]")
    assert page.locator("[data-tool=pause]").inner_text() == "继续"
    page.click("[data-tool=pause]")
    page.click("[data-tool=stop]")
    assert page.evaluate("window.__speech.calls").count("cancel") >= 2
    assert page.evaluate("window.__speech.calls")[-3:] == ["pause", "resume", "cancel"]
    assert page.get_attribute("[data-tool=stop]", "aria-disabled") == "true"
    # the selected text only
    page.evaluate(
        "() => { const h = document.querySelector('#main h2'); const r = document.createRange();"
        " r.selectNodeContents(h); getSelection().removeAllRanges(); getSelection().addRange(r); }"
    )
    heading = page.locator("#main h2").first.inner_text()
    page.evaluate("window.__speech.spoken.length = 0")
    page.focus("[data-tool=read]")
    page.keyboard.press("Enter")
    assert "".join(s["text"] for s in page.evaluate("window.__speech.spoken")) == heading


@pytest.mark.parametrize(
    "voices", [None, [], [{"name": "stub-en", "lang": "en-US"}]], ids=["no-api", "none", "en"]
)
@pytest.mark.browser
@pytest.mark.slow
def test_read_aloud_is_hidden_where_the_browser_has_no_chinese_voice(
    reader: Any, site_url: str, voices: Any
) -> None:
    page = reader({"speech": True}, voices=voices)  # even if a voice was there last time
    page.goto(site_url + "index.html")
    for name in SPEECH:
        assert not page.locator(f"[data-tool={name}]").is_visible(), name
    for name in TOOLS:
        assert page.locator(f"[data-tool={name}]").is_visible(), name


FIRST_FRAME = """requestAnimationFrame(() => { window.__first = {
  classes: document.documentElement.className,
  size: getComputedStyle(document.documentElement).fontSize }; });"""


@pytest.mark.browser
@pytest.mark.slow
def test_settings_survive_a_reload_and_apply_before_the_first_paint(
    reader: Any, built_site: Path, site_url: str
) -> None:
    # a blocking script file in <head>, no inline script (CSP script-src 'self')
    html = (built_site / "index.html").read_text("utf-8")
    head = html.split("</head>")[0]
    blocking = [t for t in head.split("<script")[1:] if "defer" not in t.split(">")[0]]
    assert len(blocking) == 1 and 'src="assets/site.' in blocking[0]
    assert "<script>" not in html and "script-src 'self'" in head
    page = reader(voices=ZH_VOICE)
    page.context.add_init_script(FIRST_FRAME)
    page.goto(site_url + "index.html")
    for name in ("larger", "larger", "contrast", "spacing", "cursor"):
        page.click(f"[data-tool={name}]")
    for rel in ("index.html", f"{REPORT_ID}/full.html", "search.html"):
        page.goto(site_url + rel)
        first = page.evaluate("window.__first")
        assert set(first["classes"].split()) >= {"size-2", "contrast", "spacious", "big-cursor"}
        assert first["size"] == "27px", rel
        assert page.locator(".size-value").inner_text() == "150%"
        for name in ("contrast", "spacing", "cursor"):
            assert page.get_attribute(f"[data-tool={name}]", "aria-pressed") == "true"
    page.reload()
    assert "size-2" in page.evaluate("window.__first").get("classes", "")
    # the earlier 大字号 switch's setting is read as one step up
    old = reader()
    old.context.add_init_script("localStorage.setItem('rectify-site:larger-text', '1');")
    old.goto(site_url + "index.html")
    assert old.locator(".size-value").inner_text() == "125%"


@pytest.mark.parametrize("theme", list(THEMES))
@pytest.mark.browser
@pytest.mark.slow
def test_axe_finds_no_violation_on_any_page_in_any_theme_and_size(
    reader: Any, built_site: Path, site_url: str, theme: str
) -> None:
    page = reader(THEMES[theme], voices=ZH_VOICE)
    found = {}
    for rel in [*_pages(built_site), "search.html?q=营商环境"]:
        page.goto(site_url + rel)
        if rel.startswith("search.html?"):
            page.wait_for_selector("main mark")
        if violations := axe_violations(page):
            found[rel] = violations
    assert found == {}
