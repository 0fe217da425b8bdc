"""The ledger (ledger.xlsx): reading both layouts, every diagnostic, the roll-ups.

Every ledger here is synthetic, made by code with openpyxl (tests/support/ledger_data.py):
the real ledgers are not public, and content/ keeps none.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from rectify_site.load.xlsx import read_ledger
from rectify_site.model.ledger import (
    AspectRef,
    Count,
    Ledger,
    StatusRef,
    deadline_warnings,
)

from support import ledger_data as data

M, P = data.MeasureRow, data.ProblemRows

SHOWN = "content/r/ledger.xlsx"
"""The path diagnostics print."""

# sixteen aspects in six categories, as the default report has them (synthetic headings)
ASPECTS = [
    AspectRef(
        f"aspect-{i}", f"针对第{i}方面的问题（合成）", category=f"cat-{i % 6}", number=f"{i}."
    )
    for i in range(1, 17)
]
STATUSES = {
    "rectified": StatusRef("已整改", True),
    "completed": StatusRef("已完成", True),
    "ongoing": StatusRef("正在推进", False),
}


def read(path: Path) -> tuple[Ledger | None, list[str]]:
    ledger, found = read_ledger(path, ASPECTS, STATUSES, display=SHOWN)
    return ledger, [d.format() for d in found]


def one(tmp_path: Path, problems: list[Any], **kwargs: Any) -> list[str]:
    path = data.write_ledger(tmp_path / "ledger.xlsx", problems, **kwargs)
    return read(path)[1]


def simple(**over: Any) -> list[Any]:
    """Two problems, the first with three measures (rows 2-4), the second with one (row 5)."""
    first = P(
        1,
        "aspect-1",
        "（合成）问题一",
        over.get("status"),
        [
            M(
                "（合成）措施一",
                over.get("m1", "已完成"),
                "（合成）单位甲",
                deadline=dt.date(2024, 6, 30),
            ),
            M("（合成）措施二", over.get("m2", "正在推进"), "（合成）单位乙"),
            M("（合成）措施三", None, "（合成）单位甲"),
        ],
    )
    second = P(
        over.get("n2", 2), over.get("a2", "aspect-2"), "（合成）问题二", None, [M("（合成）措施四")]
    )
    return [first, second]


# --- the layouts ------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["merged", "empty"])
def test_a_ledger_shaped_like_the_default_report(tmp_path: Path, layout: str) -> None:
    """Synthetic: 57 problems / 48 rectified, 134 measures / 120 completed, 16 aspects."""
    rows = data.shaped_like([a.id for a in ASPECTS], 57, 48, 134, 120)
    path = data.write_ledger(tmp_path / "ledger.xlsx", rows, layout=layout)
    ledger, found = read(path)
    assert found == []
    assert ledger is not None
    assert ledger.count("problem") == Count(total=57, by_status={"rectified": 48})
    assert ledger.count("measure") == Count(total=134, by_status={"completed": 120})
    assert ledger.count("problem").open == 9
    assert {p.aspect for p in ledger.problems} == {a.id for a in ASPECTS}
    # per aspect, and per category (the aspects inside it), adding up to the whole
    per_aspect = [ledger.count("measure", [a.id]).total for a in ASPECTS]
    assert sum(per_aspect) == 134
    cats = sorted({a.category for a in ASPECTS if a.category})
    per_cat = [ledger.count("problem", [a.id for a in ASPECTS if a.category == c]) for c in cats]
    assert sum(c.total for c in per_cat) == 57
    assert sum(c.by_status.get("rectified", 0) for c in per_cat) == 48
    # the problems' texts and rows as written
    assert ledger.problems[0].text == "（合成）第1个具体问题：某方面工作有差距"
    assert ledger.problems[0].row == 2
    assert ledger.problems[1].row == 2 + len(ledger.problems[0].measures)


@pytest.mark.parametrize("layout", ["merged", "empty"])
def test_measures_belong_to_their_problem(tmp_path: Path, layout: str) -> None:
    path = data.write_ledger(tmp_path / "ledger.xlsx", simple(), layout=layout)
    ledger, found = read(path)
    assert found == []
    assert ledger is not None
    first, second = ledger.problems
    assert (first.number, first.aspect, first.row) == ("1", "aspect-1", 2)
    assert [m.text for m in first.measures] == [
        "（合成）措施一",
        "（合成）措施二",
        "（合成）措施三",
    ]
    assert [m.row for m in first.measures] == [2, 3, 4]
    assert [m.status for m in first.measures] == ["completed", "ongoing", None]
    assert first.measures[0].deadline == dt.date(2024, 6, 30)
    assert (second.row, [m.row for m in second.measures]) == (5, [5])
    assert ledger.units() == ["（合成）单位甲", "（合成）单位乙"]
    assert first.anchor == "p-1"


def test_columns_in_any_order_and_blank_rows_skipped(tmp_path: Path) -> None:
    headers = list(reversed(data.HEADERS))
    path = data.write_ledger(tmp_path / "ledger.xlsx", simple(), headers=headers)
    ledger, found = read(path)
    assert found == []
    assert ledger is not None and ledger.columns["序号"] == 11
    assert ledger.count("measure") == Count(total=4, by_status={"completed": 1, "ongoing": 1})


def test_aspects_by_heading_as_printed(tmp_path: Path) -> None:
    rows = simple(a2="针对第2方面的问题（合成）")
    rows.append(
        P(3, "3.针对第3方面的问题（合成）。", "（合成）问题三", None, [M("（合成）措施五")])
    )
    rows.append(P(4, " 针对第4方面的问题（合成） ", "（合成）问题四", None, [M("（合成）措施六")]))
    path = data.write_ledger(tmp_path / "ledger.xlsx", rows)
    ledger, found = read(path)
    assert found == []
    assert ledger is not None
    assert [p.aspect for p in ledger.problems] == ["aspect-1", "aspect-2", "aspect-3", "aspect-4"]


def test_dates_accepted_in_three_forms(tmp_path: Path) -> None:
    rows = [
        P(
            1,
            "aspect-1",
            "（合成）问题",
            None,
            [
                M("（合成）甲", deadline=dt.date(2024, 6, 30)),
                M("（合成）乙", deadline="2024-06-30"),
                M("（合成）丙", deadline="2024年6月30日"),
                M("（合成）丁", deadline=dt.datetime(2024, 6, 30, 0, 0)),
            ],
        )
    ]
    ledger, found = read(data.write_ledger(tmp_path / "ledger.xlsx", rows))
    assert found == []
    assert ledger is not None
    assert {m.deadline for m in ledger.measures()} == {dt.date(2024, 6, 30)}


def test_an_empty_status_is_not_done(tmp_path: Path) -> None:
    ledger, _ = read(data.write_ledger(tmp_path / "ledger.xlsx", simple()))
    assert ledger is not None
    third = ledger.problems[0].measures[2]
    assert (third.status, third.done) == (None, False)
    assert ledger.count("measure").open == 2


# --- every diagnostic, with its exact message, row and column -----------------------------


def test_unknown_status(tmp_path: Path) -> None:
    assert one(tmp_path, simple(m2="已完结")) == [
        f"{SHOWN}:3:9: error: 措施状态: 未定义的状态“已完结”"
    ]


def test_unknown_problem_status(tmp_path: Path) -> None:
    assert one(tmp_path, simple(status="整改中")) == [
        f"{SHOWN}:2:8: error: 问题状态: 未定义的状态“整改中”"
    ]


def test_unknown_aspect(tmp_path: Path) -> None:
    assert one(tmp_path, simple(a2="针对不存在的问题")) == [
        f"{SHOWN}:5:2: error: 方面: 未找到方面“针对不存在的问题”："
        "请填写报告中方面的标识（id）或标题"
    ]


def test_required_cells(tmp_path: Path) -> None:
    rows = simple()
    rows[1].text = ""
    rows[1].measures[0].text = ""
    # row 6: a measure whose problem has no 序号 (a problem cell filled, the number not)
    rows.append(P(None, "aspect-3", "（合成）问题三", None, [M("（合成）措施五")]))
    assert one(tmp_path, rows, layout="empty") == [
        f"{SHOWN}:5:3: error: 具体问题: 不能为空：请填写具体问题",
        f"{SHOWN}:5:4: error: 整改措施: 不能为空：请填写整改措施",
        f"{SHOWN}:6:1: error: 序号: 不能为空：请填写序号",
    ]


def test_measures_before_any_problem(tmp_path: Path) -> None:
    path = data.write_ledger(tmp_path / "ledger.xlsx", simple(), layout="empty")
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws is not None
    ws.insert_rows(2)
    ws.cell(row=2, column=4, value="（合成）无主的措施")
    wb.save(path)
    assert read(path)[1] == [f"{SHOWN}:2:1: error: 序号: 不能为空：请填写序号"]


def test_number_used_twice(tmp_path: Path) -> None:
    assert one(tmp_path, simple(n2=1)) == [
        f"{SHOWN}:5:1: error: 序号: 序号“1”重复（第一次在第 2 行）：每个问题的序号须唯一"
    ]


def test_numbers_as_offices_write_them(tmp_path: Path) -> None:
    """① is a 序号, the same number as 1 (so are ⑴, ⒈ and a full-width ３, each read in its
    compatibility form); ² (₂, ½) is not one."""
    from rectify_site.site.ledger_downloads import published

    rows = simple(n2="②")
    rows[0].number = "①"
    rows.append(P("３", "aspect-3", "（合成）问题三", None, [M("（合成）措施五")]))
    ledger, found = read(data.write_ledger(tmp_path / "ledger.xlsx", rows))
    assert found == [] and ledger is not None
    assert [(p.number, p.anchor) for p in ledger.problems] == [
        ("①", "p-1"),
        ("②", "p-2"),
        ("３", "p-3"),
    ]
    table = published(ledger, ["序号"], ASPECTS, STATUSES)
    assert [r[0] for r in table.rows] == ["①", "①", "①", "②", 3]
    rows = simple(n2="1")
    rows[0].number = "①"
    rows.append(P("⑴", "aspect-3", "（合成）问题三", None, [M("（合成）丙")]))  # (1), not 1
    assert one(tmp_path, rows) == [
        f"{SHOWN}:5:1: error: 序号: 序号“1”重复（第一次在第 2 行）：每个问题的序号须唯一"
    ]
    rows = simple(n2="2²")
    rows[0].number = "½"
    assert one(tmp_path, rows) == [
        f"{SHOWN}:2:1: error: 序号: 序号“½”中的“½”是上标、下标或分数（如脚注标记），"
        "不是序号：请写作 1、2、3 或 ①、②、③",
        f"{SHOWN}:5:1: error: 序号: 序号“2²”中的“²”是上标、下标或分数（如脚注标记），"
        "不是序号：请写作 1、2、3 或 ①、②、③",
    ]


@pytest.mark.parametrize("value", ["2024-02-30", "明年六月", "2024/6/30", 45473])
def test_a_date_that_is_not_a_date(tmp_path: Path, value: Any) -> None:
    rows = simple()
    rows[1].measures[0].done_on = value
    assert one(tmp_path, rows) == [
        f"{SHOWN}:5:10: error: 完成日期: “{value}”不是日期："
        "请填写 Excel 日期、2024-06-30 或 2024年6月30日"
    ]


def test_a_merge_shorter_than_its_problem(tmp_path: Path) -> None:
    # 序号 merged over rows 2-4 (the problem), 具体问题 only over rows 2-3
    errors = one(tmp_path, simple(), layout="empty", merges=["A2:A4", "C2:C3"])
    assert errors == [
        f"{SHOWN}:2:3: error: 具体问题: 合并单元格 C2:C3 与该问题的整改措施（第 2 至 4 行）不对齐："
        "请合并该问题的全部行"
    ]


def test_a_merge_across_two_problems(tmp_path: Path) -> None:
    # 方面 merged over rows 2-5 while row 5 starts the next problem
    rows = simple(a2=None)
    errors = one(tmp_path, rows, layout="empty", merges=["A2:A4", "B2:B5"])
    assert errors == [
        f"{SHOWN}:2:2: error: 方面: 合并单元格 B2:B5 与该问题的整改措施（第 2 至 4 行）不对齐："
        "请合并该问题的全部行"
    ]


def test_merged_measures_and_wide_merges(tmp_path: Path) -> None:
    rows = simple()
    rows[0].measures[1].text = ""  # D3 is covered by the merge
    errors = one(tmp_path, rows, merges=["D2:D3", "E5:F5"])
    assert errors == [
        f"{SHOWN}:2:4: error: 整改措施: 合并单元格 D2:D3 合并了多行整改措施："
        "每条整改措施占一行，请取消合并",
        f"{SHOWN}:5:5: error: 责任单位: 合并单元格 E5:F5 跨越多列或包含表头："
        "只能在同一列内向下合并",
    ]


def test_a_unit_merged_over_measures_is_every_row_s(tmp_path: Path) -> None:
    rows = simple()
    rows[0].measures[1].unit = None
    rows[0].measures[2].unit = None
    path = data.write_ledger(tmp_path / "ledger.xlsx", rows, merges=["E2:E4"])
    ledger, found = read(path)
    assert found == []
    assert ledger is not None
    assert [m.unit for m in ledger.problems[0].measures] == ["（合成）单位甲"] * 3


def test_a_problem_done_before_its_measures(tmp_path: Path) -> None:
    assert one(tmp_path, simple(status="已整改")) == [
        f"{SHOWN}:2:8: error: 问题状态: 问题状态为“已整改”，但第 3 行的整改措施尚未完成"
        "（正在推进）：请核对"
    ]
    assert one(tmp_path, simple(status="已整改", m2="已完成")) == [
        f"{SHOWN}:2:8: error: 问题状态: 问题状态为“已整改”，但第 4 行的整改措施尚未完成"
        "（空白）：请核对"
    ]


def test_headers(tmp_path: Path) -> None:
    headers = [*data.HEADERS[:4], "整改类型", "措施状态", "措施状态"]
    assert one(tmp_path, simple(), headers=headers) == [
        f"{SHOWN}:1:5: warning: 整改类型: 未知的列名“整改类型”，该列不读取："
        "可用的列名为 序号、方面、具体问题、整改措施、责任单位、责任领导、完成时限、问题状态、"
        "措施状态、完成日期、备注",
        f"{SHOWN}:1:7: error: 措施状态: 列名“措施状态”重复（第一次在第 6 列）："
        "请删除或改名其中一列",
    ]
    headers = ["序号", "具体问题", "整改措施"]
    assert one(tmp_path, simple(), headers=headers) == [
        f"{SHOWN}:1: error: 方面: 缺少“方面”列：请在第 1 行加上该列名"
    ]


def test_an_unknown_header_is_only_a_warning(tmp_path: Path) -> None:
    path = data.write_ledger(
        tmp_path / "ledger.xlsx", simple(), headers=[*data.HEADERS, "整改类型"]
    )
    ledger, found = read(path)
    assert ledger is not None and len(found) == 1 and ": warning: " in found[0]


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "ledger.xlsx"
    path.write_text("序号,方面\n", "utf-8")
    assert read(path)[1] == [
        f"{SHOWN}: error: 不是有效的 Excel 工作簿（.xlsx）：请在 Excel 中另存为“Excel 工作簿”"
    ]
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "not a workbook")
    assert read(path)[1] == [
        f"{SHOWN}: error: 无法读取该 Excel 工作簿（KeyError）："
        "请在 Excel 中打开后另存为“Excel 工作簿”"
    ]


def test_size_limits(tmp_path: Path) -> None:
    path = tmp_path / "ledger.xlsx"
    with open(path, "wb") as fh:
        fh.truncate(10 * 1024 * 1024 + 1)
    assert read(path)[1] == [
        f"{SHOWN}: error: 文件过大（10485761 字节，上限 10485760 字节）：请拆分或检查是否放错文件"
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/bomb.xml", b"\0" * (100 * 1024 * 1024 + 1))
    assert path.stat().st_size < 1024 * 1024
    assert read(path)[1] == [
        f"{SHOWN}: error: 解压后过大（104857601 字节，上限 104857600 字节）：拒绝读取，"
        "请检查是否放错文件"
    ]


def test_a_symlink_out_of_the_content_folder(tmp_path: Path) -> None:
    outside = data.write_ledger(tmp_path / "elsewhere" / "ledger.xlsx", simple())
    root = tmp_path / "content"
    (root / "r").mkdir(parents=True)
    link = root / "r" / "ledger.xlsx"
    link.symlink_to(outside)
    ledger, found = read_ledger(link, ASPECTS, STATUSES, display=SHOWN, root=root)
    assert ledger is None
    assert [d.format() for d in found] == [
        f"{SHOWN}: error: 符号链接指向 content 目录之外（{outside.resolve()}）：请改为普通文件"
    ]
    inside = root / "r" / "real.xlsx"
    shutil.copy(outside, inside)
    link.unlink()
    link.symlink_to(inside)
    assert read_ledger(link, ASPECTS, STATUSES, root=root)[0] is not None


def test_merged_ranges_as_openpyxl_s_normal_mode_sees_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pattern over the sheet's XML finds what normal mode finds (and is its fallback)."""
    import openpyxl

    import rectify_site.load.xlsx
    from rectify_site.load.xlsx import _read_sheet

    path = data.write_ledger(tmp_path / "ledger.xlsx", simple(), merges=["E2:E3"])
    normal = openpyxl.load_workbook(path).worksheets[0].merged_cells.ranges
    expected = sorted((r.min_row, r.min_col, r.max_row, r.max_col, r.coord) for r in normal)
    assert len(expected) == 5  # 序号 方面 具体问题 问题状态 over rows 2-4, and E2:E3
    assert sorted(_read_sheet(path)[1]) == expected
    monkeypatch.setattr(rectify_site.load.xlsx, "_sheet_part", lambda sheet: None)
    assert sorted(_read_sheet(path)[1]) == expected


def test_english_messages(tmp_path: Path) -> None:
    path = data.write_ledger(tmp_path / "ledger.xlsx", simple(m2="已完结"))
    _, found = read_ledger(path, ASPECTS, STATUSES, display=SHOWN)
    assert [d.format("en") for d in found] == [
        f"{SHOWN}:3:9: error: 措施状态: undefined status '已完结'"
    ]


# --- cells that no text may hold, and sheets that claim a million rows (issue 20) ----------

CELL_REFUSED = ["\u202e", "\u2066", "\u202a", "\x85", "\x7f", "\ufdd0", "\U0001fffe"]
"""Refused characters an .xlsx can carry (XML 1.0 forbids the C0 controls and U+FFFE)."""


@pytest.mark.parametrize("char", CELL_REFUSED, ids=[f"U+{ord(c):04X}" for c in CELL_REFUSED])
def test_a_cell_that_holds_a_refused_character_is_an_error_at_the_cell(
    tmp_path: Path, char: str
) -> None:
    """The same characters YAML's values may not hold (load/sources.py's test): a bidi
    override in a cell would turn the text around on every published ledger page."""
    from rectify_site.load.sources import refused_char_key

    rows = simple()
    rows[0].measures[1].text = f"（合成）措施{char}二"  # D3
    path = data.write_ledger(tmp_path / "ledger.xlsx", rows)
    ledger, found = read_ledger(path, ASPECTS, STATUSES, display=SHOWN)
    assert ledger is None
    assert [(d.key, d.line, d.col, d.field) for d in found] == [
        (refused_char_key(char), 3, 4, "整改措施")
    ]
    assert f"U+{ord(char):04X}" in found[0].format() and char not in found[0].format()


def test_refused_characters_anywhere_in_the_sheet(tmp_path: Path) -> None:
    """The header, a merged problem cell (reported once, at its top-left cell), a column
    that is not read; other findings about such a cell never print the character."""
    rows = simple(m2="已完结\u202e")  # I3: an unknown status as well
    rows[0].text = "（合成）问题\u2067一"  # C2, merged over C2:C4
    path = data.write_ledger(
        tmp_path / "ledger.xlsx",
        rows,
        headers=[*data.HEADERS[:-1], "备注\u202e", "整改类型"],
        extra={(4, 12): "（合成）\u2066"},
    )
    assert read(path)[1] == [
        f"{SHOWN}:1:11: error: 备注: 文字中有双向文本控制符 U+202E"
        "（会使文字显示的顺序与实际内容不同）：请删除该字符",
        f"{SHOWN}:1:12: warning: 整改类型: 未知的列名“整改类型”，该列不读取："
        "可用的列名为 序号、方面、具体问题、整改措施、责任单位、责任领导、完成时限、问题状态、"
        "措施状态、完成日期、备注",
        f"{SHOWN}:2:3: error: 具体问题: 文字中有双向文本控制符 U+2067"
        "（会使文字显示的顺序与实际内容不同）：请删除该字符",
        f"{SHOWN}:3:9: error: 措施状态: 未定义的状态“已完结”",
        f"{SHOWN}:3:9: error: 措施状态: 文字中有双向文本控制符 U+202E"
        "（会使文字显示的顺序与实际内容不同）：请删除该字符",
        f"{SHOWN}:4:12: error: L: 文字中有双向文本控制符 U+2066"
        "（会使文字显示的顺序与实际内容不同）：请删除该字符",
    ]


def test_a_line_break_written_cr_lf_is_a_line_break(tmp_path: Path) -> None:
    rows = simple()
    rows[0].measures[0].text = "（合成）措施一\r\n第二行\r第三行"
    ledger, found = read(data.write_ledger(tmp_path / "ledger.xlsx", rows))
    assert found == [] and ledger is not None
    assert ledger.problems[0].measures[0].text == "（合成）措施一\n第二行\n第三行"


LAST_ROW = 1_048_576
"""Excel's last row."""

_PEAK = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (__LIMIT__, __LIMIT__))
from pathlib import Path
from rectify_site.load.xlsx import read_ledger
from rectify_site.model.ledger import AspectRef, StatusRef
ledger, found = read_ledger(Path(sys.argv[1]), __ASPECTS__, __STATUSES__, display="ledger.xlsx")
for d in found:
    print(d.format())
if ledger is not None:
    print([(p.row, [(m.row, m.unit) for m in p.measures]) for p in ledger.problems])
# VmHWM is this program's own peak: ru_maxrss would keep the forking test process's
hwm = [l for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmHWM")]
kb = int(hwm[0].split()[1]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("peak MB", kb // 1024)
"""


def _read_capped(path: Path, limit_mb: int) -> list[str]:
    """read_ledger in a fresh interpreter whose address space is capped at ``limit_mb``."""
    import subprocess
    import sys

    script = (
        _PEAK.replace("__LIMIT__", str(limit_mb * 1024 * 1024))
        .replace("__ASPECTS__", repr(ASPECTS))
        .replace("__STATUSES__", repr(STATUSES))
    )
    src = Path(__file__).resolve().parents[1] / "src"
    run = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout.splitlines()


def test_merges_down_to_excel_s_last_row_cost_only_the_rows_that_hold_data(
    tmp_path: Path,
) -> None:
    """Issue 20.6: forty ranges down to row 1048576 in a file of a few KB were expanded
    cell by cell (a MemoryError under 2 GB). Ranges end at the last row that holds data,
    a column that is not read is not expanded, and a cell far below costs no rows."""
    from openpyxl.utils import get_column_letter

    rows = simple()
    for m in rows[0].measures[1:]:
        m.unit = None
    path = data.write_ledger(tmp_path / "ledger.xlsx", rows, layout="empty")
    unread = [f"{get_column_letter(c)}2:{get_column_letter(c)}{LAST_ROW}" for c in range(12, 52)]
    data.patch_sheet(
        path,
        # a value far below, in a column that is not read: not a ledger row
        rows_xml=f'<row r="{LAST_ROW}"><c r="L{LAST_ROW}" t="inlineStr"><is><t>x</t></is></c>'
        "</row>",
        # the unit of row 2 over every row; the last problem's 序号 down to that row
        merges=[*unread, f"E2:E{LAST_ROW - 1}", f"A5:A{LAST_ROW - 1}", f"A5:A{LAST_ROW - 1}"],
    )
    assert path.stat().st_size < 13 * 1024
    out = _read_capped(path, limit_mb=1024)
    unit = "（合成）单位甲"
    assert out[:-1] == [str([(2, [(2, unit), (3, unit), (4, unit)]), (5, [(5, unit)])])]
    assert int(out[-1].split()[-1]) < 400  # peak MB: about 60 (it was gigabytes)


def test_overlapping_merged_ranges(tmp_path: Path) -> None:
    """Excel never writes two ranges over one cell; a file that does is refused at the
    second range (which cell's value would the covered cells take?)."""
    path = data.write_ledger(tmp_path / "ledger.xlsx", simple(), layout="empty")
    data.patch_sheet(path, merges=["E2:E4", "E3:E5"])
    assert read(path)[1] == [
        f"{SHOWN}:3:5: error: 责任单位: 合并单元格 E3:E5 与 E2:E4 重叠：请取消其中一个合并"
    ]


# --- check --as-of ------------------------------------------------------------------------


def test_overdue_and_undated(tmp_path: Path) -> None:
    rows = simple()
    rows[0].measures[1].deadline = dt.date(2024, 3, 31)  # 正在推进, row 3
    rows[0].measures[2].deadline = "2024年5月1日"  # empty status, row 4
    rows[1].measures[0].deadline = dt.date(2025, 1, 1)  # not due yet, row 5
    # row 2: 已完成 without 完成日期 (and due 2024-06-30, but done)
    ledger, found = read(data.write_ledger(tmp_path / "ledger.xlsx", rows))
    assert found == [] and ledger is not None
    warnings = [d.format() for d in deadline_warnings(ledger, dt.date(2024, 7, 1), STATUSES)]
    assert warnings == [
        f"{SHOWN}:2:10: warning: 完成日期: 整改措施已完成，但未填写完成日期：请补上",
        f"{SHOWN}:3:7: warning: 完成时限: 整改措施已逾期：完成时限为 2024-03-31，"
        "截至 2024-07-01 仍为“正在推进”",
        f"{SHOWN}:4:7: warning: 完成时限: 整改措施已逾期：完成时限为 2024-05-01，"
        "截至 2024-07-01 仍为“未填写”",
    ]
    assert [d.line for d in deadline_warnings(ledger, dt.date(2024, 4, 1), STATUSES)] == [2, 3]


# --- the files made from a ledger -------------------------------------------------------


def test_the_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    from rectify_site.site.ledger_downloads import template_xlsx

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    made = template_xlsx(ASPECTS, STATUSES)
    assert made == template_xlsx(ASPECTS, STATUSES)  # byte-identical
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(made)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == list(data.HEADERS)
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["C"].width == 48
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["B2:B2001"] == "'选项'!$A$2:$A$17"
    assert lists["H2:H2001 I2:I2001"] == "'选项'!$B$2:$B$4"
    options = wb["选项"]
    assert options.sheet_state == "hidden"
    assert [options.cell(row=r, column=1).value for r in (2, 17)] == [
        "针对第1方面的问题（合成）",
        "针对第16方面的问题（合成）",
    ]
    assert [options.cell(row=r, column=2).value for r in (2, 3, 4)] == [
        "已整改",
        "已完成",
        "正在推进",
    ]
    # an empty template reads as an empty ledger, without a finding
    ledger, found = read(path)
    assert found == [] and ledger is not None and ledger.problems == ()
    # filled in with the drop-downs' values, it reads
    ws.append([1, "针对第1方面的问题（合成）", "（合成）问题", "（合成）措施"])
    wb.save(path)
    ledger, found = read(path)
    assert found == [] and ledger is not None and ledger.problems[0].aspect == "aspect-1"


def test_published_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    from rectify_site.model.ledger import DEFAULT_PUBLISHED
    from rectify_site.site.ledger_downloads import ledger_csv, ledger_xlsx, published

    rows = simple()
    rows[0].measures[0].note = '=HYPERLINK("http://example.org","x")'
    rows[0].measures[1].unit = "@SUM(1)"
    ledger, found = read(data.write_ledger(tmp_path / "ledger.xlsx", rows))
    assert found == [] and ledger is not None
    columns = [*DEFAULT_PUBLISHED, "备注"]
    table = published(ledger, columns, ASPECTS, STATUSES, {"measure": "正在推进"})
    assert table.columns[:3] == ("序号", "方面", "具体问题")
    assert table.rows[0][:4] == (1, "针对第1方面的问题（合成）", "（合成）问题一", "（合成）措施一")
    assert [r[columns.index("措施状态")] for r in table.rows] == ["已完成"] + ["正在推进"] * 3
    assert "（合成）责任领导" not in str(table)
    csv_bytes = ledger_csv(table)
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    text = csv_bytes.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM(1)" in text
    assert text.splitlines()[1].startswith("1,针对第1方面的问题（合成）,（合成）问题一,")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    made = ledger_xlsx(table)
    assert made == ledger_xlsx(table)
    with zipfile.ZipFile(__import__("io").BytesIO(made)) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2023, 11, 14, 22, 13, 20)}
        core = zf.read("docProps/core.xml").decode()
        assert "2023-11-14T22:13:20Z" in core
        assert "<f>" not in zf.read("xl/worksheets/sheet1.xml").decode()
    out = tmp_path / "published.xlsx"
    out.write_bytes(made)
    ws = openpyxl.load_workbook(out).worksheets[0]
    values = [c.value for r in ws.iter_rows() for c in r]
    assert all(isinstance(v, str | int) or v is None for v in values)
    assert '\'=HYPERLINK("http://example.org","x")' in values
    assert ws["A2"].value == 1 and ws.freeze_panes == "A2"


def test_as_of_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    from rectify_site.model.ledger import default_as_of, parse_as_of

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1719705600")  # 2024-06-30T00:00:00Z
    assert default_as_of() == dt.date(2024, 6, 30)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert default_as_of() == dt.date.today()
    assert parse_as_of("2024年7月1日") == parse_as_of("2024-07-01") == dt.date(2024, 7, 1)
    with pytest.raises(ValueError):
        parse_as_of("yesterday")
