"""Incremental builds: only what changed is rendered and written; the result is a cold build."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rectify_site.build.cache import CACHE_DIRNAME, Cache, cache_dir_for
from rectify_site.build.pipeline import BuildResult, build_site
from rectify_site.build.search import available
from rectify_site.errors import UsageError

from conftest import REPORT_ID, TEMPLATES, Run, edit, need
from support.trees import tree

OTHER = "other-report"


def stamps(folder: Path) -> dict[str, int]:
    """Modification times of a folder, everything in it, and its own."""
    found = {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*")}
    return {**found, ".": folder.stat().st_mtime_ns}


def build(content: Path, out: Path, **kw: Any) -> BuildResult:
    """An incremental build of the copy; without the search index unless asked for."""
    kw.setdefault("search", False)
    return build_site(content, out, templates=content.parent / "templates", **kw)


@pytest.fixture
def two_reports(content_copy: Path) -> Path:
    """The real report and a copy of it under another id and issuer (no shared series)."""
    shutil.copytree(content_copy / REPORT_ID, content_copy / OTHER)
    edit(content_copy / OTHER / "report.yaml", "issuer: ", "issuer: （测试副本）")
    return content_copy


def test_nothing_changed_writes_nothing(content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build(content_copy, out)
    assert first.stats and first.stats.written
    before, cache_before = stamps(out), stamps(cache_dir_for(out))
    again = build(content_copy, out)
    assert again.stats is not None
    assert again.stats.written == [] and again.stats.removed == []
    remade = [f for f in again.outputs if f.endswith((".html", ".json", ".csv"))]
    assert remade == [], "pages or data were made again although nothing changed"
    assert stamps(out) == before, "a no-op build touched the output"
    assert stamps(cache_dir_for(out)) == cache_before, "a no-op build rewrote the cache"


def test_cli_noop_build_says_so_and_writes_nothing(
    cli: Callable[..., Run], content_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert cli("build", "--content", content_copy, "--out", out).code == 0
    before = stamps(out)
    run = cli("build", "--content", content_copy, "--out", out)
    assert run.code == 0, run.err
    assert "写入 0 个文件" in run.out and "删除 0 个" in run.out
    assert "提示：未设置网站地址" in run.out, "the hints of the last build are repeated"
    assert stamps(out) == before


def test_edit_renders_only_the_pages_of_that_report(two_reports: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(two_reports, out)
    edit(two_reports / REPORT_ID / "categories" / "integrity.yaml", "严肃", "严格严肃")
    result = build(two_reports, out)
    assert result.stats is not None
    rendered = {f for f in result.outputs if f.endswith(".html")}
    assert not any(f.startswith(f"{OTHER}/") for f in result.outputs), "pages and data alike"
    assert f"{REPORT_ID}/categories/integrity.html" in rendered
    assert "index.html" in rendered, "the index shows every report, so it depends on all"
    written = set(result.stats.written)
    assert f"{REPORT_ID}/categories/integrity.html" in written
    assert f"{REPORT_ID}/categories/positioning.html" not in written, "same bytes, not written"
    assert not any(f.startswith(f"{OTHER}/") for f in written)


def test_template_edit_renders_the_pages_that_use_it(two_reports: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(two_reports, out)
    edit(two_reports.parent / "templates" / "category.html", "</", "<!-- edited --></")
    result = build(two_reports, out)
    rendered = {f for f in result.outputs if f.endswith(".html")}
    assert rendered and all("/categories/" in f for f in rendered), rendered
    edit(two_reports.parent / "templates" / "base.html", "</body>", "<!-- edited --></body>")
    result = build(two_reports, out)
    assert {f for f in result.outputs if f.endswith(".html")} == {
        p.relative_to(out).as_posix() for p in out.rglob("*.html")
    }, "every page extends base.html"


@pytest.mark.slow
def test_series_of_edits_gives_a_cold_build(two_reports: Path, tmp_path: Path) -> None:
    out, cold = tmp_path / "out", tmp_path / "cold"
    report, templates = two_reports / REPORT_ID, two_reports.parent / "templates"

    def check(search: bool = False) -> None:
        shutil.rmtree(cold, ignore_errors=True)
        build(two_reports, out, base_url="https://example.org/r/", search=search)
        build_site(
            two_reports,
            cold,
            templates=templates,
            base_url="https://example.org/r/",
            search=search,
            incremental=False,
        )
        assert tree(out) == tree(cold)

    check()
    edit(report / "categories" / "integrity.yaml", "严肃", "严格严肃")  # one sentence
    check()
    edit(report / "figures.yaml", "rectified: 48", "rectified: 49")  # one figure, cited in prose
    check()
    edit(
        report / "parts" / "progress.yaml", "- file: categories/organisation.yaml\n", ""
    )  # a page goes away
    (report / "categories" / "organisation.yaml").unlink()
    check()
    edit(templates / "category.html", "</", "<!-- edited --></")  # a template
    check()
    edit(templates / "static" / "style.css", "body", "body ")  # a fingerprinted asset
    check()
    edit(two_reports / "site.yaml", "name:", "name: 新", 1)  # every page shows the site name
    check()
    shutil.rmtree(two_reports / OTHER)  # a whole report goes away
    check()
    (out / REPORT_ID / "full.html").unlink()  # someone deleted an output file
    check()
    edit(report / "categories" / "integrity.yaml", "严格严肃", "严肃")
    check(search=available())  # and the search index too, where Pagefind is installed


def test_changed_base_url_renders_everything(content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(content_copy, out)
    result = build(content_copy, out, base_url="https://example.org/")
    assert f"{REPORT_ID}/full.html" in result.outputs
    assert (out / "sitemap.xml").is_file()


def test_cache_lives_beside_the_output_never_inside(content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(content_copy, out)
    assert cache_dir_for(out) == tmp_path / CACHE_DIRNAME / "out"
    assert (tmp_path / CACHE_DIRNAME / "CACHEDIR.TAG").is_file()
    assert not any("cache" in p.name or p.suffix == ".pickle" for p in out.rglob("*"))


def test_foreign_cache_folder_is_refused(content_copy: Path, tmp_path: Path) -> None:
    (tmp_path / CACHE_DIRNAME).mkdir()
    (tmp_path / CACHE_DIRNAME / "notes.txt").write_text("keep me")
    with pytest.raises(UsageError, match=r"CACHEDIR\.TAG"):
        build(content_copy, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / CACHE_DIRNAME).iterdir()) == ["notes.txt"]


def test_second_build_of_the_same_folder_is_refused(
    cli: Callable[..., Run], content_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    holder = Cache(out)
    with holder.locked():  # as if another build were writing the folder right now
        run = cli("build", "--content", content_copy, "--out", out)
    assert run.code == 2, run.err
    assert "另一个构建正在写入该目录" in run.err and "Traceback" not in run.err
    assert not out.exists()
    assert cli("build", "--content", content_copy, "--out", out).code == 0


def test_failed_build_keeps_the_cache_usable(content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(content_copy, out)
    figures = content_copy / REPORT_ID / "figures.yaml"
    good = figures.read_text("utf-8")
    edit(figures, "rectified: 48", "rectified: 99")
    with pytest.raises(Exception, match="99"):
        build(content_copy, out)
    figures.write_text(good, "utf-8")
    again = build(content_copy, out)
    assert again.stats is not None and again.stats.written == []


def test_a_report_page_follows_the_other_reports_of_its_issuer(
    content_copy: Path, tmp_path: Path
) -> None:
    """The overview shows the issuer's series and the change in figures: edits there count."""
    shutil.copytree(content_copy / REPORT_ID, content_copy / "huangpu-later")
    later = content_copy / "huangpu-later" / "report.yaml"  # a later round: one a round
    edit(later, "round: 十二届市委第二轮巡视", "round: 十二届市委第三轮巡视")
    out, cold = tmp_path / "out", tmp_path / "cold"
    build(content_copy, out)
    edit(content_copy / REPORT_ID / "figures.yaml", "rectified: 48", "rectified: 47")
    result = build(content_copy, out)
    assert "huangpu-later/index.html" in result.outputs
    assert "huangpu-later/full.html" not in result.outputs, "the full text shows no series"
    build_site(
        content_copy,
        cold,
        templates=content_copy.parent / "templates",
        search=False,
        incremental=False,
    )
    assert tree(out) == tree(cold)


def test_search_index_is_made_again_only_when_a_page_changed(
    content_copy: Path, tmp_path: Path
) -> None:
    from rectify_site.build.search import BUNDLE

    need(available(), "pagefind[extended] is missing: pip install -e '.[test]'")
    out = tmp_path / "out"
    build(content_copy, out, search=True)
    before = stamps(out / BUNDLE)
    assert before
    build(content_copy, out, search=True)
    assert stamps(out / BUNDLE) == before, "nothing changed: Pagefind did not run"
    build(content_copy, out, search=False)  # a page changes without the index...
    edit(content_copy / REPORT_ID / "categories" / "integrity.yaml", "严肃", "严格严肃")
    build(content_copy, out, search=False)
    build(content_copy, out, search=True)  # ...so the next build with search makes it again
    assert stamps(out / BUNDLE) != before


@pytest.mark.slow
def test_edits_on_a_collection_give_a_cold_build(tmp_path: Path) -> None:
    """Many reports, several per issuer: listings, series and indexes follow every edit."""
    from support import generate

    content = tmp_path / "content"
    generate.generate(8, content, seed=5)
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    out, cold = tmp_path / "out", tmp_path / "cold"
    folders = sorted(p for p in content.iterdir() if (p / "report.yaml").is_file())

    def check() -> None:
        shutil.rmtree(cold, ignore_errors=True)
        build(content, out, base_url="https://example.org/")
        build_site(
            content,
            cold,
            templates=tmp_path / "templates",
            base_url="https://example.org/",
            search=False,
            incremental=False,
        )
        assert tree(out) == tree(cold)

    check()
    for folder in folders[:3]:  # a sentence, then a figure that moves headlines and changes
        category = sorted((folder / "categories").glob("*.yaml"))[0]
        edit(category, "。", "，切实巩固整改成效。")
        check()
        bump_a_figure(folder / "figures.yaml")
        check()
    shutil.rmtree(folders[-1])  # a report leaves its series
    check()


def bump_a_figure(figures: Path) -> None:
    """Put a 1 before the first total (a headline moves), else before the first value."""
    text = figures.read_text("utf-8")
    key = "    total: " if "    total: " in text else "value: "
    edit(figures, key, key + "1")


def test_edits_in_a_long_lived_preview_give_a_cold_build(tmp_path: Path) -> None:
    """serve keeps reports, digests and templates in memory between builds: still exact."""
    from rectify_site.serve.preview import Preview

    from support import generate

    content = tmp_path / "content"
    generate.generate(6, content, seed=11)
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    preview = Preview(content, tmp_path / "_serve", search=False, log=lambda s: None)
    folders = sorted(p for p in content.iterdir() if (p / "report.yaml").is_file())
    cold = tmp_path / "cold"

    def check() -> None:
        preview.build()
        assert not preview.snapshot.errors, preview.snapshot.errors
        shutil.rmtree(cold, ignore_errors=True)
        options = {"include_drafts": True, "serving": True, "search": False}
        build_site(content, cold, templates=tmp_path / "templates", incremental=False, **options)
        assert tree(tmp_path / "_serve") == tree(cold)
        # serve's own pages (the import review, under __rectify__/) are no build output
        assert {
            k: v for k, v in preview.snapshot.files.items() if not k.startswith("__rectify__/")
        } == {k: v for k, v in tree(cold).items() if not k.startswith(".rectify")}

    check()
    for folder in folders[:2]:
        edit(sorted((folder / "categories").glob("*.yaml"))[0], "。", "，切实巩固整改成效。")
        check()
        bump_a_figure(folder / "figures.yaml")
        check()
    edit(tmp_path / "templates" / "listing.html", "</h1>", "</h1>\n<!-- edited -->")
    check()


def test_a_new_source_date_epoch_is_not_a_no_op(
    cli: Callable[..., Run], content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The feed dates an undated report by SOURCE_DATE_EPOCH: the quick path must see it."""
    out = tmp_path / "out"
    args = ("build", "--content", content_copy, "--out", out, "--no-search")
    assert cli(*args, "--base-url", "https://example.org/").code == 0
    before = (out / "atom.xml").read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    run = cli(*args, "--base-url", "https://example.org/")
    assert run.code == 0, run.err
    assert (out / "atom.xml").read_bytes() != before


def test_the_lock_is_cross_platform_and_refuses_a_second_holder(tmp_path: Path) -> None:
    """filelock (flock here, msvcrt on Windows): a second holder fails at once, exit 2."""
    out = tmp_path / "out"
    first, second = Cache(out), Cache(out)
    with first.locked():
        with pytest.raises(UsageError) as refused:
            second.lock()
        assert refused.value.exit_code == 2
        assert "另一个构建正在写入该目录" in refused.value.diagnostics[0].format("zh")
    with second.locked():  # released: the next build takes it
        pass


@pytest.mark.slow
def test_an_edit_indexes_again_only_the_shard_of_its_report(tmp_path: Path) -> None:
    """Search in shards: one report's edit rewrites its own shard's files, no other's;
    the result equals a cold build with search, and a report's removal removes its
    shard's bundle once no report is left in it."""
    from rectify_site.build.search import BUNDLE, shard_of

    from support import generate

    need(available(), "pagefind[extended] is missing: pip install -e '.[test]'")
    content = tmp_path / "content"
    generate.generate(6, content, seed=5)
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    out, cold = tmp_path / "out", tmp_path / "cold"
    folders = sorted(p for p in content.iterdir() if (p / "report.yaml").is_file())
    shards = {shard_of(f.name) for f in folders}
    assert len(shards) >= 2, "the seed should spread the reports over several shards"
    build(content, out, search=True)
    edited = folders[0]
    edit(sorted((edited / "categories").glob("*.yaml"))[0], "。", "，切实巩固整改成效。")
    result = build(content, out, search=True)
    assert result.stats
    touched = {f.split("/")[1] for f in result.stats.written if f.startswith(f"{BUNDLE}/")}
    assert touched == {shard_of(edited.name)}
    build_site(content, cold, templates=tmp_path / "templates", search=True, incremental=False)
    assert tree(out) == tree(cold)
    # a report alone in its shard goes: its shard's bundle goes with it
    alone = [f for f in folders if [shard_of(g.name) for g in folders].count(shard_of(f.name)) == 1]
    if alone:
        shutil.rmtree(alone[0])
        build(content, out, search=True)
        assert not (out / BUNDLE / shard_of(alone[0].name)).exists()


def test_only_build_site_asks_the_cache(
    two_reports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One path through the build: every question to the cache, in ``build``, in
    ``serve`` and in its search refresh, comes from the stages pipeline._build_site runs."""
    import inspect

    from rectify_site.serve.preview import Preview

    callers: list[tuple[str, list[str]]] = []
    for name in ("begin", "unchanged", "current", "record", "get_or_make", "recall", "commit"):
        original = getattr(Cache, name)

        def spy(self: Cache, *args: Any, _name: str = name, _f: Any = original, **kw: Any) -> Any:
            stack = [f.function for f in inspect.stack()[1:]]
            callers.append((_name, stack))
            return _f(self, *args, **kw)

        monkeypatch.setattr(Cache, name, spy)
    out = tmp_path / "out"
    build(two_reports, out)
    edit(two_reports / OTHER / "report.yaml", "issuer: ", "issuer: 又")
    build(two_reports, out)
    preview = Preview(two_reports, tmp_path / "_serve", search=False, log=lambda s: None)
    preview.build()
    preview.build()
    asked = {name for name, _ in callers}
    assert asked >= {"begin", "unchanged", "current", "record", "get_or_make", "recall"}
    strays = [(name, stack[:4]) for name, stack in callers if "_build_site" not in stack]
    assert strays == []


def test_a_build_too_large_for_memory_spools_to_disk_and_writes_the_same_site(
    two_reports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From SPOOL_MIN_PAGES pages the files wait on disk, in the cache folder, not in
    memory: the site is byte for byte the in-memory build's, cold and after an edit, and
    no spool is left behind."""
    from rectify_site.build import stages

    memory, spooled = tmp_path / "memory" / "_site", tmp_path / "spooled" / "_site"
    build(two_reports, memory)
    monkeypatch.setattr(stages, "SPOOL_MIN_PAGES", 1)
    result = build(two_reports, spooled)
    assert result.outputs == {} and result.stats is not None and result.stats.written
    assert tree(spooled) == tree(memory)
    edit(two_reports / OTHER / "report.yaml", "issuer: ", "issuer: 又")
    monkeypatch.setattr(stages, "SPOOL_MIN_PAGES", 10**9)
    build(two_reports, memory)
    monkeypatch.setattr(stages, "SPOOL_MIN_PAGES", 1)
    build(two_reports, spooled)
    assert tree(spooled) == tree(memory)
    assert list((cache_dir_for(spooled) / "spool").iterdir()) == []
