"""Reading YAML: line numbers kept, duplicate keys refused, decimals exact."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from rectify_site.sources import LoadFailed, Source, load_yaml


def _load(tmp_path: Path, text: str) -> Source:
    path = tmp_path / "f.yaml"
    path.write_text(text, "utf-8")
    return load_yaml(path)


def _fail(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(LoadFailed) as info:
        _load(tmp_path, text)
    return [d.format() for d in info.value.diagnostics]


def test_duplicate_key_is_refused_with_both_lines(tmp_path: Path) -> None:
    (msg,) = _fail(tmp_path, "title: a\nissuer: b\ntitle: c\n")
    assert msg.endswith(
        "f.yaml:3:1: error: 键“title”重复（第一次出现在第 1 行）：请删除或合并其中一个"
    )


def test_decimals_are_exact_and_marks_point_at_keys(tmp_path: Path) -> None:
    src = _load(tmp_path, "a:\n  b: 130.98\n  c: [1, 2]\n")
    assert src.data == {"a": {"b": Decimal("130.98"), "c": [1, 2]}}
    assert src.where(("a", "b")) == (2, 3)
    assert src.where(("a", "c", 1)) == (3, 10)
    assert src.where(("a", "missing")) == (1, 1)


def test_only_comments_is_an_empty_file(tmp_path: Path) -> None:
    (msg,) = _fail(tmp_path, "# nothing here\n")
    assert "文件为空" in msg
