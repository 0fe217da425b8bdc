"""The outline: lines of a document -> issuer, title, opening, numbered nodes, contact.

Numbered headings are recognised by their typed numbers (words.NUMBER_STYLES) at any
depth: a style seen for the first time goes one level deeper, a style already open
closes the levels below it. A heading that ends in 。 with text after it is run in;
otherwise it stands. 一是 二是 in a paragraph become actions. Lines it cannot place
stay as unnumbered paragraphs where they stood, with a warning: no text is dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from . import inspection, language, statistics, words
from .escaping import prose
from .readers import Source, refuse
from .text import cn_value, fullwidth
from .tree import Block, Document, Group, Table

_STYLES = [(style, re.compile(pattern)) for style, pattern in words.NUMBER_STYLES]


def numbered(text: str) -> tuple[str, int, str] | None:
    """(style, number, rest) when ``text`` starts with a typed number."""
    for style, pattern in _STYLES:
        m = pattern.match(text)
        if m and m.end() < len(text):
            return words.STYLE_NORMAL.get(style, style), cn_value(m.group("n")), text[m.end() :]
    return None


def split_sentence(text: str) -> tuple[str, str] | None:
    """The first sentence (up to 。 outside quotes and brackets) and the rest."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in "“《（(「‘":
            depth += 1
        elif ch in "”》）)」’":
            depth = max(0, depth - 1)
        elif ch == "。" and depth == 0:
            return text[:i], text[i + 1 :]
    return None


def split_actions(text: str) -> tuple[str, list[str], str]:
    """Text before 一是, the enumerated actions (一是 二是 … in sequence) and their style."""
    starts: list[tuple[int, int]] = []
    found = words.ACTION_STYLE
    for style, pattern in words.ACTION_STYLES:
        expected = 1
        for m in pattern.finditer(text):
            if cn_value(m.group("n")) == expected:
                starts.append((m.start(), m.end()))
                expected += 1
        if starts:
            found = style
            break
    if not starts:
        return text, [], found
    lead = text[: starts[0][0]]
    actions = []
    for i, (_s, e) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        actions.append(text[e:end])
    return lead, actions, found


def parse(source: Source) -> Document:
    """The document's outline; UsageError when it has no numbered structure at all."""
    doc = Document(path=source.path, disclosure=dict(source.disclosure))
    for line, key, params in source.warnings:
        doc.warn(line, key, **params)
    doc.images = list(source.images)
    tables = {
        no: Table(no, prose(fullwidth(caption)) if caption else None, *_cells(rows))
        for no, (caption, rows) in source.tables.items()
    }
    _as_written(tables, source.written_tables)
    lines = [(no, prose(fullwidth(text))) for no, text in source.lines if no not in tables]
    after: dict[int, list[Table]] = {}  # a table stands after the line before it
    previous = 0
    for no, _text in source.lines:
        if no in tables:
            after.setdefault(previous, []).append(tables[no])
        else:
            previous = no
    doc.tables = after.pop(0, [])
    first = next((i for i, (_no, text) in enumerate(lines) if numbered(text)), None)
    if first is None:
        raise refuse(source.path, "import.no_structure")
    header = lines[:first]
    if source.title and not any(source.title in t or t in source.title for _, t in header):
        header.insert(0, (0, prose(fullwidth(source.title))))
    body = lines[first:]
    masthead = next((m for _, t in header if (m := _MASTHEAD_RE.match(t))), None)
    body = body[: _signature(doc, body, masthead.group("issuer") if masthead else None)]
    annex = next((i for i, (_no, t) in enumerate(body) if words.ANNEX_RE.match(t)), len(body))
    body, annexes = body[:annex], body[annex:]
    contact_start = _contact(doc, body)
    _header(doc, header)
    _body(doc, body[:contact_start])
    for no, text in annexes:  # 附件: their files go under attachments/, listed by hand
        last = doc.parts[-1]
        last.children.append(_unnumbered(no, last.depth + 1, text))
        doc.warn(no, "import.annex", text=text[:30])
    if doc.signature is not None and doc.signature != doc.issuer:
        if doc.issuer is None:
            doc.issuer = doc.signature
        else:  # signed otherwise than the heading names the issuer: kept as text
            last = doc.parts[-1]
            last.children.append(_unnumbered(0, last.depth + 1, doc.signature))
            doc.warn(None, "import.unplaced", text=doc.signature[:30])
    if doc.issuer is None:  # only now: the signature may have named it
        doc.warn(None, "import.no_issuer")
    _place_tables(doc, after)
    for block in doc.blocks():  # the ids an export's bookmarks carry (rs_<id>)
        if block.line in source.ids:
            block.id = source.ids[block.line] or None
            if block.id is None:  # exported without one: its anchor stays positional
                doc.bare.add(id(block))
    _roles(doc)
    doc.role_counts = None  # counted from here on, once
    _inspection(doc)
    statistics.recognise(doc)
    _group_labels(doc, source.groups)
    return doc


_FIGURE_REF_RE = re.compile(r"(\{\{\s*figures\.)([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*)")


def _group_labels(doc: Document, carried: list[dict[str, Any]]) -> None:
    """The figure groups an export carries (ids, labels, their figures' ids), given back:
    where every figure the text declares is one the export listed and none is missing,
    the groups are made as the export had them and every reference follows; otherwise
    each group declared from a carried figure (its first, by label and value) takes
    that group's label."""
    if not carried:
        return
    if _regroup(doc, carried):
        return
    for group in doc.groups:
        if group.label or not group.figures:
            continue
        first = group.figures[0]
        key = (language.simplified(first.label), str(first.number()))
        for g in carried:
            if g.get("label") and any(
                (language.simplified(str(f[0])), str(f[1])) == key for f in g["figures"]
            ):
                group.label = str(g["label"])
                break


def _regroup(doc: Document, carried: list[dict[str, Any]]) -> bool:
    found = [(g, f) for g in doc.groups for f in g.figures]
    used: set[int] = set()
    groups: list[Group] = []
    moved: dict[str, str] = {}
    for cg in carried:
        group = Group(cg.get("id") or None, label=cg.get("label") or None)
        for entry in cg["figures"]:
            label, value, fid = [*entry, None][:3]
            match = next(
                (
                    (g, f)
                    for g, f in found
                    if id(f) not in used
                    and language.simplified(f.label) == language.simplified(str(label))
                    and str(f.number()) == str(value)
                ),
                None,
            )
            if match is None:  # the text words the label otherwise: by its value alone
                same = [
                    (g, f) for g, f in found if id(f) not in used and str(f.number()) == str(value)
                ]
                match = same[0] if len(same) == 1 else None
            if match is None:
                return False
            old_group, fig = match
            used.add(id(fig))
            old = old_group.path(fig)
            if fid:
                fig.id = str(fid)
            group.figures.append(fig)
            moved[old] = group.path(fig)
        groups.append(group)
    if len(used) != len(found) or len({g.id for g in groups}) != len(groups):
        return False
    for group in groups:
        for fig in group.figures:
            fig.path = group.path(fig)
    doc.groups = groups

    def follow(text: str) -> str:
        def one(m: re.Match[str]) -> str:
            path = m.group(2)
            parts = path.split(".")
            for n in range(len(parts), 0, -1):
                head = ".".join(parts[:n])
                if head in moved:
                    return m.group(1) + ".".join([moved[head], *parts[n:]])
            return m.group(0)

        return _FIGURE_REF_RE.sub(one, text)

    doc.intro = [follow(t) for t in doc.intro]
    for table in [*doc.tables, *(t for b in doc.blocks() for t in b.tables)]:
        table.rows = [[follow(c) for c in row] for row in table.rows]
    for block in doc.blocks():
        block.paragraphs = [follow(t) for t in block.paragraphs]
        block.actions = [follow(t) for t in block.actions]
        if block.heading:
            block.heading = follow(block.heading)
    if "invitation" in doc.contact:
        doc.contact["invitation"] = follow(doc.contact["invitation"])
    return True


def _cells(rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """The header row and the body rows, each cell as prose (escaped like every line)."""
    cells = [[prose(fullwidth(c)) if c else "" for c in row] for row in rows]
    if len(cells) == 1:  # a header alone: the row is its content
        return [""] * len(cells[0]), cells
    return cells[0], cells[1:]


def _as_written(tables: dict[int, Table], written: list[Any]) -> None:
    """The tables an export carries as content wrote them replace those read from the
    cells (where every one matches in shape): their references come back unexpanded,
    so each number still lives once, and statistics leaves them alone."""
    if not written or len(written) != len(tables):
        return
    read = [tables[no] for no in sorted(tables)]
    for table, (_caption, rows) in zip(read, written, strict=True):
        if [len(r) for r in rows] != [len(table.header)] + [len(r) for r in table.rows]:
            return
    for table, (caption, rows) in zip(read, written, strict=True):
        table.caption, table.header, table.rows = caption, rows[0], rows[1:]
        table.written = True


def _place_tables(doc: Document, after: dict[int, list[Table]]) -> None:
    """Each table into the node whose text (or heading) holds the line before it; one after
    the opening or the title goes with the opening; none is dropped."""
    if not after:
        return
    owners: dict[int, Block] = {}
    for block in doc.blocks():
        for no in block.lines:
            owners.setdefault(no, block)
    for no in sorted(after):
        owner = owners.get(no)
        if owner is None:  # a line of the header, or one signature, contact or annex took
            earlier = [b for n, b in owners.items() if n < no]
            owner = max(earlier, key=lambda b: max(b.lines)) if earlier else None
        if owner is None:
            doc.tables.extend(after[no])
        else:
            owner.tables.extend(after[no])


# --- the header: issuer, title, opening ----------------------------------------------

_MASTHEAD_RE = re.compile(r"^(?!关于)(?P<issuer>[^。，：:\s]{4,40}?)文件(?=\s*$|\s*\S+〔)")
"""发文机关标志: the issuer's name followed by 文件 (中共××区委办公室文件), GB/T 9704."""
_DOC_NO_RE = re.compile(
    r"^\s*(?:发文字号[:：]\s*)?(?P<no>[^\s。，〔\[]{1,20}[〔\[［](?:19|20)\d{2}[〕\]］]\s*\d{1,5}\s*号)"
)
"""发文字号: 机关代字〔年份〕序号号 (××委办〔2024〕12号)."""
_SIGNER_RE = re.compile(r"^(?:.*?\s)?签发人[:：]\s*(?P<name>\S{2,12})\s*$")
_RECIPIENTS_RE = re.compile(r"^(?P<to>[^。]{2,200}?)[:：]$")
"""主送机关: one line ending in a colon, between the title and the opening."""


def _header(doc: Document, header: list[tuple[int, str]]) -> None:
    i = 0
    while i < len(header):
        no, text = header[i]
        simple = language.simplified(text)  # traditional script is recognised, kept as written
        m = words.ISSUER_IN_TITLE_RE.match(simple)
        masthead = _MASTHEAD_RE.match(text)
        doc_no = _DOC_NO_RE.match(text)
        signer = _SIGNER_RE.match(text)
        to = _RECIPIENTS_RE.match(text)
        if doc.title is None and masthead and not doc.intro:  # 发文机关标志: 中共××文件
            doc.issuer = doc.issuer or masthead.group("issuer")
            if doc_no := _DOC_NO_RE.search(text[masthead.end() :]):
                doc.disclosure.setdefault("doc_no", doc_no.group("no"))
        elif doc.title is None and (doc_no or signer) and not doc.intro:
            if doc_no:
                doc.disclosure.setdefault("doc_no", doc_no.group("no"))
            if signer:
                doc.disclosure.setdefault("signer", signer.group("name"))
        elif doc.title is not None and not doc.intro and doc.recipients is None and to:
            doc.recipients = to.group("to")  # 主送机关: the line before the opening
        elif doc.title is None and doc.issuer is None and m and "。" not in text:
            doc.issuer, doc.title = text[: m.end("issuer")], text[m.start("title") :]
        elif (
            doc.issuer is None
            and doc.title is None
            and "。" not in text
            and len(text) <= 40
            and simple.endswith(words.ISSUER_ENDINGS)
            and not simple.startswith("关于")
        ):
            doc.issuer = text
        elif (
            doc.title is None
            and "。" not in text
            and (simple.startswith("关于") or simple.endswith(words.TITLE_ENDINGS))
        ):
            title = text
            while (
                not language.simplified(title).endswith(words.TITLE_ENDINGS)
                and i + 1 < len(header)
                and "。" not in header[i + 1][1]
                and len(header[i + 1][1]) <= 40
            ):
                i += 1
                title += header[i][1]
            doc.title = title
        elif doc.title is not None and (text == doc.title or text == f"{doc.issuer}{doc.title}"):
            pass  # a web page's heading repeated in its body
        elif doc.issuer is not None and text == doc.issuer:
            pass
        else:
            if doc.title is None:  # text before the title: kept in the opening
                doc.warn(no or None, "import.unplaced", text=text[:30])
            doc.intro.append(text)
        i += 1
    if len(doc.intro) > 1:  # the opening is one paragraph: the rest joins it
        doc.intro = ["".join(doc.intro)]
    if doc.issuer is None and doc.disclosure.get("publisher"):
        doc.issuer = doc.disclosure["publisher"]  # a page's 发布机构, where the text has none
    if doc.title is None:
        doc.warn(None, "import.no_title")


# --- the numbered body ---------------------------------------------------------------


def _body(doc: Document, body: list[tuple[int, str]]) -> None:
    stack: list[Block] = []  # open numbered blocks, outermost first
    for no, text in body:
        status = words.STATUS_LINE_RE.match(text)
        found = numbered(text)
        if found:
            style, number, rest = found
            if style in [b.style for b in stack]:
                while stack and stack[-1].style != style:
                    stack.pop()
                previous = stack.pop()
                expected = (previous.number or 0) + 1
                if number != expected:
                    doc.warn(
                        no,
                        "import.numbering_skips",
                        number=text[: len(text) - len(rest)],
                        expected=expected,
                        text=text[:20],
                    )
            elif number != 1:
                doc.warn(
                    no,
                    "import.numbering_skips",
                    number=text[: len(text) - len(rest)],
                    expected=1,
                    text=text[:20],
                )
            depth = len(stack) + 1
            block = Block(line=no, depth=depth, style=style, number=number)
            if depth > len(doc.levels):
                doc.levels.append(style)
            elif doc.levels[depth - 1] != style:
                doc.warn(no, "import.style_differs", style=style, expected=doc.levels[depth - 1])
            _fill(block, rest)
            (stack[-1].children if stack else doc.parts).append(block)
            stack.append(block)
            continue
        if not stack:  # pragma: no cover - the body starts with a numbered line
            continue
        current = stack[-1]
        if status:
            current.status = status.group("status").strip()
            current.lines.append(no)
            doc.status_line = status.group("word")
            continue
        if (
            current.children == []
            and not current.paragraphs
            and not current.actions
            and not current.run_in
        ):
            _paragraph(current, text)  # a standing heading's first paragraph
            current.lines.append(no)
        elif statistics.is_statistics(text):
            part = stack[0]
            part.children.append(_unnumbered(no, 2, text))
        elif not current.children and not current.actions:
            _paragraph(current, text)
            current.lines.append(no)
        else:
            parent = stack[-1]
            parent.children.append(_unnumbered(no, parent.depth + 1, text))
            doc.warn(no, "import.unplaced", text=text[:30])


def _unnumbered(no: int, depth: int, text: str) -> Block:
    block = Block(line=no, depth=depth, numbered=False)
    _paragraph(block, text)
    return block


def _fill(block: Block, rest: str) -> None:
    split = split_sentence(rest)
    if split and split[0]:
        block.heading, block.run_in = split[0], True
        if split[1].strip():
            _paragraph(block, split[1].strip())
    else:
        block.heading = rest


def _paragraph(block: Block, text: str) -> None:
    lead, actions, style = split_actions(text)
    block.action_style = style
    if actions:
        if lead:
            block.paragraphs.append(lead)
        block.actions = actions
    else:
        block.paragraphs.append(text)


# --- the signature and date, and the contact block at the end -------------------------


def _signature(doc: Document, body: list[tuple[int, str]], masthead: str | None) -> int:
    """The date under the signature (成文日期) and the signature before it, at the end."""
    if not body:
        return 0
    date = words.DATE_LINE_RE.match(body[-1][1])
    if date is None:
        return len(body)
    try:
        written = dt.date(
            cn_value(date.group("y"), digits=True),
            cn_value(date.group("m")),
            cn_value(date.group("d")),
        )
    except ValueError:
        return len(body)
    doc.disclosure.setdefault("written", written.isoformat())
    end = len(body) - 1
    if end > 0:
        text = body[end - 1][1]
        if text == masthead or (
            "。" not in text and len(text) <= 40 and text.endswith(words.ISSUER_ENDINGS)
        ):
            doc.signature = text
            end -= 1
    return end


# --- the contact block at the end -----------------------------------------------------


def _contact_field(text: str) -> tuple[str, str, str] | None:
    """(field, value, the label as written) of a contact line."""
    for name, prefixes in words.CONTACT_FIELDS:
        for prefix in prefixes:
            m = re.match(rf"^{prefix}\s*[:：]\s*(.+)$", text)
            if m:
                return name, m.group(1).strip(), prefix
    return None


def _contact(doc: Document, body: list[tuple[int, str]]) -> int:
    """Read the trailing contact lines into doc.contact; return where they start."""
    start = len(body)
    while start > 0:
        text = body[start - 1][1]
        hit = _contact_field(text)
        if hit is None or hit[0] in doc.contact:
            break
        name, value, label = hit
        if label != words.CONTACT_FIELDS[[n for n, _ in words.CONTACT_FIELDS].index(name)][1][0]:
            doc.contact_labels[name] = label
        if name == "address":
            note = words.ENVELOPE_RE.search(value)
            if note:
                doc.contact["envelope_note"] = note.group("note")
                value = (value[: note.start()] + value[note.end() :]).strip()
        doc.contact[name] = value
        start -= 1
    if start > 0 and all(w in body[start - 1][1] for w in words.INVITATION_WORDS):
        doc.contact["invitation"] = body[start - 1][1]
        start -= 1
    return start


# --- roles and the inspection (ids: ids.py, from the headings) --------------------------


def _roles(doc: Document) -> None:
    """Categories (关于…问题的整改) in the parts, aspects (针对…, 关于…方面, and the
    numbered children of a category), measures (重点任务：…), problems (a status)."""
    for part in doc.parts:
        for child in part.children:
            if child.numbered and child.heading and words.CATEGORY_RE.match(child.heading):
                child.role = "category"
                for block in child.children:
                    if block.numbered and block.status is None:
                        block.role = "aspect"
    for block in doc.blocks():
        if block.role is not None or not block.numbered:
            continue
        heading = block.heading or ""
        if words.MEASURE_RE.match(heading):
            block.role = "measure"
        elif block.status is not None:
            block.role = "problem"
        elif words.ASPECT_RE.match(heading):
            block.role = "aspect"


def _inspection(doc: Document) -> None:
    """The kind from the title and opening; the rest from inspection.read()."""
    text = "".join(doc.intro)
    where = language.simplified(f"{doc.title or ''}{text}")
    doc.kind = next((k for k in words.KINDS if k in where), "巡视")
    found = inspection.read(doc.title or "", text)
    doc.round = found.round
    doc.start, doc.end, doc.feedback = found.start, found.end, found.feedback
    if found.teams:
        doc.team = found.teams[0] if len(found.teams) == 1 else found.teams
    if len(doc.intro) == 1:
        doc.intro = [inspection.referring(doc.intro[0], found)]
