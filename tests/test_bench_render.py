"""benchmarks/bench_render.py runs end to end: its table, the sharing figures, and a compiled
renderer that writes the node macro's bytes (tiny sizes; no timing asserted)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

BENCH = ROOT / "benchmarks" / "bench_render.py"


def _module():
    spec = importlib.util.spec_from_file_location("bench_render", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_render"] = module
    spec.loader.exec_module(module)
    return module


SITES = [ROOT / "content", *sorted((ROOT / "tests" / "shapes").glob("*/content"))]


@pytest.mark.parametrize("folder", SITES, ids=lambda p: p.parent.name)
def test_compiled_renderer_writes_the_macros_bytes(folder: Path) -> None:
    """The benchmark's compiled renderer is only a fair comparison while it writes exactly
    what the theme's ``node`` macro writes, on the default site and on every shape."""
    found = _module().macros_against_compiled(folder, runs=1)
    assert found["nodes"] > 0 and found["parts_identical"] > 0


def test_no_node_has_the_same_markup_on_both_pages() -> None:
    """Why no node's HTML is shared: the full text and the category page write different
    markup for every node below a category (the figure the benchmark prints)."""
    found = _module().sharing(ROOT / "content")
    assert found["children_of_categories"] == 16  # the default report's aspects
    assert found["same_markup"] == 0
    assert found["repeated_keys"] == 0


@pytest.mark.slow
def test_benchmark_prints_its_table(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--work", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    rows = [ln for ln in proc.stdout.splitlines() if ln.startswith("| 20 | tree |")]
    assert len(rows) == 1, proc.stdout
    assert "byte-identical" in proc.stdout and "same markup" in proc.stdout
    assert "machine:" in proc.stdout and "date:" in proc.stdout
