"""Editors first: help in the editors' language, shell completion, progress on a
terminal, and every finding at once."""

from __future__ import annotations

import io
import os
import pty
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from rectify_site.build.pipeline import build_site, check_site
from rectify_site.commands.cli import main
from rectify_site.progress import NO_PROGRESS, Progress, TerminalProgress, for_terminal
from rectify_site.workers import can_fork

from conftest import REPORT_ID, ROOT, Run, edit


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as done:
        main([*argv, "--help"])
    assert done.value.code == 0
    return capsys.readouterr().out


# --- the command line in the editors' language ------------------------------------------


def test_help_is_chinese_by_default_and_english_with_lang_en(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")  # the environment changes nothing
    zh = _help(capsys)
    assert zh.startswith("用法：rectify-site")
    assert "显示本帮助并退出" in zh and "生成网站" in zh and "命令：" in zh
    assert "show this help" not in zh and "usage:" not in zh and "options" not in zh
    build = _help(capsys, "build")
    assert "输出目录（默认：_site）" in build and "不显示进度" in build
    en = _help(capsys, "--lang", "en")
    assert en.startswith("usage: rectify-site") and "build the site" in en
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in en.replace("巡视整改进展情况的通报", ""))
    assert "output folder (default: _site)" in _help(capsys, "build", "--lang", "en")
    assert "output folder" in _help(capsys, "--lang=en", "build")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert _help(capsys, "--lang", "en").startswith("usage:")


def test_usage_errors_are_in_the_chosen_language(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["check", "--format", "xml"])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "用法：rectify-site check" in err and "参数 --format：无效的取值“xml”" in err
    with pytest.raises(SystemExit):
        main(["check", "--format", "xml", "--lang", "en"])
    assert "invalid choice" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["build", "--port", "1"])
    assert "无法识别的参数：--port 1" in capsys.readouterr().err


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_completion_scripts(shell: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", shell]) == 0
    script = capsys.readouterr().out
    for word in ("build", "check", "serve", "schema", "--content", "--no-html-check"):
        assert word in script, word
    if shell == "bash":
        assert "_shtab_compgen_dirs" in script  # --content completes folders
    else:
        assert script.startswith("#compdef rectify-site")


def test_bash_accepts_the_completion_script(tmp_path: Path) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    script = tmp_path / "complete.bash"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    made = subprocess.run(
        [sys.executable, "-m", "rectify_site", "completion", "bash"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    script.write_text(made.stdout)
    probe = (
        f"source {script}; COMP_WORDS=(rectify-site ch); COMP_CWORD=1; "
        "_shtab_rectify_site rectify-site ch rectify-site; printf '%s\\n' \"${COMPREPLY[@]}\""
    )
    done = subprocess.run([bash, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "check" in done.stdout.split()


# --- progress -------------------------------------------------------------------------


class Recorder(Progress):
    def __init__(self) -> None:
        self.events: list[tuple[str, int | None]] = []
        self.steps = 0
        self.closed = False

    def phase(self, name: str, total: int | None = None) -> None:
        self.events.append((name, total))

    def advance(self, steps: int = 1) -> None:
        self.steps += steps

    def close(self) -> None:
        self.closed = True


def test_the_pipeline_reports_its_phases(content_copy: Path, tmp_path: Path) -> None:
    seen = Recorder()
    build_site(content_copy, tmp_path / "out", search=False, progress=seen)
    names = [name for name, _ in seen.events]
    assert names == ["load", "render", "write"]
    # a step per report loaded (with its own pages), then per page left to render
    (_, reports), (_, pages) = seen.events[:2]
    assert reports == 1 and pages and seen.steps == reports + pages
    assert seen.closed
    seen = Recorder()
    check_site(content_copy, html=False, progress=seen)
    assert [n for n, _ in seen.events] == ["load", "render", "render", "check"]


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_bars_and_anything_else_nothing(content_copy: Path, tmp_path: Path) -> None:
    assert for_terminal(quiet=False, stream=io.StringIO()) is NO_PROGRESS
    assert for_terminal(quiet=True, stream=FakeTerminal()) is NO_PROGRESS
    assert isinstance(for_terminal(quiet=False, stream=FakeTerminal()), TerminalProgress)
    threads = set(threading.enumerate())
    screen = FakeTerminal()
    bars = TerminalProgress(screen, delay=0)
    build_site(content_copy, tmp_path / "out", search=False, progress=bars)
    shown = screen.getvalue()
    for label in ("加载", "渲染", "写入"):
        assert label in shown, shown
    assert bars.phases == ["load", "render", "write"]
    screen = FakeTerminal()
    build_site(
        content_copy,
        tmp_path / "out2",
        search=False,
        progress=TerminalProgress(screen, lang="en", delay=0),
    )
    assert "render" in screen.getvalue()
    # bars leave no monitor thread behind, which would keep the next build from forking
    assert set(threading.enumerate()) <= threads
    assert can_fork() or not hasattr(os, "fork")


def _on_a_terminal(argv: list[str | Path], cwd: Path) -> tuple[int, str, str]:
    """Run the CLI with stderr on a pseudo-terminal: exit code, stdout, what the tty got."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "rectify_site", *map(str, argv)],
        stdout=subprocess.PIPE,
        stderr=follower,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
        env=env,
    )
    os.close(follower)
    screen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        screen += chunk
    out, _ = proc.communicate(timeout=120)
    os.close(leader)
    return proc.returncode, out.decode(), screen.decode(errors="replace")


@pytest.mark.slow
def test_the_summary_line_keeps_its_form_on_a_terminal(content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    argv: list[str | Path] = ["build", "--content", content_copy, "--out", out, "--no-search"]
    code, stdout, _screen = _on_a_terminal(argv, tmp_path)
    assert code == 0
    assert stdout.splitlines()[-1].startswith(f"已构建 1 份通报到 {out}：写入 ")
    assert "个文件，未变 0 个，删除 0 个" in stdout
    edit(content_copy / REPORT_ID / "figures.yaml", "rectified: 48", "rectified: 47")
    code, stdout, screen = _on_a_terminal([*argv, "--quiet"], tmp_path)
    assert code == 0
    assert "\r" not in screen.replace("\r\n", "\n") and "渲染" not in screen  # no bar at all
    assert "删除 0 个" in stdout


# --- every finding at once -------------------------------------------------------------


@pytest.mark.slow
def test_an_error_in_one_report_hides_no_finding_of_another(
    content_copy: Path, cli: Callable[..., Run]
) -> None:
    other = content_copy / "other-report"
    shutil.copytree(content_copy / REPORT_ID, other)
    # another round: one unit reports once a round (round.unit_twice)
    edit(other / "report.yaml", "round: 十二届市委第二轮巡视", "round: 十二届市委第三轮巡视")
    edit(content_copy / REPORT_ID / "figures.yaml", "rectified: 48", "rectified: 58")
    part = next((other / "parts").glob("*.yaml"))
    text = part.read_text("utf-8")
    i = text.index("，")
    part.write_text(text[:i] + "," + text[i + 1 :], "utf-8")
    run = cli("check", "--content", content_copy, "--no-html-check")
    assert run.code == 1, run.err
    lines = run.err.splitlines()
    assert any(f"{REPORT_ID}/figures.yaml" in ln and ": error: " in ln for ln in lines), lines
    assert any(
        "other-report/parts/" in ln and ": warning: " in ln and "中文排版" in ln for ln in lines
    ), lines
    assert "Traceback" not in run.err


def test_an_error_in_one_report_hides_no_rendered_finding_of_another(
    content_copy: Path, cli: Callable[..., Run]
) -> None:
    """The reports that load are still rendered and checked: a broken link in one report
    and an unknown field beside 58 > 57 in another's figures.yaml, all in one run."""
    other = content_copy / "other-report"
    shutil.copytree(content_copy / REPORT_ID, other)
    # another round: one unit reports once a round (round.unit_twice)
    edit(other / "report.yaml", "round: 十二届市委第二轮巡视", "round: 十二届市委第三轮巡视")
    figures = content_copy / REPORT_ID / "figures.yaml"
    edit(figures, "rectified: 48", "rectified: 58")
    edit(figures, "    total: 57\n", "    total: 57\n    totl: 1\n")
    edit(other / "report.yaml", "intro: 根据", "intro: 见[附件](nothing.html)。根据")
    run = cli("check", "--content", content_copy, "--no-html-check")
    assert run.code == 1, run.err
    lines = [ln for ln in run.err.splitlines() if ": error: " in ln]
    assert any(f"{REPORT_ID}/figures.yaml" in ln and "58" in ln for ln in lines), lines
    assert any(f"{REPORT_ID}/figures.yaml" in ln and "totl" in ln for ln in lines), lines
    assert any("other-report" in ln and "nothing.html" in ln for ln in lines), lines


# --- a theme that overrides one file --------------------------------------------------


@pytest.mark.slow
def test_a_site_theme_may_override_only_base_html(tmp_path: Path, cli: Callable[..., Run]) -> None:
    from conftest import CONTENT, TEMPLATES

    shutil.copytree(CONTENT, tmp_path / "content")
    own = tmp_path / "templates"
    own.mkdir()
    base = (TEMPLATES / "base.html").read_text("utf-8")
    assert "</body>" in base
    (own / "base.html").write_text(base.replace("</body>", "<!-- our own base --></body>"))
    out = tmp_path / "_site"
    run = cli("build", "--content", tmp_path / "content", "--out", out, "--no-search")
    assert run.code == 0, run.err
    for page in ("index.html", f"{REPORT_ID}/full.html", f"{REPORT_ID}/figures.html"):
        assert "<!-- our own base -->" in (out / page).read_text("utf-8"), page
    assert list((out / "assets").glob("style.*.css")), "static assets come from the package"
    assert (out / "favicon.svg").is_file()
    again = cli("build", "--content", tmp_path / "content", "--out", out, "--no-search")
    assert "写入 0 个文件" in again.out
    edit(own / "base.html", "<!-- our own base -->", "<!-- edited -->")
    third = cli("build", "--content", tmp_path / "content", "--out", out, "--no-search")
    assert "写入 0 个文件" not in third.out  # the override is an input of every page
    assert "<!-- edited -->" in (out / "index.html").read_text("utf-8")
    (own / "static").mkdir()
    (own / "static" / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    fourth = cli("build", "--content", tmp_path / "content", "--out", out, "--no-search")
    assert fourth.code == 0, fourth.err
    assert (out / "favicon.svg").read_text() == "<svg xmlns='http://www.w3.org/2000/svg'/>"
    check = cli("check", "--content", tmp_path / "content", "--no-html-check")
    assert check.code == 0, check.err
