"""``rectify-site export``: a report as the document an office sends upward.

``.txt`` as plain lines (one paragraph a line, numbering included, as the published text
has it) and ``.docx`` in the layout of GB/T 9704 (A4; margins 37 mm top, 35 mm bottom,
28 mm left, 26 mm right; the title in 方正小标宋简体, body 16 pt 仿宋_GB2312, 一、 in 黑体,
（一） in 楷体_GB2312, each font with a fallback; page numbers "— 1 —" in the footer).
Importing what this writes gives back the same report (``rectify-site import``).

    report (rectify_site.model.report) -> lines (DocLine) -> .txt | .docx
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rectify_site.importing.readers import GROUPS_NS, bookmark_name

FONTS: dict[str, tuple[str, str]] = {
    # role: (font, fallback where it is not installed)
    "title": ("方正小标宋简体", "宋体"),
    "body": ("仿宋_GB2312", "仿宋"),
    "level1": ("黑体", "SimHei"),
    "level2": ("楷体_GB2312", "楷体"),
    "page": ("宋体", "SimSun"),
}
"""The fonts of GB/T 9704, each with the font Word uses where it is missing."""

MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
BODY_PT = 16
TITLE_PT = 22
LINE_PT = 28.95
"""Fixed line spacing: 22 lines of 28 characters on the A4 type area."""

CONTACT_LABELS = (
    ("phone", "联系电话"),
    ("email", "电子邮箱"),
    ("address", "通讯地址"),
    ("postcode", "邮政编码"),
)
"""The site's own words for the contact lines (the templates print the same)."""


@dataclass(frozen=True)
class DocLine:
    """One paragraph of the document: its kind, the heading run into it, and its text."""

    kind: str
    """issuer | title | body | heading (with depth) | contact | signature"""
    text: str
    lead: str = ""
    """A numbered heading (1.针对…问题。) at the start of the paragraph, in its level's font."""
    depth: int = 0
    anchor: str | None = None
    """The id of the part, category or aspect it heads: a bookmark in the .docx."""
    rows: tuple[tuple[str, ...], ...] = ()
    """A table's rows, header first (kind table; its text is the caption)."""

    def plain(self) -> str:
        if self.kind == "table":
            rows = ["｜".join(row) for row in self.rows]
            return "\n".join([self.text, *rows] if self.text else rows)
        return self.lead + self.text


_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_STRONG = re.compile(r"(\*\*|__)(.+?)\1")
_MD_EM = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)")


def plain_text(markdown: str) -> str:
    """Inline Markdown as the plain text it shows: **bold** -> bold, [a](b) -> a."""
    text = _MD_LINK.sub(r"\1", markdown)
    text = _MD_STRONG.sub(r"\2", text)
    text = _MD_EM.sub(r"\1", text)
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!<>])", r"\1", text)
    return re.sub(r"\s*\n\s*", "", text)


# --- lines of a report -----------------------------------------------------------


def report_lines(report: Any, render: Callable[[str], str] | None = None) -> list[DocLine]:
    """The report as document lines, in the official order and wording.

    ``report`` is the assembled report (rectify_site.model.report.Report); ``render`` turns a
    prose string (references already expanded or not) into its plain text.
    """
    show = render or plain_text
    lines = [DocLine("issuer", report.issuer), DocLine("title", report.title)]
    intro = report.intro
    for para in [intro] if isinstance(intro, str) else list(intro or []):
        lines.append(DocLine("body", show(para)))
    lines.extend(_table_lines(getattr(report, "tables", []), show))
    statuses = {key: status.label for key, status in report.figures.statuses.items()}
    status_line = getattr(report, "status_line", None) or ""
    for part in report.parts:
        lines.extend(_node_lines(part, show, statuses, status_line))
    contact = report.contact
    if contact is not None:
        if getattr(contact, "invitation", None):
            lines.append(DocLine("body", show(contact.invitation)))
        labels = dict(getattr(contact, "labels", None) or {})
        for name, default in CONTACT_LABELS:
            label = labels.get(name, default)
            value = getattr(contact, name, None)
            if not value:
                continue
            value = str(value)
            note = getattr(contact, "envelope_note", None)
            if name == "address" and note:
                value += f"（信封上注明“{note}”）"
            lines.append(DocLine("contact", f"{label}：{value}"))
    written = getattr(getattr(report, "disclosure", None), "written", None)
    if written is not None:  # the signature and the date (成文日期) close the document
        from rectify_site.model.numbering import zh_date

        lines.append(DocLine("signature", report.issuer))
        lines.append(DocLine("signature", zh_date(written)))
    return lines


def _table_lines(tables: Iterable[Any], show: Callable[[str], str]) -> list[DocLine]:
    return [
        DocLine(
            "table",
            show(t.caption) if t.caption else "",
            rows=tuple(tuple(show(c) for c in row) for row in [t.header, *t.rows]),
        )
        for t in tables
    ]


def _node_lines(
    node: Any, show: Callable[[str], str], statuses: dict[str, str], status_line: str
) -> Iterable[DocLine]:
    number = node.number if node.numbered else ""
    heading = show(node.heading) if node.heading else ""
    paragraphs = [show(p) for p in node.paragraphs]
    actions = "".join(f"{a.number}{show(a.text)}" for a in node.actions)
    if actions:
        if paragraphs:
            paragraphs[-1] += actions
        else:
            paragraphs = [actions]
    depth = node.depth
    anchor = node.id  # every id content gives (parts, sections, categories, aspects …)
    if anchor is None and (node.depth == 1 or node.role in ("category", "aspect")):
        anchor = ""  # one import would name: marked as having none
    if node.run_in and heading:
        lead = f"{number}{heading}。"
        first = paragraphs[0] if paragraphs else ""
        yield DocLine("body", first, lead=lead, depth=depth, anchor=anchor)
        rest = paragraphs[1:]
    elif heading:
        yield DocLine("heading", "", lead=f"{number}{heading}", depth=depth, anchor=anchor)
        rest = paragraphs
    elif number and paragraphs:
        yield DocLine("body", paragraphs[0], lead=number, depth=depth, anchor=anchor)
        rest = paragraphs[1:]
    else:
        rest = paragraphs
    for para in rest:
        yield DocLine("body", para)
    yield from _table_lines(getattr(node, "tables", []), show)
    if node.status:
        label = statuses.get(node.status, node.status)
        yield DocLine("body", f"{status_line}：{label}" if status_line else label)
    for child in node.children:
        yield from _node_lines(child, show, statuses, status_line)


# --- .txt ------------------------------------------------------------------------


def to_txt(lines: list[DocLine]) -> bytes:
    """One paragraph a line, UTF-8, as the published text has it."""
    return ("\n".join(line.plain() for line in lines) + "\n").encode("utf-8")


# --- .docx -----------------------------------------------------------------------


def _fonts(run: Any, role: str, size: float) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    name, _fallback = FONTS[role]
    run.font.size = Pt(size)
    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), name)


def _font_table(document: Any) -> None:
    """Each font in the font table with its fallback (w:altName), for Word to substitute."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree  # type: ignore[import-untyped]

    part = next(
        (r.target_part for r in document.part.rels.values() if r.reltype == RT.FONT_TABLE), None
    )
    if part is None:
        return
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    root = etree.fromstring(part.blob)
    have = {f.get(f"{{{ns}}}name") for f in root.findall(f"{{{ns}}}font")}
    for name, fallback in FONTS.values():
        if name in have:
            continue
        font = etree.SubElement(root, f"{{{ns}}}font", {f"{{{ns}}}name": name})
        etree.SubElement(font, f"{{{ns}}}altName", {f"{{{ns}}}val": fallback})
        etree.SubElement(font, f"{{{ns}}}charset", {f"{{{ns}}}val": "86"})
        etree.SubElement(font, f"{{{ns}}}family", {f"{{{ns}}}val": "auto"})
        have.add(name)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_number(section: Any) -> None:
    """Footer: — PAGE — centred, in 宋体 14 pt (四号)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def field(kind: str) -> Any:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        return el

    _fonts(paragraph.add_run("— "), "page", 14)
    run = paragraph.add_run()
    _fonts(run, "page", 14)
    run._element.append(field("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run._element.append(instr)
    run._element.append(field("separate"))
    shown = OxmlElement("w:t")
    shown.text = "1"
    run._element.append(shown)
    run._element.append(field("end"))
    _fonts(paragraph.add_run(" —"), "page", 14)


def _bookmark(paragraph: Any, name: str, number: int) -> None:
    """A bookmark around the paragraph's text: where import reads the node's id."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    ppr = paragraph._p.pPr
    if ppr is not None:
        ppr.addnext(start)
    else:
        paragraph._p.insert(0, start)
    paragraph._p.append(end)


def _table(document: Any, line: DocLine) -> None:
    """A Word table (grid lines, the header row repeated on each page), its caption in the
    Caption style in the paragraph before it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if line.text:
        caption = document.add_paragraph(style="Caption")
        _fonts(caption.add_run(line.text), "body", BODY_PT)
    width = max(len(r) for r in line.rows)
    table = document.add_table(rows=len(line.rows), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(line.rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.text = ""
            _fonts(cell.paragraphs[0].add_run(text), "body", 12)
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)


def _groups_part(document: Any, groups: list[dict[str, Any]], tables: list[Any]) -> None:
    """The figure groups (id, label, their figures' labels) and the tables as content
    writes them (written_tables) as a custom XML part."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.part import Part
    from lxml import etree

    root = etree.Element(f"{{{GROUPS_NS}}}groups", nsmap={None: GROUPS_NS})
    for g in groups:
        el = etree.SubElement(root, f"{{{GROUPS_NS}}}group")
        if g.get("id"):
            el.set("id", g["id"])
        if g.get("label"):
            el.set("label", g["label"])
        for fid, label, value in g["figures"]:
            f = etree.SubElement(el, f"{{{GROUPS_NS}}}figure")
            f.set("id", fid)
            f.set("label", label)
            f.set("value", value)
    for caption, header, rows in tables:
        el = etree.SubElement(root, f"{{{GROUPS_NS}}}table")
        if caption is not None:
            el.set("caption", caption)
        for row in [header, *rows]:
            tr = etree.SubElement(el, f"{{{GROUPS_NS}}}row")
            for cell in row:
                etree.SubElement(tr, f"{{{GROUPS_NS}}}cell").text = cell
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    package = document.part.package
    name = package.next_partname("/customXml/item%d.xml")
    part = Part(name, "application/xml", blob, package)
    document.part.relate_to(part, RT.CUSTOM_XML)


def figure_groups(report: Any) -> list[dict[str, Any]]:
    """What the custom XML part holds of each group: id, label, (id, label, value) a
    figure."""
    out = []
    for g in report.figures.groups:
        figures = [
            (f.id, f.label, str(f.total if f.total is not None else f.value)) for f in g.figures
        ]
        out.append({"id": g.id, "label": g.label, "figures": figures})
    return out


def written_tables(report: Any) -> list[Any]:
    """Every table's caption, header and rows as content writes them, in document order."""
    tables = list(getattr(report, "tables", []))
    for node in report.nodes():
        tables.extend(node.tables)
    return [t.written for t in tables if t.written is not None]


def to_docx(
    lines: list[DocLine],
    groups: list[dict[str, Any]] | None = None,
    tables: list[Any] | None = None,
) -> bytes:
    """The document in the GB/T 9704 layout, as the bytes of a .docx file; ``groups``
    (figure_groups) go into a custom XML part."""
    import io

    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    _page_number(section)
    _font_table(document)
    if groups or tables:
        _groups_part(document, groups or [], tables or [])
    marks = 0
    for line in lines:
        if line.kind == "table":
            _table(document, line)
            continue
        paragraph = document.add_paragraph()
        if line.anchor is not None and (name := bookmark_name(line.anchor)):
            marks += 1
            _bookmark(paragraph, name, marks)
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_PT)
        fmt.space_before = fmt.space_after = Pt(0)
        if line.kind in ("issuer", "title"):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _fonts(paragraph.add_run(line.text), "title", TITLE_PT)
            continue
        if line.kind == "signature":  # right-aligned, four characters from the margin
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            fmt.right_indent = Pt(BODY_PT * 4)
            _fonts(paragraph.add_run(line.text), "body", BODY_PT)
            continue
        fmt.first_line_indent = Pt(BODY_PT * 2)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if line.lead:
            role = {1: "level1", 2: "level2"}.get(line.depth, "body")
            run = paragraph.add_run(line.lead)
            _fonts(run, role, BODY_PT)
            if role == "body" and line.kind == "heading":
                run.bold = True
        if line.text:
            _fonts(paragraph.add_run(line.text), "body", BODY_PT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- the command -----------------------------------------------------------------


def export_report(content: Path, report_id: str, to: str, out: Path | None = None) -> Path:
    """Load ``content``, write report ``report_id`` as .txt or .docx; return the file."""
    from rectify_site.errors import UsageError, diag

    report = _load(content, report_id)
    lines = report_lines(report, _renderer(report))
    data = (
        to_txt(lines)
        if to == "txt"
        else to_docx(lines, figure_groups(report), written_tables(report))
    )
    path = out or Path(f"{report_id}.{to}")
    if path.parent and not path.parent.is_dir():
        raise UsageError([diag(path, "export.no_folder", folder=str(path.parent))])
    path.write_bytes(data)
    return path


def _load(content: Path, report_id: str) -> Any:
    from rectify_site.errors import UsageError, diag
    from rectify_site.load.collection import load_collection

    collection = load_collection(content)
    reports = {r.id: r for r in [*collection.reports, *collection.drafts]}
    if report_id not in reports:
        raise UsageError(
            [
                diag(
                    content,
                    "export.unknown_report",
                    value=report_id,
                    choices=", ".join(sorted(reports)) or "-",
                )
            ]
        )
    return reports[report_id]


def _renderer(report: Any) -> Callable[[str], str]:
    """Prose of the assembled report (references already expanded) to plain text."""
    return plain_text
