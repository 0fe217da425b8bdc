"""``rectify-site check``: what CI runs on every change, so each finding must be trustworthy.

It loads, renders and checks the site (links, anchors, loads from other hosts, HTML
validity, typography) and writes nothing.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from rectify_site.check.links import check_links
from rectify_site.check.typography import lint_text
from rectify_site.commands.cli import main

from conftest import ROOT, Run, edit, find_vnu, need


def _tree(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below ``folder`` with its bytes and modification time."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_real_content_passes_strict_check(
    cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given the address it is published at, and (the report states no publication date)
    a date for its feed entry, as a reproducible build has one."""
    need(find_vnu() is not None and shutil.which("java") is not None, "vnu or java missing")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1706659200")
    run = cli("check", "--strict", "--base-url", "https://example.org/rectify/")
    assert run.code == 0, run.err
    assert run.out.strip() == "检查完毕：没有错误"
    assert run.err == ""
    run = cli("check", "--strict", "--format", "json", "--base-url", "https://example.org/r/")
    assert run.code == 0 and json.loads(run.out) == []
    # without a base URL, the one warning --strict gives: what a site would leave out
    run = cli("check", "--strict", "--no-html-check")
    assert run.code == 1 and run.err.count(": warning: ") == 1
    assert "content/site.yaml: warning: 未设置网站地址（base_url）" in run.err


@pytest.mark.slow
def test_check_writes_nothing(
    content_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = content_copy.parent
    monkeypatch.chdir(project)
    before = _tree(project)
    assert main(["check"]) == 0, capsys.readouterr().err
    assert _tree(project) == before
    assert sorted(p.name for p in project.iterdir()) == ["content", "templates"]


def test_usage_errors_exit_2(cli: Callable[..., Run], tmp_path: Path) -> None:
    run = cli("check", "--format", "xml")
    assert run.code == 2 and "参数 --format：无效的取值“xml”" in run.err
    run = cli("check", "--content", tmp_path / "nowhere", "--format", "json")
    assert run.code == 2 and "内容目录不存在：请用 --content 指定" in run.err


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    capsys.readouterr()
    code = main(["check", *args])
    err = capsys.readouterr().err
    return code, [ln for ln in err.splitlines() if ": error: " in ln or ": warning: " in ln]


def test_template_links_are_checked(
    content_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A broken link, a missing anchor and a CDN script in the theme: each on each page."""
    report = content_copy.parent / "templates" / "report.html"
    edit(
        report,
        "阅读通报全文</a>",
        "阅读通报全文</a><a href=\"{{ url(report.id ~ '/nothing.html') }}\">x</a>"
        "<a href=\"{{ url(report.id ~ '/full.html#no-such-id') }}\">y</a>"
        '<script src="https://cdn.example.com/x.js"></script>',
    )
    monkeypatch.chdir(content_copy.parent)
    code, lines = _check(capsys, "--no-html-check")
    assert code == 1
    assert len(lines) == 3
    page = "_site/huangpu-12-2/index.html"
    assert lines[0].startswith(f"{page}:") and lines[0].endswith(
        "error: href: 链接“nothing.html”指向站内不存在的文件：请检查模板或正文中的链接"
    )
    assert lines[1].endswith(
        "error: href: 链接“full.html#no-such-id”的锚点“no-such-id”在目标页面上不存在："
        "请检查标识（id）是否改过"
    )
    assert lines[2].endswith(
        "error: src: 页面从其他网站加载“https://cdn.example.com/x.js”：站点须离线可用，"
        "请把该文件放进主题的 static 目录"
    )


def test_prose_link_to_a_missing_page_is_found(
    content_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(
        content_copy / "huangpu-12-2" / "report.yaml",
        "请及时反映。",
        "请及时反映。见[统计](figures.htm)，或[中国政府网](https://www.gov.cn/)。",
    )
    monkeypatch.chdir(content_copy.parent)
    code, lines = _check(capsys, "--no-html-check")
    assert code == 1
    # a link to another host is fine; the relative link breaks on every page it appears on
    assert lines and all("链接“figures.htm”指向站内不存在的文件" in ln for ln in lines)
    assert any(ln.startswith("_site/huangpu-12-2/full.html:") for ln in lines)


def test_prose_image_from_another_host_is_found(
    content_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Markdown image in prose would make every reader's browser call another host: it is
    refused where it is written (build refuses it too, see test_safety.py)."""
    edit(
        content_copy / "huangpu-12-2" / "report.yaml",
        "请及时反映。",
        "请及时反映。![二维码](https://cdn.example.com/qr.png)",
    )
    monkeypatch.chdir(content_copy.parent)
    code, lines = _check(capsys, "--no-html-check")
    assert code == 1
    assert lines == [
        "content/huangpu-12-2/report.yaml:16:3: error: contact.invitation: 正文中的图片"
        "“https://cdn.example.com/qr.png”来自其他网站：站点不向其他网站发出任何请求，"
        "请把图片放进主题的 static 目录并使用站内地址，或改为链接"
    ]


def test_link_checker_over_pages_in_memory() -> None:
    index = (
        '<a href="a/">a</a><a href="a/b.html#x">b</a><img src="//cdn.example/i.png">'
        '<link rel="canonical" href="https://example.org/"><a href="#top">top</a>'
        '<link rel="stylesheet" href="https://fonts.example/f.css">'
        '<a href="../outside.html">o</a><a href="mailto:a@b.cn">m</a>'
    )
    b = '<p id="x"></p><a href="../index.html#nope">n</a><a href="/a/index.html#x2">r</a>'
    files = {
        "index.html": index.encode(),
        "a/index.html": b'<p id="x2"></p>',
        "a/b.html": b.encode(),
        "style.css": b"body{background:url(https://img.example/bg.png)}",
    }
    found = [(d.path, d.line, d.col, d.key) for d in check_links(files)]
    assert found == [
        ("_site/a/b.html", 1, b.index('<a href="../') + 1, "link.anchor"),
        ("_site/index.html", 1, index.index("<img") + 1, "link.external_load"),
        ("_site/index.html", 1, index.index('<link rel="style') + 1, "link.external_load"),
        ("_site/index.html", 1, index.index('<a href="../') + 1, "link.broken"),
        ("_site/style.css", None, None, "link.external_load"),
    ]


@pytest.mark.slow
def test_invalid_html_in_the_theme_is_found_by_vnu(
    content_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    need(find_vnu() is not None and shutil.which("java") is not None, "vnu or java missing")
    monkeypatch.setenv("VNU_JAR", str(find_vnu()))
    edit(content_copy.parent / "templates" / "figures.html", "</table>", "</table><span><div>")
    monkeypatch.chdir(content_copy.parent)
    code, lines = _check(capsys)
    assert code == 1
    assert lines, "vnu found nothing"
    assert all(ln.startswith("_site/huangpu-12-2/figures.html:") for ln in lines)
    assert any("HTML 不符合规范（Nu HTML Checker）：" in ln and "“div”" in ln for ln in lines)


def test_missing_vnu_is_a_warning_that_strict_fails(
    content_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VNU_JAR", str(content_copy / "no-such.jar"))
    monkeypatch.chdir(content_copy.parent)  # no node_modules/ here
    hint = "在项目目录运行 npm install --ignore-scripts vnu-jar，或设置 VNU_JAR"
    code, lines = _check(capsys)
    assert code == 0
    assert lines in (
        [f"content: warning: 缺少工具 vnu：{hint}"],
        ["content: warning: 缺少工具 java：apt-get install default-jre-headless"],
    )
    assert _check(capsys, "--strict")[0] == 1


def test_a_broken_html_checker_fails_the_check(
    content_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """vnu that crashes must not read as "no HTML errors"."""
    bin_dir = content_copy.parent / "bin"
    bin_dir.mkdir()
    java = bin_dir / "java"
    java.write_text("#!/bin/sh\necho 'Error: Unable to access jarfile' >&2\nexit 1\n", "utf-8")
    java.chmod(0o755)
    jar = content_copy.parent / "vnu.jar"
    jar.write_bytes(b"not a jar")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("VNU_JAR", str(jar))
    monkeypatch.chdir(content_copy.parent)
    code, lines = _check(capsys)
    assert code == 1
    assert lines == ["content: error: 工具 vnu 运行失败：Error: Unable to access jarfile"]


def test_typography_keeps_official_style() -> None:
    """57项 stays as it is (no space between Chinese and digits); punctuation is full width."""
    assert lint_text("截至目前，巡视反馈的57项具体问题已经整改48项。") == []
    assert lint_text("2023年3月29日至6月16日，长三角C9联盟“一带双核三区”") == []
    assert lint_text("截至目前,巡视反馈的57项") == [
        (1, "截至目前,巡视反馈的5", "截至目前，巡视反馈的5")
    ]
    assert lint_text("第一行。\n第二行 ，好") == [(2, "第二行 ，好", "第二行，好")]


def test_typography_warning_names_the_line_and_strict_fails(
    content_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    part = content_copy / "huangpu-12-2" / "parts" / "progress.yaml"
    edit(part, "截至目前，巡视反馈的", "截至目前,巡视反馈的")
    line = next(n for n, t in enumerate(part.read_text("utf-8").splitlines(), 1) if "截至目前" in t)
    monkeypatch.chdir(content_copy.parent)
    code, lines = _check(capsys, "--no-html-check")
    assert code == 0
    assert lines == [
        f"content/huangpu-12-2/parts/progress.yaml:{line}:3: warning: children[6].text: "
        "标点或空格不符合中文排版规范（GB/T 15834）："
        "“截至目前,巡视反馈的{”应写作“截至目前，巡视反馈的{”"
    ]
    assert _check(capsys, "--no-html-check", "--strict")[0] == 1


def test_check_without_html_check_is_documented() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    for flag in ("--format text|json|github", "--strict", "--no-html-check"):
        assert flag in readme


# --- numbers in prose: a figure, marked as text, or a warning ----------------------------


def test_counting_numbers_that_are_no_figure_are_found() -> None:
    from rectify_site.model.counting import mark, unregistered

    def found(text: str) -> list[str]:
        return [c.written for c in unregistered(text)]

    assert found("梳理问题189个，排查隐患65万余元、2600余项、30多个、4000余人次") == [
        "189个",
        "65万余元",
        "2600余项",
        "30多个",
        "4000余人次",
    ]
    assert found("开展3轮巡察，覆盖12所学校、5批次、15天") == ["3轮", "12所", "5批次", "15天"]
    # never: years, dates, ordinals, phone and document numbers, references, marks
    never = (
        "2023年3月29日至6月16日，县委常委会第23次会议、第 7 名，电话021-33134800-11393，"
        "〔2024〕12号，G20峰会，整改率达92%，{{ figures.problems.total }}项，"
        "{{ figures.measures.by_status.completed }}条，{{ '1882个' }}，{{ '46079条' }}"
    )
    assert found(never) == []
    assert mark("梳理问题1882个，第7名") == "梳理问题{{ '1882个' }}，第7名"
    assert mark(mark("梳理问题1882个")) == mark("梳理问题1882个")  # marking twice: once


def test_an_unregistered_number_is_a_warning_at_its_place_and_strict_fails(
    content_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    report = content_copy / "huangpu-12-2" / "report.yaml"
    edit(report, "现将巡视整改进展情况予以公布。", "现将巡视整改进展情况予以公布，共189个。")
    # the default report's own numbers are marked: unmarking one is found too
    governance = content_copy / "huangpu-12-2" / "categories" / "governance.yaml"
    edit(governance, "{{ '46079条' }}", "46079条")
    monkeypatch.chdir(content_copy.parent)
    code, lines = _check(capsys, "--no-html-check")
    assert code == 0
    intro = next(
        (n, t.index("189个") + 1)
        for n, t in enumerate(report.read_text("utf-8").splitlines(), 1)
        if "189个" in t
    )
    data = next(
        (n, t.index("46079条") + 1)
        for n, t in enumerate(governance.read_text("utf-8").splitlines(), 1)
        if "46079条" in t
    )
    assert lines == [
        f"content/huangpu-12-2/categories/governance.yaml:{data[0]}:{data[1]}: warning: "
        "children[2].actions[1]: “46079条”像是统计数字，但未登记在 figures.yaml："
        "请登记，或标为正文",
        f"content/huangpu-12-2/report.yaml:{intro[0]}:{intro[1]}: warning: intro: "
        "“189个”像是统计数字，但未登记在 figures.yaml：请登记，或标为正文",
    ]
    assert _check(capsys, "--no-html-check", "--strict")[0] == 1
    # marked as text, it passes, and prints as the number alone
    edit(report, "共189个。", "共{{ '189个' }}。")
    edit(governance, "46079条", "{{ '46079条' }}")
    # --strict wants the site's address and SOURCE_DATE_EPOCH too (else it warns of them)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    strict = ("--no-html-check", "--strict", "--base-url", "https://example.org/")
    code, lines = _check(capsys, *strict)
    assert (code, lines) == (0, [])
