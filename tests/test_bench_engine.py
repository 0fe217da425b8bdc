"""benchmarks/bench_engine.py measures what it says: an edit that changes a paragraph and
changes back, a whole process tree's memory, and one build's figures (tiny; no timing
asserted)."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

from conftest import ROOT
from support import generate

BENCH = ROOT / "benchmarks" / "bench_engine.py"


def _module():
    spec = importlib.util.spec_from_file_location("bench_engine", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_engine"] = module
    spec.loader.exec_module(module)
    return module


def test_the_edit_changes_one_paragraph_and_changes_it_back(tmp_path: Path) -> None:
    bench = _module()
    content = tmp_path / "content"
    generate.generate(3, content, seed=1)
    path = bench._sentence_file(content)
    before = path.read_text("utf-8")
    bench.toggle_sentence(path)
    after = path.read_text("utf-8")
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]
    assert len(changed) == 1 and changed[0][1].lstrip().startswith("text:")
    bench.toggle_sentence(path)
    assert path.read_text("utf-8") == before


def test_one_build_is_measured_and_its_rewritten_files_counted(tmp_path: Path) -> None:
    bench = _module()
    assert bench._tree_pss(os.getpid()) > 0
    content = tmp_path / "content"
    generate.generate(3, content, seed=2)
    work = tmp_path / "work"
    work.mkdir()
    cold = bench.scenario("cold", ROOT / "src", content, work, ROOT / "templates")
    assert cold.wall > 0 and cold.cpu > 0 and cold.peak_mib > 0
    assert (work / "_site-cold" / "index.html").is_file()
    edit = bench.scenario("edit", ROOT / "src", content, work, ROOT / "templates")
    # the edited report's full text and figures at least; never the whole site
    assert edit.rewritten is not None and 2 <= edit.rewritten < 40
