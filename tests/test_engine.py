"""The engine (build/stream.py): a report at a time through load and render, the parent
holding summaries, the same bytes as the in-memory path whatever the number of workers."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from rectify_site.build import cache as cache_module
from rectify_site.build.cache import cache_dir_for
from rectify_site.build.output import Outputs
from rectify_site.build.pipeline import build_site, load_site, render_site
from rectify_site.errors import ContentError
from rectify_site.load import collection as loader
from rectify_site.workers import JOBS_ENV, can_fork

from conftest import TEMPLATES, edit
from support import generate

N = 30
"""Reports: more than stream.PARALLEL_MIN_REPORTS, so that two jobs fork."""

SHAPES = Path(__file__).resolve().parent / "shapes"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = tmp_path_factory.mktemp("engine") / "content"
    generate.generate(N, content, seed=5)
    return content


def _files(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".rectify-cache" not in p.parts
    }


def _build(content: Path, out: Path, **options: object) -> dict[str, bytes]:
    build_site(content, out, templates=TEMPLATES, search=False, compress=False, **options)
    return _files(out)


def _pages(files: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in files.items() if k.endswith(".html")}


@pytest.mark.skipif(not can_fork(), reason="no fork on this platform")
def test_two_workers_make_the_bytes_one_process_makes(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(JOBS_ENV, "1")
    alone = _build(corpus, tmp_path / "one", base_url="https://example.org/")
    monkeypatch.setenv(JOBS_ENV, "2")
    forked = _build(corpus, tmp_path / "two", base_url="https://example.org/")
    assert len(alone) > N * 5
    differ = [k for k in alone.keys() | forked.keys() if alone.get(k) != forked.get(k)]
    assert not differ, differ[:5]


@pytest.mark.skipif(not can_fork(), reason="no fork on this platform")
def test_the_workers_write_their_pages_the_parent_never_holds_them(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With workers, each report's pages go from the worker that made them into the spool
    (the staging area the write links into the output): the parent learns their names,
    not their bytes, and the site is the one a single process makes in memory."""
    monkeypatch.setenv(JOBS_ENV, "1")
    alone = _build(corpus, tmp_path / "one")
    held: list[str] = []
    adopted: list[str] = []
    real_set, real_adopt = Outputs.__setitem__, Outputs.adopt

    def setitem(self: Outputs, rel: str, data: bytes) -> None:
        held.append(rel)
        real_set(self, rel, data)

    def adopt(self: Outputs, rel: str, name: str) -> None:
        adopted.append(rel)
        real_adopt(self, rel, name)

    monkeypatch.setattr(Outputs, "__setitem__", setitem)
    monkeypatch.setattr(Outputs, "adopt", adopt)
    monkeypatch.setenv(JOBS_ENV, "2")
    forked = _build(corpus, tmp_path / "two")
    own = {k for k in forked if k.endswith(("/full.html", "/figures.html", "/report.json"))}
    assert len(own) == 3 * N
    assert own <= set(adopted) and not own & set(held)
    assert forked == alone
    assert list((cache_dir_for(tmp_path / "two") / "spool").iterdir()) == []


@pytest.mark.parametrize(
    "where",
    ["generated", *sorted(p.name for p in SHAPES.iterdir() if (p / "content").is_dir())],
)
def test_a_build_shows_what_the_in_memory_path_renders(
    where: str, corpus: Path, tmp_path: Path
) -> None:
    """Every page as render_site (which loads whole models) makes it: the xuncha shape has
    no site name, so the name comes from its reports' kind, known only once they load."""
    content = corpus if where == "generated" else SHAPES / where / "content"
    built = _pages(_build(content, tmp_path / "_site"))
    rendered, _ = render_site(load_site(content), theme=TEMPLATES)
    assert built == _pages(rendered)


def test_the_parent_holds_summaries_not_whole_reports(corpus: Path, tmp_path: Path) -> None:
    result = build_site(corpus, tmp_path / "_site", templates=TEMPLATES, search=False)
    assert result.collection is not None
    reports = result.collection.reports
    assert len(reports) == N
    assert all(r.nodes() for r in reports)  # the headings stay: the home page lists them
    assert not any(n.paragraphs or n.actions or n.tables for r in reports for n in r.nodes())
    full = (tmp_path / "_site" / reports[0].id / "full.html").read_text("utf-8")
    whole = next(r for r in load_site(corpus).reports if r.id == reports[0].id)
    first = next(n for n in whole.nodes() if n.paragraphs)
    assert first.paragraphs[0][:12] in full  # the pages were made from the whole report


def test_an_edit_loads_only_the_edited_report(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh build after an edit to one report: the others' summaries are read from the
    cache, their whole models not loaded; only those whose overview shows the edited one
    (its series) are unpickled; the site is as a cold build of the edited content."""
    content = tmp_path / "content"
    shutil.copytree(corpus, content)
    out = tmp_path / "_site"
    monkeypatch.setenv(JOBS_ENV, "1")  # in this process, where the calls can be counted
    _build(content, out)
    report = sorted(p for p in content.iterdir() if p.is_dir())[3]
    target = report / "parts" / "leadership.yaml"  # a sentence of one part file
    text = target.read_text("utf-8")
    word = next(ch for ch in text if "\u4e00" <= ch <= "\u9fff")
    edit(target, word, word + "（已改）")
    whole = load_site(content).reports
    issuer = next(r.issuer for r in whole if r.id == report.name)
    series = sum(1 for r in whole if r.issuer == issuer)

    loads: list[str] = []
    recalled: list[str] = []
    real_load, real_recall = loader.load_report, cache_module.Cache.recall

    def load(folder: Path, *args: object, **kw: object) -> loader.LoadedReport:
        loads.append(folder.name)
        return real_load(folder, *args, **kw)

    def recall(self: cache_module.Cache, group: str, *args: object, **kw: object) -> object:
        recalled.append(group)
        return real_recall(self, group, *args, **kw)

    monkeypatch.setattr(loader, "load_report", load)
    monkeypatch.setattr(cache_module.Cache, "recall", recall)
    again = _build(content, out)
    assert loads == [report.name]
    assert recalled.count("summaries") == N
    assert 1 <= recalled.count("reports") <= series + 1 < N
    monkeypatch.undo()
    cold = _build(content, tmp_path / "cold", incremental=False)
    assert again == cold


def test_a_template_error_in_a_report_page_stops_the_build(corpus: Path, tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(TEMPLATES, theme)
    edit(theme / "figures.html", "{% block main %}", '{% block main %}{% include "gone.html" %}')
    out = tmp_path / "_site"
    with pytest.raises(ContentError) as raised:
        build_site(corpus, out, templates=theme, search=False)
    assert raised.value.diagnostics[0].key == "template.error"
    assert not (out / "index.html").exists()  # nothing written


def test_the_overview_sees_the_summary_on_every_path(tmp_path: Path) -> None:
    """A theme's report.html gets the report's headings, not its paragraphs, whether the
    build (summaries in its parent) or the in-memory path (serve, check) renders it."""
    content = SHAPES / "listed" / "content"
    theme = tmp_path / "theme"
    shutil.copytree(TEMPLATES, theme)
    probe = (
        "{% block main %}<p id=probe>{{ report.categories() | length }} 类，"
        "{{ report.nodes() | map(attribute='paragraphs') | map('length') | sum }} 段</p>"
    )
    edit(theme / "report.html", "{% block main %}", probe)
    out = tmp_path / "_site"
    build_site(content, out, templates=theme, search=False, compress=False)
    collection = load_site(content)
    (report,) = collection.reports
    rendered, _ = render_site(collection, theme=theme)
    built = (out / report.id / "index.html").read_bytes()
    assert built == rendered[f"{report.id}/index.html"]
    assert f"<p id=probe>{len(report.categories())} 类，0 段</p>".encode() in built
    assert report.categories() and any(n.paragraphs for n in report.nodes())


def _bundles(out: Path) -> dict[str, bytes]:
    return {k: v for k, v in _files(out).items() if k.startswith("pagefind/")}


@pytest.mark.parametrize("marked_overview", [False, True], ids=["theme", "overview-marked"])
def test_shards_indexed_while_rendering_are_the_bundles_indexed_after(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, marked_overview: bool
) -> None:
    """A shard is indexed as soon as its reports' pages are made, beside the others'
    rendering; its bundle is taken only if no page of the shard changed since, so the
    search files are the ones indexing after rendering makes. A theme that marks the
    overview for search (rendered later, by the parent) has every such bundle refused."""
    from rectify_site.build import search

    theme = tmp_path / "theme"
    shutil.copytree(TEMPLATES, theme)
    if marked_overview:
        edit(
            theme / "report.html",
            '<header class="report-head">',
            '<header class="report-head" data-pagefind-body>',
        )
    taken: list[str] = []
    real_valid = search.EarlyIndex.valid

    def valid(self: search.EarlyIndex, shard: str, pages: object) -> object:
        got = real_valid(self, shard, pages)  # type: ignore[arg-type]
        taken.extend([shard] if got is not None else [])
        return got

    monkeypatch.setenv(JOBS_ENV, "2")
    monkeypatch.setattr(search.EarlyIndex, "valid", valid)
    # each shard indexed the moment its last report is back, before the overviews exist
    monkeypatch.setattr(search.EarlyIndex, "submit", search.EarlyIndex.index)
    early = tmp_path / "early"
    build_site(corpus, early, templates=theme, compress=False)
    monkeypatch.setattr(search.EarlyIndex, "valid", lambda *a: None)  # all indexed after
    after = tmp_path / "after"
    build_site(corpus, after, templates=theme, compress=False)
    shards = {k.split("/")[1] for k in _bundles(after)}
    assert len(shards) > 4
    assert sorted(taken) == ([] if marked_overview else sorted(shards))
    assert _bundles(early) == _bundles(after)
    assert _files(early) == _files(after)


def _pagefind_children() -> list[int]:
    """This process's children that are Pagefind (from /proc)."""
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
            comm = stat_file.read_text().split("(", 1)[1].rsplit(")", 1)[0]
        except (OSError, IndexError):
            continue
        if int(fields[1]) == os.getpid() and "pagefind" in comm:
            found.append(int(stat_file.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="no /proc to list children")
def test_a_build_that_fails_after_a_shard_was_indexed_early_leaves_no_pagefind(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The overview (rendered by the parent once every report is back) fails: the shards
    indexed meanwhile are dropped with their Pagefind, and nothing is written."""
    from rectify_site.build import search

    theme = tmp_path / "theme"
    shutil.copytree(TEMPLATES, theme)
    edit(theme / "report.html", "{% block main %}", '{% block main %}{% include "gone.html" %}')
    monkeypatch.setenv(JOBS_ENV, "2")
    monkeypatch.setattr(search.EarlyIndex, "submit", search.EarlyIndex.index)
    out = tmp_path / "_site"
    with pytest.raises(ContentError):
        build_site(corpus, out, templates=theme, compress=False)
    assert _pagefind_children() == []
    assert not out.exists()
    assert not any(cache_dir_for(out).glob("spool/*"))


def test_the_early_service_helps_index_the_rest_to_the_same_bundles(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing indexed early (every shard handed over is ignored): once rendering is
    done, the early service is one of the lanes that index the shards, and the bundles
    are those of a build that had no early service at all."""
    from rectify_site.build import search

    threads: list[str] = []
    real_run = search.run_pagefind

    def run_pagefind(*args: object) -> dict[str, bytes]:
        threads.append(threading.current_thread().name)
        return real_run(*args)  # type: ignore[arg-type]

    monkeypatch.setenv(JOBS_ENV, "2")
    monkeypatch.setattr(search.EarlyIndex, "submit", lambda self, shard: None)
    monkeypatch.setattr(search, "run_pagefind", run_pagefind)
    built = tmp_path / "helped"
    build_site(corpus, built, templates=TEMPLATES, compress=False)
    assert "early-index" in threads  # the early service indexed some of the shards
    assert len(threads) == len({k.split("/")[1] for k in _bundles(built)})
    monkeypatch.setattr(search, "EarlyIndex", lambda stage: None)
    alone = tmp_path / "alone"
    build_site(corpus, alone, templates=TEMPLATES, compress=False)
    assert _bundles(built) == _bundles(alone) and len(_bundles(alone)) > 20


@pytest.mark.skipif(not can_fork(), reason="no fork on this platform")
def test_the_early_index_leaves_the_workers_forking(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The early index's thread runs from the start of a build with search; the reports
    are still made in workers (whose files the parent adopts), not all in one process."""
    adopted: list[tuple[str, str]] = []
    real_adopt = Outputs.adopt

    def adopt(self: Outputs, rel: str, name: str) -> None:
        adopted.append((rel, name.split("/")[0]))  # "own-<pid of the task's process>"
        real_adopt(self, rel, name)

    monkeypatch.setattr(Outputs, "adopt", adopt)
    monkeypatch.setenv(JOBS_ENV, "2")
    build_site(corpus, tmp_path / "_site", templates=TEMPLATES, compress=False)
    makers = {tag for rel, tag in adopted if rel.endswith("/full.html")}
    assert len([1 for rel, _ in adopted if rel.endswith("/full.html")]) == N
    assert f"own-{os.getpid()}" not in makers and len(makers) == 2
