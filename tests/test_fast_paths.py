"""Shortcuts taken for speed give exactly what the slow, obvious way gives.

No timings here (speed lives in benchmarks/): only that the bytes are the same.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rectify_site.build.pipeline import render_site
from rectify_site.load.collection import load_collection
from rectify_site.model.collection import Collection
from rectify_site.model.markdown import _MD, render_inline
from rectify_site.site import render
from rectify_site.site.pages import pages_for
from rectify_site.site.render import _chunks, _relpath, load_assets, make_env, render_pages

from conftest import CONTENT, TEMPLATES
from support import generate

PROSE_ALPHABET = st.sampled_from(
    list("整改落实，。、；：“”（）《》问题ab Z09 \t\n.-:/#+=|{}'\"%@*_[]()!<>&~`\\")
)


PROSE_FIELDS = frozenset({"intro", "invitation", "heading", "paragraphs", "text"})
"""Fields of the assembled report that hold rendered prose (Action.text included)."""


def _prose(model: object) -> list[str]:
    """Every prose string in a model tree."""
    out: list[str] = []
    fields = getattr(type(model), "model_fields", {})
    for name in fields:
        value = getattr(model, name)
        values = value if isinstance(value, list) else [value]
        for v in values:
            if name in PROSE_FIELDS and isinstance(v, str):
                out.append(v)
            elif hasattr(type(v), "model_fields"):
                out += _prose(v)
    return out


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Collection:
    content = tmp_path_factory.mktemp("fast") / "content"
    generate.generate(6, content, seed=5)
    return load_collection(content)


def test_plain_prose_renders_as_markdown_it_would(
    collection: Collection, synthetic: Collection
) -> None:
    strings = [s for r in collection.reports + synthetic.reports for s in _prose(r)]
    assert len(strings) > 200
    for s in strings:
        assert render_inline(s) == _MD.renderInline(s)


@settings(max_examples=400, deadline=None)
@given(st.text(PROSE_ALPHABET, max_size=40))
def test_any_text_renders_as_markdown_it_would(text: str) -> None:
    assert render_inline(text) == _MD.renderInline(text)


SEGMENT = st.sampled_from(["a", "b", "index.html", "huangpu-12-2", "categories", "x.html"])


@given(st.lists(SEGMENT, min_size=1, max_size=4), st.lists(SEGMENT, max_size=4))
def test_relative_links_match_posixpath(to: list[str], start: list[str]) -> None:
    expected = posixpath.relpath("/".join(to), "/".join(start) or ".")
    assert _relpath("/".join(to), "/".join(start)) == expected


def test_chunks_cover_every_page_once_and_keep_reports_together(synthetic: Collection) -> None:
    pages = pages_for(synthetic)
    bounds = _chunks(pages, 2)
    assert [i for a, b in bounds for i in range(a, b)] == list(range(len(pages)))
    for a, _ in bounds[1:]:
        assert pages[a].report_id != pages[a - 1].report_id


def test_parallel_rendering_gives_the_same_bytes_in_the_same_order(
    synthetic: Collection,
) -> None:
    assets = load_assets(TEMPLATES)
    env = make_env(TEMPLATES, site=synthetic.site, assets=assets, base_url=None)
    pages = pages_for(synthetic)
    serial = render_pages(env, pages, jobs=1)
    parallel = render_pages(env, pages, jobs=2)
    assert list(parallel) == list(serial)
    assert parallel == serial


def test_a_template_error_in_a_worker_is_a_content_error(
    synthetic: Collection, tmp_path: Path
) -> None:
    import shutil

    from rectify_site.errors import ContentError

    theme = tmp_path / "templates"
    shutil.copytree(TEMPLATES, theme)
    figures = theme / "figures.html"
    figures.write_text(figures.read_text("utf-8").replace("{{ caption }}", "{{ nope }}"), "utf-8")
    env = make_env(theme, site=synthetic.site, assets=load_assets(theme), base_url=None)
    with pytest.raises(ContentError) as exc:
        render_pages(env, pages_for(synthetic), jobs=2)
    assert any(d.key == "template.error" for d in exc.value.diagnostics)


def test_env_var_sets_the_number_of_render_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECTIFY_SITE_JOBS", "1")
    assert render.render_jobs(100_000) == 1
    monkeypatch.delenv("RECTIFY_SITE_JOBS")
    assert render.render_jobs(10) == 1  # small sites stay in one process


def test_real_site_renders_the_same_in_parallel() -> None:
    c = load_collection(CONTENT)
    serial, _ = render_site(c, theme=TEMPLATES)
    # the real site is small, so force the parallel path through the env var's hook
    assets = load_assets(TEMPLATES)
    env = make_env(TEMPLATES, site=c.site, assets=assets, base_url=None)
    parallel = render_pages(env, pages_for(c), jobs=2)
    for url, data in parallel.items():
        assert serial[url] == data


def test_parallel_loading_gives_the_same_reports_and_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rectify_site.errors import ContentError

    content = tmp_path / "content"
    generate.generate(8, content, seed=7)
    monkeypatch.setenv("RECTIFY_SITE_JOBS", "1")
    serial = load_collection(content)
    monkeypatch.setenv("RECTIFY_SITE_JOBS", "2")
    parallel = load_collection(content)
    assert parallel.reports == serial.reports
    assert parallel.files == serial.files
    # a broken file in one report, a bad figure in another: the same diagnostics either way
    first, second = serial.reports[0].id, serial.reports[1].id
    (content / first / "parts" / "next-steps.yaml").write_text("title: [unclosed\n", "utf-8")
    figures = content / second / "figures.yaml"
    figures.write_text(figures.read_text("utf-8").replace("total: ", "total: -", 1), "utf-8")
    found = []
    for jobs in ("1", "2"):
        monkeypatch.setenv("RECTIFY_SITE_JOBS", jobs)
        with pytest.raises(ContentError) as exc:
            load_collection(content)
        found.append([d.format() for d in exc.value.diagnostics])
    assert found[0] == found[1]
    assert any("next-steps.yaml:2:1: error" in line for line in found[0])
    assert any("figures.yaml:" in line and "problems.total" in line for line in found[0])
