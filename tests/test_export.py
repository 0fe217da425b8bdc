"""rectify-site export: the report as .txt and as a GB/T 9704 .docx; import gives it back."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from rectify_site.commands.export import DocLine, to_docx, to_txt
from rectify_site.importing.readers import read_source

from conftest import CONTENT, REPORT_ID
from importdocs import NOT_IN_TEXT, SHAPES, comparable, reports, seed_lines, without

LINES = [
    DocLine("issuer", "中共示例委员会"),
    DocLine("title", "关于示例的通报"),
    DocLine("body", "开头一段。"),
    DocLine("heading", "", lead="一、第一部分", depth=1),
    DocLine("heading", "", lead="（一）第一节", depth=2),
    DocLine("body", "正文。", lead="1.小标题。", depth=3),
]


def test_txt_is_one_paragraph_a_line() -> None:
    assert to_txt(LINES).decode("utf-8").split("\n") == [
        "中共示例委员会",
        "关于示例的通报",
        "开头一段。",
        "一、第一部分",
        "（一）第一节",
        "1.小标题。正文。",
        "",
    ]


def test_docx_has_the_gb_t_9704_layout(tmp_path: Path) -> None:
    import docx
    from docx.shared import Pt

    path = tmp_path / "out.docx"
    path.write_bytes(to_docx(LINES))
    document = docx.Document(str(path))
    section = document.sections[0]

    def mm(length: Any) -> int:
        return round(length.mm)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [mm(m) for m in margins] == [37, 35, 28, 26]

    def east_asia(run: Any) -> str:
        from docx.oxml.ns import qn

        return str(run._element.rPr.rFonts.get(qn("w:eastAsia")))

    paragraphs = document.paragraphs
    assert east_asia(paragraphs[1].runs[0]) == "方正小标宋简体"
    assert east_asia(paragraphs[2].runs[0]) == "仿宋_GB2312"
    assert paragraphs[2].runs[0].font.size == Pt(16)
    assert east_asia(paragraphs[3].runs[0]) == "黑体"
    assert east_asia(paragraphs[4].runs[0]) == "楷体_GB2312"
    assert [east_asia(r) for r in paragraphs[5].runs] == ["仿宋_GB2312", "仿宋_GB2312"]
    with zipfile.ZipFile(path) as zf:
        footer = "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("word/footer"))
        fonts = zf.read("word/fontTable.xml").decode()
    assert "— " in footer and " —" in footer
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer
    assert 'w:name="方正小标宋简体"' in fonts and 'w:val="宋体"' in fonts  # the fallback


def test_docx_reads_back_as_the_same_lines(tmp_path: Path) -> None:
    lines = [DocLine("issuer", seed_lines()[0]), DocLine("title", seed_lines()[1])]
    lines += [DocLine("body", line) for line in seed_lines()[2:]]
    path = tmp_path / "seed.docx"
    path.write_bytes(to_docx(lines))
    assert [text for _no, text in read_source(path).lines] == seed_lines()


# --- round trips: export, then import, gives the same report -------------------------


def _export_import(content: Path, report_id: str, to: str, tmp_path: Path) -> Any:
    from rectify_site.commands.cli import main

    out = tmp_path / f"exported.{to}"
    assert (
        main(["export", report_id, "--to", to, "--content", str(content), "--out", str(out)]) == 0
    )
    again = tmp_path / "again"
    code = main(["import", str(out), "--content", str(again), "--id", "again"])
    assert code == 0
    return reports(again)["again"]


def carried(report: Any) -> dict[str, Any]:
    """What only the .docx carries (bookmarks and the groups' part): every node's id
    (parts, sections, categories, aspects) with its heading, and the groups' labels."""
    nodes = [(n.role or f"depth-{n.depth}", n.id, n.heading) for n in report.nodes()]
    groups = [(g.id, g.label, f.id) for g in report.figures.groups for f in g.figures]
    return {"nodes": nodes, "groups": groups}


@pytest.mark.parametrize("to", ["txt", "docx"])
def test_default_report_round_trips(tmp_path: Path, to: str) -> None:

    original = reports(CONTENT)[REPORT_ID]
    again = _export_import(CONTENT, REPORT_ID, to, tmp_path)
    assert comparable(again) == comparable(original)
    if to == "docx":  # ids and group labels too: import(export(r)) == r, draft aside
        assert carried(again) == carried(original)
        assert ("discipline", "执纪问责", "cases_filed") in carried(again)["groups"]


def test_a_docx_round_trip_changes_no_public_url(tmp_path: Path) -> None:
    """Every page of the re-imported report has the address it had: parts, categories
    (categories/positioning.html) and aspects' anchors."""
    import re

    from rectify_site.build.pipeline import build_site

    from conftest import TEMPLATES
    from importdocs import publish

    again = tmp_path / "again-content"
    _export_import(CONTENT, REPORT_ID, "docx", tmp_path)
    (tmp_path / "again").rename(again)
    publish(again, "again")

    def addresses(content: Path, rid: str, out: Path) -> list[str]:
        build_site(content, out, templates=TEMPLATES, search=False)
        folder = out / rid
        pages = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))
        anchors = sorted(
            set(re.findall(r' id="([a-z][a-z0-9-]*)"', (folder / "full.html").read_text("utf-8")))
        )
        return pages + anchors

    before = addresses(CONTENT, REPORT_ID, tmp_path / "site-before")
    after = addresses(again, "again", tmp_path / "site-after")
    assert "categories/positioning.html" in before
    assert after == before


def test_exported_txt_is_the_seed(tmp_path: Path) -> None:
    from rectify_site.commands.cli import main

    out = tmp_path / "seed.txt"
    assert (
        main(["export", REPORT_ID, "--to", "txt", "--content", str(CONTENT), "--out", str(out)])
        == 0
    )
    import unicodedata

    got = [unicodedata.normalize("NFKC", line) for line in out.read_text("utf-8").splitlines()]
    assert got == [unicodedata.normalize("NFKC", line) for line in seed_lines()]


# --- the synthetic shapes of the general model (tests/support/generate.py) ----------


def _shape(folder: Path) -> str:
    import yaml as _yaml

    report = _yaml.safe_load((folder / "report.yaml").read_text("utf-8"))
    figures = (folder / "figures.yaml").read_text("utf-8")
    if report.get("status_line"):
        return "listed"
    if "整改任务" in figures:
        return "city"
    cats = [_yaml.safe_load(p.read_text("utf-8")) for p in sorted(folder.glob("categories/*.yaml"))]
    aspects = [a for c in cats for a in c.get("children", [])]
    if any(a.get("children") for a in aspects):
        return "standing"
    return "district"


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    from support import generate

    corpus = tmp_path_factory.mktemp("corpus") / "content"
    ids = generate.generate(40, corpus, seed=3)
    found: dict[str, str] = {}
    for rid in ids:
        found.setdefault(_shape(corpus / rid), rid)
    assert set(found) == set(generate.SHAPES), found
    return corpus, found


@pytest.mark.parametrize("shape", ["district", "listed", "city", "standing"])
@pytest.mark.parametrize("to", ["txt", "docx"])
def test_each_shape_round_trips(
    shapes: tuple[Path, dict[str, str]], tmp_path: Path, shape: str, to: str
) -> None:

    corpus, ids = shapes
    rid = ids[shape]
    original = reports(corpus)[rid]
    again = _export_import(corpus, rid, to, tmp_path)
    assert comparable(again) == comparable(original)
    if to == "docx":
        assert carried(again) == carried(original)


@pytest.mark.parametrize("name", sorted(NOT_IN_TEXT))
@pytest.mark.parametrize("to", ["txt", "docx"])
def test_each_model_shape_round_trips(tmp_path: Path, name: str, to: str) -> None:
    from rectify_site.load.collection import load_collection

    content = SHAPES / name / "content"
    original = load_collection(content).reports[0]
    again = _export_import(content, original.id, to, tmp_path)
    skip = NOT_IN_TEXT[name]
    assert without(comparable(again), skip) == without(comparable(original), skip)
    if to == "docx":
        assert carried(again) == carried(original)


def test_export_errors_exit_2(tmp_path: Path) -> None:
    from rectify_site.commands.cli import main

    assert main(["export", "nope", "--to", "txt", "--content", str(CONTENT)]) == 2
    out = tmp_path / "missing" / "x.docx"
    assert (
        main(["export", REPORT_ID, "--to", "docx", "--content", str(CONTENT), "--out", str(out)])
        == 2
    )
    assert not out.parent.exists()
