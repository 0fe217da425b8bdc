"""Reports of other shapes are content alone: each builds, passes check --strict, and
reads, word for word and number for number, as its expected text (tests/shapes/)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rectify_site.build.pipeline import build_site, check_site
from rectify_site.errors import ContentError

from conftest import TEMPLATES, edit, find_vnu, need
from htmltext import block_lines, visible_text

SHAPES = Path(__file__).resolve().parent / "shapes"
NAMES = sorted(p.name for p in SHAPES.iterdir() if (p / "expected.txt").is_file())


def _report(name: str) -> Path:
    (folder,) = [p for p in (SHAPES / name / "content").iterdir() if p.is_dir()]
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for name in NAMES:
        site = tmp_path_factory.mktemp(name) / "_site"
        build_site(SHAPES / name / "content", site, templates=TEMPLATES, search=False)
        out[name] = site
    return out


def test_there_are_four_shapes() -> None:
    assert set(NAMES) >= {"listed", "city", "standing", "xuncha"}


@pytest.mark.parametrize("name", NAMES)
def test_full_page_reads_as_the_expected_text(name: str, built: dict[str, Path]) -> None:
    report = _report(name).name
    html = (built[name] / report / "full.html").read_text("utf-8")
    wanted = (SHAPES / name / "expected.txt").read_text("utf-8").splitlines()
    assert block_lines(html) == wanted


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.slow
def test_each_shape_passes_check_strictly(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """No error and no warning, the Nu HTML Checker included: what check --strict asks."""
    vnu = find_vnu()
    need(vnu is not None and shutil.which("java") is not None, "vnu or java missing")
    monkeypatch.setenv("VNU_JAR", str(vnu))
    found = check_site(SHAPES / name / "content", templates=TEMPLATES, html=True)
    assert [d.format() for d in found] == []


@pytest.mark.parametrize("name", NAMES)
def test_every_file_is_marked_synthetic(name: str) -> None:
    report = _report(name)
    text = (report / "report.yaml").read_text("utf-8")
    assert "issuer: （合成数据）" in text and "（合成）" in text


def test_a_xuncha_report_says_xuncha_everywhere(built: dict[str, Path]) -> None:
    """Every fixed word follows the kind: no 巡视 on any page of a 巡察 site."""
    for name in ("xuncha", "listed"):
        pages = sorted(built[name].rglob("*.html"))
        assert pages
        for page in pages:
            assert "巡视" not in page.read_text("utf-8"), page
        home = visible_text((built[name] / "index.html").read_text("utf-8"))
        assert "反馈巡察意见" in home


def test_only_what_the_report_states_is_shown(built: dict[str, Path]) -> None:
    """A remainder and a rate appear where the content names them, and nowhere else."""
    town = " ".join(visible_text((built["xuncha"] / "index.html").read_text("utf-8")).split())
    assert "巡察反馈问题 共 15 个，已整改 12 个，正在推进 3 个" in town
    assert "%" not in town
    city_home = (built["city"] / "index.html").read_text("utf-8")
    city = " ".join(visible_text(city_home).split())
    assert "整改任务 共 58 项，已完成 52 项，正在推进 4 项，未完成 2 项，整改完成率 89.7%" in city
    assert 'width="89.7"' in city_home  # the bar shows the done statuses only
    figures = " ".join(
        visible_text((built["city"] / "city-2024" / "figures.html").read_text("utf-8")).split()
    )
    assert "整改完成率89.7%" in figures and "追缴违规资金356.20万元" in figures
    listed = " ".join(visible_text((built["listed"] / "index.html").read_text("utf-8")).split())
    assert "具体问题 共 4 个，已完成 3 个，正在整改 1 个" in listed


def test_contact_shows_only_the_lines_given(built: dict[str, Path]) -> None:
    full = visible_text((built["xuncha"] / "town-2024" / "full.html").read_text("utf-8"))
    assert "联系电话" in full
    for absent in ("电子邮箱", "通讯地址", "邮政编码", "000000"):
        assert absent not in full


def test_a_listed_problem_changes_the_tally(tmp_path: Path) -> None:
    """The tally is derived from the list: a declared figure must agree with it."""
    content = tmp_path / "content"
    shutil.copytree(SHAPES / "listed" / "content", content)
    report = content / "county-market-2024"
    edit(report / "parts" / "progress.yaml", "status: ongoing", "status: done")
    with pytest.raises(ContentError) as info:
        build_site(content, tmp_path / "out", templates=TEMPLATES, search=False)
    lines = [d.format() for d in info.value.diagnostics]
    fig = report / "figures.yaml"
    assert lines == [
        f"{fig}:14:7: error: problems.by_status.done: "
        "列出的具体问题中已完成 4 个，此处为 3 个：请核对",
        f"{fig}:15:7: error: problems.by_status.ongoing: "
        "列出的具体问题中正在整改 0 个，此处为 1 个：请核对",
    ]
    assert not (tmp_path / "out").exists()
    # with nothing declared but what it counts, the figures come from the list alone
    edit(fig, "    total: 4\n    by_status:\n      done: 3\n      ongoing: 1\n", "")
    result = build_site(content, tmp_path / "out", templates=TEMPLATES, search=False)
    (tally,) = result.collection.reports[0].figures.all()
    assert (tally.total, tally.by_status, tally.derived) == (4, {"done": 4}, True)
    full = visible_text((tmp_path / "out" / "county-market-2024" / "full.html").read_text("utf-8"))
    assert "细化为4个具体问题，已完成整改4个，正在整改0个" in full
