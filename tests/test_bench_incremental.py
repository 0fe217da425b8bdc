"""benchmarks/bench_incremental.py runs end to end and prints its table (tiny sizes; no timing)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow

BENCH = [sys.executable, str(ROOT / "benchmarks" / "bench_incremental.py")]
TINY = ["--reports", "3", "--runs", "1", "--cold-runs", "1", "--no-browser"]


def test_benchmark_prints_its_table(tmp_path: Path) -> None:
    proc = subprocess.run(
        [*BENCH, *TINY, "--work", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    rows = [ln for ln in proc.stdout.splitlines() if ln.startswith("| ") and " s |" in ln]
    assert len(rows) == 10, proc.stdout  # five figures on each of two sites
    for figure in ("cold", "no-op", "one sentence", "one figure", "template"):
        assert sum(f"| {figure} |" in row for row in rows) == 2
    assert "machine:" in proc.stdout and "date:" in proc.stdout
