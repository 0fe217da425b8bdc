"""Nothing lost: a failed or interrupted build leaves the last good site exactly as it was,
the output folder is never one that holds anything else, and builds are reproducible."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rectify_site.build import output
from rectify_site.build.cache import CACHE_DIRNAME
from rectify_site.build.pipeline import build_site
from rectify_site.errors import UsageError, diag

from conftest import REPORT_ID, Run, edit


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file and folder below ``folder``: bytes and inode (a rewrite changes it)."""
    out: dict[str, tuple[bytes, int]] = {}
    for p in sorted(folder.rglob("*")):
        st = p.stat()
        out[str(p.relative_to(folder))] = (p.read_bytes() if p.is_file() else b"/", st.st_ino)
    return out


@pytest.fixture
def built(content_copy: Path, tmp_path: Path) -> Path:
    """A good site built from a copy of the content, then the content changed."""
    out = tmp_path / "out"
    build_site(content_copy, out, search=False)
    fig = content_copy / REPORT_ID / "figures.yaml"
    edit(fig, "rectified: 48", "rectified: 49")  # changes several pages and data files
    (content_copy / REPORT_ID / "parts" / "progress.yaml").write_text(
        (content_copy / REPORT_ID / "parts" / "progress.yaml")
        .read_text("utf-8")
        .replace("- file: categories/organisation.yaml\n", ""),
        "utf-8",
    )
    (content_copy / REPORT_ID / "categories" / "organisation.yaml").unlink()  # a stale page
    return out


def _fail_after(n: int, exc: BaseException) -> Callable[..., Any]:
    real = os.replace
    calls = {"n": 0}

    def replace(src: Any, dst: Any) -> None:
        if CACHE_DIRNAME in Path(dst).parts:  # the cache's own (a store of a model)
            return real(src, dst)
        calls["n"] += 1
        if calls["n"] == n:
            raise exc
        real(src, dst)

    return replace


@pytest.mark.parametrize("after", [1, 3, 6])
def test_write_failing_midway_leaves_the_last_good_site(
    built: Path, content_copy: Path, monkeypatch: pytest.MonkeyPatch, after: int
) -> None:
    before = _snapshot(built)
    monkeypatch.setattr(os, "replace", _fail_after(after, OSError(28, "No space left")))
    with pytest.raises(UsageError) as info:
        build_site(content_copy, built, search=False)
    assert "写入输出失败：[Errno 28] No space left" in info.value.diagnostics[0].format()
    assert _snapshot(built) == before


def test_interrupt_midway_leaves_the_last_good_site(
    built: Path, content_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _snapshot(built)
    monkeypatch.setattr(os, "replace", _fail_after(4, KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        build_site(content_copy, built, search=False)
    assert _snapshot(built) == before


def test_sigterm_midway_leaves_the_last_good_site(
    built: Path, content_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``build`` turns SIGTERM into an unwinding interrupt: the writes are rolled back."""
    import signal

    from rectify_site.commands.cli import main

    before = _snapshot(built)
    real = os.replace
    calls = {"n": 0}

    def replace(src: Any, dst: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 4:
            os.kill(os.getpid(), signal.SIGTERM)  # delivered before the next bytecode
        real(src, dst)

    previous = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(os, "replace", replace)
    try:
        code = main(["build", "--content", str(content_copy), "--out", str(built), "--no-search"])
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert code == 130
    assert calls["n"] >= 4
    assert _snapshot(built) == before


def test_staging_failure_leaves_the_last_good_site(
    built: Path, content_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _snapshot(built)
    real = Path.write_bytes
    calls = {"n": 0}

    def write_bytes(self: Path, data: bytes) -> int:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(122, "Disk quota exceeded")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    with pytest.raises(UsageError):
        build_site(content_copy, built, search=False)
    assert _snapshot(built) == before


def test_failed_first_build_leaves_no_folder(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "replace", _fail_after(2, OSError(5, "I/O error")))
    with pytest.raises(UsageError):
        build_site(content_copy, tmp_path / "fresh", search=False)
    assert not (tmp_path / "fresh").exists()


def test_a_good_build_after_a_failed_one_completes(
    built: Path, content_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as m:
        m.setattr(os, "replace", _fail_after(3, OSError(28, "No space left")))
        with pytest.raises(UsageError):
            build_site(content_copy, built, search=False)
    stats = build_site(content_copy, built, search=False).stats
    assert stats is not None
    assert f"{REPORT_ID}/categories/organisation.html" in stats.removed
    assert not (built / REPORT_ID / "categories" / "organisation.html").exists()
    assert "49" in (built / REPORT_ID / "figures.html").read_text("utf-8")
    assert not list(built.glob(output.STAGING_PREFIX + "*"))


def test_failed_search_index_puts_the_pages_back(
    built: Path, content_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind runs on the new pages before anything is written; if it fails, nothing is."""
    from rectify_site.build import search

    before = _snapshot(built)
    seen: list[str] = []

    def run_pagefind(site: Path, bundle: Path, *service: object) -> dict[str, bytes]:
        seen.append((site / REPORT_ID / "figures.html").read_text("utf-8"))
        raise UsageError([diag("pagefind", "search.failed", problem="killed")])

    monkeypatch.setattr(search, "require_pagefind", lambda: None)
    monkeypatch.setattr(search, "run_pagefind", run_pagefind)
    with pytest.raises(UsageError):
        build_site(content_copy, built, search=True)
    # the index was asked for over the new pages (the copy it indexes spaces its words and
    # ends each block with a private-use mark, build/bigrams.py)
    assert seen and re.search(r">\s*49[\s\ue000]*<", seen[0])
    assert _snapshot(built) == before


def test_unchanged_files_are_not_rewritten(content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(content_copy, out, search=False)
    before = _snapshot(out)
    stats = build_site(content_copy, out, search=False).stats
    assert stats is not None and stats.written == [] and stats.removed == []
    assert _snapshot(out) == before  # same inodes: nothing was even replaced


def test_leftovers_of_a_killed_build_are_cleaned(content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(content_copy, out, search=False)
    leftover = out / f"{output.STAGING_PREFIX}abc123"
    leftover.mkdir()
    (leftover / "new-0").write_bytes(b"half")
    build_site(content_copy, out, search=False)
    assert not leftover.exists()


def test_source_date_epoch_sets_file_times(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1693353600")  # 2023-08-30, the feedback day
    out = tmp_path / "out"
    build_site(content_copy, out, search=False)
    assert {int(p.stat().st_mtime) for p in out.rglob("*") if p.is_file()} == {1693353600}


@pytest.mark.parametrize("where", ["templates", "templates/new", "content/new", ".", ".."])
def test_output_folder_is_refused_and_untouched(
    content_copy: Path, cli: Callable[..., Run], where: str
) -> None:
    project = content_copy.parent
    before = _snapshot(project)
    run = cli("build", "--content", "content", "--out", where, cwd=project)
    assert run.code == 2, run.err
    assert "拒绝写入输出目录" in run.err and "Traceback" not in run.err
    assert _snapshot(project) == before


def test_foreign_non_empty_folder_is_refused(content_copy: Path, cli: Callable[..., Run]) -> None:
    project = content_copy.parent
    (project / "docs").mkdir()
    (project / "docs" / "notes.md").write_text("keep me", "utf-8")
    run = cli("build", "--content", "content", "--out", "docs", cwd=project)
    assert run.code == 2
    assert run.err.startswith(
        "docs: error: 拒绝写入输出目录："
        "该文件夹非空且不是本工具生成的站点；请换一个输出目录或先清空它"
    )
    assert [p.name for p in (project / "docs").iterdir()] == ["notes.md"]


def test_a_spooled_file_is_never_written_over_in_place(tmp_path: Path) -> None:
    """Each file put into a spool gets a name of its own, so that a file the write linked
    into the output (a second name of the same bytes) can never change under it, and a
    path removed then another added cannot take a name still in use."""
    spool = output.Outputs(tmp_path / "spool")
    spool["a.html"] = b"first"
    spool["b.html"] = b"second"
    linked = tmp_path / "linked"
    where = spool.file_of("a.html")
    assert where is not None
    os.link(where, linked)
    spool["a.html"] = b"changed"
    del spool["b.html"]
    spool["c.html"] = b"third"
    assert linked.read_bytes() == b"first"
    assert dict(spool) == {"a.html": b"changed", "c.html": b"third"}
    spool.close()
    assert not (tmp_path / "spool").exists() and linked.read_bytes() == b"first"
