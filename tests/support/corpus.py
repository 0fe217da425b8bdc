"""The import corpus (tests/data/import_corpus/): synthetic sentences with what they state.

Every sentence was written for the tests (see the files' headers). ``statistics()`` and
``inspection()`` give the entries of both scripts: those of statistics.yaml and
inspection.yaml as written (simplified), an OpenCC copy of each in traditional script
(text and every expected word converted, so labels are expected as the copy writes
them), and the sentences of traditional.yaml.
"""

from __future__ import annotations

import copy
import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import opencc
import yaml

CORPUS = Path(__file__).resolve().parents[1] / "data" / "import_corpus"
_WORDS = ("label", "status", "qualifier", "unit")


@cache
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def _load(name: str) -> Any:
    return yaml.safe_load((CORPUS / name).read_text(encoding="utf-8"))


def _dates(entry: dict[str, Any]) -> dict[str, Any]:
    for key in ("start", "end", "feedback"):
        if isinstance(entry.get(key), dt.date):
            entry[key] = entry[key].isoformat()
    return entry


def _traditional(entry: dict[str, Any]) -> dict[str, Any]:
    convert = _s2t().convert
    out = copy.deepcopy(entry)
    out["id"] = f"{entry['id']}-t"
    out["script"] = "traditional"
    out["text"] = convert(entry["text"])
    if out.get("title"):
        out["title"] = convert(out["title"])
    if out.get("round"):
        out["round"] = convert(out["round"])
    if "teams" in out:
        out["teams"] = [convert(t) for t in out["teams"]]
    for fig in out.get("figures", []):
        for key in _WORDS:
            if fig.get(key):
                fig[key] = convert(fig[key])
        if fig.get("also"):
            fig["also"] = [convert(a) for a in fig["also"]]
    return out


def _both(simplified: list[dict[str, Any]], own: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for entry in simplified:
        entry = _dates(dict(entry, script="simplified"))
        out.append(entry)
        out.append(_traditional(entry))
    out.extend(_dates(dict(e, script="traditional")) for e in own)
    return out


def statistics() -> list[dict[str, Any]]:
    """Every statistics entry, simplified and traditional."""
    return _both(_load("statistics.yaml"), _load("traditional.yaml")["statistics"])


def inspection() -> list[dict[str, Any]]:
    """Every inspection entry (dates, teams, round), simplified and traditional."""
    return _both(_load("inspection.yaml"), _load("traditional.yaml")["inspection"])
