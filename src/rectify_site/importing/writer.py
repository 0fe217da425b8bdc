"""The plain tree written as one report folder in the content format of the general model.

Every file starts with its ``# yaml-language-server: $schema=…`` line. Numbering is not
typed (it is generated from depth and order); figures are declared once in figures.yaml
and prose refers to them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from rectify_site.errors import UsageError, diag
from rectify_site.model.counting import mark

from . import words
from .drafting import Changes, changes, headings
from .escaping import plain
from .tree import Block, Document, Figure, Table

CARRIED = ("published", "source_url", "corrections", "attachments", "ledger")
"""Fields of an existing report.yaml that no document carries: ``--force`` keeps them.
Files are never removed: ``--force`` writes report.yaml, figures.yaml and the parts, and
keeps everything else (ledger.xlsx, attachments/, notes, hand-written node files, .git)."""


_BASE = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's emitter where PyYAML has it: ten times the pure-Python one on a long part."""


class _Dumper(_BASE):  # type: ignore[misc,valid-type]
    pass


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


_Dumper.add_representer(Decimal, _decimal)


def dump(data: Any) -> str:
    return yaml.dump(
        data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**6, indent=2
    )


def modeline(rel: str) -> str:
    """The schema line of a file at ``rel`` (relative to content/), as schema.py writes it."""
    try:
        from rectify_site.editor.schema import modeline as known

        line = known(rel)
    except ImportError:  # pragma: no cover
        line = None
    if line:
        return line
    kind = {"report.yaml": "report", "figures.yaml": "figures"}.get(rel.split("/")[-1], "node")
    if rel.count("/") >= 2 and kind == "node":
        kind = "part" if rel.split("/")[1] == "parts" else "node"
    return f"# yaml-language-server: $schema=../{'../' * rel.count('/')}schemas/{kind}.schema.json"


def _text(paragraphs: list[str]) -> str | list[str]:
    """Prose as written: every number with a counting unit that is no figure marked as
    plain text (``{{ '1882个' }}``), so that ``check`` knows it was read and left."""
    marked = [mark(p) for p in paragraphs]
    return marked[0] if len(marked) == 1 else marked


def _tables(tables: list[Table]) -> list[dict[str, Any]]:
    """Tables as content: cells are prose (figure references, numbers marked as text)."""
    out = []
    for t in tables:
        entry: dict[str, Any] = {}
        if t.caption:
            entry["caption"] = mark(t.caption)
        entry["header"] = [mark(c) if c else "" for c in t.header]
        entry["rows"] = [[mark(c) if c else "" for c in row] for row in t.rows]
        out.append(entry)
    return out


def node(block: Block, *, own_file: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if block.id and not own_file:
        out["id"] = block.id
    if block.role:
        out["role"] = block.role
    if block.heading:
        out["heading"] = mark(block.heading)
    # the model's default: a part stands on its own line; a leaf of one paragraph runs in
    default_run_in = block.depth > 1 and not block.children and len(block.paragraphs) <= 1
    if block.heading and block.run_in != default_run_in:
        out["run_in"] = block.run_in
    if not block.numbered:
        out["numbered"] = False
    if block.paragraphs:
        out["text"] = _text(block.paragraphs)
    if block.tables:
        out["tables"] = _tables(block.tables)
    if block.actions:
        out["actions"] = [mark(a) for a in block.actions]
    if block.status:
        out["status"] = block.status
    if block.children:
        out["children"] = [node(child) for child in block.children]
    return out


def _figure(fig: Figure) -> dict[str, Any]:
    out: dict[str, Any] = {"id": fig.id, "label": plain(fig.label)}
    if fig.unit:  # a table's column may name none
        out["unit"] = plain(fig.unit)
    if fig.is_tally:
        if not fig.derived:
            out["total"] = fig.total
            out["by_status"] = dict(fig.by_status)
        if fig.counts:
            out["counts"] = fig.counts
        if fig.remainder:
            out["remainder"] = plain(fig.remainder)
        if fig.rate:
            out["rate"] = {"label": plain(fig.rate[0]), "precision": fig.rate[1]}
        if fig.headline:
            out["headline"] = True
    else:
        out["value"] = fig.value
    if fig.qualifier:
        out["qualifier"] = fig.qualifier
    return out


def _written(value: str) -> dt.date | str:
    m = re.match(r"^(\d{4})[-年/.](\d{1,2})[-月/.](\d{1,2})日?$", value.strip())
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    return value


def files(doc: Document) -> dict[str, dict[str, Any]]:
    """Relative path inside the report folder -> the data of that file."""
    report: dict[str, Any] = {}
    report["title"] = plain(doc.title or "")
    report["issuer"] = plain(doc.issuer or "")
    inspection: dict[str, Any] = {"kind": doc.kind}
    if doc.team:
        team = doc.team
        inspection["team"] = [plain(t) for t in team] if isinstance(team, list) else plain(team)
    if doc.round:  # only a round the text names: none is invented
        inspection["round"] = plain(doc.round)
    for name in ("start", "end", "feedback"):
        value = getattr(doc, name)
        if value is not None:
            inspection[name] = value
    report["inspection"] = inspection
    if doc.recipients:
        report["recipients"] = plain(doc.recipients)
    if doc.intro:
        report["intro"] = _text(doc.intro)
    if doc.tables:
        report["tables"] = _tables(doc.tables)
    report["parts"] = [part.id for part in doc.parts]
    numbering: dict[str, Any] = {}
    if tuple(doc.levels) != words.DEFAULT_LEVELS[: len(doc.levels)]:
        numbering["levels"] = list(doc.levels)
    styles = [b.action_style for b in doc.blocks() if b.actions]
    if styles and styles[0] != words.ACTION_STYLE:
        numbering["actions"] = styles[0]
    if numbering:
        report["numbering"] = numbering
    if doc.status_line:
        report["status_line"] = plain(doc.status_line)
    contact: dict[str, Any] = {
        k: mark(doc.contact[k]) if k == "invitation" else plain(doc.contact[k])
        for k in ("invitation", "phone", "email", "address", "envelope_note", "postcode")
        if k in doc.contact
    }
    if contact and doc.contact_labels:
        contact["labels"] = {k: plain(v) for k, v in doc.contact_labels.items()}
    if contact:
        report["contact"] = contact
    disclosure = {
        k: (_written(doc.disclosure[k]) if k == "written" else doc.disclosure[k])
        for k in ("index_no", "publisher", "written", "mode", "doc_no", "signer")
        if doc.disclosure.get(k)
    }
    if disclosure.get("publisher") == report["issuer"]:
        del disclosure["publisher"]  # given only where it differs from the issuer
    if disclosure:
        report["disclosure"] = disclosure
    if doc.images:  # each picture an attachment, titled by the name the document gives it
        report["attachments"] = [
            {"file": name, "title": plain(title)} for name, title, _data in images(doc)
        ]
    out: dict[str, dict[str, Any]] = {"report.yaml": report}
    if doc.groups or doc.statuses:
        figures: dict[str, Any] = {}
        if doc.statuses:
            figures["statuses"] = {
                s.key: {"label": plain(s.label), "done": s.done} for s in doc.statuses
            }
        groups = []
        for group in doc.groups:
            g: dict[str, Any] = {}
            if group.id:
                g["id"] = group.id
            if group.label:
                g["label"] = plain(group.label)
            g["figures"] = [_figure(f) for f in group.figures]
            groups.append(g)
        if groups:
            figures["groups"] = groups
        out["figures.yaml"] = figures
    for part in doc.parts:
        out[f"parts/{part.id}.yaml"] = node(part, own_file=True)
    return out


def old_ids(folder: Path) -> dict[tuple[str, str], str]:
    """(kind, heading) -> id of the parts, categories and aspects of the report in
    ``folder``; a node in a file of its own has the file's name as its id, a category or
    aspect without one ``""`` (its anchor is made from its place, and stays so)."""
    out: dict[tuple[str, str], str] = {}
    old = _old_report(folder)
    for rel in sorted(_old_parts(old)):
        data = _load(folder, rel)
        if isinstance(data, dict) and isinstance(data.get("heading"), str):
            out.setdefault(("part", data["heading"]), Path(rel).stem)
        stack: list[tuple[Any, str | None]] = [(data, None)]
        while stack:
            item, stem = stack.pop()
            if isinstance(item, list):
                stack.extend((x, None) for x in item)
            elif isinstance(item, dict):
                ref = item.get("file")
                if isinstance(ref, str) and ".." not in ref and ref.endswith(".yaml"):
                    stack.append((_load(folder, ref), Path(ref).stem))
                    continue
                ident = item.get("id") or stem or ""
                heading = item.get("heading")
                role = item.get("role")
                if role in ("category", "aspect") and isinstance(heading, str):
                    out.setdefault((str(role), heading), str(ident))
                stack.extend((v, None) for v in item.values() if isinstance(v, (list, dict)))
    return out


def keep_ids(doc: Document, folder: Path) -> set[int]:
    """Give the parts, categories and aspects whose headings match the existing report's
    their old ids, so that ``--force`` changes no URL; returns the blocks (by ``id()``)
    that had none and keep none (``ids.name`` leaves them so)."""
    known = old_ids(folder)
    taken: set[str] = set()
    bare: set[int] = set()
    for part in doc.parts:
        for block in part.walk():
            kind = "part" if block is part else block.role
            if kind not in ("part", "category", "aspect") or not block.heading:
                continue
            ident = known.get((kind, mark(block.heading)))
            if ident is None:
                ident = known.get((kind, plain(block.heading)))
            if ident == "" and block is not part:
                bare.add(id(block))
            elif ident and ident not in taken:
                block.id = ident
                taken.add(ident)
    return bare


def _load(folder: Path, rel: str) -> Any:
    path = folder / rel
    if path.is_symlink() or not path.resolve().is_relative_to(folder.resolve()):
        return None
    try:
        return yaml.safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def images(doc: Document) -> list[tuple[str, str, bytes]]:
    """(file name under attachments/, title, bytes) of each picture of the document."""
    return [
        (f"image-{i}.{suffix}", title, data)
        for i, (title, data, suffix) in enumerate(doc.images, start=1)
    ]


def _old_report(folder: Path) -> dict[str, Any]:
    """The existing report.yaml as data ({} when there is none or it does not parse)."""
    try:
        old = yaml.safe_load((folder / "report.yaml").read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return old if isinstance(old, dict) else {}


def carry(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """``new`` with what the existing report.yaml says that no document carries: the
    ledger block, publication data, corrections, attachments, and disclosure fields
    the new source lacks (a .txt has no 索引号)."""
    out = dict(new)
    for key in CARRIED:
        if key in old:
            out[key] = old[key]
    if isinstance(old.get("disclosure"), dict):
        out["disclosure"] = {**old["disclosure"], **(new.get("disclosure") or {})}
    return out


@dataclass
class Plan:
    """What an import will write into its report folder, checked before anything is."""

    folder: Path
    files: dict[str, str]
    """Relative path -> the text written there."""
    unlisted: list[str] = field(default_factory=list)
    """Files of the old report the new one no longer refers to: kept, and named."""
    blobs: dict[str, bytes] = field(default_factory=dict)
    """Relative path -> bytes: the document's pictures, as attachments."""
    remove: list[str] = field(default_factory=list)
    """The old figures.yaml when the new source states no figures (a document's file)."""
    redrafted: Changes | None = None
    """What made a published report a draft again (``--force`` changed a fact of it)."""
    draft: bool = True
    """Whether the report is written as a draft."""


def _old_parts(old: dict[str, Any]) -> set[str]:
    parts = old.get("parts")
    if not isinstance(parts, list):
        return set()
    return {f"parts/{p}.yaml" for p in parts if isinstance(p, str)}


def _referenced(folder: Path, rel: str, seen: set[str]) -> None:
    """``rel`` and every node file it refers to (``file: categories/x.yaml``)."""
    if rel in seen:
        return
    seen.add(rel)
    try:
        data = yaml.safe_load((folder / rel).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("file")
            if isinstance(ref, str) and ref.endswith(".yaml") and ".." not in ref:
                _referenced(folder, ref, seen)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def plan(doc: Document, content: Path, report_id: str) -> Plan:
    """The files of ``doc`` for ``content/<report_id>/``; UsageError (nothing written) when
    the folder is a symlink or lies outside ``content/``, when a path to write is a symlink
    or not a file, or when writing would overwrite a file the old report did not hold
    from a document (a hand-written file: named in the message)."""
    folder = content / report_id
    where = content.resolve() / report_id
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise UsageError([diag(folder, "import.folder_not_dir")])
    if folder.resolve() != where:  # pragma: no cover - a symlink is refused above
        raise UsageError([diag(folder, "import.outside", path=folder.resolve())])
    new = files(doc)
    old = _old_report(folder) if folder.is_dir() else {}
    new["report.yaml"] = carry(old, new["report.yaml"])
    draft, redrafted = _draft(folder, old, new)
    if draft or "draft" in old:
        new["report.yaml"]["draft"] = draft
    texts = {rel: _text_of(doc, report_id, rel, data) for rel, data in new.items()}
    blobs = {f"attachments/{name}": data for name, _title, data in images(doc)}
    ours = {"report.yaml", "figures.yaml"} | _old_parts(old)
    blocked, lost = [], []
    for rel, blob in blobs.items():
        path = folder / rel
        if path.is_file() and not path.is_symlink() and path.read_bytes() == blob:
            ours.add(rel)  # the same picture written before
    for rel in [*texts, *blobs]:
        path = folder / rel
        for step in [folder / p for p in Path(rel).parents if str(p) != "."] + [path]:
            if step.is_symlink() or (step != path and step.exists() and not step.is_dir()):
                blocked.append(step.relative_to(folder).as_posix())
        if path.exists() and not path.is_symlink() and rel not in ours:
            lost.append(rel)
        elif path.is_dir():
            blocked.append(rel)
    if blocked:
        raise UsageError(
            [diag(folder, "import.symlink_inside", paths="、".join(sorted(set(blocked))))]
        )
    if lost:
        raise UsageError([diag(folder, "import.would_lose", paths="、".join(sorted(lost)))])
    still: set[str] = set()
    for rel in texts:
        if rel.startswith("parts/"):
            still.add(rel)
    before: set[str] = set()
    for rel in sorted(_old_parts(old)):
        _referenced(folder, rel, before)
    unlisted = sorted(r for r in before - still if (folder / r).is_file())
    remove = []
    figures = folder / "figures.yaml"
    if "figures.yaml" not in texts and figures.is_file() and not figures.is_symlink():
        remove.append("figures.yaml")
    return Plan(folder, texts, unlisted, blobs, remove, redrafted, draft)


def _text_of(doc: Document, report_id: str, rel: str, data: Any) -> str:
    """A file's text; UsageError (nothing written) when it is over the size ``load``
    accepts (MAX_FILE_BYTES): the site could not read it, so it is refused here, naming
    the document, rather than written and then failed by ``check``."""
    from rectify_site.load.sources import MAX_FILE_BYTES

    text = modeline(f"{report_id}/{rel}") + "\n" + dump(data)
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise UsageError(
            [diag(doc.path, "import.file_too_large", file=rel, size=size, limit=MAX_FILE_BYTES)]
        )
    return text


def _draft(
    folder: Path, old: dict[str, Any], new: dict[str, dict[str, Any]]
) -> tuple[bool, Changes | None]:
    """A new import is a draft; over an existing report its ``draft`` is kept unless the
    import changed a figure, a date or a heading (then a draft again, and why)."""
    if not old:
        return True, None
    parts = [p for p in old.get("parts") or [] if isinstance(p, str)]
    before = list(
        headings([_load(folder, f"parts/{p}.yaml") for p in parts], lambda r: _load(folder, r))
    )
    found = changes(old, _load(folder, "figures.yaml"), before, new)
    was = old.get("draft") is True
    if found and not was:
        return True, found
    return was, None


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write(target: Plan) -> list[Path]:
    """Write the planned files, each atomically (a temporary file renamed over it, so a
    symlink put there since the plan is replaced, never followed); nothing is removed but
    a figures.yaml the new source no longer has."""
    folder = target.folder
    folder.mkdir(exist_ok=True)
    root = folder.resolve()
    written = []
    items: list[tuple[str, bytes]] = [(r, t.encode("utf-8")) for r, t in target.files.items()]
    for rel, data in [*items, *target.blobs.items()]:
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.parent.resolve().is_relative_to(root):
            raise UsageError([diag(path, "import.outside", path=path.parent.resolve())])
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".import-", suffix=".tmp")
        try:
            os.chmod(tmp, 0o666 & ~_umask())  # as open() would make it, not mkstemp's 0600
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(path)
    for rel in target.remove:
        path = folder / rel
        if path.parent.resolve() == root and not path.is_symlink():
            path.unlink(missing_ok=True)
    return written
