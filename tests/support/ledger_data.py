"""Synthetic ledgers (整改台账) for tests and benchmarks: every text says it is synthetic.

The real ledgers are not public, so ledgers are made here by code with openpyxl, in the
two layouts offices use: a problem's own cells merged over its measures' rows
(``merged``), or filled on its first row and left empty below (``empty``).

    from support.ledger_data import shaped_like, write_ledger
    write_ledger(path, shaped_like(aspect_ids, 57, 48, 134, 120))
"""

from __future__ import annotations

import datetime as dt
import random
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HEADERS = (
    "序号",
    "方面",
    "具体问题",
    "整改措施",
    "责任单位",
    "责任领导",
    "完成时限",
    "问题状态",
    "措施状态",
    "完成日期",
    "备注",
)
PROBLEM_HEADERS = ("序号", "方面", "具体问题", "问题状态")
UNITS = ("（合成）区发展改革委", "（合成）区商务委", "（合成）区财政局", "（合成）区委组织部")


@dataclass
class MeasureRow:
    text: str
    status: str | None = None
    unit: str | None = None
    leader: str | None = None
    deadline: Any = None
    done_on: Any = None
    note: str | None = None


@dataclass
class ProblemRows:
    number: Any
    aspect: str
    text: str
    status: str | None = None
    measures: list[MeasureRow] = field(default_factory=list)


def shaped_like(
    aspects: Sequence[str],
    problems: int,
    rectified: int,
    measures: int,
    completed: int,
    *,
    problem_done: str = "已整改",
    measure_done: str = "已完成",
    seed: int = 1,
) -> list[ProblemRows]:
    """A ledger with exactly these counts, problems spread over ``aspects`` in turn.

    The rectified problems come first and have every measure completed; the rest have at
    least one measure not completed (an empty status cell), as the ledger's rule wants.
    """
    rng = random.Random(seed)
    open_problems = problems - rectified
    not_done = measures - completed
    assert open_problems <= not_done <= measures - rectified, "counts that cannot be"
    # the open problems share the not-done measures (one at least each) and some done ones
    per_open = [1] * open_problems
    for i in range(not_done - open_problems):
        per_open[i % max(open_problems, 1)] += 1
    per_done = [1] * rectified
    spare = measures - rectified - sum(per_open)
    # the open problems get one done measure each first, where there are measures to spare
    extra_open = [0] * open_problems
    for i in range(min(spare, open_problems)):
        extra_open[i] += 1
    spare -= sum(extra_open)
    for i in range(spare):
        per_done[i % max(rectified, 1)] += 1
    out: list[ProblemRows] = []
    start = dt.date(2023, 9, 1)
    for n in range(problems):
        done = n < rectified
        aspect = aspects[n % len(aspects)]
        p = ProblemRows(
            number=n + 1,
            aspect=aspect,
            text=f"（合成）第{n + 1}个具体问题：某方面工作有差距",
            status=problem_done if done else None,
        )
        counts = (
            [(per_done[n], 0)] if done else [(extra_open[n - rectified], per_open[n - rectified])]
        )
        ok, todo = counts[0]
        for k in range(ok + todo):
            deadline = start + dt.timedelta(days=30 * rng.randint(1, 12))
            finished = k < ok
            p.measures.append(
                MeasureRow(
                    text=f"（合成）第{n + 1}个问题的第{k + 1}条整改措施",
                    status=measure_done if finished else None,
                    unit=UNITS[(n + k) % len(UNITS)],
                    leader=f"（合成）责任领导{(n % 7) + 1}",
                    deadline=deadline,
                    done_on=deadline - dt.timedelta(days=5) if finished else None,
                    note="（合成）备注" if k == 0 else None,
                )
            )
        out.append(p)
    return out


def big(rows: int, aspects: Sequence[str], *, seed: int = 2) -> list[ProblemRows]:
    """About ``rows`` measure rows, 1-4 measures a problem (for the benchmark)."""
    rng = random.Random(seed)
    out: list[ProblemRows] = []
    made = 0
    while made < rows:
        k = min(rng.randint(1, 4), rows - made)
        n = len(out) + 1
        statuses = ["已完成" if rng.random() < 0.8 else None for _ in range(k)]
        p = ProblemRows(
            number=n,
            aspect=aspects[n % len(aspects)],
            text=f"（合成）第{n}个具体问题",
            status="已整改" if all(statuses) else None,
        )
        for j, st in enumerate(statuses):
            p.measures.append(
                MeasureRow(
                    text=f"（合成）第{n}个问题的第{j + 1}条整改措施",
                    status=st,
                    unit=UNITS[(n + j) % len(UNITS)],
                    deadline=dt.date(2024, 1 + (n + j) % 12, 1 + (n * 7 + j) % 28),
                    done_on=dt.date(2024, 1, 15) if st else None,
                )
            )
        out.append(p)
        made += k
    return out


def write_ledger(
    path: Path,
    problems: Sequence[ProblemRows],
    *,
    layout: str = "merged",
    headers: Sequence[str] = HEADERS,
    extra: dict[tuple[int, int], Any] | None = None,
    merges: Sequence[str] = (),
) -> Path:
    """Write ``problems`` as ledger.xlsx; ``extra`` sets cells (row, col) afterwards and
    ``merges`` adds merged ranges (``"C2:C4"``), to make broken ledgers."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "整改台账（合成）"
    ws.append(list(headers))
    col = {h: i + 1 for i, h in enumerate(headers)}
    r = 2
    for p in problems:
        first = r
        for k, m in enumerate(p.measures or [MeasureRow(text="")]):
            values: dict[str, Any] = {
                "整改措施": m.text or None,
                "责任单位": m.unit,
                "责任领导": m.leader,
                "完成时限": m.deadline,
                "措施状态": m.status,
                "完成日期": m.done_on,
                "备注": m.note,
            }
            if k == 0:
                values.update(
                    {"序号": p.number, "方面": p.aspect, "具体问题": p.text, "问题状态": p.status}
                )
            for name, value in values.items():
                if name in col and value is not None:
                    cell = ws.cell(row=r, column=col[name], value=value)
                    if isinstance(value, dt.date):
                        cell.number_format = "yyyy-mm-dd"
                    elif isinstance(value, str):
                        cell.data_type = "s"  # text, even where it starts with =, as typed '=
            r += 1
        if layout == "merged" and r - first > 1:
            for name in PROBLEM_HEADERS:
                if name in col:
                    ws.merge_cells(
                        start_row=first, start_column=col[name], end_row=r - 1, end_column=col[name]
                    )
    for (row, column), value in (extra or {}).items():
        ws.cell(row=row, column=column, value=value)
    for rng in merges:
        ws.merge_cells(rng)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def patch_sheet(path: Path, *, rows_xml: str = "", merges: Sequence[str] = ()) -> Path:
    """Add raw rows (``<row r="…">…</row>``) and merged ranges to the first sheet's XML, as
    a hostile or odd writer would: openpyxl's ``merge_cells`` makes a cell object for every
    cell a range covers, so ``A2:A1048576`` is written here, by hand, in a few bytes."""
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as zf:
        parts = {info.filename: zf.read(info.filename) for info in zf.infolist()}
    xml = parts[sheet].decode("utf-8")
    if rows_xml:
        xml = xml.replace("</sheetData>", rows_xml + "</sheetData>", 1)
    if merges:
        listed = "".join(f'<mergeCell ref="{ref}"/>' for ref in merges)
        if "</mergeCells>" in xml:
            xml = xml.replace("</mergeCells>", listed + "</mergeCells>", 1)
        else:
            block = f'<mergeCells count="{len(merges)}">{listed}</mergeCells>'
            xml = xml.replace("</sheetData>", "</sheetData>" + block, 1)
    parts[sheet] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in parts.items():
            zf.writestr(name, body)
    return path
