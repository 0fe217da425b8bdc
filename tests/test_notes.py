"""The notes a build leaves for the next one: one typed record, its shape checked on reading."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rectify_site.build.cache import cache_dir_for
from rectify_site.build.notes import Notes
from rectify_site.build.pipeline import build_site
from rectify_site.errors import diag

GOOD = Notes(
    warnings=(
        diag("content/site.yaml", "base_url.missing", severity="warning"),
        diag("r/report.yaml", "output.refused", line=3, col=1, reason=("中文", "English")),
    ),
    reports=2,
    indexed=True,
    shards={"0": "abc"},
    templates={"t1": ["base.html"]},
)


def test_notes_come_back_as_they_were_saved() -> None:
    saved = json.loads(json.dumps(GOOD.to_json()))
    assert Notes.from_json(saved) == GOOD
    assert Notes.from_json({}) == Notes(), "no last build: empty notes"


@pytest.mark.parametrize(
    "change",
    [
        {"warnings": [{}]},
        {"warnings": "x"},
        {"reports": True},
        {"reports": "2"},
        {"indexed": 1},
        {"shards": {"0": 1}},
        {"templates": {"t1": [1]}},
        {"templates": []},
        {"surprise": 1},
    ],
    ids=str,
)
def test_notes_of_any_other_shape_are_no_notes(change: dict[str, Any]) -> None:
    assert Notes.from_json({**GOOD.to_json(), **change}) is None
    assert Notes.from_json([GOOD.to_json()]) is None


def test_malformed_notes_mean_a_cold_build(content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(content_copy, out, search=False)
    state_file = cache_dir_for(out) / "state.json"
    state = json.loads(state_file.read_text("utf-8"))
    state["notes"]["warnings"] = [{"path": 1}]
    state_file.write_text(json.dumps(state), "utf-8")
    again = build_site(content_copy, out, search=False)
    pages = {p.relative_to(out).as_posix() for p in out.rglob("*.html")}
    assert pages and pages <= set(again.outputs), "every page made again"
    assert [w.key for w in again.warnings] == ["base_url.missing"]
