"""The public site as people use it, in a real browser: search, accessibility, mobile, print.

One search-enabled build of the real content is served at the root, and one under a
subpath (/sub/, built with --base-url), each once per session; one Chromium for all.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rectify_site.build.pipeline import build_site
from rectify_site.build.search import shard_of

from conftest import (
    CHROMIUM,
    CONTENT,
    REPORT_ID,
    SEED,
    TEMPLATES,
    axe_violations,
    edit,
    need,
    serve_folder,
)
from htmltext import squash

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SEARCHES = [
    ("旧改征收", "categories/integrity.html", "relocation-integrity"),
    ("营商环境", "categories/development.html", "growth-drivers"),
    ("垃圾分类", "categories/governance.html", "fine-governance"),
    ("零距离家园", "categories/organisation.html", "party-building"),
]

NAV_TEXT = ["跳到正文", "按问题大类浏览", "高对比度", "恢复默认", "开放数据", "数据下载", "概览"]
"""Words that only navigation, tools and footers carry: none may reach the PDF."""


@pytest.fixture(scope="session")
def search_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real content built with its Pagefind index, as `python build.py` makes it."""
    out = tmp_path_factory.mktemp("search") / "_site"
    build_site(CONTENT, out, templates=TEMPLATES, search=True)
    assert (out / "pagefind" / shard_of(REPORT_ID) / "pagefind.js").is_file()
    return out


@pytest.fixture(scope="session")
def url(search_site: Path) -> Iterator[str]:
    with serve_folder(search_site) as base:
        yield base


@pytest.fixture(scope="session")
def sub_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site published under a subpath: served from a parent folder at /sub/."""
    root = tmp_path_factory.mktemp("subpath")
    build_site(CONTENT, root / "sub", templates=TEMPLATES, base_url="https://example.org/sub/")
    with serve_folder(root) as base:
        yield base + "sub/"


def _pages(site: Path) -> list[str]:
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if "pagefind" not in p.relative_to(site).parts
    )


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=1)
    pg = context.new_page()
    yield pg
    context.close()


# --- accessibility ---------------------------------------------------------------------


def test_axe_finds_no_violation_on_any_page(page: Any, search_site: Path, url: str) -> None:
    found: dict[str, list[str]] = {}
    for rel in _pages(search_site):
        page.goto(url + rel)
        if violations := axe_violations(page):
            found[rel] = violations
    # the search page with results shown, and with the larger text switched on
    page.goto(url + "search.html?q=营商环境")
    page.wait_for_selector(".search-results li")
    if violations := axe_violations(page):
        found["search.html?q="] = violations
    page.click("[data-tool=larger]")
    page.goto(url + f"{REPORT_ID}/index.html")
    if violations := axe_violations(page):
        found["larger text"] = violations
    assert found == {}


def test_axe_finds_no_violation_at_375_px(phone: Any, search_site: Path, url: str) -> None:
    found: dict[str, list[str]] = {}
    for rel in _pages(search_site):
        phone.goto(url + rel)
        if violations := axe_violations(phone):
            found[rel] = violations
    assert found == {}


def test_tab_reaches_the_skip_link_first_and_it_moves_focus_to_main(
    page: Any, search_site: Path, url: str
) -> None:
    for rel in _pages(search_site):
        page.goto(url + rel)
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.className")
        assert focused == "skip-link", rel
        box = page.locator(".skip-link").bounding_box()
        assert box is not None and box["y"] >= 0, f"{rel}: skip link shown off screen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_every_focusable_control_shows_its_focus(page: Any, url: str) -> None:
    for rel in ("index.html", f"{REPORT_ID}/figures.html", "search.html"):
        page.goto(url + rel)
        seen = set()
        for _ in range(60):
            page.keyboard.press("Tab")
            info = page.evaluate(
                """() => { const e = document.activeElement; const s = getComputedStyle(e);
                  return [e.outerHTML.slice(0, 80), s.outlineStyle, parseFloat(s.outlineWidth),
                          s.boxShadow]; }"""
            )
            if info[0] in seen:
                break
            seen.add(info[0])
            if info[0].startswith("<body"):
                continue
            visible = (info[1] != "none" and info[2] >= 2) or info[3] != "none"
            assert visible, f"{rel}: no visible focus on {info[0]}"
        assert len(seen) > 5, rel


def test_larger_text_persists_across_reload(page: Any, url: str) -> None:
    # the 大字号 switch is now the tool bar's 放大 (tests/test_readers.py tests the rest)
    page.goto(url + f"{REPORT_ID}/full.html")
    size = "parseFloat(getComputedStyle(document.querySelector('.body')).fontSize)"
    before = page.evaluate(size)
    larger = page.locator("[data-tool=larger]")
    assert larger.is_visible() and page.locator(".size-value").inner_text() == "100%"
    larger.click()
    assert page.evaluate(size) > before
    page.reload()
    assert page.evaluate(size) > before
    assert page.locator(".size-value").inner_text() == "125%"
    page.goto(url + "index.html")  # and on every other page
    assert page.evaluate("document.documentElement.classList.contains('size-1')")
    page.locator("[data-tool=smaller]").click()
    page.goto(url + f"{REPORT_ID}/full.html")
    assert page.evaluate(size) == before


# --- mobile ------------------------------------------------------------------------------


def test_no_horizontal_scrolling_at_375_px(phone: Any, search_site: Path, url: str) -> None:
    wide = "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    for larger in (False, True):
        if larger:
            phone.goto(url + "index.html")
            phone.click("[data-tool=larger]")
        for rel in _pages(search_site):
            phone.goto(url + rel)
            assert not phone.evaluate(wide), f"{rel} scrolls sideways (larger text: {larger})"


def test_wide_tables_scroll_inside_their_own_box(phone: Any, url: str) -> None:
    phone.goto(url + f"{REPORT_ID}/figures.html")
    wraps = phone.locator(".table-wrap")
    assert wraps.count() >= 2
    for i in range(wraps.count()):
        assert wraps.nth(i).evaluate("e => getComputedStyle(e).overflowX") == "auto"
        assert wraps.nth(i).locator("table").count() == 1
    # a table far wider than the phone still leaves the page itself unscrolled
    phone.evaluate(
        "document.querySelector('.table-wrap table caption').textContent = '宽'.repeat(400);"
        "document.querySelector('.table-wrap th[scope=row]').style.whiteSpace = 'nowrap';"
        "document.querySelector('.table-wrap th[scope=row]').textContent = '宽'.repeat(80);"
    )
    assert phone.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert wraps.first.evaluate("e => e.scrollWidth > e.clientWidth")


TARGETS = """() => [...document.querySelectorAll('a[href], button, input, select, textarea')]
  .filter(e => e.offsetParent !== null || getComputedStyle(e).position === 'fixed')
  .filter(e => {  // WCAG 2.5.8 exempts links inside a line of running text
    const p = e.parentElement; const s = getComputedStyle(e);
    return !(s.display === 'inline' && p && /^(P|LI|DD|SPAN|TD)$/.test(p.tagName)
             && p.textContent.trim().length > e.textContent.trim().length + 1);
  })
  .map(e => { const r = e.getBoundingClientRect();
    return [e.outerHTML.slice(0, 70), r.width, r.height]; })
  .filter(([, w, h]) => w < 24 || h < 24)"""


def test_tap_targets_are_at_least_24_px(phone: Any, search_site: Path, url: str) -> None:
    small = {}
    for rel in _pages(search_site):
        phone.goto(url + rel)
        if found := phone.evaluate(TARGETS):
            small[rel] = found
    assert small == {}


def test_body_text_is_at_least_18_px(phone: Any, url: str) -> None:
    for rel in ("index.html", f"{REPORT_ID}/full.html", f"{REPORT_ID}/categories/development.html"):
        phone.goto(url + rel)
        sizes = phone.evaluate(
            "[...document.querySelectorAll('main p')].map(p => "
            "parseFloat(getComputedStyle(p).fontSize))"
        )
        assert sizes and min(sizes) >= 18, (rel, min(sizes))


# --- search ------------------------------------------------------------------------------

SEARCH_JS = """async (q) => {
  const form = document.querySelector('.search-page-form');
  const root = new URL(form.dataset.pagefind + '/', document.baseURI);
  const [first, ...rest] = form.dataset.shards.split(' ');
  const pf = await import(new URL(first + '/pagefind.js', root).href);
  await pf.init();
  for (const shard of rest) await pf.mergeIndex(new URL(shard + '/', root).href);
  const found = await pf.search(q);
  const data = await Promise.all(found.results.map(r => r.data()));
  return data.map(d => ({url: d.url, subs: d.sub_results.map(s => s.url),
                         report: d.meta.report, meta: d.meta}));
}"""
"""Every shard the search page lists, merged as search.js merges them."""


@pytest.mark.parametrize(("word", "target", "anchor"), SEARCHES)
def test_words_inside_sentences_find_the_page_and_the_anchor(
    page: Any, url: str, word: str, target: str, anchor: str
) -> None:
    page.goto(url + "search.html")
    results = page.evaluate(SEARCH_JS, word)
    pages = {r["url"]: r["subs"] for r in results}
    want = f"/{REPORT_ID}/{target}"
    assert want in pages, (word, list(pages))
    assert f"{want}#{anchor}" in pages[want]
    hit = next(r for r in results if r["url"] == want)
    assert hit["report"].startswith("中共上海市黄浦区委员会")  # hits carry the report's title
    # what the search page filters on: the issuer and the round of the report
    assert hit["meta"]["issuer"] == "中共上海市黄浦区委员会"
    assert hit["meta"]["round"] == "十二届市委第二轮巡视"
    # the aspect the anchor names holds the word
    page.goto(url + f"{REPORT_ID}/{target}")
    assert word in page.locator(f"section:has(> h2#{anchor})").inner_text().replace("”", "")


def test_search_box_on_a_page_leads_to_results_that_open_the_aspect(page: Any, url: str) -> None:
    errors: list[str] = []  # a CSP violation (say, Pagefind's WebAssembly) logs an error
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + f"{REPORT_ID}/categories/positioning.html")
    box = page.locator(".site-header input[type=search]")
    assert box.is_visible()
    box.fill("旧改征收")
    box.press("Enter")
    page.wait_for_selector(".search-results li")
    assert "找到" in page.locator(".search-status").inner_text()
    assert "中共上海市黄浦区委员会" in page.locator(".result-report").first.inner_text()
    link = page.locator(".search-results a[href$='#relocation-integrity']")
    assert link.count() == 1
    link.click()
    page.wait_for_url("**/integrity.html#relocation-integrity")
    assert page.locator("#relocation-integrity").is_visible()
    assert errors == []


def test_search_says_so_when_nothing_is_found(page: Any, url: str) -> None:
    page.goto(url + "search.html?q=qzxjvwk")
    page.locator(".search-status", has_text="没有找到").wait_for()
    assert page.locator(".search-results li").count() == 0


def test_search_works_under_a_subpath(page: Any, sub_url: str) -> None:
    page.goto(sub_url + "search.html?q=营商环境")
    page.wait_for_selector(".search-results li")
    href = page.locator(".search-results a[href*='#growth-drivers']").first.get_attribute("href")
    assert href == f"/sub/{REPORT_ID}/categories/development.html#growth-drivers"
    page.locator(".search-results a[href*='#growth-drivers']").first.click()
    page.wait_for_url("**/sub/**#growth-drivers")
    assert page.locator("h2#growth-drivers").is_visible()


# --- without JavaScript, WebAssembly or ES modules ----------------------------------------


def test_every_page_reads_fully_without_javascript(
    browser: Any, search_site: Path, url: str
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    for rel in _pages(search_site):
        page.goto(url + rel)
        assert page.locator("main h1").is_visible(), rel
        assert not page.locator(".site-header .search-box").is_visible(), rel
        fallback = page.locator(".site-header .search-fallback")
        assert fallback.is_visible() and fallback.inner_text() == "按问题大类浏览", rel
        assert not page.locator(".reading-tools").is_visible(), rel
    # the whole report text is there
    page.goto(url + f"{REPORT_ID}/full.html")
    text = squash(page.locator("main").inner_text())
    for line in SEED.read_text("utf-8").splitlines():
        assert squash(line) in text, line[:40]
    # on a report's page, the fallback link leads to that report's categories, all linked
    page.locator(".site-header .search-fallback").click()
    assert page.url.endswith(f"{REPORT_ID}/index.html#browse")
    assert page.locator("#browse").is_visible()
    assert page.locator("#browse .toc-categories > li > a").count() == 6
    # elsewhere, to the search page, which leads to every report (and so every category)
    page.goto(url + "data/index.html")
    page.locator(".site-header .search-fallback").click()
    assert page.url.endswith("search.html#browse")
    assert page.locator("#browse").is_visible()
    assert not page.locator(".search-ui").is_visible()
    assert page.locator(".search-unavailable").is_visible()
    page.locator(".browse-ways a", has_text="全部通报").click()
    assert page.locator("#browse .toc-categories > li > a").count() == 6
    context.close()


@pytest.mark.parametrize(
    "script",
    [
        "delete window.WebAssembly;",
        "Object.defineProperty(HTMLScriptElement.prototype, 'noModule', {value: undefined});"
        "delete HTMLScriptElement.prototype.noModule;",
    ],
    ids=["no-webassembly", "no-es-modules"],
)
def test_search_gives_way_to_the_category_list_in_limited_browsers(
    browser: Any, url: str, script: str
) -> None:
    context = browser.new_context()
    context.add_init_script(script)
    page = context.new_page()
    page.goto(url + "index.html")
    assert not page.locator(".site-header .search-box").is_visible()
    assert page.locator(".site-header .search-fallback").is_visible()
    page.goto(url + "search.html?q=营商环境")
    assert page.locator(".search-unavailable").is_visible()
    assert page.locator(".browse-ways > li").count() == 3
    page.locator(".browse-ways a", has_text="全部通报").click()
    assert page.locator("#browse .toc-categories > li").count() == 6
    context.close()


# --- weight and hosts ----------------------------------------------------------------------


def test_home_page_weighs_under_100_kb_and_asks_no_other_host(page: Any, url: str) -> None:
    sizes: dict[str, int] = {}
    hosts: set[str] = set()

    def seen(response: Any) -> None:
        hosts.add(re.sub(r"^(\w+://[^/]+)/.*$", r"\1", response.url))
        sizes[response.url] = len(response.body()) if response.status < 300 else 0

    page.on("response", seen)
    page.goto(url + "index.html", wait_until="networkidle")
    assert hosts == {url.rstrip("/")}
    assert 0 < sum(sizes.values()) < 100_000, sizes
    assert not any("pagefind" in u for u in sizes)  # search loads only when used


def test_content_security_policy_blocks_other_hosts(page: Any, search_site: Path, url: str) -> None:
    for rel in _pages(search_site):
        html = (search_site / rel).read_text("utf-8")
        assert '<meta http-equiv="Content-Security-Policy"' in html, rel
        assert "<script>" not in html and " style=" not in html, rel  # nothing inline
    page.goto(url + "search.html?q=垃圾分类")
    page.wait_for_selector(".search-results li")  # Pagefind's WebAssembly runs under it
    blocked = page.evaluate(
        """() => new Promise(resolve => {
          document.addEventListener('securitypolicyviolation', e => resolve(e.violatedDirective));
          const img = document.createElement('img');
          img.src = 'https://example.org/pixel.png';
          document.body.append(img);
          setTimeout(() => resolve(null), 3000);
        })"""
    )
    assert blocked is not None and blocked.startswith("img-src")


# --- print -------------------------------------------------------------------------------


def test_print_lays_the_report_out_on_a4_without_navigation(page: Any, url: str) -> None:
    need(_has_pypdf(), "pypdf is missing: pip install -e '.[test]'")
    import pypdf

    page.goto(url + f"{REPORT_ID}/full.html")
    pdf = pypdf.PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    pages = len(pdf.pages)
    assert 8 <= pages <= 30, pages
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = "\n".join(p.extract_text() for p in pdf.pages)
    for word in NAV_TEXT:
        assert word not in text, word
    assert "的通报" in pdf.pages[0].extract_text()
    assert "— 1 —" in pdf.pages[0].extract_text()
    assert f"— {pages} —" in pdf.pages[-1].extract_text()
    assert "邮政编码" in pdf.pages[-1].extract_text()


def test_print_uses_official_document_margins_and_type(page: Any, url: str) -> None:
    page.goto(url + f"{REPORT_ID}/full.html")
    page.emulate_media(media="print")
    style = page.evaluate(
        """() => { const b = getComputedStyle(document.querySelector('.body'));
          const h = getComputedStyle(document.querySelector('h1'));
          return [parseFloat(b.fontSize), h.textAlign,
                  getComputedStyle(document.querySelector('.site-header')).display]; }"""
    )
    assert abs(style[0] - 16 * 96 / 72) < 0.5  # 16 pt
    assert style[1] == "center"
    assert style[2] == "none"
    css = page.evaluate(
        "fetch(document.querySelector('link[rel=stylesheet]').href).then(r => r.text())"
    )
    assert "margin: 37mm 26mm 35mm 28mm" in css  # GB/T 9704: top 37, left 28 (A4 156 x 225)


def _has_pypdf() -> bool:
    try:
        import pypdf  # noqa: F401
    except ImportError:
        return False
    return True


def test_pdf_command_prints_the_report(cli: Any, tmp_path: Path) -> None:
    need(CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
    need(_has_pypdf(), "pypdf is missing: pip install -e '.[test]'")
    import pypdf

    out = tmp_path / "report.pdf"
    run = cli("pdf", REPORT_ID, "--out", out, timeout=180)
    assert run.code == 0, run.err
    pdf = pypdf.PdfReader(out)
    assert 8 <= len(pdf.pages) <= 30
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert not [w for w in NAV_TEXT if w in text]


def test_pdf_without_chromium_exits_2_and_says_what_to_install(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "no-such-chromium"))
    run = cli("pdf", "--out", tmp_path / "r.pdf")
    assert run.code == 2
    assert "apt-get install chromium" in run.err and "rectify-site[pdf]" in run.err
    assert not (tmp_path / "r.pdf").exists()


def test_pdf_names_the_reports_when_the_id_is_unknown(cli: Any, tmp_path: Path) -> None:
    need(CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
    run = cli("pdf", "no-such-report", "--out", tmp_path / "r.pdf")
    assert run.code == 2 and REPORT_ID in run.err


def test_pdf_asks_which_report_when_there_are_several(
    cli: Any, content_copy: Path, tmp_path: Path
) -> None:
    need(CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
    shutil.copytree(content_copy / REPORT_ID, content_copy / "second-copy")
    second = content_copy / "second-copy" / "report.yaml"  # a later round: one a round
    edit(second, "round: 十二届市委第二轮巡视", "round: 十二届市委第三轮巡视")
    run = cli("pdf", "--content", content_copy, "--out", tmp_path / "r.pdf")
    assert run.code == 2
    assert "请指定" in run.err and REPORT_ID in run.err and "second-copy" in run.err


# --- a collection in several shards ------------------------------------------------------


@pytest.fixture(scope="session")
def shards_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Six synthetic reports, spread over several search shards."""
    from support import generate

    root = tmp_path_factory.mktemp("shards")
    generate.generate(6, root / "content", seed=5)
    build_site(root / "content", root / "_site", templates=TEMPLATES, search=True)
    with serve_folder(root / "_site") as base:
        yield base


def test_search_from_a_report_takes_its_shard_first_then_all_and_filters(
    browser: Any, shards_url: str
) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(shards_url + "index.html")
    report = page.locator(".report-list a").first.get_attribute("href")
    assert report
    page.goto(shards_url + report)
    shard = page.locator(".site-header input[name=shard]").get_attribute("value")
    assert shard == shard_of(report.split("/")[0])
    page.locator(".site-header input[type=search]").fill("整改")
    page.locator(".site-header input[type=search]").press("Enter")
    page.locator(".search-status", has_text="找到").wait_for()
    assert "部分通报" in page.locator(".search-status").inner_text()
    mine = page.locator(".result-report").all_inner_texts()
    assert mine and all(shard_of(r) == shard for r in _report_ids(page))
    page.locator(".search-all").click()
    page.locator(".search-status", has_text="找到").wait_for()
    page.wait_for_function("!document.querySelector('.search-status').textContent.includes('部分')")
    assert {shard_of(r) for r in _report_ids(page)} != {shard}  # other shards' hits too
    issuer = page.locator("#filter-issuer option").nth(1).get_attribute("value")
    assert issuer
    page.locator("#filter-issuer").select_option(issuer)
    page.wait_for_function(
        "(i) => { const r = [...document.querySelectorAll('.result-report')];"
        " return r.length > 0 && r.every(p => p.textContent.startsWith(i)); }",
        arg=issuer,
    )
    assert page.locator(".search-results > li").count() > 0
    assert errors == []
    page.close()


def _report_ids(page: Any) -> list[str]:
    hrefs = page.locator(".search-results h2 a").evaluate_all("as => as.map(a => a.pathname)")
    return [h.strip("/").split("/")[0] for h in hrefs]
