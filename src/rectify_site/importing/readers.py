"""Reading a source document into numbered lines of text, whatever its format.

``.txt`` (UTF-8, UTF-8 with a BOM, GB18030/GBK and other encodings detected by
charset-normalizer), ``.docx`` (python-docx; Word's automatic list numbering is written
out as the number it displays, so the outline parser sees what a reader sees) and saved
web pages (``.html``/``.htm``: the article body, and the metadata table that fills the
disclosure fields). Anything that cannot be read as a document raises UsageError
(exit 2, nothing written).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from rectify_site.errors import UsageError, diag
from rectify_site.model.numbering import zh_numeral

MAX_SOURCE = 20 * 1024 * 1024
"""A source file up to 20 MB."""
MAX_UNPACKED = 100 * 1024 * 1024
"""A .docx that unpacks to more than 100 MB is refused (a zip bomb)."""

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""OLE2 compound files: password-protected (encrypted) Word documents, and old .doc."""

MAX_TEXT = 4_000_000
"""Characters of text a document may hold (the longest real notices hold about 50,000):
beyond it the import stops, so its work and what it writes stay bounded."""

SUFFIXES = (".txt", ".docx", ".html", ".htm")

BOOKMARK_PREFIX = "rs_"
"""Bookmarks export writes (commands/export.py): rs_ and the id with '-' as '_' (Word's
bookmark names take letters, digits and '_'; ids have no '_', so the id reads back)."""

GROUPS_NS = "urn:rectify-site:groups"
"""The custom XML part that carries the figure groups' ids and labels, which the text
does not print, so that an import gives them back."""


BARE_BOOKMARK = "rs_none"
"""The bookmark of a part, category or aspect that has no id (its anchor is its place):
import gives it none either. ('none' with '_' for '-' is no id an export writes: ids
read back with '-' only.)"""


def bookmark_name(node_id: str) -> str | None:
    """The bookmark of an id, or None where Word would refuse it (over 40 characters)."""
    if not node_id:
        return BARE_BOOKMARK
    name = BOOKMARK_PREFIX + node_id.replace("-", "_")
    return name if len(name) <= 40 else None


def bookmark_id(name: str) -> str | None:
    """The id a bookmark of this tool stands for, else None."""
    if not name.startswith(BOOKMARK_PREFIX) or name == BARE_BOOKMARK:
        return None
    return name[len(BOOKMARK_PREFIX) :].replace("_", "-") or None


_CJK = re.compile("[\u3400-\u9fff]")
_SPACES = re.compile(r"[ \t\u3000\u00a0\u2002\u2003]+")


@dataclass
class Source:
    """A document as lines of text (line numbers from 1), with what its page said of it."""

    path: Path
    lines: list[tuple[int, str]]
    disclosure: dict[str, str] = field(default_factory=dict)
    title: str | None = None
    """文件名称 of a web page's metadata table, or its <h1>, when the body lacks it."""
    warnings: list[tuple[int | None, str, dict[str, Any]]] = field(default_factory=list)
    """What reading changed or could not keep as it was (a table, a picture), by line."""
    images: list[tuple[str, bytes, str]] = field(default_factory=list)
    """A Word document's pictures: (name, bytes, suffix), to become attachments."""
    ids: dict[int, str] = field(default_factory=dict)
    """Ids by line, from the bookmarks an export writes on the headings of nodes
    (rs_<id>); "" for a part, category or aspect that has none (rs_none)."""
    groups: list[dict[str, Any]] = field(default_factory=list)
    """The figure groups (id, label, figures' labels and values) an export carries."""
    written_tables: list[tuple[str | None, list[list[str]]]] = field(default_factory=list)
    """The tables as content wrote them (references unexpanded), where an export carries
    them: used in place of the cells' text when they match the document's tables."""
    tables: dict[int, tuple[str | None, list[list[str]]]] = field(default_factory=dict)
    """A Word document's data tables by the line that stands for each: (caption, rows),
    the caption from a 表N line just before it (taken out of the lines)."""


def refuse(path: Path, key: str, **params: Any) -> UsageError:
    return UsageError([diag(path, key, **params)])


def read_source(path: Path) -> Source:
    """Read ``path`` by its suffix; UsageError (exit 2) when it is not a readable document."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise refuse(path, "import.unknown_type", suffix=suffix or "(无)")
    if not path.is_file():
        raise refuse(path, "import.missing")
    size = path.stat().st_size
    if size > MAX_SOURCE:
        raise refuse(path, "import.too_large", size=size, limit=MAX_SOURCE)
    data = path.read_bytes()
    if not data.strip():
        raise refuse(path, "import.empty")
    if data.startswith(CFB_MAGIC):
        raise refuse(path, "import.encrypted")
    if suffix == ".docx":
        source = _read_docx(path, data)
    elif suffix == ".txt":
        source = Source(path, _lines(decode(path, data).split("\n")))
    else:
        source = _read_html(path, decode(path, data, html=True))
    if not any(_CJK.search(text) for _, text in source.lines):
        raise refuse(path, "import.no_text")
    if sum(len(text) for _, text in source.lines) > MAX_TEXT:  # a .txt or page: the same bound
        raise refuse(path, "import.too_much_text", limit=MAX_TEXT)
    return source


def _lines(raw: list[str]) -> list[tuple[int, str]]:
    out = []
    for no, line in enumerate(raw, start=1):
        text = _SPACES.sub(" ", line.replace("\r", "")).strip()
        if text:
            out.append((no, text))
    return out


# --- text: the encoding ------------------------------------------------------------


def decode(path: Path, data: bytes, *, html: bool = False) -> str:
    """UTF-8 (with or without a BOM), else what charset-normalizer finds (GB18030 …)."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8", errors="strict")
        except UnicodeDecodeError as exc:  # a BOM says UTF-8; the bytes after it are not
            raise refuse(path, "import.bad_utf8", offset=exc.start + 3) from None
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[2:].decode(codec, errors="replace")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    if not text and html:
        declared = re.search(rb"charset=[\"']?([A-Za-z0-9_-]+)", data[:2048])
        if declared:
            name = declared.group(1).decode("ascii").lower()
            if name in ("gb2312", "gbk", "x-gbk", "gb_2312-80"):
                name = "gb18030"  # pages declare gb2312 and use GBK characters
            try:
                text = data.decode(name)
            except (LookupError, UnicodeDecodeError):
                text = ""
    if not text:
        text = _detect(path, data)
    if _control_share(text) > 0.01:
        raise refuse(path, "import.binary")
    return text


def _detect(path: Path, data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise refuse(path, "import.binary")
    encoding = best.encoding
    if encoding in ("gb2312", "gbk", "hz"):
        encoding = "gb18030"  # the superset: every GBK file is valid GB18030
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        raise refuse(path, "import.binary") from None


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\n\r\t") or ch == "\ufffd")
    return bad / len(text)


# --- Word ----------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _read_docx(path: Path, data: bytes) -> Source:
    import io

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise refuse(path, "import.not_docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            unpacked = sum(info.file_size for info in zf.infolist())
            if "EncryptedPackage" in names:
                raise refuse(path, "import.encrypted")
            if unpacked > MAX_UNPACKED:
                raise refuse(path, "import.zip_bomb", size=unpacked, limit=MAX_UNPACKED)
            if "word/document.xml" not in names:
                raise refuse(path, "import.not_docx")
    except zipfile.BadZipFile:
        raise refuse(path, "import.not_docx") from None
    document = _package(path, data)
    numbering = _Numbering(document)
    notes = _notes(data)
    source = Source(path, [])
    lines = source.lines
    read = 0
    done_tables: set[Any] = set()
    widths: dict[Any, int] = {}
    captions: set[int] = set()
    source.groups = _groups(document)
    source.written_tables = _written_tables(document)
    for paragraph in _body_paragraphs(path, data):
        table = _data_table(paragraph, widths)
        if table is not None:  # a table of two or more columns: kept as a table
            if table in done_tables:
                continue
            done_tables.add(table)
            rows = [
                [_SPACES.sub(" ", _text(tc, notes)).strip() for tc in _cells(tr)]
                for tr in table.iter(_W + "tr")
                if not any(a.tag == _W + "tbl" and a is not table for a in tr.iterancestors())
            ]
            rows = [row for row in rows if any(row)]
            if not rows:
                continue
            width = max(len(r) for r in rows)
            rows = [r + [""] * (width - len(r)) for r in rows]  # merged cells: padded
            caption = None
            if (
                lines
                and lines[-1][0] not in source.tables
                and (lines[-1][0] in captions or CAPTION_RE.match(lines[-1][1]))
            ):
                caption = lines.pop()[1]
            no = len(lines) + 1
            lines.append((no, "｜".join(c for c in rows[0] if c)))
            source.tables[no] = (caption, rows)
            continue
        text = _SPACES.sub(" ", _text(paragraph, notes)).strip()
        for image in _images(paragraph, document):
            at = len(lines) + 1 if text else len(lines) or None
            if image[2]:
                source.images.append(image)
            key = "import.image" if image[2] else "import.image_type"
            source.warnings.append((at, key, {"name": image[0]}))
        if not text:
            continue
        prefix = numbering.label(paragraph, document)
        lines.append((len(lines) + 1, prefix + text))
        for mark in paragraph.iter(_W + "bookmarkStart"):
            name = mark.get(_W + "name") or ""
            if node_id := bookmark_id(name):
                source.ids.setdefault(len(lines), node_id)
            elif name == BARE_BOOKMARK:
                source.ids.setdefault(len(lines), "")
        if _style_id(paragraph) == "Caption":
            captions.add(len(lines))
        read += len(text)
        if read > MAX_TEXT:  # the work after this is bounded by what was read
            raise refuse(path, "import.too_much_text", limit=MAX_TEXT)
    return source


_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
"""The copy of a text box Word writes for older readers: read once, not twice."""
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_V = "{urn:schemas-microsoft-com:vml}"
NOTE_OPEN, NOTE_CLOSE = "（注：", "）"
"""How a footnote or endnote is kept: in its paragraph, where its mark stood."""


def _style_id(paragraph: Any) -> str | None:
    style = paragraph.find(f"{_W}pPr/{_W}pStyle")
    return style.get(_W + "val") if style is not None else None


def _groups(document: Any) -> list[dict[str, Any]]:
    """The figure groups an export carries in its custom XML part (GROUPS_NS), if any."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    for rel in document.part.rels.values():
        if rel.reltype != RT.CUSTOM_XML or rel.is_external:
            continue
        try:
            root = etree.fromstring(rel.target_part.blob)
        except etree.XMLSyntaxError:
            continue
        if root.tag != f"{{{GROUPS_NS}}}groups":
            continue
        return [
            {
                "id": g.get("id"),
                "label": g.get("label"),
                "figures": [(f.get("label"), f.get("value"), f.get("id")) for f in g],
            }
            for g in root
            if g.tag == f"{{{GROUPS_NS}}}group"
        ]
    return []


def _written_tables(document: Any) -> list[tuple[str | None, list[list[str]]]]:
    """The tables as content wrote them, where an export carries them (GROUPS_NS)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    for rel in document.part.rels.values():
        if rel.reltype != RT.CUSTOM_XML or rel.is_external:
            continue
        try:
            root = etree.fromstring(rel.target_part.blob)
        except etree.XMLSyntaxError:
            continue
        if root.tag != f"{{{GROUPS_NS}}}groups":
            continue
        return [
            (t.get("caption"), [[c.text or "" for c in tr] for tr in t])
            for t in root
            if t.tag == f"{{{GROUPS_NS}}}table"
        ]
    return []


CAPTION_RE = re.compile(
    r"^(?!.*[。；])(?:续?表\s*[0-9０-９一二三四五六七八九十]+(?:[-－.．][0-9]+)?[\s:：　]*\S.{0,60}"
    r"|\S.{0,38}(?:情况表|统计表|一览表|汇总表))$"
)
"""A table's caption: 表1 …, 表一：…, or a short line naming a 情况表 or 统计表."""


def _text(element: Any, notes: dict[tuple[str, str], str]) -> str:
    """The text of a paragraph (or a cell), its footnotes and endnotes kept where their
    marks stand, as （注：…）."""
    out = []
    fallback = next(element.iter(_MC_FALLBACK), None) is not None  # else no walk up
    for node in element.iter(_W + "t", _W + "footnoteReference", _W + "endnoteReference"):
        if fallback and any(a.tag == _MC_FALLBACK for a in node.iterancestors()):
            continue
        if node.tag == _W + "t":
            out.append(node.text or "")
        else:
            kind = "footnote" if node.tag == _W + "footnoteReference" else "endnote"
            note = notes.get((kind, node.get(_W + "id", "")), "").strip()
            if note:
                out.append(NOTE_OPEN + note + NOTE_CLOSE)
    return "".join(out)


def _notes(data: bytes) -> dict[tuple[str, str], str]:
    """Footnotes and endnotes by (kind, id), read from their parts (separators left out)."""
    import io

    from lxml import etree

    out: dict[tuple[str, str], str] = {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for kind in ("footnote", "endnote"):
            name = f"word/{kind}s.xml"
            if name not in zf.namelist():
                continue
            try:
                root = etree.fromstring(zf.read(name), parser)
            except etree.XMLSyntaxError:
                continue
            for note in root.iter(_W + kind):
                if note.get(_W + "type") in ("separator", "continuationSeparator"):
                    continue
                text = "".join(t.text or "" for t in note.iter(_W + "t"))
                out[(kind, note.get(_W + "id", ""))] = _SPACES.sub(" ", text).strip()
    return out


def footnote_count(data: bytes) -> int:
    """How many footnotes and endnotes hold text (what the reader keeps)."""
    return sum(1 for text in _notes(data).values() if text)


def _data_table(paragraph: Any, widths: dict[Any, int]) -> Any:
    """The outermost table around ``paragraph`` when it has two or more columns (a
    one-column table lays text out: its paragraphs are read as paragraphs). ``widths``
    keeps each table's width, counted once, not once for each of its paragraphs."""
    outer = None
    for table in paragraph.iterancestors(_W + "tbl"):
        outer = table  # the last is the outermost
    if outer is None:
        return None
    if outer not in widths:
        widths[outer] = max((len(_cells(tr)) for tr in outer.iter(_W + "tr")), default=0)
    return outer if widths[outer] >= 2 else None


def _cells(tr: Any) -> list[Any]:
    return [tc for tc in tr if tc.tag == _W + "tc"]


IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/jpg": "jpg"}


def _images(paragraph: Any, document: Any) -> list[tuple[str, bytes, str]]:
    """The pictures in a paragraph: (name as the document gives it, bytes, suffix); a
    picture of another type has no bytes (named in its warning all the same)."""
    out = []
    for holder in paragraph.iter(_W + "drawing", _W + "pict"):
        if any(a.tag == _MC_FALLBACK for a in holder.iterancestors()):
            continue
        props = next(holder.iter(_WP + "docPr"), None)
        name = ""
        if props is not None:
            name = props.get("descr") or props.get("title") or props.get("name") or ""
        rid = None
        for blip in holder.iter(_A + "blip", _V + "imagedata"):
            rid = blip.get(_R + "embed") or blip.get(_R + "id")
        part = document.part.related_parts.get(rid) if rid else None
        suffix = IMAGE_TYPES.get(getattr(part, "content_type", ""), "")
        blob = part.blob if part is not None and suffix else b""
        if not name and part is not None:
            name = str(part.partname).rsplit("/", 1)[-1]
        out.append((name or "图片", blob, suffix))
    return out


_STUB = (
    f'<w:document xmlns:w="{_W[1:-1]}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    "<w:body/></w:document>"
).encode()
"""The main part python-docx is given: the body is streamed (_body_paragraphs), never
held whole, so python-docx reads only the package, styles, numbering and pictures."""


def _package(path: Path, data: bytes) -> Any:
    """The package through python-docx, its body left out (read by _body_paragraphs)."""
    import io

    import docx

    stub = io.BytesIO()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf, zipfile.ZipFile(stub, "w") as out:
            for info in zf.infolist():
                out.writestr(info, _STUB if info.filename == "word/document.xml" else zf.read(info))
        return docx.Document(io.BytesIO(stub.getvalue()))
    except Exception as exc:  # python-docx and zipfile raise many kinds for a damaged package
        raise refuse(path, "import.bad_docx", problem=str(exc)[:200]) from None


_BODY_ITEMS = (_W + "p", _W + "tbl", _W + "sdt", _W + "customXml", _W + "t")
"""What the body's stream stops at: the elements that hold paragraphs (read when a child
of the body ends), and text (counted as it comes, so a single huge paragraph or table is
bounded too)."""


def _body_paragraphs(path: Path, data: bytes) -> Any:
    """The body's paragraphs in document order (as _paragraphs), streamed: each child of
    the body is parsed, read and cleared before the next, so memory holds one of them;
    the text seen is counted as it is parsed and the read stops past MAX_TEXT."""
    import io

    from lxml import etree

    seen = 0
    with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open("word/document.xml") as stream:
        events = etree.iterparse(
            stream, tag=_BODY_ITEMS, resolve_entities=False, no_network=True, huge_tree=False
        )
        try:
            for _event, element in events:
                if element.tag == _W + "t":
                    seen += len(element.text or "")
                    if seen > MAX_TEXT:  # before the rest is parsed: bounded by what is read
                        raise refuse(path, "import.too_much_text", limit=MAX_TEXT)
                    continue
                body = element.getparent()
                if body is None or body.tag != _W + "body":
                    continue
                yield from _paragraphs(element)
                element.clear()
                while element.getprevious() is not None:  # what was read before it
                    del body[0]
        except (etree.XMLSyntaxError, zipfile.BadZipFile, EOFError) as exc:
            raise refuse(path, "import.bad_docx", problem=str(exc)[:200]) from None


def _paragraphs(body: Any) -> Any:
    """Body paragraphs in document order, also those in tables and content controls;
    a text box's paragraphs are read as part of the paragraph that holds it."""
    if body.tag == _W + "p":
        yield body
        return
    for p in body.iter(_W + "p"):
        if not any(a.tag == _W + "p" for a in p.iterancestors()):
            yield p


class _Numbering:
    """Word's automatic list numbering: the number a paragraph displays, as text."""

    def __init__(self, document: Any) -> None:
        self.formats: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.style_numbering: dict[str, Any] | None = None
        self.abstract_of: dict[str, str] = {}
        try:
            part = document.part.numbering_part
        except (NotImplementedError, KeyError, AttributeError):
            return
        root = part.element
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for a in root.iter(_W + "abstractNum"):
            levels = {}
            for lvl in a.iter(_W + "lvl"):
                ilvl = _level(lvl.get(_W + "ilvl"))
                if ilvl is None:
                    continue
                fmt = lvl.find(_W + "numFmt")
                txt = lvl.find(_W + "lvlText")
                start = lvl.find(_W + "start")
                levels[ilvl] = (
                    fmt.get(_W + "val", "decimal") if fmt is not None else "decimal",
                    txt.get(_W + "val", "") if txt is not None else "",
                    _number(start.get(_W + "val") if start is not None else None, 1),
                )
            abstract[a.get(_W + "abstractNumId", "")] = levels
        for num in root.iter(_W + "num"):
            ref = num.find(_W + "abstractNumId")
            if ref is None:
                continue
            aid = ref.get(_W + "val", "")
            self.abstract_of[num.get(_W + "numId", "")] = aid
            for ilvl, spec in abstract.get(aid, {}).items():
                self.formats[(num.get(_W + "numId", ""), ilvl)] = spec

    def _num_pr(self, paragraph: Any, document: Any) -> tuple[str, int] | None:
        ppr = paragraph.find(_W + "pPr")
        numpr = ppr.find(_W + "numPr") if ppr is not None else None
        if numpr is None and ppr is not None:
            style = ppr.find(_W + "pStyle")
            if style is not None:
                numpr = self._style_num_pr(document, style.get(_W + "val", ""))
        if numpr is None:
            return None
        num_id = numpr.find(_W + "numId")
        ilvl = numpr.find(_W + "ilvl")
        if num_id is None:
            return None
        nid = num_id.get(_W + "val", "0")
        if nid == "0":
            return None
        level = _level(ilvl.get(_W + "val") if ilvl is not None else "0")
        return None if level is None else (nid, level)

    def _style_num_pr(self, document: Any, style_id: str) -> Any:
        if self.style_numbering is None:  # indexed once: a lookup per paragraph, not a scan
            self.style_numbering = {}
            for style in document.styles.element.iter(_W + "style"):
                ppr = style.find(_W + "pPr")
                numpr = ppr.find(_W + "numPr") if ppr is not None else None
                sid = style.get(_W + "styleId")
                if numpr is not None and sid is not None:
                    self.style_numbering.setdefault(sid, numpr)
        return self.style_numbering.get(style_id)

    def label(self, paragraph: Any, document: Any) -> str:
        found = self._num_pr(paragraph, document)
        if found is None:
            return ""
        nid, ilvl = found
        spec = self.formats.get((nid, ilvl))
        if spec is None:
            return ""
        fmt, text, _start = spec
        # levels of one abstract list count together, whichever num instance they use
        key = self.abstract_of.get(nid, nid)
        counters = self.counters.setdefault(key, {})
        counters[ilvl] = counters.get(ilvl, self.formats[(nid, ilvl)][2] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt in ("bullet", "none"):
            return ""

        def level(m: re.Match[str]) -> str:
            lv = int(m.group(1)) - 1
            spec_lv = self.formats.get((nid, lv))
            value = counters.get(lv, spec_lv[2] if spec_lv else 1)
            return _format_number(value, spec_lv[0] if spec_lv else "decimal")

        return re.sub(r"%(\d)", level, text)


def _number(value: str | None, default: int) -> int:
    """An integer attribute of Word's XML; ``default`` for anything else (w:val="x")."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _level(value: str | None) -> int | None:
    """A list level, 0 to 8 as Word allows; None for anything else (w:ilvl="x")."""
    try:
        level = int(value) if value is not None else 0
    except ValueError:
        return None
    return level if 0 <= level <= 8 else None


def _format_number(value: int, fmt: str) -> str:
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "ideographTraditional",
        "japaneseCounting",
        "taiwaneseCounting",
        "ideographDigital",
    ):
        return zh_numeral(value)
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + value - 1) if 1 <= value <= 20 else str(value)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(value))
    return str(value)


# --- web pages -----------------------------------------------------------------------

_BLOCKS = frozenset(
    {
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "td",
        "th",
        "tr",
        "br",
        "section",
        "article",
        "table",
        "blockquote",
        "center",
        "dd",
        "dt",
        "pre",
    }
)
_SKIP = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "title",
        "nav",
        "header",
        "footer",
        "select",
        "button",
        "form",
        "iframe",
    }
)

DISCLOSURE_KEYS = {
    "索引号": "index_no",
    "发布机构": "publisher",
    "成文日期": "written",
    "发文日期": "written",
    "公开方式": "mode",
    "文件名称": "title",
    "标题": "title",
    "名称": "title",
}
"""The metadata table of government pages (政府信息公开): label -> disclosure field."""


class _Page(HTMLParser):
    """Blocks of text with the container they stand in; the metadata table's cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.stack: list[int] = [0]  # container ids
        self.next_id = 1
        self.parent: dict[int, int] = {0: 0}
        self.buffer: list[str] = []
        self.blocks: list[tuple[int, str, str]] = []  # (container, tag, text)
        self.tag_stack: list[str] = []
        self.h1: list[str] = []
        self.in_h1 = False
        self.title: list[str] = []
        self.in_title = False
        self.cells: list[str] = []
        self.in_cell = 0
        self.cell_buffer: list[str] = []

    def flush(self, tag: str = "p") -> None:
        text = _SPACES.sub(" ", "".join(self.buffer)).strip()
        self.buffer = []
        if text:
            self.blocks.append((self.stack[-1], tag, text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        if tag in _SKIP:
            self.skip += 1
            return
        if tag in _BLOCKS:
            self.flush()
        if tag in ("div", "article", "section", "td", "table", "body", "main", "center"):
            cid = self.next_id
            self.next_id += 1
            self.parent[cid] = self.stack[-1]
            self.stack.append(cid)
            self.tag_stack.append(tag)
        if tag == "h1":
            self.in_h1 = True
        if tag in ("td", "th"):
            self.in_cell += 1
            self.cell_buffer = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if tag in _BLOCKS:
            self.flush(tag)
        if tag in ("td", "th") and self.in_cell:
            self.in_cell -= 1
            self.cells.append(_SPACES.sub(" ", "".join(self.cell_buffer)).strip())
        if tag == "h1":
            self.in_h1 = False
        if tag in self.tag_stack:
            while self.tag_stack:
                self.stack.pop()
                if self.tag_stack.pop() == tag:
                    break

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        if self.skip:
            return
        self.buffer.append(data)
        if self.in_h1:
            self.h1.append(data)
        if self.in_cell:
            self.cell_buffer.append(data)


def _read_html(path: Path, html: str) -> Source:
    page = _Page()
    page.feed(html)
    page.close()
    page.flush()
    disclosure = _metadata(page.cells)
    best = _article(page)
    if best is None:
        raise refuse(path, "import.no_article")
    lines = [
        text
        for container, _tag, text in page.blocks
        if best in _chain(page, container) and not _is_metadata(text)
    ]
    if sum(len(_CJK.findall(t)) for t in lines) < 20:
        raise refuse(path, "import.no_article")
    h1 = _SPACES.sub(" ", "".join(page.h1)).strip() or None
    # the page's <title> often adds the site's name after a separator
    head = re.split(r"\s*[-_|—–]\s*", _SPACES.sub(" ", "".join(page.title)).strip())[0] or None
    title = h1 or disclosure.get("title") or head
    disclosure.pop("title", None)
    return Source(path, [(i, t) for i, t in enumerate(lines, start=1)], disclosure, title)


def _chain(page: _Page, container: int) -> list[int]:
    """The container and every container around it, innermost first."""
    out = [container]
    while out[-1] != 0:
        out.append(page.parent[out[-1]])
    return out


def _article(page: _Page) -> int | None:
    """The container of the article: Chinese text counts for the container it stands in,
    half for the one around that, a quarter for the next (so a page that puts each
    paragraph in a <div> of its own still finds the <div> around them all)."""
    score: dict[int, float] = {}
    for container, _tag, text in page.blocks:
        n = len(_CJK.findall(text))
        for level, c in enumerate(_chain(page, container)[:3]):
            score[c] = score.get(c, 0.0) + n / 2**level
    if not score or max(score.values()) < 20:
        return None
    return max(score, key=lambda c: score[c])


_METADATA_RE = re.compile(
    r"^(?:" + "|".join(DISCLOSURE_KEYS) + r"|主题分类|发布日期|生效日期|文号|发文字号)\s*[:：]"
)


def _is_metadata(text: str) -> bool:
    return bool(_METADATA_RE.match(text))


def _metadata(cells: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for i, cell in enumerate(cells):
        for label, name in DISCLOSURE_KEYS.items():
            m = re.match(rf"^{label}\s*[:：]?\s*(.*)$", cell)
            if not m or name in out:
                continue
            value = m.group(1).strip()
            if not value and i + 1 < len(cells):
                nxt = cells[i + 1]
                if not any(re.match(rf"^{k}\s*[:：]?", nxt) for k in DISCLOSURE_KEYS):
                    value = nxt
            if value:
                out[name] = value
            break
    return out
