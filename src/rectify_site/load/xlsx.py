"""Reading ``<report>/ledger.xlsx`` into the model's ``Ledger``, every finding at its cell.

The first sheet is read (its cells by openpyxl in read-only mode, its merged ranges from
the sheet's own XML: see ``_read_sheet``); its first row holds the headers. Every problem
is a Diagnostic with Excel's own row and column (the header row is row 1, column A is 1).
Errors in rows do not stop the reading: every row is checked.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import re
import warnings
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rectify_site.errors import Diagnostic, diag
from rectify_site.files import refusal
from rectify_site.load.sources import (
    MAX_CHAR_PROBLEMS,
    REFUSED_CHARS,
    code_point,
    refused_char,
    refused_char_key,
)
from rectify_site.model.ledger import (
    HEADERS,
    PROBLEM_COLUMNS,
    REQUIRED_HEADERS,
    AspectRef,
    Ledger,
    Measure,
    Problem,
    StatusRef,
    footnote_mark,
    number_key,
    parse_date,
)

_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(
    r"^(?:\d+[.．、]|[（(]\d+[）)]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])"
)


def _normal(text: str) -> str:
    """A heading as compared: no spaces, no trailing 。"""
    return _SPACE.sub("", text).rstrip("。.")


def aspect_keys(aspect: AspectRef) -> list[str]:
    """Every way a ledger may name the aspect: its id, its heading, number and heading."""
    heading = _normal(aspect.heading)
    return [aspect.id, heading, _SPACE.sub("", aspect.number) + heading]


MAX_BYTES = 10 * 1024 * 1024
"""A ledger.xlsx larger than this is refused (10 MB)."""
MAX_UNPACKED = 100 * 1024 * 1024
"""A ledger whose parts unpack to more than this is refused (100 MB): a zip bomb."""

# --- reading --------------------------------------------------------------------------


def read_ledger(
    path: Path,
    aspects: Sequence[AspectRef],
    statuses: Mapping[str, StatusRef],
    *,
    display: str | Path | None = None,
    root: Path | None = None,
) -> tuple[Ledger | None, list[Diagnostic]]:
    """Read and check ``path``; the ledger (None when unreadable) and every finding.

    ``display`` is the path diagnostics print (default: ``path``); with ``root``, anything
    but a regular file inside it is refused, as content files are (``files.refusal``).
    Errors in rows do not stop the reading: every row is checked, and the ledger is
    returned only without errors.
    """
    where = str(display if display is not None else path)
    problems: list[Diagnostic] = []
    if root is not None and (refused := refusal(path, root)) is not None:
        return None, [dataclasses.replace(refused, path=where)]
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, [diag(where, "file.unreadable", problem=exc.strerror or str(exc))]
    if size > MAX_BYTES:
        return None, [diag(where, "file.too_large", size=size, limit=MAX_BYTES)]
    try:
        with zipfile.ZipFile(path) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError):
        return None, [diag(where, "ledger.not_xlsx")]
    if unpacked > MAX_UNPACKED:
        return None, [diag(where, "ledger.too_large_unpacked", size=unpacked, limit=MAX_UNPACKED)]
    try:
        rows, merges = _read_sheet(path)
    except Exception as exc:  # openpyxl and zipfile raise many kinds for a damaged file
        return None, [diag(where, "ledger.not_xlsx_detail", problem=type(exc).__name__)]
    reader = _Reader(where, aspects, statuses, problems)
    ledger = reader.read(rows, merges)
    problems.sort(key=lambda d: (d.line or 0, d.col or 0, d.key))
    if any(d.severity == "error" for d in problems):
        return None, problems
    return ledger, problems


Merge = tuple[int, int, int, int, str]
"""A merged range: first row, first column, last row, last column, and ``C2:C4``."""


_MERGE_CELL = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s+ref=[\"']([A-Z]+[0-9]+:[A-Z]+[0-9]+)[\"']"
)
"""A merged range in the sheet's XML: ``<mergeCell ref="C2:C4"/>``, in any namespace prefix."""


def _sheet_part(sheet: Any) -> str | None:
    """Where the sheet's XML lies in the workbook's zip (openpyxl's read-only sheets know)."""
    part = getattr(sheet, "_worksheet_path", None)
    return part if isinstance(part, str) else None


Rows = dict[int, list[Any]]
"""The rows that hold a value, by their number (the header row is 1): a sheet may hold one
cell in row 1048576 in a file of a few KB, and the empty rows above it cost nothing."""


def _read_sheet(path: Path) -> tuple[Rows, list[Merge]]:
    """The first sheet's rows that hold a value, and its merged ranges.

    openpyxl's read-only mode reads the cells (four times faster than its normal mode,
    which also builds a styled cell object for every cell a merge covers), and the
    merged ranges come from the sheet's own ``<mergeCells>``, which read-only mode skips:
    the same two things normal mode would give.
    """
    import openpyxl
    from openpyxl.utils.cell import range_boundaries

    with warnings.catch_warnings():  # "Data Validation extension is not supported"…
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers record a wrong size: read what is there
        rows = {
            r: list(values)
            for r, values in enumerate(sheet.iter_rows(values_only=True), start=1)
            if any(v is not None for v in values)
        }
        part = _sheet_part(sheet)
    finally:
        workbook.close()
    merges: list[Merge] = []
    if not isinstance(part, str):  # another openpyxl: its normal mode knows the ranges
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            full = openpyxl.load_workbook(path, data_only=True, keep_links=False)
        for r in full.worksheets[0].merged_cells.ranges:
            merges.append((r.min_row, r.min_col, r.max_row, r.max_col, r.coord))
        return rows, merges
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(part)
    for m in _MERGE_CELL.finditer(xml):
        ref = m[1].decode("ascii")
        c0, r0, c1, r1 = range_boundaries(ref)
        if c0 and r0 and c1 and r1:
            merges.append((r0, c0, r1, c1, ref))
    return rows, merges


def _text(value: Any) -> str | None:
    """A cell as text: None when empty; whole floats without ``.0``."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    text = value.isoformat() if isinstance(value, dt.date | dt.datetime) else str(value).strip()
    return text or None


def _scrub(rows: Rows) -> list[tuple[int, int, str]]:
    """Every text cell that holds a character no text may hold, tested as YAML's values are
    (``refused_char``): (row, column, the character), at most MAX_CHAR_PROBLEMS.

    A line break written CR LF or CR reads as LF first (as content files' line endings do).
    The refused characters are then dropped from the cell, so that no later message about
    it (an unknown status, say) prints them to the editor's terminal.
    """
    found: list[tuple[int, int, str]] = []
    for r, row in rows.items():
        for c, value in enumerate(row, start=1):
            if not isinstance(value, str):
                continue
            if "\r" in value:
                value = row[c - 1] = value.replace("\r\n", "\n").replace("\r", "\n")
            m = refused_char(value)
            if m is not None:
                found.append((r, c, m.group()))
                row[c - 1] = REFUSED_CHARS.sub("", value)
    return found[:MAX_CHAR_PROBLEMS]


def _show(value: Any) -> str:
    """A cell as an editor sees it, in a message."""
    return _text(value) or ""


class _Reader:
    def __init__(
        self,
        where: str,
        aspects: Sequence[AspectRef],
        statuses: Mapping[str, StatusRef],
        problems: list[Diagnostic],
    ) -> None:
        self.where = where
        self.statuses = statuses
        self.found = problems
        self.merged: dict[int, tuple[list[int], list[Merge]]] = {}
        """Column -> its merged ranges' first rows, and the ranges, in row order."""
        self.aspects: dict[str, str] = {}
        for a in aspects:
            for key in aspect_keys(a):
                self.aspects.setdefault(key, a.id)
        self.labels: dict[str, str] = {}
        for key, st in statuses.items():
            self.labels.setdefault(_normal(st.label), key)
            self.labels.setdefault(key, key)

    def aspect(self, written: str) -> str | None:
        """The id of the aspect a cell names: by id, heading, or number and heading."""
        plain = _normal(written)
        return (
            self.aspects.get(written)
            or self.aspects.get(plain)
            or self.aspects.get(_NUMBER.sub("", plain))
        )

    def error(self, key: str, row: int, col: int | None, field: str, **params: Any) -> None:
        self.found.append(diag(self.where, key, line=row, col=col, field=field, **params))

    def warn(self, key: str, row: int, col: int | None, field: str, **params: Any) -> None:
        self.found.append(
            diag(self.where, key, line=row, col=col, field=field, severity="warning", **params)
        )

    # -- the header row --

    def header(self, first: list[Any]) -> dict[str, int]:
        columns: dict[str, int] = {}
        for i, cell in enumerate(first, start=1):
            name = _SPACE.sub("", _text(cell) or "")
            if not name:
                continue
            if name not in HEADERS:
                self.warn("ledger.unknown_header", 1, i, name, name=name, known="、".join(HEADERS))
            elif name in columns:
                self.error("ledger.duplicate_header", 1, i, name, name=name, first=columns[name])
            else:
                columns[name] = i
        for name in REQUIRED_HEADERS:
            if name not in columns:
                self.error("ledger.missing_header", 1, None, name, name=name)
        return columns

    # -- the rows --

    def refused(self, found: list[tuple[int, int, str]], columns: dict[str, int]) -> None:
        """An error at each cell ``_scrub`` found, named by its column's header (or letter)."""
        from openpyxl.utils import get_column_letter

        names = {c: n for n, c in columns.items()}
        for r, c, ch in found:
            name = names.get(c) or get_column_letter(c)
            self.error(refused_char_key(ch), r, c, name, char=code_point(ch))

    def covering(self, r: int, c: int) -> Merge | None:
        """The merged range that covers cell (r, c), not as its top-left cell."""
        merged = self.merged.get(c)
        if merged is None:
            return None
        starts, ranges = merged
        i = bisect.bisect_left(starts, r) - 1  # the last range starting above the row
        return ranges[i] if i >= 0 and r <= ranges[i][2] else None

    def merge_columns(self, merges: list[Merge], by_col: dict[int, str]) -> None:
        """The merged ranges of the columns read, kept as ranges (never cell by cell: a
        13 KB file may merge L2:L1048576 forty times); every misshapen range an error."""
        kept: dict[int, list[Merge]] = {}
        for m in sorted(set(merges)):  # a range listed twice is one range
            r0, c0, r1, c1, coord = m
            name = by_col.get(c0, "")
            if r0 == 1 or c0 != c1:
                self.error("ledger.merge_shape", r0, c0, name, range=coord)
                continue
            if not name:
                continue  # a column that is not read
            if name == "整改措施" and r1 > r0:  # its rows still read as the one measure
                self.error("ledger.merge_measure", r0, c0, name, range=coord)
            earlier = kept.setdefault(c0, [])
            if earlier and r0 <= earlier[-1][2]:  # Excel never writes overlapping ranges
                self.error("ledger.merge_overlap", r0, c0, name, range=coord, other=earlier[-1][4])
                continue
            earlier.append(m)
        self.merged = {c: ([m[0] for m in ms], ms) for c, ms in kept.items()}

    def read(self, rows: Rows, merges: list[Merge]) -> Ledger:
        refused = _scrub(rows)
        columns = self.header(rows.get(1, []))
        self.refused(refused, columns)
        if any(name not in columns for name in REQUIRED_HEADERS):
            return Ledger(path=self.where, columns=columns, problems=())
        by_col = {c: n for n, c in columns.items()}
        self.merge_columns(merges, by_col)

        # every row as long as the header, and a merged range's value in every cell it
        # covers: only the rows that hold a value are read, merged or not
        width = max(columns.values())
        for r, row in rows.items():
            if len(row) < width:
                row.extend([None] * (width - len(row)))
            for c in self.merged:
                m = self.covering(r, c)
                if m is not None:
                    top = rows.get(m[0])
                    row[c - 1] = top[c - 1] if top is not None else None

        def cell(row: list[Any], r: int, name: str) -> Any:
            """The cell's value; a merged range's value in every cell it covers."""
            c = columns.get(name)
            return None if c is None else row[c - 1]

        def own(row: list[Any], r: int, name: str) -> Any:
            """The value written in this very cell (None for a cell a merge covers)."""
            c = columns.get(name)
            if c is None or self.covering(r, c) is not None:
                return None
            return row[c - 1]

        indices = [c - 1 for c in columns.values()]

        # problem spans: a row where a problem's own cell has a value starts a problem
        starts: list[int] = []
        data: list[tuple[int, list[Any]]] = []
        for r, row in sorted(rows.items()):
            if r == 1 or all(row[i] is None or _text(row[i]) is None for i in indices):
                continue  # an empty row
            data.append((r, row))
            if any(_text(own(row, r, n)) is not None for n in PROBLEM_COLUMNS):
                starts.append(r)
        last = data[-1][0] if data else 1
        spans = {
            s: (starts[i + 1] - 1 if i + 1 < len(starts) else last) for i, s in enumerate(starts)
        }
        self._check_problem_merges(merges, columns, starts, spans, last)

        numbers: dict[str, int] = {}
        out: list[Problem] = []
        current: dict[str, Any] | None = None
        measures: list[Measure] = []

        def close() -> None:
            if current is not None:
                out.append(self._problem(current, tuple(measures), columns))

        for r, row in data:
            if r in spans:
                close()
                measures = []
                current = self._start(r, row, cell, own, columns, numbers)
            elif current is None:  # measures before any problem
                self.error("ledger.required", r, columns["序号"], "序号", name="序号")
                current = {"row": r, "number": "", "aspect": None, "text": "", "status": None}
            measures.append(self._measure(r, row, cell, columns))
        close()
        return Ledger(path=self.where, columns=columns, problems=tuple(out))

    def _check_problem_merges(
        self,
        merges: list[Merge],
        columns: dict[str, int],
        starts: list[int],
        spans: dict[int, int],
        last: int,
    ) -> None:
        problem_cols = {columns[n]: n for n in PROBLEM_COLUMNS if n in columns}
        for r0, c0, r1, c1, coord in merges:
            if r0 == 1 or c0 != c1 or c0 not in problem_cols or r1 == r0:
                continue
            i = bisect.bisect_right(starts, r0)
            if i == 0:
                continue
            start = starts[i - 1]
            end = spans[start]
            if r0 != start or (r1 != end and not (end == last and r1 > last)):
                self.error(
                    "ledger.merge_misaligned",
                    r0,
                    c0,
                    problem_cols[c0],
                    range=coord,
                    first=start,
                    last=end,
                )

    def _start(
        self,
        r: int,
        row: list[Any],
        cell: Any,
        own: Any,
        columns: dict[str, int],
        numbers: dict[str, int],
    ) -> dict[str, Any]:
        values: dict[str, str | None] = {}
        for name in ("序号", "方面", "具体问题"):
            # a required cell a merge from above covers is reported as the misaligned merge
            merged_from_above = self.covering(r, columns[name]) is not None
            value = _text(own(row, r, name))
            values[name] = value
            if value is None and not merged_from_above:
                self.error("ledger.required", r, columns[name], name, name=name)
        number = values["序号"] or ""
        mark = footnote_mark(number)
        if mark is not None:
            self.error("ledger.bad_number", r, columns["序号"], "序号", value=number, char=mark)
        key = number_key(number)
        if key:  # ① and 1 are one number
            if key in numbers:
                self.error(
                    "ledger.duplicate_number",
                    r,
                    columns["序号"],
                    "序号",
                    value=number,
                    first=numbers[key],
                )
            else:
                numbers[key] = r
        aspect = None
        if values["方面"] is not None:
            aspect = self.aspect(values["方面"])
            if aspect is None:
                self.error(
                    "ledger.unknown_aspect", r, columns["方面"], "方面", value=values["方面"]
                )
        status = self._status(cell(row, r, "问题状态"), r, columns, "问题状态")
        return {
            "row": r,
            "number": number,
            "aspect": aspect,
            "text": values["具体问题"] or "",
            "status": status,
        }

    def _status(
        self, value: Any, r: int, columns: dict[str, int], name: str
    ) -> tuple[str, bool] | None:
        label = _text(value)
        if label is None:
            return None
        key = self.labels.get(_normal(label))
        if key is None:
            self.error("ledger.unknown_status", r, columns.get(name), name, value=label)
            return None
        return key, self.statuses[key].done

    def _date(self, value: Any, r: int, columns: dict[str, int], name: str) -> dt.date | None:
        if _text(value) is None:
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.error("ledger.bad_date", r, columns.get(name), name, value=_show(value))
        return parsed

    def _measure(self, r: int, row: list[Any], cell: Any, columns: dict[str, int]) -> Measure:
        text = _text(cell(row, r, "整改措施"))
        if text is None:
            self.error("ledger.required", r, columns["整改措施"], "整改措施", name="整改措施")
        status = self._status(cell(row, r, "措施状态"), r, columns, "措施状态")
        return Measure(
            row=r,
            text=text or "",
            unit=_text(cell(row, r, "责任单位")),
            leader=_text(cell(row, r, "责任领导")),
            deadline=self._date(cell(row, r, "完成时限"), r, columns, "完成时限"),
            status=status[0] if status else None,
            done=bool(status and status[1]),
            done_on=self._date(cell(row, r, "完成日期"), r, columns, "完成日期"),
            note=_text(cell(row, r, "备注")),
        )

    def _problem(
        self, start: dict[str, Any], measures: tuple[Measure, ...], columns: dict[str, int]
    ) -> Problem:
        status: tuple[str, bool] | None = start["status"]
        if status is not None and status[1]:
            for m in measures:
                if not m.done:
                    label = self.statuses[m.status].label if m.status else ""
                    self.error(
                        "ledger.problem_done_early",
                        start["row"],
                        columns.get("问题状态"),
                        "问题状态",
                        status=self.statuses[status[0]].label,
                        measure_row=m.row,
                        measure_status=label or ("空白", "empty"),
                    )
                    break
        return Problem(
            row=start["row"],
            number=start["number"],
            aspect=start["aspect"] or "",
            text=start["text"],
            status=status[0] if status else None,
            done=bool(status and status[1]),
            measures=measures,
        )
