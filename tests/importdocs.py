"""Documents for the import tests, made here: the seed as .docx (typed numbering, or
Word's automatic list numbering through the numbering part), as GB18030 bytes, and as a
saved government web page with its metadata table. Nothing here is official text beyond
the seed itself; the page's metadata values are synthetic."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

SEED = Path(__file__).resolve().parent / "data" / "seed.txt"

PAGE_METADATA = {
    "索引号": "SYNTHETIC-2024-0001",
    "发布机构": "中共上海市黄浦区委",
    "成文日期": "2024-01-31",
    "公开方式": "主动公开",
    "文件名称": "关于十二届市委第二轮巡视集中整改进展情况的通报",
}
"""Synthetic values of a metadata table, for the saved page the tests write."""


def seed_lines() -> list[str]:
    return [ln for ln in SEED.read_text("utf-8").split("\n") if ln.strip()]


_TYPED = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d+\.(?!\d))")


def _level(line: str) -> int | None:
    if re.match(r"^[一二三四五六七八九十]+、", line):
        return 0
    if re.match(r"^[（(][一二三四五六七八九十]+[)）]", line):
        return 1
    if re.match(r"^\d+\.(?!\d)", line):
        return 2
    return None


def write_docx(path: Path, lines: list[str], *, word_numbering: bool = False) -> Path:
    """``lines`` as a .docx, one paragraph each; with ``word_numbering`` the typed numbers
    are removed and Word's list numbering (一、 （一） 1.) numbers the paragraphs instead."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    num_id = None
    if word_numbering:
        numbering = document.part.numbering_part.element
        w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        levels = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3.")]
        lvl_xml = "".join(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
            for i, (fmt, text) in enumerate(levels)
        )
        abstract = parse_xml(f'<w:abstractNum {w} w:abstractNumId="90">{lvl_xml}</w:abstractNum>')
        num = parse_xml(f'<w:num {w} w:numId="91"><w:abstractNumId w:val="90"/></w:num>')
        first_num = numbering.find(num.tag)
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            numbering.append(abstract)
        numbering.append(num)
        num_id = "91"
    for line in lines:
        level = _level(line) if word_numbering else None
        text = _TYPED.sub("", line) if level is not None else line
        paragraph = document.add_paragraph(text)
        if level is not None and num_id is not None:
            ppr = paragraph._p.get_or_add_pPr()
            w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
            ppr.append(
                parse_xml(
                    f'<w:numPr {w}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'
                )
            )
    document.save(str(path))
    return path


def write_page(
    path: Path, lines: list[str], *, encoding: str = "utf-8", h1: bool = True, divs: bool = False
) -> Path:
    """A saved government page: navigation, the metadata table, the title as one line in
    <h1> (中共…委员会关于…的通报), the article's paragraphs, and a footer. Without ``h1``
    the title is only in the metadata table and the page's <title>; with ``divs`` each
    paragraph is a <div>."""
    meta = "".join(
        f"<tr><td>{html.escape(k)}：</td><td>{html.escape(v)}</td></tr>"
        for k, v in PAGE_METADATA.items()
    )
    tag = "div" if divs else "p"  # some sites put each paragraph in a <div> of its own
    body = "\n".join(f"<{tag}>{html.escape(line)}</{tag}>" for line in lines[2:])
    page = f"""<!DOCTYPE html>
<html><head><meta charset="{encoding}"><title>{html.escape(lines[1])}_示例网站</title>
<script>var x = "首页 导航 脚本";</script><style>p {{ text-indent: 2em; }}</style></head>
<body>
<div class="nav"><a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a> &gt; 正文</div>
<table class="meta">{meta}</table>
<div class="article">
{f"<h1>{html.escape(lines[0] + lines[1])}</h1>" if h1 else ""}
<div class="content" id="zoom">
{body}
</div>
</div>
<div class="footer">主办单位：示例　网站标识码：0000000000　技术支持：示例</div>
</body></html>
"""
    path.write_bytes(page.encode(encoding))
    return path


CARRIED_NOT = {"id", "anchor", "path", "file", "published", "draft", "source_url"}
"""Fields a document's text cannot carry: ids and anchors, publication data."""


def comparable(report: Any) -> dict[str, Any]:
    """report.json without what text cannot carry; figures by label, unit and value."""
    from rectify_site.site.opendata import report_json

    data = json.loads(report_json(report))

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in CARRIED_NOT}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    figures = data.pop("figures")
    data.pop("corrections", None)
    data.pop("attachments", None)
    data.pop("disclosure", None)
    statuses = figures["statuses"]

    def status_labels(value: Any) -> Any:  # keys are ids; text carries the labels
        if isinstance(value, dict):
            return {
                k: statuses[v]["label"] if k == "status" and v else status_labels(v)
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [status_labels(v) for v in value]
        return value

    out = status_labels(strip(data))
    out["figures"] = [
        {
            "label": f["label"],
            "unit": f["unit"],
            "value": f["value"] if f.get("total") is None else f["total"],
            "by_status": sorted(
                (statuses[k]["label"], statuses[k]["done"], n) for k, n in f["by_status"].items()
            ),
            "rate": (f.get("rate") or {}).get("value"),
        }
        for g in figures["groups"]
        for f in g["figures"]
    ]
    return out


SHAPES = Path(__file__).resolve().parent / "shapes"
"""The lead's synthetic report shapes, each with its content and its expected text."""

NOT_IN_TEXT: dict[str, set[str]] = {
    # what each shape's expected text does not state, so no import can give it back
    "listed": {"inspection.round"},  # the title names 县委第二轮巡察, not the 十五届 round
    "city": {"inspection.round"},
    "standing": {"inspection.round", "inspection.feedback"},
    "xuncha": {"inspection.round", "inspection.start", "inspection.end", "figures.0.label"},
}
"""Fields of each shape its text cannot carry (the round's full name, dates not printed,
a label the text words otherwise: 指出问题15个 for 巡察反馈问题)."""


def without(data: dict[str, Any], paths: set[str]) -> dict[str, Any]:
    """``data`` with the dotted paths (a number indexes a list) left out."""
    import copy

    out = copy.deepcopy(data)
    for path in paths:
        *parents, last = path.split(".")
        node: Any = out
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            node[int(last)] = None
        else:
            node.pop(last, None)
    return out


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def replace_parts(path: Path, parts: dict[str, bytes]) -> Path:
    """The .docx at ``path`` with the named package parts replaced (or added)."""
    import zipfile

    with zipfile.ZipFile(path) as zf:
        old = {info.filename: zf.read(info) for info in zf.infolist()}
    old.update(parts)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in old.items():
            zf.writestr(name, data)
    return path


def write_many_styles_docx(path: Path, *, styles: int, paragraphs: int) -> Path:
    """The probe's stalling document (synthetic): ``styles`` paragraph styles without
    numbering and ``paragraphs`` paragraphs each naming one, after the seed's lines."""
    import zipfile

    write_docx(path, seed_lines())
    with zipfile.ZipFile(path) as zf:
        styles_xml = zf.read("word/styles.xml").decode("utf-8")
        document_xml = zf.read("word/document.xml").decode("utf-8")
    extra = "".join(
        f'<w:style w:type="paragraph" w:styleId="S{i}"><w:name w:val="S{i}"/>'
        f'<w:pPr><w:spacing w:after="0"/></w:pPr></w:style>'
        for i in range(styles)
    )
    styles_xml = styles_xml.replace("</w:styles>", extra + "</w:styles>")
    filler = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="S{i % styles}"/></w:pPr><w:r><w:t>补</w:t></w:r></w:p>'
        for i in range(paragraphs)
    )
    # before the last paragraphs (the signature): inside the last numbered part
    at = document_xml.rindex("<w:sectPr")
    document_xml = document_xml[:at] + filler + document_xml[at:]
    return replace_parts(
        path,
        {"word/styles.xml": styles_xml.encode(), "word/document.xml": document_xml.encode()},
    )


def tiny_png() -> bytes:
    """A 2 x 2 grey PNG, made here."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80\x80\x00\x80\x80")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


OFFICE = {
    "masthead": "中共示例区委办公室文件",
    "doc_no": "示委办〔2024〕12号",
    "title": "关于区委第二轮巡察集中整改进展情况的通报",
    "recipients": "各街道党工委，区委各部委，各区级机关党组（党委）",
    "signature": "中共示例区委办公室",
    "date": "2024年8月1日",
    "notes": [
        "巡察反馈意见见区委巡察办2024年第5号通知。",
        "数字截至2024年7月31日。",
    ],
    "caption": "表1 各方面问题整改情况",
    "table": [
        ["类别", "反馈问题（项）", "已整改（项）", "整改措施（条）", "已完成（条）"],
        ["党的领导", "12", "10", "30", "26"],
        ["全面从严治党", "9", "8", "21", "20"],
        ["干部队伍建设", "5", "5", "11", "11"],
    ],
}
"""The synthetic district office's document: every value here is invented."""


def write_office_docx(path: Path) -> Path:
    """A Word file as a district office sends it (synthetic): 发文机关标志 and 文号, the
    title, 主送, an opening with a footnote, Word's list numbering, bold run-in headings,
    a 4 x 5 statistics table (a header row and three) under
    its 表1 caption, a second footnote, a picture, a
    附件 line, signature and date; a page header and footer with the page number."""
    import io

    import docx
    from docx.oxml import parse_xml
    from docx.shared import Pt, RGBColor

    w = f'xmlns:w="{W_NS}"'
    document = docx.Document()
    numbering = document.part.numbering_part.element
    levels = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）")]
    lvl_xml = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    abstract = parse_xml(f'<w:abstractNum {w} w:abstractNumId="70">{lvl_xml}</w:abstractNum>')
    first_num = numbering.find(parse_xml(f"<w:num {w}/>").tag)
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(f'<w:num {w} w:numId="71"><w:abstractNumId w:val="70"/></w:num>'))

    def listed(paragraph: Any, level: int) -> None:
        paragraph._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {w}><w:ilvl w:val="{level}"/><w:numId w:val="71"/></w:numPr>')
        )

    def footnote_ref(paragraph: Any, note_id: int) -> None:
        paragraph._p.append(
            parse_xml(
                f'<w:r {w}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                f'<w:footnoteReference w:id="{note_id}"/></w:r>'
            )
        )

    section = document.sections[0]
    section.header.paragraphs[0].text = "示例区委办公室（页眉）"
    footer = section.footer.paragraphs[0]
    footer.text = "— "
    footer._p.append(
        parse_xml(f'<w:fldSimple {w} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>')
    )
    head = document.add_paragraph()
    run = head.add_run(OFFICE["masthead"])
    run.font.size, run.font.color.rgb, run.bold = Pt(36), RGBColor(0xFF, 0, 0), True
    document.add_paragraph(OFFICE["doc_no"])
    document.add_paragraph(OFFICE["title"])
    document.add_paragraph(OFFICE["recipients"] + "：")
    opening = document.add_paragraph(
        "根据区委统一部署，区委第一巡察组于2024年3月4日至5月10日对示例街道开展巡察，"
        "并于2024年6月20日反馈了巡察意见"
    )
    footnote_ref(opening, 1)
    opening.add_run("。现将巡察整改进展情况予以通报。")
    listed(document.add_paragraph("集中整改进展情况"), 0)
    listed(document.add_paragraph("关于党的领导方面问题的整改"), 1)
    p = document.add_paragraph()
    p.add_run("加强统筹谋划。").bold = True
    p.add_run("街道党工委制定整改方案，逐项明确责任和时限。")
    p = document.add_paragraph()
    p.add_run("健全工作机制。").bold = True
    p.add_run("建立周例会制度，定期研究整改工作")
    footnote_ref(p, 2)
    p.add_run("。")
    document.add_paragraph("各方面问题整改情况如下表。")
    document.add_paragraph(OFFICE["caption"])
    rows = OFFICE["table"]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    picture = document.add_paragraph()
    picture.add_run().add_picture(io.BytesIO(tiny_png()))
    listed(document.add_paragraph("下一步工作安排"), 0)
    document.add_paragraph("持续巩固整改成果，建立长效机制。")
    document.add_paragraph("附件：整改任务清单")
    document.add_paragraph(OFFICE["signature"])
    document.add_paragraph(OFFICE["date"])
    document.save(str(path))
    notes = "".join(
        f'<w:footnote w:id="{i}"><w:p><w:r><w:t>{html.escape(text)}</w:t></w:r></w:p></w:footnote>'
        for i, text in enumerate(OFFICE["notes"], start=1)
    )
    footnotes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {w}>'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        f"</w:footnote>{notes}</w:footnotes>"
    )
    import zipfile

    with zipfile.ZipFile(path) as zf:
        rels = zf.read("word/_rels/document.xml.rels").decode("utf-8")
        types = zf.read("[Content_Types].xml").decode("utf-8")
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdFn1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>',
    )
    types = types.replace(
        "</Types>",
        '<Override PartName="/word/footnotes.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
    )
    return replace_parts(
        path,
        {
            "word/footnotes.xml": footnotes.encode(),
            "word/_rels/document.xml.rels": rels.encode(),
            "[Content_Types].xml": types.encode(),
        },
    )


def reports(content: Path) -> dict[str, Any]:
    """Every report of ``content`` by id, drafts too: an import is written as a draft."""
    from rectify_site.load.collection import load_collection

    collection = load_collection(content)
    return {r.id: r for r in [*collection.reports, *collection.drafts]}


def publish(content: Path, rid: str) -> None:
    """``draft: false`` in the report's report.yaml, as an editor writes it after review."""
    path = content / rid / "report.yaml"
    text = path.read_text("utf-8")
    assert "\ndraft: true\n" in text, "an import is written as a draft"
    path.write_text(text.replace("\ndraft: true\n", "\ndraft: false\n"), "utf-8")


LARGE_SENTENCE = (
    "坚持问题导向和目标导向相统一，逐项梳理反馈意见涉及的具体问题，明确责任单位、责任人和完成时限，"
    "建立整改台账，实行销号管理，确保每一项整改任务都有人抓、有人管、有人督，"
    "推动巡视整改与日常工作同部署同推进同落实。"
)
"""A long sentence of ordinary report prose, written here (synthetic)."""

_RUN_PROPS = (
    '<w:rPr><w:rFonts w:ascii="仿宋_GB2312" w:eastAsia="仿宋_GB2312" w:hAnsi="仿宋_GB2312" '
    'w:hint="eastAsia"/><w:color w:val="000000"/><w:kern w:val="0"/><w:sz w:val="32"/>'
    '<w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr>'
)
"""What Word writes around every run of a formatted document: most of a real .docx's
bytes are markup like this, not text."""


def _large_paragraph(text: str, *, runs: int, row: int) -> str:
    """A paragraph as Word writes one: paragraph properties, then ``text`` in ``runs`` runs,
    each with its properties and rsid attributes."""
    step = max(1, -(-len(text) // runs))
    pieces = [text[i : i + step] for i in range(0, len(text), step)]
    body = "".join(
        f'<w:r w:rsidRPr="00{row % 999999:06d}">{_RUN_PROPS}<w:t xml:space="preserve">'
        f"{html.escape(piece, quote=False)}</w:t></w:r>"
        for piece in pieces
    )
    return (
        f'<w:p w:rsidR="00{row % 999999:06d}" w:rsidRDefault="00A1B2C3">'
        '<w:pPr><w:spacing w:line="560" w:lineRule="exact"/><w:ind w:firstLineChars="200" '
        'w:firstLine="640"/><w:jc w:val="both"/></w:pPr>'
        f"{body}</w:p>"
    )


def _large_table(rows: int, row: int) -> str:
    """A table of three columns: an item, its count and its status (synthetic)."""
    cells = "".join(
        "<w:tr>"
        + "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/></w:tcPr>'
            f"{_large_paragraph(text, runs=1, row=row + r)}</w:tc>"
            for text in (f"整改事项{r + 1}", f"{r + 3}项", "已完成")
        )
        + "</w:tr>"
        for r in range(rows)
    )
    return f'<w:tbl><w:tblPr><w:tblW w:w="6000" w:type="dxa"/></w:tblPr>{cells}</w:tbl>'


def write_large_docx(
    path: Path,
    *,
    unpacked: int,
    kind: str = "outline",
    runs: int = 12,
    sentences: int = 3,
    aspects: int = 9,
    problems: int = 60,
) -> dict[str, int]:
    """A synthetic .docx whose parts unpack to just under ``unpacked`` bytes, streamed to
    disk (never the whole document.xml in memory); what it holds, counted.

    ``kind``: "outline" (parts 一、, aspects （一）, problems 1. of ``sentences`` long
    sentences in ``runs`` runs each, as Word writes them; ``aspects`` a part,
    ``problems`` an aspect, parts until the size is reached), "paragraph" (one huge
    paragraph of text after the opening) or "tables" (a part, then tables of three
    columns). Returns ``parts``, ``aspects``, ``problems``, ``tables``, ``chars`` (of
    text written) and ``unpacked`` (the bytes the parts unpack to)."""
    import zipfile

    base = path.with_suffix(".base.docx")
    head = seed_lines()[:3]  # the issuer, the title and the opening sentence
    write_docx(base, head)
    with zipfile.ZipFile(base) as zf:
        others = {i.filename: zf.read(i) for i in zf.infolist()}
        document_xml = others.pop("word/document.xml").decode("utf-8")
    base.unlink()
    at = document_xml.rindex("<w:sectPr")
    prefix, suffix = document_xml[:at].encode(), document_xml[at:].encode()
    budget = unpacked - sum(len(v) for v in others.values()) - len(prefix) - len(suffix)
    counts = {"parts": 0, "aspects": 0, "problems": 0, "tables": 0, "chars": 0}
    row = 0

    def chunks() -> Any:
        """(XML, what it counts as, characters of text) in document order."""
        nonlocal row
        if kind == "paragraph":
            yield _large_paragraph("一、整改落实情况", runs=1, row=0), "parts", 0
            piece = f'<w:r><w:t xml:space="preserve">{LARGE_SENTENCE}</w:t></w:r>'
            yield '<w:p><w:pPr><w:jc w:val="both"/></w:pPr>', "", 0
            while True:
                yield piece, "", len(LARGE_SENTENCE)
        if kind == "tables":
            yield _large_paragraph("一、整改落实情况", runs=1, row=0), "parts", 0
            for n in range(1, 10**6):
                caption = _large_paragraph(f"表{n} 整改事项情况表", runs=1, row=row)
                yield caption + _large_table(20, row), "tables", 0
                row += 60
        for part in range(1, 100):
            heading = f"{zh(part)}、第{zh(part)}方面整改落实情况"
            yield _large_paragraph(heading, runs=1, row=row), "parts", 0
            for aspect in range(1, aspects + 1):
                heading = f"（{zh(aspect)}）关于第{zh(aspect)}类问题的整改情况"
                yield _large_paragraph(heading, runs=1, row=row), "aspects", 0
                for problem in range(1, problems + 1):
                    row += 1
                    text = f"{problem}.整改事项{part}-{aspect}-{problem}。"
                    text += LARGE_SENTENCE * sentences
                    yield _large_paragraph(text, runs=runs, row=row), "problems", len(text)
        raise AssertionError("the outline kind holds at most 99 parts")

    def zh(n: int) -> str:
        from rectify_site.model.numbering import zh_numeral

        return zh_numeral(n)

    written = 0
    closing = b"</w:p>" if kind == "paragraph" else b""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in others.items():
            zf.writestr(name, data)
        with zf.open("word/document.xml", "w", force_zip64=True) as out:
            out.write(prefix)
            for chunk, counted, chars in chunks():
                data = chunk.encode()
                if written + len(data) + len(closing) > budget:
                    break
                out.write(data)
                written += len(data)
                counts["chars"] += chars
                if counted:
                    counts[counted] += 1
            out.write(closing + suffix)
    counts["unpacked"] = unpacked - budget + written + len(closing)
    return counts
