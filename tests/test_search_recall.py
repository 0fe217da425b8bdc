"""Search finds what find-in-page finds (issue 22), in Chromium, through search.js.

From the indexed text of each built site (the default report, and a synthetic
collection spread over several search shards), 300 substrings of two to six Han
characters are sampled, each within one block of text. Each is typed into the search
page's box; every page whose indexed text holds it must be among the results, all result
pages included. Then again with an ``Intl.Segmenter`` that splits words differently (in
the page and in Pagefind's worker): the same results.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from rectify_site.build.pipeline import build_site

from conftest import CONTENT, TEMPLATES, serve_folder

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HAN = re.compile("[\u3005\u3007\u3400-\u4dbf\u4e00-\u9fff]+")
INLINE = set(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "data",
        "dfn",
        "em",
        "i",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
        "wbr",
    ]
)
UNINDEXED = {"script", "style", "svg", "template", "noscript", "textarea", "label", "form"}
UNINDEXED |= {"nav", "footer", "iframe"}  # Pagefind leaves these out of a page's body


class _Blocks(HTMLParser):
    """The blocks of text Pagefind indexes: inside data-pagefind-body, outside
    data-pagefind-ignore and the elements Pagefind drops; inline tags do not split."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # tag, in body, ignored
        self.blocks: list[str] = []
        self.text: list[str] = []

    def _state(self) -> tuple[bool, bool]:
        return self.stack[-1][1:] if self.stack else (False, False)

    def _flush(self) -> None:
        text = "".join(self.text).strip()
        if text:
            self.blocks.append(text)
        self.text = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        body, ignored = self._state()
        names = dict(attrs)
        if tag not in INLINE:
            self._flush()
        if tag in ("br", "img", "input", "meta", "link", "hr", "wbr", "source"):
            return
        body = body or "data-pagefind-body" in names
        ignored = ignored or "data-pagefind-ignore" in names or tag in UNINDEXED
        self.stack.append((tag, body, ignored))

    def handle_endtag(self, tag: str) -> None:
        if tag not in INLINE:
            self._flush()
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        body, ignored = self._state()
        if body and not ignored:
            self.text.append(data)


def indexed_blocks(site: Path) -> dict[str, list[str]]:
    """Site path (as search links it, /report/page.html) -> its blocks of indexed text."""
    out = {}
    for path in sorted(site.rglob("*.html")):
        if "pagefind" in path.relative_to(site).parts:
            continue
        parser = _Blocks()
        parser.feed(path.read_text("utf-8"))
        if parser.blocks:
            out["/" + path.relative_to(site).as_posix()] = parser.blocks
    return out


def sample(blocks: dict[str, list[str]], n: int, seed: int) -> list[str]:
    runs = sorted({run for bs in blocks.values() for b in bs for run in HAN.findall(b)})
    runs = [r for r in runs if len(r) >= 2]
    rnd = random.Random(seed)
    queries: list[str] = []
    while len(queries) < n:
        run = rnd.choice(runs)
        size = rnd.randint(2, min(6, len(run)))
        start = rnd.randint(0, len(run) - size)
        q = run[start : start + size]
        if q not in queries:
            queries.append(q)
    return queries


def expected(blocks: dict[str, list[str]], query: str) -> set[str]:
    return {url for url, bs in blocks.items() if any(query in b for b in bs)}


SEARCH_ALL = """async (queries) => {
  const form = document.querySelector('.search-page-form');
  const input = form.querySelector('input[name=q]');
  const status = document.querySelector('.search-status');
  const pager = document.querySelector('.search-pager');
  const next = pager.querySelectorAll('button')[1];
  const settle = async () => {
    for (let i = 0; i < 2000 && (status.textContent === '正在搜索…' || !status.textContent); i++)
      await new Promise((r) => setTimeout(r, 5));
  };
  const out = {};
  for (const q of queries) {
    input.value = q;
    form.requestSubmit();
    await settle();
    const urls = new Set();
    for (let page = 0; page < 200; page++) {
      for (const a of document.querySelectorAll('.search-results h3 a')) urls.add(a.pathname);
      if (pager.hidden || next.hidden) break;
      next.click();
      await settle();
    }
    out[q] = [...urls];
  }
  return out;
}"""
"""Types each query into the search page's box and reads every result page."""

ODD_SEGMENTER = """(() => {
  const Real = Intl.Segmenter;
  class Odd {
    constructor(locale, options) {
      this.real = new Real(locale, options);
      this.word = (options || {}).granularity === 'word';
    }
    segment(text) {
      if (!this.word) return this.real.segment(text);
      const chars = [...text];
      const out = [];
      let index = 0;
      for (let k = 0; k < chars.length;) {
        const n = k % 3 === 0 ? 1 : 3;  // 营 / 商环境 / …: not how any dictionary splits
        const segment = chars.slice(k, k + n).join('');
        out.push({ segment, index, input: text, isWordLike: true });
        index += segment.length;
        k += n;
      }
      return out;
    }
    resolvedOptions() { return this.real.resolvedOptions(); }
  }
  Intl.Segmenter = Odd;
})();"""
"""An Intl.Segmenter whose word boundaries are unlike any browser's."""


@pytest.fixture(scope="module", params=["default", "collection"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp(f"recall-{request.param}")
    content = CONTENT
    if request.param == "collection":
        from support import generate

        content = root / "content"
        generate.generate(8, content, seed=22)
    build_site(content, root / "_site", templates=TEMPLATES, search=True)
    if request.param == "collection":  # several shards
        assert len([p for p in (root / "_site" / "pagefind").iterdir() if p.is_dir()]) > 2
    return root / "_site"


DEFAULT_SITE_ONLY = pytest.mark.parametrize("built", ["default"], indirect=True)
"""For a test of the default report's own text: the collection is not built for it."""


@pytest.fixture(scope="module")
def site_url(built: Path) -> Iterator[str]:
    with serve_folder(built) as base:
        yield base


def _search(browser: Any, url: str, queries: list[str], odd: bool) -> dict[str, list[str]]:
    context = browser.new_context()
    if odd:
        context.add_init_script(ODD_SEGMENTER)

        def worker(route: Any) -> None:
            response = route.fetch()
            route.fulfill(response=response, body=ODD_SEGMENTER + "\n" + response.text())

        context.route("**/pagefind-worker.js", worker)
    page = context.new_page()
    page.goto(url + "search.html")
    if odd:  # the stub is in place
        split = page.evaluate(
            "[...new Intl.Segmenter('zh', {granularity: 'word'}).segment('营商环境建设')]"
            ".map(s => s.segment)"
        )
        assert split == ["营", "商环境", "建设"], split
    got: dict[str, list[str]] = page.evaluate(SEARCH_ALL, queries)
    context.close()
    return got


@pytest.mark.parametrize("odd", [False, True], ids=["chromium-segmenter", "odd-segmenter"])
def test_every_page_holding_a_sampled_substring_is_found(
    browser: Any, built: Path, site_url: str, odd: bool
) -> None:
    blocks = indexed_blocks(built)
    queries = sample(blocks, 300, seed=22)
    got = _search(browser, site_url, queries, odd)
    missed = {
        q: sorted(expected(blocks, q) - set(got[q]))
        for q in queries
        if expected(blocks, q) - set(got[q])
    }
    pairs = sum(len(expected(blocks, q)) for q in queries)
    assert missed == {}, f"{len(missed)} of 300 queries miss pages ({pairs} pairs): {missed}"
    # and what is found holds the query (find-in-page would find it there)
    wrong = {q: sorted(set(got[q]) - expected(blocks, q)) for q in queries}
    assert {q: w for q, w in wrong.items() if w} == {}


@DEFAULT_SITE_ONLY
def test_the_search_page_has_one_search_box_which_the_header_box_leads_to(
    browser: Any, site_url: str, built: Path
) -> None:
    page = browser.new_page()
    page.goto(site_url + "huangpu-12-2/full.html")
    page.locator(".site-header input[type=search]").fill("营商环境")
    page.locator(".site-header input[type=search]").press("Enter")
    page.locator(".search-status", has_text="找到").wait_for()
    assert page.locator("input[type=search]").count() == 1
    assert page.locator("input[type=search]").input_value() == "营商环境"
    page.close()


@DEFAULT_SITE_ONLY
def test_excerpts_are_whole_clauses_of_the_page_with_the_hit_marked(
    browser: Any, site_url: str, built: Path
) -> None:
    page = browser.new_page()
    page.goto(site_url + "search.html?q=营商环境")
    page.locator(".search-status", has_text="找到").wait_for()
    excerpts = page.locator(".search-results .excerpt").all_inner_texts()
    marks = page.locator(".search-results .excerpt mark").all_inner_texts()
    assert excerpts and set(marks) == {"营商环境"}
    assert "三是不断优化综合营商环境。" in excerpts  # the whole clause, as on the page
    for text in excerpts:
        assert ". " not in text  # no ASCII full stop inserted
        body = text.strip("…")
        assert not re.match(r"^[\d.%]", body) and not re.search(r"\d[.]?$", body), text
        blocks = [b for bs in indexed_blocks(built).values() for b in bs]
        assert any(body in b for b in blocks), text  # the page's own text
    page.close()


def test_pagefind_starts_loading_when_the_search_box_gets_focus(
    browser: Any, site_url: str
) -> None:
    page = browser.new_page()
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.goto(site_url + "search.html")
    page.wait_for_load_state("networkidle")
    assert not [u for u in asked if "pagefind" in u]  # nothing loaded before it is wanted
    page.locator(".search-page-form input[name=q]").focus()
    page.wait_for_event("request", lambda r: "pagefind" in r.url, timeout=15_000)
    page.close()


@DEFAULT_SITE_ONLY
def test_the_first_result_is_shown_while_the_others_data_is_still_coming(
    browser: Any, site_url: str, built: Path
) -> None:
    page = browser.new_page()
    passed: list[Any] = []
    held: list[Any] = []

    def fragment(route: Any) -> None:  # the first result's data comes, the rest waits
        (held if passed else passed).append(route)
        if len(passed) == 1 and not held:
            route.continue_()

    page.route("**/fragment/**", fragment)
    page.goto(site_url + "search.html?q=营商环境")
    page.locator(".search-results h3 a").first.wait_for(timeout=15_000)
    assert page.locator(".search-status").inner_text() == "正在搜索…"  # others not yet come
    assert held  # the second result's data had not come
    for route in held:
        route.continue_()
    page.unroute("**/fragment/**")
    page.locator(".search-status", has_text="找到").wait_for()
    assert page.locator(".search-results .excerpt").count() >= 2
    page.close()
