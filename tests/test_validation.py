"""Cross-checks over the whole report: each fails on content that breaks it, naming
the file, the line and the field, in Chinese by default."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rectify_site.errors import ContentError
from rectify_site.load.collection import load_collection

from conftest import REPORT_ID, Run, edit


def _errors(content: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_collection(content)
    return [d.format() for d in info.value.diagnostics if d.severity == "error"]


def _line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(needle)


def test_real_content_is_valid(content_copy: Path) -> None:
    c = load_collection(content_copy)
    assert [r.id for r in c.reports] == [REPORT_ID]
    counts = c.reports[0].counts.model_dump()
    assert counts == {"categories": 6, "aspects": 16, "actions": 42, "problems": 0, "measures": 0}


def test_rectified_over_total(content_copy: Path) -> None:
    fig = content_copy / REPORT_ID / "figures.yaml"
    edit(fig, "rectified: 48", "rectified: 58")
    line = _line_of(fig, "rectified: 58")
    assert _errors(content_copy) == [
        f"{fig}:{line}:7: error: problems.by_status.rectified: "
        "已整改数（58）大于具体问题总数（57）：请核对"
    ]


def test_negative_count(content_copy: Path) -> None:
    fig = content_copy / REPORT_ID / "figures.yaml"
    edit(fig, "completed: 120", "completed: -1")
    (err,) = _errors(content_copy)
    assert f"figures.yaml:{_line_of(fig, 'completed: -1')}:" in err
    assert "measures.by_status.completed: 不能小于 0" in err


def test_unknown_status(content_copy: Path) -> None:
    fig = content_copy / REPORT_ID / "figures.yaml"
    edit(fig, "rectified: 48", "done: 48")
    errors = _errors(content_copy)
    assert any("problems.by_status.done: 状态“done”未在 statuses 中定义" in e for e in errors)
    # the prose that refers to the old key is reported too, in the same run
    assert any("正文引用的数据“figures.problems.by_status.rectified”不存在" in e for e in errors)


def test_other_statuses_are_content(content_copy: Path) -> None:
    """completed / basically completed and continuing / not completed: no code change."""
    fig = content_copy / REPORT_ID / "figures.yaml"
    edit(
        fig,
        "  completed: {label: 已完成, done: true}\n",
        "  completed: {label: 已完成, done: true}\n"
        "  basically: {label: 基本完成、持续推进, done: false}\n",
    )
    edit(fig, "      completed: 120\n", "      completed: 110\n      basically: 10\n")
    report = load_collection(content_copy).reports[0]
    measures = next(f for f in report.figures.all() if f.path == "measures")
    assert measures.by_status == {"completed": 110, "basically": 10}
    assert (measures.done, measures.remainder) == (110, 14)  # 基本完成 is not done


def test_all_statuses_together_over_total(content_copy: Path) -> None:
    fig = content_copy / REPORT_ID / "figures.yaml"
    edit(
        fig,
        "  completed: {label: 已完成, done: true}\n",
        "  completed: {label: 已完成, done: true}\n  basically: {label: 基本完成, done: false}\n",
    )
    edit(fig, "      completed: 120\n", "      completed: 120\n      basically: 20\n")
    (err,) = _errors(content_copy)
    assert "各状态合计数（140）大于整改措施总数（134）" in err


def test_dates_out_of_order(content_copy: Path) -> None:
    rep = content_copy / REPORT_ID / "report.yaml"
    edit(rep, "feedback: 2023-08-30", "feedback: 2023-05-30")
    (err,) = _errors(content_copy)
    assert f"report.yaml:{_line_of(rep, 'feedback:')}:" in err
    assert "inspection.feedback: 巡视结束日期（2023-06-16）应不晚于反馈日期（2023-05-30）" in err


def test_start_after_end(content_copy: Path) -> None:
    rep = content_copy / REPORT_ID / "report.yaml"
    edit(rep, "start: 2023-03-29", "start: 2023-07-01")
    (err,) = _errors(content_copy)
    assert "inspection.end: 巡视开始日期（2023-07-01）应不晚于巡视结束日期（2023-06-16）" in err


def test_duplicate_aspect_id(content_copy: Path) -> None:
    cat = content_copy / REPORT_ID / "categories" / "development.yaml"
    edit(cat, "id: state-enterprise-reform", "id: growth-drivers")
    (err,) = _errors(content_copy)
    lines = cat.read_text("utf-8").splitlines()
    second = [n for n, ln in enumerate(lines, 1) if "id: growth-drivers" in ln][1]
    assert f"categories/development.yaml:{second}:" in err and "children[1].id" in err
    assert "标识“growth-drivers”重复" in err


@pytest.mark.parametrize("slug", ["../evil", "Upper", "has space", "中文"])
def test_unsafe_slugs(content_copy: Path, slug: str) -> None:
    cat = content_copy / REPORT_ID / "categories" / "governance.yaml"
    edit(cat, "id: urban-renewal", f"id: '{slug}'")
    (err,) = _errors(content_copy)
    assert f"categories/governance.yaml:{_line_of(cat, slug)}:" in err
    assert "children[1].id" in err and "不可用于网址" in err


def test_an_id_or_key_with_a_trailing_newline_is_refused(content_copy: Path) -> None:
    """Ids are matched whole: ``re.match`` with ``$`` let "urban-renewal\\n" by, an anchor
    and a page name with a line break in it."""
    cat = content_copy / REPORT_ID / "categories" / "governance.yaml"
    edit(cat, "id: urban-renewal", 'id: "urban-renewal\\n"')
    fig = content_copy / REPORT_ID / "figures.yaml"
    edit(fig, "  - id: problems", '  - id: "cases\\n"', count=1)
    errors = _errors(content_copy)
    assert any("children[1].id" in e and "不可用于网址" in e for e in errors), errors
    assert any("键“cases\\n”不可用" in e for e in errors), errors


def test_errors_are_all_reported_together(content_copy: Path) -> None:
    edit(content_copy / REPORT_ID / "figures.yaml", "total: 57", "total: many")
    edit(content_copy / REPORT_ID / "report.yaml", "postcode: '200001'", "postcode: 200001")
    edit(content_copy / REPORT_ID / "categories" / "integrity.yaml", "role:", "rol:")
    edit(
        content_copy / REPORT_ID / "parts" / "next-steps.yaml",
        "heading:",
        "role: section\nheading:",
    )
    errors = _errors(content_copy)
    assert any("figures.yaml" in e and "problems.total: 应为整数" in e for e in errors)
    assert any("report.yaml" in e and "contact.postcode: 应为文字" in e for e in errors)
    assert any("integrity.yaml" in e and "rol: 未知字段" in e for e in errors)
    assert any("next-steps.yaml" in e and "role: 应为以下之一" in e for e in errors)


def test_prose_reference_to_missing_data(content_copy: Path) -> None:
    part = content_copy / REPORT_ID / "parts" / "progress.yaml"
    edit(part, "figures.problems.total", "figures.problem.total")
    (err,) = _errors(content_copy)
    assert f"parts/progress.yaml:{_line_of(part, 'figures.problem.total')}:" in err
    assert "children[6].text: 正文引用的数据“figures.problem”不存在" in err


def test_prose_cannot_run_code(content_copy: Path) -> None:
    part = content_copy / REPORT_ID / "parts" / "progress.yaml"
    edit(part, "{{ figures.problems.total }}", "{{ figures.__class__.__mro__ }}")
    (err,) = _errors(content_copy)
    assert "children[6].text" in err


def test_email_is_validated(content_copy: Path) -> None:
    edit(content_copy / REPORT_ID / "report.yaml", "email: hpqwb123@163.com", "email: hpqwb123")
    (err,) = _errors(content_copy)
    assert "contact.email: 电子邮箱格式不正确" in err


def test_decimal_stays_exact(content_copy: Path) -> None:
    from decimal import Decimal

    report = load_collection(content_copy).reports[0]
    (recovered,) = [f for f in report.figures.all() if f.path == "discipline.recovered"]
    assert recovered.value == Decimal("130.98")


OUT_OF_BOUNDS = [
    "0.1e-30000000",  # 14 bytes that printed as 30 MB on every page
    "0.1e-999999999",  # a MemoryError
    "9" * 5000,  # a ValueError from Python's own limit on int()
    "1.0e+400",
    "123456789012345678901",  # 21 significant digits
    "0.000000000000000000001",  # 10^-21
    "0.00000000000000000001234567890123456789",  # 10^-20, but 41 characters printed
]


@pytest.mark.parametrize(
    "value", OUT_OF_BOUNDS, ids=lambda v: v if len(v) < 30 else f"{len(v)}-chars"
)
def test_a_figure_value_out_of_bounds_is_refused(
    content_copy: Path, tmp_path: Path, cli: Callable[..., Run], value: str
) -> None:
    fig = content_copy / REPORT_ID / "figures.yaml"
    edit(fig, "value: 130.98}", f"value: {value}}}")
    line = _line_of(fig, "id: recovered")
    message = "数字超出范围：最多 20 位有效数字，大小在 10 的 -20 次方到 20 次方之间"
    assert _errors(content_copy) == [
        f"{fig}:{line}:46: error: discipline.recovered.value: {message}，写出来少于 40 "
        "个字符：请核对这个数字"
    ]
    run = cli("build", "--content", content_copy, "--out", tmp_path / "o", "--no-search")
    assert run.code == 1 and "Traceback" not in run.err and not (tmp_path / "o").exists()


def test_a_count_out_of_bounds_is_refused(content_copy: Path) -> None:
    fig = content_copy / REPORT_ID / "figures.yaml"
    edit(fig, "total: 57", "total: " + "9" * 5000)
    edit(fig, "rectified: 48", "rectified: 123456789012345678901")
    errors = _errors(content_copy)
    assert [e.split(": error: ")[1].split("：")[0] for e in errors] == [
        "problems.total: 数字超出范围",
        "problems.by_status.rectified: 数字超出范围",
    ], errors


@pytest.mark.parametrize(
    "value", ["12345678901234567890", "0.00000000000000000001", "1234567890.1234567890", "0"]
)
def test_a_figure_value_within_bounds_is_kept_exactly(content_copy: Path, value: str) -> None:
    from decimal import Decimal

    edit(content_copy / REPORT_ID / "figures.yaml", "value: 130.98}", f"value: {value}}}")
    report = load_collection(content_copy).reports[0]
    (recovered,) = [f for f in report.figures.all() if f.path == "discipline.recovered"]
    assert recovered.value == Decimal(value)


def test_draft_is_left_out_of_build(
    content_copy: Path, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    edit(content_copy / REPORT_ID / "report.yaml", "title:", "draft: true\ntitle:")
    # a second, published report beside it, so the collection is not empty
    import shutil

    shutil.copytree(content_copy / REPORT_ID, content_copy / "second")
    edit(content_copy / "second" / "report.yaml", "draft: true\n", "")
    out = tmp_path / "out"
    run = cli("build", "--content", content_copy, "--out", out)
    assert run.code == 0, run.err
    assert not (out / REPORT_ID).exists()
    assert (out / "second" / "full.html").exists()
    assert f"另有 1 份草稿未发布：{REPORT_ID}" in run.out.splitlines()


def test_unlisted_file_is_a_warning_and_the_report_still_builds(
    content_copy: Path, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    stray = content_copy / REPORT_ID / "categories" / "stray.yaml"
    stray.write_text("heading: 草稿\n", "utf-8")
    out = tmp_path / "out"
    run = cli("build", "--content", content_copy, "--out", out, "--no-search")
    assert run.code == 0, run.err
    assert "categories/stray.yaml: warning:" in run.err and "不会发布" in run.err
    assert (out / REPORT_ID / "full.html").is_file()


def test_a_broken_report_yaml_still_lets_other_files_be_checked(content_copy: Path) -> None:
    """One bad date must not hide a missing file or figures that do not add up."""
    edit(content_copy / REPORT_ID / "report.yaml", "feedback: 2023-08-30", "feedback: soon")
    edit(content_copy / REPORT_ID / "figures.yaml", "rectified: 48", "rectified: 58")
    (content_copy / REPORT_ID / "categories" / "integrity.yaml").unlink()
    errors = "\n".join(_errors(content_copy))
    assert "report.yaml:" in errors and "inspection.feedback: 应为日期" in errors
    assert "figures.yaml:" in errors and "已整改数（58）大于具体问题总数（57）" in errors
    assert "parts/progress.yaml:" in errors and "children[4].file: 缺少文件" in errors


def test_an_unknown_field_does_not_hide_the_reports_cross_checks(content_copy: Path) -> None:
    """A typo in one file and a reference to missing data in another: both reported."""
    edit(content_copy / REPORT_ID / "categories" / "integrity.yaml", "role: category", "rol: x")
    edit(
        content_copy / REPORT_ID / "parts" / "progress.yaml", "figures.problems.total", "figures.x"
    )
    errors = _errors(content_copy)
    assert any("integrity.yaml" in e and "rol: 未知字段" in e for e in errors)
    assert any("progress.yaml" in e and "“figures.x”不存在" in e for e in errors)
