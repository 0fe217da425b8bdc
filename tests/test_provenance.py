"""check --format github|json: a finding on a generated page names the content behind it.

Annotations only show on files of the repository, so a broken link or invalid HTML on
``_site/<report>/full.html`` is moved to the content file and line whose text it is,
where that is known, with the page's position in the message; the text format keeps
naming the page.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from rectify_site.build.pipeline import load_site, render_site
from rectify_site.check.provenance import trace_findings
from rectify_site.errors import Diagnostic, diag

from conftest import CONTENT, REPORT_ID, TEMPLATES, Run

SENTENCE = "不断优化综合营商环境。"
LINKED = "不断优化综合营商环境（[详见](missing-page.html)）。"


def _holding(content: Path, text: str) -> tuple[Path, int, int]:
    """The one content file, line and column holding ``text``."""
    hits = [
        (p, n, line.index(text) + 1)
        for p in sorted(content.rglob("*.yaml"))
        for n, line in enumerate(p.read_text("utf-8").splitlines(), 1)
        if text in line
    ]
    assert len(hits) == 1, hits
    return hits[0]


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    files, _ = render_site(load_site(CONTENT), theme=TEMPLATES, include_drafts=True)
    return files


def _at(files: dict[str, bytes], rel: str, text: str) -> tuple[int, int]:
    """The 1-based line and column of ``text`` on a rendered page."""
    for n, line in enumerate(files[rel].decode("utf-8").split("\n"), 1):
        if text in line:
            return n, line.index(text) + 1
    raise AssertionError(f"{text!r} not on {rel}")


def _finding(rel: str, line: int, col: int) -> Diagnostic:
    return diag(f"_site/{rel}", "html.invalid", line=line, col=col, problem="Stray end tag")


@pytest.mark.slow
def test_json_and_github_name_the_content_line_of_a_broken_link_text_names_the_page(
    cli: Callable[..., Run], content_copy: Path
) -> None:
    source, line, col = _holding(content_copy, SENTENCE)
    text = source.read_text("utf-8")
    source.write_text(text.replace(SENTENCE, LINKED, 1), "utf-8")
    where = source.relative_to(content_copy.parent).as_posix()
    url_col = col + LINKED.index("missing-page.html")
    project = content_copy.parent

    run = cli("check", "--no-html-check", "--format", "json", cwd=project)
    assert run.code == 1, run.err
    broken = [f for f in json.loads(run.out) if "missing-page.html" in f["message"]]
    assert len(broken) >= 2  # the category page and the full report
    pages = set()
    for f in broken:
        assert (f["path"], f["line"], f["column"]) == (where, line, url_col), f
        assert f["severity"] == "error" and f["field"] == "href"
        assert f["message"].startswith("生成页面 _site/")
        pages.add(f["message"].split("：", 1)[0].split(" ")[1].split(":")[0])
    assert f"_site/{REPORT_ID}/full.html" in pages

    run = cli("check", "--no-html-check", "--format", "github", "--lang", "en", cwd=project)
    assert run.code == 1
    lines = [ln for ln in run.out.splitlines() if "missing-page.html" in ln]
    assert lines
    for ln in lines:
        assert ln.startswith(f"::error file={where},line={line},col={url_col},title=href::")
        assert "generated page _site/" in ln

    run = cli("check", "--no-html-check", cwd=project)
    assert run.code == 1
    found = [ln for ln in run.err.splitlines() if "missing-page.html" in ln]
    assert found and all(ln.startswith("_site/") for ln in found)
    assert not any("生成页面" in ln for ln in found)


def test_a_finding_on_content_text_names_its_file_line_and_column(
    rendered: dict[str, bytes],
) -> None:
    rel = f"{REPORT_ID}/full.html"
    phrase = "外滩金融峰会"
    line, col = _at(rendered, rel, phrase)
    (moved,) = trace_findings([_finding(rel, line, col)], rendered, CONTENT)
    source, sline, scol = _holding(CONTENT, phrase)
    assert (Path(moved.path), moved.line, moved.col) == (source, sline, scol)
    assert moved.severity == "error"
    assert moved.message().startswith(f"生成页面 _site/{rel}:{line}:{col}：")
    assert moved.message().endswith("Stray end tag。请修改模板")
    assert moved.message("en").startswith(f"generated page _site/{rel}:{line}:{col}: ")


def test_text_around_a_figure_still_finds_the_prose_that_refers_to_it(
    rendered: dict[str, bytes],
) -> None:
    """Numbers on the page come from figures.yaml: the words between them are matched."""
    rel = f"{REPORT_ID}/full.html"
    line, col = _at(rendered, rel, "项具体问题已经整改")
    (moved,) = trace_findings([_finding(rel, line, col)], rendered, CONTENT)
    source, sline, _ = _holding(CONTENT, "}}项具体问题已经整改{{")
    assert (Path(moved.path), moved.line) == (source, sline)


def test_template_text_on_a_report_page_names_the_report_without_a_line(
    rendered: dict[str, bytes],
) -> None:
    rel = f"{REPORT_ID}/full.html"
    line, col = _at(rendered, rel, "跳到正文")
    (moved,) = trace_findings([_finding(rel, line, col)], rendered, CONTENT)
    assert Path(moved.path) == CONTENT / REPORT_ID / "report.yaml"
    assert moved.line is None and moved.col is None
    assert f"_site/{rel}:{line}:{col}" in moved.message()


def test_template_text_on_a_collection_page_keeps_naming_the_page(
    rendered: dict[str, bytes],
) -> None:
    line, col = _at(rendered, "search.html", "跳到正文")
    d = _finding("search.html", line, col)
    assert trace_findings([d], rendered, CONTENT) == [d]


def test_findings_on_content_files_and_without_a_page_stay_as_they_are(
    rendered: dict[str, bytes],
) -> None:
    kept = [
        diag(CONTENT / REPORT_ID / "report.yaml", "typography", line=3, col=1, old="a", new="b"),
        diag("_site/assets/style.css", "link.external_load", field="url", url="https://x.org/a"),
        diag(CONTENT, "tool.missing", severity="warning", tool="vnu", hint=("a", "b")),
    ]
    assert trace_findings(kept, rendered, CONTENT) == kept
