"""Collection pages: by round, by issuer, an issuer's series and what changed since last time.

Checked on a generated corpus (many reports, several per issuer) and on the real content
(one report, whose home page stays the single-report page).
"""

from __future__ import annotations

import itertools
import posixpath
import re
from pathlib import Path

import pytest

from rectify_site.build.pipeline import build_site
from rectify_site.load.collection import load_collection
from rectify_site.model.collection import Collection
from rectify_site.model.report import Figure, Report
from rectify_site.site.urls import issuer_slug, round_slug

from conftest import REPORT_ID, TEMPLATES
from htmltext import links_and_ids, visible_text
from support import generate

N = 14


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Collection, Path]:
    root = tmp_path_factory.mktemp("collection")
    content = root / "content"
    generate.generate(N, content, seed=3)
    out = root / "_site"
    build_site(content, out, templates=TEMPLATES, base_url="https://example.org/")
    return load_collection(content), out


def text(site: Path, rel: str) -> str:
    return visible_text((site / rel).read_text("utf-8"))


def newest_first(reports: list[Report]) -> list[Report]:
    return sorted(reports, key=lambda r: (r.inspection.feedback, r.published, r.id), reverse=True)


def series(c: Collection) -> dict[str, list[Report]]:
    out: dict[str, list[Report]] = {}
    for r in newest_first(c.reports):
        out.setdefault(r.issuer, []).append(r)
    return out


def positions(page: str, needles: list[str]) -> list[int]:
    found = [page.find(n) for n in needles]
    assert -1 not in found, [n for n, f in zip(needles, found, strict=True) if f < 0]
    return found


def test_index_lists_every_report_by_round_newest_first(corpus: tuple[Collection, Path]) -> None:
    c, site = corpus
    page = text(site, "index.html")
    rounds: dict[str, list[Report]] = {}
    for r in newest_first(c.reports):
        rounds.setdefault(r.inspection.round, []).append(r)
    assert len(rounds) > 1
    # rounds in order of their newest report, and reports newest first inside each
    assert positions(page, list(rounds)) == sorted(positions(page, list(rounds)))
    for reports in rounds.values():
        heads = [f"{r.issuer}{r.title}" for r in reports]
        assert positions(page, heads) == sorted(positions(page, heads))
    assert f"共 {N} 份通报" in page


def test_each_listed_report_shows_its_headline_figures(corpus: tuple[Collection, Path]) -> None:
    c, site = corpus
    page = re.sub(r"\s+", " ", text(site, "index.html"))
    for r in c.reports:
        # the report's own headline tallies, labels and units, and only its done statuses
        parts = []
        for f in r.figures.headlines():
            done = "".join(f"，{s.label} {n} {f.unit}" for s, n in r.figures.done_statuses(f))
            rate = f"，{f.rate.label} {f.rate.value}%" if f.rate else ""
            parts.append(f"{f.label} {f.total} {f.unit}{done}{rate}")
        assert parts and "；".join(parts) in page


def test_issuer_pages_list_their_reports_newest_first(corpus: tuple[Collection, Path]) -> None:
    c, site = corpus
    index = text(site, "issuers/index.html")
    for issuer, reports in series(c).items():
        assert f"{issuer}：{len(reports)} 份通报" in index
        page = text(site, f"issuers/{issuer_slug(issuer)}.html")
        titles = [r.title for r in reports]
        assert positions(page, titles) == sorted(positions(page, titles))
    assert any(len(rs) >= 3 for rs in series(c).values())


def test_round_pages_list_the_reports_of_their_round(corpus: tuple[Collection, Path]) -> None:
    c, site = corpus
    for r in c.reports:
        page = text(site, f"rounds/{round_slug(r.inspection.round)}.html")
        assert f"{r.issuer}{r.title}" in page
    kinds = {r.inspection.kind for r in c.reports}
    wanted = "按巡视巡察轮次浏览" if kinds == {"巡视", "巡察"} else f"按{kinds.pop()}轮次浏览"
    assert wanted in text(site, "rounds/index.html")


def test_report_links_to_the_other_reports_of_its_issuer(corpus: tuple[Collection, Path]) -> None:
    c, site = corpus
    for reports in series(c).values():
        for r in reports:
            html = (site / r.id / "index.html").read_text("utf-8")
            links = {href for _, href in links_and_ids(html)[0]}
            for other in reports:
                if other.id != r.id:
                    assert f"../{other.id}/index.html" in links
            assert f"../issuers/{issuer_slug(r.issuer)}.html" in links


def _figure(report: Report, path: str) -> Figure:
    return next(f for f in report.figures.all() if f.path == path)


def test_report_shows_how_figures_changed_since_the_previous(
    corpus: tuple[Collection, Path],
) -> None:
    c, site = corpus
    checked = 0
    for reports in series(c).values():
        for newer, older in itertools.pairwise(reports):
            page = re.sub(r"\s+", "", text(site, f"{newer.id}/index.html"))
            assert "与上次通报相比" in page
            assert f"上次通报：{older.title}" in page
            before = _figure(older, "problems").by_status.get("rectified")
            after = _figure(newer, "problems").by_status.get("rectified")
            if before is None or after is None:
                continue
            delta = after - before
            sign = "+" if delta > 0 else ""
            # a status says which total it is part of (issue 22)
            row = f"具体问题与整改措施：具体问题中已整改（项）{before}{after}{sign}{delta}"
            assert row in page
            checked += 1
        first = text(site, f"{reports[-1].id}/index.html")
        assert "与上次通报相比" not in first
    assert checked >= 3


def test_every_internal_link_resolves_on_the_collection(corpus: tuple[Collection, Path]) -> None:
    _, site = corpus
    for path in site.rglob("*.html"):
        rel = path.relative_to(site).as_posix()
        if rel == "404.html":
            continue  # links from the site root, checked elsewhere
        for _, href in links_and_ids(path.read_text("utf-8"))[0]:
            if href.startswith(("mailto:", "tel:", "http")):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), href.split("#")[0]))
            assert not href.startswith("/"), (rel, href)
            assert (site / target).exists(), (rel, href)


def test_slugs_are_url_safe_and_stable() -> None:
    slug = issuer_slug("中共上海市黄浦区委员会")
    assert re.fullmatch(r"issuer-[0-9a-f]{10}", slug)
    assert slug == issuer_slug("中共上海市黄浦区委员会")
    assert issuer_slug("中共上海市黄浦区委员会 ") != slug
    assert re.fullmatch(r"round-[0-9a-f]{10}", round_slug("十二届市委第二轮巡视"))


# --- the real content: one report ---------------------------------------------------


def test_real_report_has_issuer_and_round_pages(built_site: Path, collection: Collection) -> None:
    report = collection.reports[0]
    page = re.sub(r"\s+", " ", text(built_site, f"issuers/{issuer_slug(report.issuer)}.html"))
    assert "中共上海市黄浦区委员会" in page
    assert report.title in page
    assert "具体问题 57 项，已整改 48 项；整改措施 134 条，已完成 120 条" in page
    assert "反馈日期 2023年8月30日" in page
    rounds = text(built_site, f"rounds/{round_slug('十二届市委第二轮巡视')}.html")
    assert f"{report.issuer}{report.title}" in rounds
    assert "中共上海市黄浦区委员会：1 份通报" in text(built_site, "issuers/index.html")


def test_real_report_page_says_it_is_the_issuers_only_report(built_site: Path) -> None:
    page = text(built_site, f"{REPORT_ID}/index.html")
    assert "本机关暂无其他通报" in page
    assert "与上次通报相比" not in page
    html = (built_site / REPORT_ID / "index.html").read_text("utf-8")
    links = {href for _, href in links_and_ids(html)[0]}
    assert f"../issuers/{issuer_slug('中共上海市黄浦区委员会')}.html" in links


def test_real_home_page_stays_the_single_report_page(built_site: Path) -> None:
    page = text(built_site, "index.html")
    assert "阅读通报全文" in page
    assert "按巡视轮次" not in page


@pytest.mark.slow
def test_parsing_in_windows_of_workers_loads_what_one_process_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reports parsed by workers a window at a time come back in order, each the report
    one process loads (a window smaller than the collection, several of them)."""
    from rectify_site.load import collection
    from rectify_site.workers import JOBS_ENV

    content = tmp_path / "content"
    generate.generate(collection.PARALLEL_MIN_REPORTS + 5, content, seed=3)
    monkeypatch.setattr(collection, "PARSE_WINDOW", 16)
    monkeypatch.setenv(JOBS_ENV, "2")
    windows = load_collection(content)
    monkeypatch.setenv(JOBS_ENV, "1")
    alone = load_collection(content)
    assert [r.id for r in windows.reports] == [r.id for r in alone.reports]
    assert [r.model_dump() for r in windows.reports] == [r.model_dump() for r in alone.reports]
