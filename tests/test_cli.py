"""The command line as editors and CI use it: exit codes, messages, no tracebacks."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from rectify_site import __version__

from conftest import CONTENT, REPORT_ID, ROOT, Run, edit


def test_version(cli: Callable[..., Run]) -> None:
    run = cli("--version")
    assert run.code == 0 and run.out.strip() == f"rectify-site {__version__}"


@pytest.mark.slow
def test_check_real_content(cli: Callable[..., Run]) -> None:
    run = cli("check")
    assert run.code == 0, run.err
    assert "没有错误" in run.out or "0 个错误" in run.out  # 0 errors, perhaps a warning
    assert ": error:" not in run.err


def test_build_writes_site(cli: Callable[..., Run], tmp_path: Path) -> None:
    run = cli("build", "--out", tmp_path / "out")
    assert run.code == 0, run.err
    assert (tmp_path / "out" / REPORT_ID / "full.html").is_file()
    assert "已构建 1 份通报" in run.out


def test_build_py_is_the_build_command(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert (out / REPORT_ID / "full.html").is_file()


def test_bad_content_exits_1_with_path_line_and_no_traceback(
    cli: Callable[..., Run], content_copy: Path, tmp_path: Path
) -> None:
    edit(content_copy / REPORT_ID / "figures.yaml", "total: 134", "total: lots")
    out = tmp_path / "out"
    run = cli("build", "--content", content_copy, "--out", out)
    assert run.code == 1
    assert "Traceback" not in run.err
    assert f"{REPORT_ID}/figures.yaml:" in run.err and "measures.total: 应为整数" in run.err
    assert not out.exists(), "a failed build wrote something"


def test_english_messages(cli: Callable[..., Run], content_copy: Path) -> None:
    edit(content_copy / REPORT_ID / "figures.yaml", "total: 134", "total: lots")
    run = cli("check", "--content", content_copy, "--lang", "en")
    assert run.code == 1 and "measures.total: must be a whole number" in run.err


@pytest.mark.slow
def test_failed_build_leaves_last_good_site(
    cli: Callable[..., Run], content_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert cli("build", "--content", content_copy, "--out", out).code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    edit(content_copy / REPORT_ID / "figures.yaml", "rectified: 48", "rectified: 99")
    assert cli("build", "--content", content_copy, "--out", out).code == 1
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before


def test_usage_errors_exit_2(cli: Callable[..., Run], tmp_path: Path) -> None:
    assert cli("build", "--no-such-flag").code == 2
    assert cli("frobnicate").code == 2
    run = cli("check", "--content", tmp_path / "nowhere")
    assert run.code == 2 and "内容目录不存在" in run.err


def test_output_folder_is_refused(cli: Callable[..., Run], tmp_path: Path) -> None:
    for out in (ROOT, CONTENT, CONTENT / REPORT_ID / "x", ROOT.parent):
        run = cli("build", "--out", out)
        assert run.code == 2, out
        assert "拒绝写入输出目录" in run.err and "Traceback" not in run.err
    stranger = tmp_path / "someone-elses"
    stranger.mkdir()
    (stranger / "notes.txt").write_text("keep me")
    run = cli("build", "--out", stranger)
    assert run.code == 2 and "不是本工具生成的站点" in run.err
    assert (stranger / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in stranger.iterdir()) == ["notes.txt"]


@pytest.mark.slow
def test_stale_files_are_removed(
    cli: Callable[..., Run], content_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert cli("build", "--content", content_copy, "--out", out).code == 0
    assert (out / REPORT_ID / "categories" / "organisation.html").exists()
    edit(
        content_copy / REPORT_ID / "parts" / "progress.yaml",
        "- file: categories/organisation.yaml\n",
        "",
    )
    (content_copy / REPORT_ID / "categories" / "organisation.yaml").unlink()
    assert cli("build", "--content", content_copy, "--out", out).code == 0
    assert not (out / REPORT_ID / "categories" / "organisation.html").exists()


@pytest.mark.slow
def test_packaged_theme_builds_a_folder_with_only_content(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    shutil.copytree(CONTENT, tmp_path / "content")
    run = cli("build", cwd=tmp_path)
    assert run.code == 0, run.err
    assert (tmp_path / "_site" / REPORT_ID / "full.html").is_file()
    assert list((tmp_path / "_site" / "assets").glob("style.*.css"))


@pytest.mark.slow
def test_two_builds_are_byte_identical(cli: Callable[..., Run], tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert cli("build", "--out", a).code == 0
    assert cli("build", "--out", b).code == 0
    files_a = {p.relative_to(a): p.read_bytes() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b): p.read_bytes() for p in b.rglob("*") if p.is_file()}
    assert files_a == files_b
