"""What a real server needs from a build: modes it can read, precompressed copies.

Every file is 0644 and every folder 0755 whatever the umask (nginx reads the site as
its own user); every text file over 1 KB has deterministic ``.gz`` and ``.br`` copies,
made incrementally and removed with their file; ``--no-compress`` writes none.
"""

from __future__ import annotations

import gzip
import os
import shutil
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import brotli
import pytest

from rectify_site.build.compress import MIN_SIZE, TEXT_SUFFIXES
from rectify_site.build.output import MANIFEST, read_manifest
from rectify_site.build.pipeline import BuildResult, build_site
from rectify_site.build.search import available, shard_of

from conftest import REPORT_ID, Run, edit, need
from support.trees import tree

OTHER = "other-report"
BASE = "https://example.org/reports/"


def build(content: Path, out: Path, **kw: Any) -> BuildResult:
    kw.setdefault("search", False)
    return build_site(content, out, templates=content.parent / "templates", base_url=BASE, **kw)


def bundle(out: Path) -> Path:
    """The default report's search bundle (its shard's)."""
    return out / "pagefind" / shard_of(REPORT_ID)


def need_pagefind() -> None:
    need(available(), "pagefind[extended] is missing: pip install 'pagefind[extended]'")


@pytest.fixture
def restrictive_umask() -> Iterator[None]:
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def originals(site: Path) -> list[str]:
    """The files that must carry compressed copies, relative to the site."""
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*")
        if p.is_file()
        and p.suffix in TEXT_SUFFIXES
        and p.stat().st_size > MIN_SIZE
        and p.name != MANIFEST
    )


def copies(site: Path) -> list[str]:
    return sorted(
        p.relative_to(site).as_posix() for p in site.rglob("*") if p.suffix in {".gz", ".br"}
    )


def wrong_modes(site: Path) -> list[str]:
    wrong = []
    for p in [site, *site.rglob("*")]:
        mode = stat.S_IMODE(p.lstat().st_mode)
        want = 0o755 if p.is_dir() else 0o644
        if p.is_symlink() or mode != want:
            wrong.append(f"{p.relative_to(site)}: {oct(mode)}")
    return wrong


@pytest.mark.slow
def test_every_path_is_world_readable_under_umask_077(
    restrictive_umask: None, content_copy: Path, tmp_path: Path
) -> None:
    need_pagefind()
    out = tmp_path / "new" / "_site"
    build(content_copy, out, search=True)
    assert (out / "pagefind" / shard_of(REPORT_ID) / "pagefind.js").is_file()
    assert (out / "pagefind" / shard_of(REPORT_ID) / "pagefind.js.gz").is_file()
    assert wrong_modes(out) == []
    # a rebuild after an edit (new pages, a new index) keeps to the same modes
    edit(content_copy / REPORT_ID / "report.yaml", "issuer: ", "issuer: 改")
    result = build(content_copy, out, search=True)
    assert result.stats and result.stats.written
    assert wrong_modes(out) == []


def test_every_text_file_over_1_kb_has_deterministic_gzip_and_brotli_copies(
    built_site: Path,
) -> None:
    wanted = originals(built_site)
    assert any(r.endswith(".html") for r in wanted)
    assert "sitemap.xml" in wanted and any(r.endswith(".json") for r in wanted)
    assert any(r.startswith("assets/") and r.endswith(".css") for r in wanted)
    assert copies(built_site) == sorted(r + s for r in wanted for s in (".gz", ".br"))
    for rel in wanted:
        data = (built_site / rel).read_bytes()
        gz = (built_site / (rel + ".gz")).read_bytes()
        assert gz[:4] == b"\x1f\x8b\x08\x00", f"{rel}.gz: a name or other flags in its header"
        assert gz[4:8] == b"\0\0\0\0", f"{rel}.gz: a time in its header"
        assert gzip.decompress(gz) == data
        assert brotli.decompress((built_site / (rel + ".br")).read_bytes()) == data
    small = [p for p in built_site.rglob("*") if p.is_file() and 0 < p.stat().st_size <= MIN_SIZE]
    assert small and not any(p.with_name(p.name + ".gz").exists() for p in small)
    # the copies of written files are part of the site the manifest describes
    manifest = read_manifest(built_site)
    pages = [c for c in copies(built_site) if not c.startswith("pagefind/")]
    assert pages and [c for c in pages if c not in manifest] == []


@pytest.mark.slow
def test_two_builds_give_identical_trees_copies_and_index_included(
    content_copy: Path, tmp_path: Path
) -> None:
    need_pagefind()
    a, b = tmp_path / "a", tmp_path / "b"
    build(content_copy, a, search=True)
    build(content_copy, b, search=True, incremental=False)
    assert (a / "pagefind" / shard_of(REPORT_ID) / "pagefind.js.br").is_file()
    ta, tb = tree(a), tree(b)
    assert sorted(ta) == sorted(tb)
    assert [k for k in ta if ta[k] != tb[k]] == []


def test_copies_are_made_again_only_for_changed_files_and_leave_with_them(
    content_copy: Path, tmp_path: Path
) -> None:
    shutil.copytree(content_copy / REPORT_ID, content_copy / OTHER)
    edit(content_copy / OTHER / "report.yaml", "issuer: ", "issuer: （测试副本）")
    out = tmp_path / "out"
    build(content_copy, out)
    other_full = f"{OTHER}/full.html"
    assert (out / (other_full + ".gz")).is_file()
    # an edit of one report: its pages' copies are written again, the other's are not
    edit(content_copy / OTHER / "report.yaml", "issuer: ", "issuer: 改")
    result = build(content_copy, out)
    assert result.stats
    written = set(result.stats.written)
    assert other_full + ".gz" in written and other_full + ".br" in written
    assert f"{REPORT_ID}/full.html.gz" not in written
    assert f"{REPORT_ID}/full.html.gz" in result.stats.unchanged
    assert (
        gzip.decompress((out / (other_full + ".gz")).read_bytes())
        == (out / other_full).read_bytes()
    )
    # a report removed: its files and their copies go
    shutil.rmtree(content_copy / OTHER)
    result = build(content_copy, out)
    assert result.stats
    assert other_full + ".gz" in result.stats.removed
    assert not (out / OTHER).exists()
    assert copies(out) == sorted(r + s for r in originals(out) for s in (".gz", ".br"))


@pytest.mark.slow
def test_no_compress_writes_no_copy_and_removes_the_old_ones(
    cli: Callable[..., Run], content_copy: Path, tmp_path: Path
) -> None:
    need_pagefind()
    out = tmp_path / "_site"
    assert cli("build", "--content", content_copy, "--out", out).code == 0
    assert (out / "index.html.gz").is_file() and (bundle(out) / "pagefind.js.gz").is_file()
    run = cli("build", "--content", content_copy, "--out", out, "--no-compress")
    assert run.code == 0, run.err
    assert copies(out) == []
    assert (bundle(out) / "pagefind.js").is_file()
    run = cli("build", "--content", content_copy, "--out", out)
    assert run.code == 0, run.err
    assert (out / "index.html.gz").is_file() and (bundle(out) / "pagefind.js.gz").is_file()


def test_a_preview_writes_no_copies(content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "_serve"
    build(content_copy, out, serving=True, include_drafts=True)
    assert copies(out) == []
