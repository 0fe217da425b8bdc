"""``rectify-site new``: a skeleton that checks its structure, previews as a draft with its
placeholders marked, and can never be published while a placeholder is left."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from rectify_site.build.pipeline import build_site, check_site
from rectify_site.errors import ContentError

from conftest import REPORT_ID, Run


def _with_placeholder(content: Path, *, draft: bool) -> Path:
    report = content / REPORT_ID / "report.yaml"
    text = report.read_text("utf-8")
    text = re.sub(r"(?m)^issuer: .*$", "issuer: 【未填写】", text, count=1)
    if draft:
        text = re.sub(r"(?m)^(title: .*)$", r"\1\ndraft: true", text, count=1)
    report.write_text(text, "utf-8")
    return report


def test_check_and_build_refuse_a_placeholder_of_a_published_report_at_its_line(
    content_copy: Path, tmp_path: Path
) -> None:
    report = _with_placeholder(content_copy, draft=False)
    line = report.read_text("utf-8").splitlines().index("issuer: 【未填写】") + 1
    for run in (
        lambda: check_site(content_copy, html=False),
        lambda: build_site(content_copy, tmp_path / "out", search=False),
    ):
        with pytest.raises(ContentError) as refused:
            run()
        found = [d.format() for d in refused.value.diagnostics]
        assert (
            f"{report}:{line}:1: error: issuer: 未填写：请把“【未填写】”换成实际内容，或删去这一项"
            in found
        )
    assert not (tmp_path / "out").exists()


def test_a_drafts_placeholders_are_warnings_and_errors_under_strict(
    content_copy: Path, cli: Callable[..., Run]
) -> None:
    report = _with_placeholder(content_copy, draft=True)
    line = report.read_text("utf-8").splitlines().index("issuer: 【未填写】") + 1
    where = f"{REPORT_ID}/report.yaml:{line}:1"
    checked = cli("check", "--content", content_copy, "--no-html-check")
    assert checked.code == 0, checked.err
    assert f"{where}: warning: issuer: 未填写" in checked.err
    strict = cli("check", "--content", content_copy, "--no-html-check", "--strict")
    assert strict.code == 1 and f"{where}: error: issuer: 未填写" in strict.err


def test_build_leaves_drafts_out_and_says_so(content_copy: Path, cli: Callable[..., Run]) -> None:
    """A draft never blocks a build: with placeholders, or with an error of its own."""
    _with_placeholder(content_copy, draft=True)
    other = content_copy / "other-1"
    shutil.copytree(content_copy / REPORT_ID, other)
    text = (other / "report.yaml").read_text("utf-8")
    (other / "report.yaml").write_text(text.replace("\nissuer:", "\nissuerr:"), "utf-8")
    out = content_copy.parent / "_site"
    built = cli("build", "--content", content_copy, "--out", out, "--no-search")
    assert built.code == 0, built.err
    lines = built.out.splitlines()
    assert lines[-1].startswith("已构建 0 份通报到")
    assert f"另有 2 份草稿未发布：{REPORT_ID}、other-1" in lines
    assert "warning: issuer: 未填写" in built.err and "other-1/report.yaml" in built.err
    assert " error: " not in built.err
    assert (out / "index.html").is_file() and not (out / REPORT_ID).exists()
    # the same in English, from the notes of a build with nothing to do
    again = cli("build", "--content", content_copy, "--out", out, "--no-search", "--lang", "en")
    assert again.code == 0 and f"2 draft(s) not published: {REPORT_ID}、other-1" in again.out


def test_serve_shows_a_draft_with_its_placeholders_marked_and_listed(
    content_copy: Path, tmp_path: Path
) -> None:
    _with_placeholder(content_copy, draft=True)
    result = build_site(
        content_copy, tmp_path / "serve", search=False, include_drafts=True, serving=True
    )
    assert any(d.key == "placeholder.unfilled" for d in result.warnings)
    page = (tmp_path / "serve" / REPORT_ID / "index.html").read_text("utf-8")
    assert '<mark class="placeholder" title="未填写">【未填写】</mark>' in page
    banner = page[page.index('class="draft-banner"') :]
    assert "尚未填写" in banner and "report.yaml:" in banner and "issuer" in banner
    assert "<title>" in page and "<mark" not in page[: page.index("<body")]


def test_serve_refuses_a_placeholder_outside_a_draft(content_copy: Path, tmp_path: Path) -> None:
    _with_placeholder(content_copy, draft=False)
    with pytest.raises(ContentError):
        build_site(
            content_copy, tmp_path / "serve", search=False, include_drafts=True, serving=True
        )


def test_new_refuses_to_overwrite(cli: Callable[..., Run], tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "taken").mkdir(parents=True)
    run = cli("new", "report", "taken", "--content", content)
    assert run.code == 2 and "已存在，不会覆盖" in run.err
    run = cli("new", "report", "Bad_Id", "--content", content)
    assert run.code == 2 and "不可用于网址" in run.err


def test_new_refuses_an_id_the_site_uses_for_its_own_pages(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    content = tmp_path / "content"
    for rid in ("data", "rounds", "assets"):
        run = cli("new", "report", rid, "--content", content)
        assert run.code == 2, run.err
        assert run.err.startswith(f"{content / rid}: error: id: ") and "网站自身" in run.err
    run = cli("new", "site", tmp_path / "site", "--report", "issuers")
    assert run.code == 2 and "网站自身" in run.err, run.err
    assert not content.exists() and not (tmp_path / "site").exists()


def test_new_names_a_bad_id_by_its_folder_on_one_line(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    content = tmp_path / "content"
    run = cli("new", "report", "x\n", "--content", content)
    assert run.code == 2
    assert run.err.splitlines()[0].startswith(f"{content}/x\\n: error: id: 标识“x\\n”"), run.err
    assert not content.exists()


# --- the skeletons ---------------------------------------------------------------------


def _editor_accepts(content: Path, report: str = "") -> None:
    """Every skeleton file names its schema, and the editor's schema accepts it as it is."""
    import json

    import jsonschema  # type: ignore[import-untyped]  # no stubs installed

    from rectify_site.editor.schema import modeline
    from test_schema_editor import _editor_view

    for path in sorted((content / report).rglob("*.yaml")):
        rel = path.relative_to(content).as_posix()
        first = path.read_text("utf-8").splitlines()[0]
        assert first == modeline(rel), rel
        schema_path = (path.parent / first.split("$schema=", 1)[1]).resolve()
        schema = json.loads(schema_path.read_text("utf-8"))
        cls = jsonschema.validators.validator_for(schema)
        data = _editor_view(path.read_text("utf-8"))
        errors = [
            e.message for e in cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(data)
        ]
        assert errors == [], rel


@pytest.mark.slow
def test_new_site_then_preview(cli: Callable[..., Run], tmp_path: Path) -> None:
    site = tmp_path / "site"
    run = cli("new", "site", site)
    assert run.code == 0, run.err
    assert "已创建" in run.out and "rectify-site serve" in run.out
    content = site / "content"
    assert (content / "site.yaml").is_file() and (content / "report-1" / "report.yaml").is_file()
    ignored = (site / ".gitignore").read_text("utf-8").split()
    assert "_site/" in ignored and ".rectify-cache/" in ignored and "_serve/" in ignored
    assert sorted(p.name for p in (site / "schemas").iterdir()) == [
        "figures.schema.json",
        "node.schema.json",
        "report.schema.json",
        "site.schema.json",
    ]
    _editor_accepts(content)
    report = (content / "report-1" / "report.yaml").read_text("utf-8")
    assert "draft: true" in report and "kind: 巡视" in report
    # check: every placeholder of the draft is a warning at its line, nothing else is wrong
    checked = cli("check", "--content", content, "--no-html-check", cwd=site)
    assert checked.code == 0, checked.err
    lines = [ln for ln in checked.err.splitlines() if ": error: " in ln or ": warning: " in ln]
    assert lines and all(re.search(r"\.yaml:\d+:\d+: warning: .*未填写", ln) for ln in lines), lines
    assert any("report.yaml" in ln and "title: 未填写" in ln for ln in lines)
    strict = cli("check", "--content", content, "--no-html-check", "--strict", cwd=site)
    assert strict.code == 1 and strict.err.count(": error: ") == len(lines)
    # build: the draft is left out, and the site is built
    built = cli("build", "--content", content, "--out", site / "_site", "--no-search", cwd=site)
    assert built.code == 0, built.err
    assert "另有 1 份草稿未发布：report-1" in built.out
    assert (site / "_site" / "index.html").is_file() and not (site / "_site" / "report-1").exists()
    # serve: the draft is shown, placeholders marked and listed, no error page
    result = build_site(content, site / "_serve", search=False, include_drafts=True, serving=True)
    page = (site / "_serve" / "report-1" / "index.html").read_text("utf-8")
    assert '<mark class="placeholder"' in page and "尚未填写" in page
    assert sum(d.key == "placeholder.unfilled" for d in result.warnings) == len(lines)


@pytest.mark.slow
def test_new_report_of_a_xuncha_beside_a_published_one(
    cli: Callable[..., Run], content_copy: Path
) -> None:
    run = cli("new", "report", "county-3", "--kind", "巡察", "--content", content_copy)
    assert run.code == 0, run.err
    report = (content_copy / "county-3" / "report.yaml").read_text("utf-8")
    assert "kind: 巡察" in report and "巡察组" in report
    _editor_accepts(content_copy, "county-3")
    checked = cli("check", "--content", content_copy, "--no-html-check", "--strict")
    errors = [ln for ln in checked.err.splitlines() if ": error: " in ln]
    assert errors and all("county-3/" in ln and "未填写" in ln for ln in errors), errors
    result = build_site(
        content_copy,
        content_copy.parent / "_serve",
        search=False,
        include_drafts=True,
        serving=True,
    )
    assert any(r.id == "county-3" for r in result.collection.drafts)


@pytest.mark.slow
def test_new_report_from_a_file_is_the_import(cli: Callable[..., Run], tmp_path: Path) -> None:
    """``new report ID --from FILE`` writes what ``import FILE --id ID`` writes."""
    from conftest import SEED

    made = cli("new", "report", "seed", "--from", SEED, "--content", tmp_path / "a")
    imported = cli("import", SEED, "--id", "seed", "--content", tmp_path / "b")
    assert made.code == imported.code and "Traceback" not in made.err
    files = {
        p.relative_to(tmp_path / "a"): p.read_bytes()
        for p in (tmp_path / "a").rglob("*")
        if p.is_file()
    }
    assert files and files == {
        p.relative_to(tmp_path / "b"): p.read_bytes()
        for p in (tmp_path / "b").rglob("*")
        if p.is_file()
    }


def _filled(content: Path, report: str = "report-1") -> None:
    """Every placeholder of a skeleton replaced with (synthetic) text; no longer a draft."""
    for path in (content / report).rglob("*.yaml"):
        text = path.read_text("utf-8").replace("【未填写】", "（合成）示例文字。")
        path.write_text(text.replace("draft: true", "draft: false"), "utf-8")


def test_the_skeletons_tallies_count_what_it_lists(tmp_path: Path) -> None:
    """No figure of a skeleton is a typed 0: its tallies count the listed problems and
    measures, so a filled-in skeleton publishes what it lists."""
    from rectify_site.editor.scaffold import new_site

    new_site(tmp_path / "site")
    content = tmp_path / "site" / "content"
    figures = (content / "report-1" / "figures.yaml").read_text("utf-8")
    assert "counts: problem" in figures and "counts: measure" in figures
    assert not re.search(r"(?m)^\s*(total|rectified|completed): \d", figures)
    _filled(content)
    result = build_site(content, tmp_path / "out", search=False)
    home = (tmp_path / "out" / "index.html").read_text("utf-8")
    assert "共 1 项，已整改 1 项" in re.sub(r"<[^>]+>|\s+", " ", home).replace("  ", " ")
    assert not [d for d in result.warnings if d.key.startswith("tally")]


def test_a_tally_of_listed_problems_without_counts_is_a_warning(tmp_path: Path) -> None:
    from rectify_site.editor.scaffold import new_site

    new_site(tmp_path / "site")
    content = tmp_path / "site" / "content"
    _filled(content)
    figures = content / "report-1" / "figures.yaml"
    text = figures.read_text("utf-8")
    figures.write_text(text.replace("counts: problem", "total: 0", 1), "utf-8")
    line = figures.read_text("utf-8").splitlines().index("    total: 0") + 1
    found = [d.format() for d in check_site(content, html=False)]
    assert (
        f"{figures}:{line}:5: warning: problems: 正文列出 1 个具体问题，此处声明 0 个："
        "如由列出的问题统计，请写 counts: problem"
    ) in found


def test_new_site_of_a_xuncha_is_a_xuncha_site(cli: Callable[..., Run], tmp_path: Path) -> None:
    """``--kind 巡察`` sets the site's name and words, before any report is published."""
    site = tmp_path / "site"
    run = cli("new", "site", site, "--kind", "巡察")
    assert run.code == 0, run.err
    content = site / "content"
    assert "name: 巡察整改进展情况" in (content / "site.yaml").read_text("utf-8")
    report = (content / "report-1" / "report.yaml").read_text("utf-8")
    assert "kind: 巡察" in report and "巡察组" in report and "巡视组" not in report
    built = cli("build", "--content", content, "--out", site / "_site", "--no-search")
    assert built.code == 0, built.err
    pages = sorted((site / "_site").rglob("*.html"))
    assert pages and all("巡视" not in p.read_text("utf-8") for p in pages)
    assert "<title>巡察整改进展情况</title>" in (site / "_site" / "index.html").read_text("utf-8")


_NAME = r"[^\s，。、：；“”（）\"']"
NAMED_UNIT = re.compile(
    rf"中共{_NAME}*?(委员会|党组)|第{_NAME}{{1,3}}(巡视组|巡察组)|第{_NAME}{{1,3}}轮(巡视|巡察)"
)
"""An issuer (中共…委员会, …党组), a team (第…巡视组) or a round (第…轮巡视) named."""


def _named_units(text: str) -> list[str]:
    """The units ``text`` names that are not neutral (a neutral example writes ××)."""
    return [m.group(0) for m in NAMED_UNIT.finditer(text) if "×" not in m.group(0)]


def test_named_units_are_found() -> None:
    assert _named_units("中共上海市黄浦区委员会，市委第二巡视组，十一届区委第三轮巡察") == [
        "中共上海市黄浦区委员会",
        "第二巡视组",
        "第三轮巡察",
    ]
    assert _named_units("中共××区委员会，市委第×巡视组，××届市委第×轮巡视") == []


@pytest.mark.parametrize("kind", ["巡视", "巡察"])
def test_every_example_of_a_skeleton_is_neutral(kind: str) -> None:
    from rectify_site.editor.scaffold import SITE, report_files

    texts = [*report_files("r", kind).values(), SITE]
    assert [u for t in texts for u in _named_units(t)] == []


def test_every_example_of_the_field_help_is_neutral() -> None:
    import json

    from rectify_site.editor.schema import schemas

    assert _named_units(json.dumps(schemas(), ensure_ascii=False)) == []
