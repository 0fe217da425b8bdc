"""Files made from a ledger: the empty template, and the published CSV and XLSX.

``ledger.py`` reads; this module writes, and only bytes (the CLI and the site stage decide
where they go). Every workbook is byte-identical from run to run: its timestamps are
``SOURCE_DATE_EPOCH`` or a fixed date, the zip entries are stored in one order with that
date, and every cell is a string or a number, never a formula. Text cells that a
spreadsheet would read as a formula are neutralised (``csvsafe``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rectify_site.model.ledger import HEADERS, AspectRef, Ledger, Measure, Problem, StatusRef
from rectify_site.site.csvsafe import neutralise

if TYPE_CHECKING:
    from openpyxl import Workbook

FIXED_DATE = dt.datetime(2000, 1, 1)
"""The workbooks' timestamp when SOURCE_DATE_EPOCH is not set."""

WIDTHS: dict[str, int] = {
    "序号": 6,
    "方面": 36,
    "具体问题": 48,
    "整改措施": 56,
    "责任单位": 18,
    "责任领导": 12,
    "完成时限": 12,
    "问题状态": 10,
    "措施状态": 10,
    "完成日期": 12,
    "备注": 24,
}
"""Column widths in characters (a CJK character counts about two)."""

TEMPLATE_ROWS = 2000
"""How far down the template's drop-down lists reach."""

OPTIONS_SHEET = "选项"


def timestamp() -> dt.datetime:
    """SOURCE_DATE_EPOCH as a naive UTC datetime (not before 1980, zip's epoch), else a
    fixed date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        when = dt.datetime.fromtimestamp(int(epoch), dt.UTC).replace(tzinfo=None)
        return max(when, dt.datetime(1980, 1, 1))
    return FIXED_DATE


def workbook_bytes(workbook: Workbook, when: dt.datetime | None = None) -> bytes:
    """The workbook as .xlsx bytes that do not depend on when they were made."""
    from openpyxl.writer.excel import ExcelWriter

    when = when or timestamp()
    workbook.properties.creator = "rectify-site"
    workbook.properties.created = when
    workbook.properties.modified = when
    raw = io.BytesIO()
    # ExcelWriter rather than Workbook.save, which stamps "modified" with the clock
    ExcelWriter(workbook, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    out = io.BytesIO()
    stamp = when.timetuple()[:6]
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _header_row(sheet: Any, columns: Sequence[str]) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.append(list(columns))
    bold = Font(bold=True)
    for i, name in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=i)
        cell.font = bold
        cell.alignment = Alignment(vertical="center")
        sheet.column_dimensions[_letter(i)].width = WIDTHS.get(name, 16)
    sheet.freeze_panes = "A2"


# --- the template ---------------------------------------------------------------------


def template_xlsx(aspects: Sequence[AspectRef], statuses: Mapping[str, StatusRef]) -> bytes:
    """An empty ledger.xlsx: the headers, a frozen header row, column widths, and drop-down
    lists (data validation) of the report's aspects and statuses.

    The lists live on a hidden second sheet (选项): an aspect's heading is longer than an
    inline list allows, and may hold a comma. The reader reads the first sheet only.
    """
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "整改台账"
    _header_row(sheet, HEADERS)
    options = workbook.create_sheet(OPTIONS_SHEET)
    options.append(["方面", "状态"])
    labels = [s.label for s in statuses.values()]
    for i in range(max(len(aspects), len(labels))):
        options.append(
            [
                neutralise(aspects[i].heading) if i < len(aspects) else None,
                neutralise(labels[i]) if i < len(labels) else None,
            ]
        )
    options.sheet_state = "hidden"
    col: dict[str, str] = {name: _letter(i) for i, name in enumerate(HEADERS, start=1)}
    last = TEMPLATE_ROWS + 1

    def listed(source: str, count: int, *names: str, title: str) -> None:
        if count == 0:
            return
        formula = f"'{OPTIONS_SHEET}'!${source}$2:${source}${count + 1}"
        dv = DataValidation(type="list", formula1=formula, allow_blank=True)
        dv.error = f"请从下拉列表中选择{title}"
        dv.errorTitle = title
        dv.showErrorMessage = True
        for name in names:
            dv.add(f"{col[name]}2:{col[name]}{last}")
        sheet.add_data_validation(dv)

    listed("A", len(aspects), "方面", title="方面")
    listed("B", len(labels), "问题状态", "措施状态", title="状态")
    dates = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
    dates.error = "请填写日期，如 2024-06-30"
    dates.errorTitle = "日期"
    dates.showErrorMessage = True
    for name in ("完成时限", "完成日期"):
        dates.add(f"{col[name]}2:{col[name]}{last}")
        sheet.column_dimensions[col[name]].number_format = "yyyy-mm-dd"
    sheet.add_data_validation(dates)
    return workbook_bytes(workbook)


# --- what is published ------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedLedger:
    """The ledger as the issuer publishes it: only ``columns``, values as they read."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str | int, ...], ...]
    """One row per measure, the problem's cells repeated on each of its rows."""


def cell_values(
    problem: Problem,
    measure: Measure,
    aspects: Mapping[str, AspectRef],
    statuses: Mapping[str, StatusRef],
    open_labels: Mapping[str, str | None] | None = None,
) -> dict[str, str | int]:
    """Every column's value for one measure row, as a reader reads it.

    An empty status reads as the remainder's label of the report where content names one
    (``open_labels``: role -> label), else as empty.
    """
    opened = open_labels or {}

    def status(key: str | None, role: str) -> str:
        if key is None:
            return opened.get(role) or ""
        return statuses[key].label if key in statuses else key

    aspect = aspects.get(problem.aspect)
    return {
        "序号": problem.number_value,
        "方面": aspect.heading if aspect else problem.aspect,
        "具体问题": problem.text,
        "整改措施": measure.text,
        "责任单位": measure.unit or "",
        "责任领导": measure.leader or "",
        "完成时限": measure.deadline.isoformat() if measure.deadline else "",
        "问题状态": status(problem.status, "problem"),
        "措施状态": status(measure.status, "measure"),
        "完成日期": measure.done_on.isoformat() if measure.done_on else "",
        "备注": measure.note or "",
    }


def published(
    ledger: Ledger,
    columns: Sequence[str],
    aspects: Sequence[AspectRef],
    statuses: Mapping[str, StatusRef],
    open_labels: Mapping[str, str | None] | None = None,
) -> PublishedLedger:
    """The published columns (in the order given) of every measure row."""
    by_id = {a.id: a for a in aspects}
    rows = []
    for p in ledger.problems:
        for m in p.measures:
            values = cell_values(p, m, by_id, statuses, open_labels)
            rows.append(tuple(values[c] for c in columns))
    return PublishedLedger(tuple(columns), tuple(rows))


def ledger_csv(table: PublishedLedger) -> bytes:
    """The published ledger as CSV: UTF-8 with a BOM (Excel), text neutralised."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([neutralise(v) if isinstance(v, str) else v for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def ledger_xlsx(table: PublishedLedger, title: str = "整改台账") -> bytes:
    """The published ledger as .xlsx: strings and numbers only, text neutralised."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    _header_row(sheet, table.columns)
    for row in table.rows:
        sheet.append([neutralise(v) if isinstance(v, str) else v for v in row])
    for r in range(2, len(table.rows) + 2):
        for c in range(1, len(table.columns) + 1):
            cell = sheet.cell(row=r, column=c)
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a string, even one openpyxl would take for a formula
    if table.rows and table.columns:
        sheet.auto_filter.ref = f"A1:{_letter(len(table.columns))}{len(table.rows) + 1}"
    return workbook_bytes(workbook)
