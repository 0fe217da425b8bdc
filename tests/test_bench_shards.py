"""benchmarks/bench_shards.py times what it says on a real site: a search over every shard
until all are merged, and a search from a report in its own shard (no timing asserted)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import CHROMIUM, ROOT, need


def test_both_searches_are_timed_to_their_answer(
    built_site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    need(CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    monkeypatch.delitem(sys.modules, "bench_shards", raising=False)
    import bench_shards

    argv = [f"golden={built_site}", "--runs", "1", "--queries", "整改", "--networks", "loopback"]
    assert bench_shards.main(argv) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if "| loopback |" in line]
    assert [row.split(" | ")[0] for row in rows] == ["| every shard", "| from a report"]
    every, mine = rows
    assert "(1.00x)" in every and "找到" in every and "部分" not in every
    assert "找到" in mine  # one shard here: the report's shard is the whole site
