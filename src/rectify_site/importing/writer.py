"""The plain tree written as one report folder in the content format of the general model.

Every file starts with its ``# yaml-language-server: $schema=…`` line. Numbering is not
typed (it is generated from depth and order); figures are declared once in figures.yaml
and prose refers to them.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from . import words
from .tree import Block, Document, Figure

KEPT = ("ledger.xlsx", "attachments")
"""What ``--force`` keeps of an existing report folder: the office's own files."""
CARRIED = ("draft", "published", "source_url", "corrections", "attachments")
"""Fields of an existing report.yaml that no document carries: ``--force`` keeps them."""


class _Dumper(yaml.SafeDumper):
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
    return paragraphs[0] if len(paragraphs) == 1 else list(paragraphs)


def node(block: Block, *, own_file: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if block.id and not own_file:
        out["id"] = block.id
    if block.role:
        out["role"] = block.role
    if block.heading:
        out["heading"] = block.heading
    # the model's default: a part stands on its own line; a leaf of one paragraph runs in
    default_run_in = block.depth > 1 and not block.children and len(block.paragraphs) <= 1
    if block.heading and block.run_in != default_run_in:
        out["run_in"] = block.run_in
    if not block.numbered:
        out["numbered"] = False
    if block.paragraphs:
        out["text"] = _text(block.paragraphs)
    if block.actions:
        out["actions"] = list(block.actions)
    if block.status:
        out["status"] = block.status
    if block.children:
        out["children"] = [node(child) for child in block.children]
    return out


def _figure(fig: Figure) -> dict[str, Any]:
    out: dict[str, Any] = {"id": fig.id, "label": fig.label, "unit": fig.unit}
    if fig.is_tally:
        if not fig.derived:
            out["total"] = fig.total
            out["by_status"] = dict(fig.by_status)
        if fig.counts:
            out["counts"] = fig.counts
        if fig.remainder:
            out["remainder"] = fig.remainder
        if fig.rate:
            out["rate"] = {"label": fig.rate[0], "precision": fig.rate[1]}
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
    report["title"] = doc.title or ""
    report["issuer"] = doc.issuer or ""
    inspection: dict[str, Any] = {"kind": doc.kind}
    if doc.team:
        inspection["team"] = doc.team
    if doc.round:  # only a round the text names: none is invented
        inspection["round"] = doc.round
    for name in ("start", "end", "feedback"):
        value = getattr(doc, name)
        if value is not None:
            inspection[name] = value
    report["inspection"] = inspection
    if doc.intro:
        report["intro"] = _text(doc.intro)
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
        report["status_line"] = doc.status_line
    contact: dict[str, Any] = {
        k: doc.contact[k]
        for k in ("invitation", "phone", "email", "address", "envelope_note", "postcode")
        if k in doc.contact
    }
    if contact and doc.contact_labels:
        contact["labels"] = dict(doc.contact_labels)
    if contact:
        report["contact"] = contact
    disclosure = {
        k: (_written(doc.disclosure[k]) if k == "written" else doc.disclosure[k])
        for k in ("index_no", "publisher", "written", "mode")
        if doc.disclosure.get(k)
    }
    if disclosure.get("publisher") == report["issuer"]:
        del disclosure["publisher"]  # given only where it differs from the issuer
    if disclosure:
        report["disclosure"] = disclosure
    out: dict[str, dict[str, Any]] = {"report.yaml": report}
    if doc.groups or doc.statuses:
        figures: dict[str, Any] = {}
        if doc.statuses:
            figures["statuses"] = {s.key: {"label": s.label, "done": s.done} for s in doc.statuses}
        groups = []
        for group in doc.groups:
            g: dict[str, Any] = {}
            if group.id:
                g["id"] = group.id
            g["figures"] = [_figure(f) for f in group.figures]
            groups.append(g)
        if groups:
            figures["groups"] = groups
        out["figures.yaml"] = figures
    for part in doc.parts:
        out[f"parts/{part.id}.yaml"] = node(part, own_file=True)
    return out


def _carried(folder: Path) -> dict[str, Any]:
    """What the existing report.yaml says that the document cannot (its corrections …)."""
    try:
        old = yaml.safe_load((folder / "report.yaml").read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    if not isinstance(old, dict):
        return {}
    return {k: old[k] for k in CARRIED if k in old}


def write(doc: Document, folder: Path, report_id: str) -> list[Path]:
    """Write the report folder (its ledger, attachments and the report.yaml fields no
    document carries kept); return the files written."""
    carried = _carried(folder) if folder.exists() else {}
    if folder.exists():
        for entry in sorted(folder.iterdir()):
            if entry.name in KEPT:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    written = []
    content = files(doc)
    content["report.yaml"] = {**content["report.yaml"], **carried}
    for rel, data in content.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = modeline(f"{report_id}/{rel}") + "\n" + dump(data)
        path.write_text(text, "utf-8")
        written.append(path)
    return written
