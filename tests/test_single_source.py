"""Every figure lives once, in figures.yaml: change it there and every page follows."""

from __future__ import annotations

import re
from pathlib import Path

from rectify_site.build.pipeline import build_site

from conftest import REPORT_ID, edit
from htmltext import visible_text

STANDALONE = r"(?<![\d.]){}(?![\d.])"


def _texts(site: Path) -> dict[str, str]:
    """Every page's visible text, and the raw text of the data downloads."""
    out = {}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if path.name.startswith("."):
            continue  # the manifest of hashes, not a page
        if path.suffix == ".html":
            out[rel] = visible_text(path.read_text("utf-8"), "body")
        elif path.suffix in (".json", ".csv") and "schema" not in path.name:
            out[rel] = path.read_text("utf-8-sig")
    return out


def _stating(texts: dict[str, str], value: str) -> set[str]:
    pattern = re.compile(STANDALONE.format(re.escape(value)))
    return {rel for rel, text in texts.items() if pattern.search(text)}


def test_changing_a_figure_changes_every_page(content_copy: Path, tmp_path: Path) -> None:
    before = _texts(_build(content_copy, tmp_path / "before"))
    pages_with_48 = _stating(before, "48")
    assert {
        "index.html",
        f"{REPORT_ID}/full.html",
        f"{REPORT_ID}/figures.html",
        f"{REPORT_ID}/data/report.json",
        f"{REPORT_ID}/data/figures.csv",
    } <= pages_with_48
    assert not _stating(before, "49")

    edit(content_copy / REPORT_ID / "figures.yaml", "rectified: 48", "rectified: 49")
    after = _texts(_build(content_copy, tmp_path / "after"))
    assert _stating(after, "48") == set(), "a page kept the old figure"
    assert _stating(after, "49") == pages_with_48
    assert "已经整改49项" in after[f"{REPORT_ID}/full.html"]


def test_derived_counts_follow_the_structure(content_copy: Path, tmp_path: Path) -> None:
    """六大类16方面 is counted from the categories, not typed: drop one and it says 五大类."""
    progress = content_copy / REPORT_ID / "parts" / "progress.yaml"
    edit(progress, "- file: categories/organisation.yaml\n", "")
    (content_copy / REPORT_ID / "categories" / "organisation.yaml").unlink()
    full = visible_text(
        (_build(content_copy, tmp_path / "s") / REPORT_ID / "full.html").read_text("utf-8")
    )
    assert "将五大类14方面问题细化分解为57个具体问题" in full


def _build(content: Path, out: Path) -> Path:
    build_site(content, out, base_url="https://example.org/")
    return out
