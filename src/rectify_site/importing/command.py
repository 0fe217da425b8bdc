"""``rectify-site import``: a document -> one checked report folder.

Exit status: 2 and nothing written for usage errors and unreadable input; 1 when the
report was written but does not pass ``check`` (its diagnostics printed); 0 otherwise.
Warnings (lines it could not place, numbering that skips) never change the exit code.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TextIO

from rectify_site.errors import Diagnostic, UsageError, diag
from rectify_site.messages import translate
from rectify_site.model.content import report_id_problem

from . import ids
from .outline import parse
from .readers import read_source, refuse
from .tree import Document
from .writer import keep_ids, plan, write


def default_id(source: Path) -> str | None:
    """A slug of the file name when it is ASCII (Huangpu 12-2.docx -> huangpu-12-2)."""
    stem = source.stem
    if not stem.isascii():
        return None
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:63]
    return slug or None


def import_document(source: Path, existing: Path | None = None) -> Document:
    """Read and recognise ``source``, its parts, categories and aspects named from their
    headings (``existing``: a report folder whose ids of the same headings are kept);
    UsageError (exit 2) when it is not a document."""
    read = read_source(source)
    doc = parse(read)
    doc.source_lines = [text for _no, text in read.lines]
    bare = keep_ids(doc, existing) if existing is not None else set()
    bare |= doc.bare
    ids.name(doc, bare)
    return doc


def summary(doc: Document, lang: str = "zh") -> list[str]:
    """What was found: nodes by level and role, then every figure."""
    out = []
    by_depth: dict[int, int] = {}
    for block in doc.blocks():
        if block.numbered:
            by_depth[block.depth] = by_depth.get(block.depth, 0) + 1
    for depth, n in sorted(by_depth.items()):
        style = doc.levels[depth - 1] if depth <= len(doc.levels) else ""
        out.append(translate("import.level", {"depth": depth, "style": style, "count": n}, lang))
    roles = {r: doc.count(r) for r in ("category", "aspect", "problem", "measure")}
    unnumbered = sum(1 for b in doc.blocks() if not b.numbered)
    out.append(translate("import.roles", {**roles, "unnumbered": unnumbered}, lang))
    out.extend(doc.found)
    return out


def run_import(
    source: Path,
    content: Path,
    *,
    report_id: str | None = None,
    force: bool = False,
    lang: str = "zh",
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """The whole command; UsageError for exit 2 (nothing written), else 1 or 0."""
    out = out or sys.stdout
    err = err or sys.stderr
    rid = default_id(source) if report_id is None else report_id  # --id "" is refused
    if rid is None:
        raise refuse(source, "import.id_needed")
    folder = content / rid
    refused = report_id_problem(rid)
    if refused is not None:
        key, params = refused
        if report_id is None:  # a name of the file's: say how to give another
            key = "import.id_reserved"
        raise UsageError([diag(folder, key, field="id", **params)])
    if (folder.exists() or folder.is_symlink()) and not force:
        raise UsageError([diag(folder, "import.exists")])
    existing = folder if folder.is_dir() and not folder.is_symlink() else None
    doc = import_document(source, existing)  # --force: matching headings keep their ids
    if content.is_symlink() or content.exists():
        if not content.is_dir():
            raise UsageError([diag(content, "import.folder_not_dir")])
    else:
        content.mkdir(parents=True)
    target = plan(doc, content, rid)  # every refusal before anything is written
    for w in doc.warnings:
        d = diag(source, w.key, line=w.line, severity="warning", **w.params)
        print(d.format(lang), file=err)
    for rel in target.unlisted:
        d = diag(folder / rel, "import.kept_unlisted", severity="warning")
        print(d.format(lang), file=err)
    if target.redrafted:
        d = diag(
            folder / "report.yaml",
            "import.redrafted",
            severity="warning",
            field="draft",
            what=target.redrafted.describe(),
        )
        print(d.format(lang), file=err)
    write(target)
    for line in summary(doc, lang):
        print(line, file=out)
    print(translate("import.written", {"folder": folder}, lang), file=out)
    if target.draft:
        print(translate("import.draft", {}, lang), file=out)
    from rectify_site.serve.review import save  # the source for serve's review page

    kept = save(content, rid, source.name, doc.source_lines)
    if kept is not None:
        print(translate("import.review_copy", {"path": kept}, lang), file=out)
    found = check_report(content, folder)
    errors = [d for d in found if d.severity == "error"]
    for d in found:
        print(d.format(lang), file=err)
    if errors:
        print(translate("import.check_failed", {"count": len(errors)}, lang), file=err)
        return 1
    print(translate("import.checked", {}, lang), file=out)
    return 0


def check_report(content: Path, folder: Path) -> list[Diagnostic]:
    """``check`` (without the HTML checker) of the written folder's findings."""
    from rectify_site.build.pipeline import check_site
    from rectify_site.errors import SiteError

    try:
        found = check_site(content, html=False)
    except SiteError as exc:
        found = list(exc.diagnostics)
    content_root = content.resolve()
    mine = []
    for d in found:
        where = Path(d.path).resolve()
        if where.is_relative_to(folder.resolve()):
            mine.append(d)  # a file of the report written
        elif where.is_relative_to(content_root):
            continue  # another report's file: not this import's business
        elif f"/{folder.name}/" in f"/{Path(d.path).as_posix()}" or d.severity == "error":
            mine.append(d)  # a page made from it, or the site as a whole
    return mine
