"""The ledger in the whole pipeline: figures rolled up from it, check, build, publishing.

The real content keeps no ledger (the office's is not public): each test copies it and
adds a synthetic ledger.xlsx, made by code, shaped like the report's own figures
(57 problems / 48 rectified, 134 measures / 120 completed, over its 16 aspects).
"""

from __future__ import annotations

import gzip
import json
import shutil
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import brotli
import pytest

from rectify_site.build.pipeline import build_site
from rectify_site.commands.cli import main
from rectify_site.errors import ContentError
from rectify_site.load.collection import load_collection

from conftest import REPORT_ID, Run, edit
from support import ledger_data as data

COUNTED = (
    ("    label: 具体问题\n", "    label: 具体问题\n    counts: problem\n"),
    ("    label: 整改措施\n", "    label: 整改措施\n    counts: measure\n"),
)


def aspect_ids(content: Path) -> list[str]:
    report = load_collection(content).reports[0]
    return [n.id or n.anchor for n in report.nodes() if n.role == "aspect"]


def with_ledger(content: Path, *, rectified: int = 48, counted: bool = True, **kwargs: Any) -> Path:
    """The copy with a synthetic ledger in the report folder, and tallies that count it."""
    ids = aspect_ids(content)
    assert len(ids) == 16
    rows = data.shaped_like(ids, 57, rectified, 134, 120)
    folder = content / REPORT_ID
    if counted:
        for old, new in COUNTED:
            edit(folder / "figures.yaml", old, new)
    return data.write_ledger(folder / "ledger.xlsx", rows, **kwargs)


def _line_of(path: Path, text: str) -> int:
    return next(i for i, ln in enumerate(path.read_text("utf-8").splitlines(), 1) if text in ln)


def test_a_ledger_that_agrees_loads(content_copy: Path) -> None:
    with_ledger(content_copy)
    report = load_collection(content_copy).reports[0]
    assert report.ledger is not None
    assert report.ledger.count("problem").total == 57
    figures = {f.path: f for f in report.figures.all()}
    assert figures["problems"].derived and figures["problems"].by_status == {"rectified": 48}
    assert figures["measures"].derived and figures["measures"].by_status == {"completed": 120}
    assert figures["common.problems"].total == 9  # counts nothing: stays as declared


def test_a_ledger_that_disagrees_names_the_declared_figure(
    content_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with_ledger(content_copy, rectified=47)
    figures = content_copy / REPORT_ID / "figures.yaml"
    line = _line_of(figures, "rectified: 48")
    with pytest.raises(ContentError) as exc:
        load_collection(content_copy)
    assert [d.format() for d in exc.value.diagnostics] == [
        f"{figures}:{line}:7: error: problems.by_status.rectified: 台账中已整改 47 项，此处为 48 项"
    ]
    monkeypatch.chdir(content_copy.parent)
    assert main(["check", "--no-html-check"]) == 1
    err = capsys.readouterr().err
    assert (
        f"content/{REPORT_ID}/figures.yaml:{line}:7: error: problems.by_status.rectified: "
        "台账中已整改 47 项，此处为 48 项"
    ) in err


def test_figures_come_from_the_ledger_where_not_declared(content_copy: Path) -> None:
    with_ledger(content_copy, rectified=49)
    figures = content_copy / REPORT_ID / "figures.yaml"
    edit(figures, "    total: 57\n    by_status:\n      rectified: 48\n", "")
    edit(figures, "    total: 134\n    by_status:\n      completed: 120\n", "")
    report = load_collection(content_copy).reports[0]
    by_path = {f.path: f for f in report.figures.all()}
    assert (by_path["problems"].total, by_path["problems"].by_status) == (57, {"rectified": 49})
    assert (by_path["measures"].total, by_path["measures"].by_status) == (134, {"completed": 120})
    # prose that refers to them reads the ledger's numbers
    text = "".join(p for n in report.nodes() for p in n.paragraphs)
    assert "巡视反馈的57项具体问题已经整改49项。提出整改措施134条，已经完成120条" in text


def test_a_tally_within_a_category_counts_its_ledger_rows(content_copy: Path) -> None:
    with_ledger(content_copy)
    figures = content_copy / REPORT_ID / "figures.yaml"
    edit(
        figures,
        "- id: discipline\n",
        "  - {id: positioning, label: 定位问题, unit: 项, counts: problem, scope: positioning}\n"
        "- id: discipline\n",
    )
    report = load_collection(content_copy).reports[0]
    assert report.ledger is not None
    inside = {n.id for c in report.categories() if c.anchor == "positioning" for n in c.walk()}
    expected = report.ledger.count("problem", inside)
    assert 0 < expected.total < 57
    tally = {f.path: f for f in report.figures.all()}["positioning"]
    assert (tally.total, tally.by_status) == (expected.total, expected.by_status)


def test_ledger_diagnostics_in_the_loader(content_copy: Path) -> None:
    ids = aspect_ids(content_copy)
    rows = data.shaped_like(ids, 57, 48, 134, 120)
    rows[0].measures[0].status = "已完结"
    path = data.write_ledger(content_copy / REPORT_ID / "ledger.xlsx", rows)
    with pytest.raises(ContentError) as exc:
        load_collection(content_copy)
    assert [d.format() for d in exc.value.diagnostics] == [
        f"{path}:2:8: error: 问题状态: 问题状态为“已整改”，但第 2 行的整改措施尚未完成"
        "（空白）：请核对",
        f"{path}:2:9: error: 措施状态: 未定义的状态“已完结”",
    ]


def test_check_as_of_warns_of_overdue_measures(
    content_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = aspect_ids(content_copy)
    rows = data.shaped_like(ids, 57, 48, 134, 120)
    # the last problem's last measure is not completed: due 2024-06-30
    last = rows[-1].measures[-1]
    assert last.status is None
    for r in rows:
        for m in r.measures:
            m.deadline = None
    last.deadline = "2024-06-30"
    rows[0].measures[0].done_on = None  # completed without a date
    data.write_ledger(content_copy / REPORT_ID / "ledger.xlsx", rows)
    monkeypatch.chdir(content_copy.parent)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert main(["check", "--no-html-check", "--as-of", "2024-07-01"]) == 0
    captured = capsys.readouterr()
    err = captured.out + captured.err
    row = 1 + sum(len(r.measures) for r in rows)
    shown = f"content/{REPORT_ID}/ledger.xlsx"
    assert (
        f"{shown}:{row}:7: warning: 完成时限: 整改措施已逾期：完成时限为 2024-06-30，"
        "截至 2024-07-01 仍为“未填写”"
    ) in err
    assert f"{shown}:2:10: warning: 完成日期: 整改措施已完成，但未填写完成日期：请补上" in err
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704067200")  # 2024-01-01: not yet due
    main(["check", "--no-html-check"])
    captured = capsys.readouterr()
    assert "逾期" not in captured.out + captured.err


# --- nothing of an unpublished ledger reaches the site --------------------------------


def _texts(site: Path) -> bytes:
    """Every file of the site; its compressed copies (.gz, .br) and Pagefind's index also
    decompressed, without the zero-width spaces with which Pagefind segments Chinese."""
    out = []
    for p in sorted(site.rglob("*")):
        if not p.is_file():
            continue
        raw = p.read_bytes()
        out.append(raw)
        for unpack in (gzip.decompress, brotli.decompress, lambda b: zlib.decompress(b, -15)):
            try:
                out.append(unpack(raw).replace("\u200b".encode(), b""))
                break
            except (OSError, EOFError, zlib.error, brotli.error):
                continue
    return b"\n".join(out)


def test_an_unpublished_ledger_leaves_no_trace(content_copy: Path, tmp_path: Path) -> None:
    path = with_ledger(content_copy)
    from rectify_site.load.xlsx import read_ledger

    report = load_collection(content_copy).reports[0]
    assert report.ledger is not None
    texts = set(report.ledger.texts())
    assert "（合成）第1个具体问题：某方面工作有差距" in texts and path.is_file()
    out = tmp_path / "_site"
    build_site(content_copy, out, search=True)
    assert (out / "pagefind").is_dir()
    everything = _texts(out)
    assert "（合成）".encode() not in everything
    for text in texts:
        assert text.encode() not in everything, text
    assert not (out / REPORT_ID / "ledger.html").exists()
    assert not list(out.rglob("ledger*"))
    assert "ledger" not in (out / "data" / "reports.json").read_text("utf-8")
    assert read_ledger  # the reader is what put the texts in the model


# --- publish: true ----------------------------------------------------------------------


def publish(content: Path, columns: str | None = None) -> None:
    extra = "ledger:\n  publish: true\n"
    if columns:
        extra += f"  publish_columns: {columns}\n"
    report = content / REPORT_ID / "report.yaml"
    report.write_text(report.read_text("utf-8") + extra, "utf-8")


@pytest.mark.slow
def test_a_published_ledger(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_ledger(content_copy)
    publish(content_copy)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = tmp_path / "_site"
    build_site(content_copy, out, search=True)
    page = (out / REPORT_ID / "ledger.html").read_text("utf-8")
    assert "整改台账" in page
    for n in range(1, 58):
        assert f"（合成）第{n}个具体问题：某方面工作有差距" in page
    assert page.count("个问题的第") == 134  # every measure
    assert "责任领导" not in page and "（合成）责任领导" not in page  # not published by default
    assert "（合成）备注" not in page
    assert 'id="p-1"' in page and 'id="p-1-1"' in page
    # filters are links to pages made at build time
    assert 'href="ledger/status-rectified.html"' in page
    assert 'href="ledger/open.html"' in page
    unit_pages = sorted((out / REPORT_ID / "ledger").glob("unit-*.html"))
    assert len(unit_pages) == len(data.UNITS)
    opened = (out / REPORT_ID / "ledger" / "open.html").read_text("utf-8")
    assert opened.count("个问题的第") == 14
    # downloads
    csv_bytes = (out / REPORT_ID / "data" / "ledger.csv").read_bytes()
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    assert csv_bytes.decode("utf-8-sig").count("\r\n") == 135
    xlsx = (out / REPORT_ID / "data" / "ledger.xlsx").read_bytes()
    # byte-identical from build to build
    again = tmp_path / "again" / "_site"
    build_site(content_copy, again, search=False)
    assert (again / REPORT_ID / "data" / "ledger.xlsx").read_bytes() == xlsx
    assert (again / REPORT_ID / "data" / "ledger.csv").read_bytes() == csv_bytes
    assert (again / REPORT_ID / "ledger.html").read_bytes() == page.encode()
    # the open-data listings name the downloads
    assert "data/ledger.xlsx" in (out / "data" / "index.html").read_text("utf-8")
    listed = json.loads((out / "data" / "reports.json").read_text("utf-8"))["reports"][0]
    assert listed["ledger_csv"] == f"{REPORT_ID}/data/ledger.csv"
    # search indexes it (Han text as the bigram words the index holds: build/bigrams.py)
    from rectify_site.build.bigrams import words

    assert " ".join(words("（合成）第1个具体问题")).encode() in _texts(out / "pagefind")


def test_published_columns_are_the_issuer_s_choice(content_copy: Path, tmp_path: Path) -> None:
    with_ledger(content_copy)
    publish(content_copy, "[序号, 具体问题, 整改措施, 责任领导]")
    out = tmp_path / "_site"
    build_site(content_copy, out, search=False)
    page = (out / REPORT_ID / "ledger.html").read_text("utf-8")
    assert "（合成）责任领导1" in page and "（合成）区" not in page  # no unit, not even a filter
    assert "按状态" not in page and "已整改 48 个" not in page  # no status column published
    assert not (out / REPORT_ID / "ledger").exists()  # so no filtered pages either
    everything = b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())
    assert "（合成）区发展改革委".encode() not in everything
    header = (out / REPORT_ID / "data" / "ledger.csv").read_text("utf-8-sig").splitlines()[0]
    assert header == "序号,具体问题,整改措施,责任领导"


def test_unknown_publish_column(content_copy: Path) -> None:
    with_ledger(content_copy)
    publish(content_copy, "[序号, 电话]")
    with pytest.raises(ContentError) as exc:
        load_collection(content_copy)
    assert any("ledger.publish_columns[1]" in d.format() for d in exc.value.diagnostics)


# --- what would have been a traceback (issue 20 item 8) ----------------------------------


def _check(content: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> tuple[int, str]:
    """``rectify-site check`` on the copy: its exit status and everything it printed."""
    monkeypatch.chdir(content.parent)
    code = main(["check", "--no-html-check", "--as-of", "2023-01-01"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_number_written_circled_is_published_as_written(
    content_copy: Path, tmp_path: Path
) -> None:
    """① is how Chinese documents often write 1: the 序号 an office typed, published as
    typed, and the row's anchor reads it as 1 (it was a ValueError from int("①"))."""
    rows = data.shaped_like(aspect_ids(content_copy), 57, 48, 134, 120)
    rows[0].number, rows[1].number = "①", "②"
    data.write_ledger(content_copy / REPORT_ID / "ledger.xlsx", rows)
    for old, new in COUNTED:
        edit(content_copy / REPORT_ID / "figures.yaml", old, new)
    publish(content_copy)
    out = tmp_path / "_site"
    build_site(content_copy, out, search=False)
    page = (out / REPORT_ID / "ledger.html").read_text("utf-8")
    assert 'id="p-1"' in page and 'id="p-2"' in page and ">①<" in page
    lines = (out / REPORT_ID / "data" / "ledger.csv").read_text("utf-8-sig").splitlines()
    assert lines[1].startswith("①,") and lines[-1].startswith("57,")


def test_a_superscript_number_is_an_error_at_its_cell(
    content_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """² is a footnote mark or an exponent, not a 序号: refused where it is written."""
    rows = data.shaped_like(aspect_ids(content_copy), 57, 48, 134, 120)
    rows[0].number = "²"
    data.write_ledger(content_copy / REPORT_ID / "ledger.xlsx", rows)
    publish(content_copy)
    code, printed = _check(content_copy, monkeypatch, capsys)
    assert code == 1 and "Traceback" not in printed
    assert (
        f"content/{REPORT_ID}/ledger.xlsx:2:1: error: 序号: 序号“²”中的“²”是上标、下标或分数"
        "（如脚注标记），不是序号：请写作 1、2、3 或 ①、②、③"
    ) in printed.splitlines()


def test_no_published_column_is_an_error_in_report_yaml(
    content_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``publish_columns: []`` (or only columns the file lacks) made a table of no column,
    and openpyxl's "Invalid column index 0" a traceback."""
    ids = aspect_ids(content_copy)
    path = with_ledger(content_copy)
    publish(content_copy, "[]")
    report = content_copy / REPORT_ID / "report.yaml"
    line = _line_of(report, "publish_columns:")
    code, printed = _check(content_copy, monkeypatch, capsys)
    assert code == 1 and "Traceback" not in printed
    shown = f"content/{REPORT_ID}/report.yaml:{line}:3: error: ledger.publish_columns: "
    assert f"{shown}至少需要 1 项" in printed.splitlines()
    # columns the file has none of: the ledger here is written without 备注 and 责任领导
    rows = data.shaped_like(ids, 57, 48, 134, 120)
    data.write_ledger(
        path, rows, headers=[h for h in data.HEADERS if h not in ("备注", "责任领导")]
    )
    report.write_text(report.read_text("utf-8").replace("[]", "[备注, 责任领导]"), "utf-8")
    code, printed = _check(content_copy, monkeypatch, capsys)
    assert code == 1 and "Traceback" not in printed
    assert (
        f"{shown}公开的列（备注、责任领导）在台账中都没有："
        "请写台账中有的列，如 序号、具体问题、整改措施"
    ) in printed.splitlines()


# --- incremental builds and the template command ------------------------------------------


def test_an_unchanged_ledger_costs_nothing(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = with_ledger(content_copy)
    publish(content_copy)
    out = tmp_path / "_site"
    build_site(content_copy, out, search=False)
    import rectify_site.load.collection as ledger_module

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the unchanged ledger was read again")

    monkeypatch.setattr(ledger_module, "read_ledger", refuse)
    result = build_site(content_copy, out, search=False)
    assert result.stats is not None and result.stats.written == []
    monkeypatch.undo()
    # a changed ledger is read again, and the pages that show it are written
    rows = data.shaped_like(aspect_ids(content_copy), 57, 48, 134, 120)
    rows[0].text = "（合成）改过的问题"
    data.write_ledger(path, rows)
    result = build_site(content_copy, out, search=False)
    assert result.stats is not None
    assert f"{REPORT_ID}/ledger.html" in result.stats.written
    assert "（合成）改过的问题" in (out / REPORT_ID / "ledger.html").read_text("utf-8")


@pytest.mark.slow
def test_ledger_template_command(
    content_copy: Path, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    out = tmp_path / "new.xlsx"
    run = cli("ledger", "template", REPORT_ID, "--out", out, cwd=content_copy.parent)
    assert run.code == 0, run.err
    assert out.is_file()
    import openpyxl

    wb = openpyxl.load_workbook(out)
    aspects = [c.value for c in wb["选项"]["A"][1:] if c.value]
    assert len(aspects) == 16
    assert aspects[0] == "针对对“心脏、窗口、名片”定位研究不及时、不深不透问题"
    run = cli("ledger", "template", REPORT_ID, "--out", out, cwd=content_copy.parent)
    assert run.code == 2 and "文件已存在，不会覆盖" in run.err
    run = cli("ledger", "template", "nope", "--out", tmp_path / "x.xlsx", cwd=content_copy.parent)
    assert run.code == 2 and "nope" in run.err
    shutil.copy(out, content_copy / REPORT_ID / "ledger.xlsx")  # an empty ledger
    with pytest.raises(ContentError):  # counts nothing: 0 problems, not the declared 57
        for old, new in COUNTED:
            edit(content_copy / REPORT_ID / "figures.yaml", old, new)
        load_collection(content_copy)


def test_a_ledger_that_no_tally_counts_is_a_warning(content_copy: Path) -> None:
    """A ledger beside figures that never say ``counts:``: each role it lists is named,
    with what to write; which tally it feeds is never guessed from the labels."""
    ledger = with_ledger(content_copy, rectified=47, counted=False)
    collection = load_collection(content_copy)
    found = {d.format() for d in collection.warnings if d.path == str(ledger)}
    assert found == {
        f"{ledger}: warning: 台账列出 57 个具体问题，但 figures.yaml 中没有数字由台账统计，"
        "不会与之核对：请在统计这些问题的数字上写 counts: problem",
        f"{ledger}: warning: 台账列出 134 个整改措施，但 figures.yaml 中没有数字由台账统计，"
        "不会与之核对：请在统计这些措施的数字上写 counts: measure",
    }
    with_ledger(content_copy, rectified=48)  # counted: compared, and no warning of it
    assert not [d for d in load_collection(content_copy).warnings if d.path == str(ledger)]
