"""Reading YAML: line numbers kept, duplicate keys refused, decimals exact."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from rectify_site.load.sources import LoadFailed, MarkedYaml, load_yaml


def _load(tmp_path: Path, text: str) -> MarkedYaml:
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


def test_one_dialect_with_the_editor(tmp_path: Path) -> None:
    """YAML 1.2's true/false and plain decimal integers; YAML 1.1's extras stay text."""
    from rectify_site.load.sources import load_yaml

    f = tmp_path / "f.yaml"
    f.write_text(
        "a: true\nb: False\nc: yes\nd: off\ne: 57\nf: 5_7\ng: 0x39\nh: 0o71\ni: 071\n"
        "j: -3\nk: 130.98\nl: 1_000.5\nm: 1:30\nn: 2023-03-29\n",
        "utf-8",
    )
    data = load_yaml(f).data
    assert data["a"] is True and data["b"] is False
    assert data["c"] == "yes" and data["d"] == "off"
    assert data["e"] == 57 and data["j"] == -3
    for key, text in {"f": "5_7", "g": "0x39", "h": "0o71", "i": "071", "l": "1_000.5"}.items():
        assert data[key] == text, key
    assert str(data["k"]) == "130.98"
    assert data["m"] == "1:30"  # sexagesimal (YAML 1.1): text
    assert str(data["n"]) == "2023-03-29"


def test_what_the_composer_refused_is_refused_where_it_was(tmp_path: Path) -> None:
    """One pass over the events: a later document's own problem still comes first."""
    cases = {
        "a: 1\n---\nb: 2\n": ":2:1: error: YAML 语法错误：一个文件只能有一个 YAML 文档",
        "a: 1\n---\nb: [\n": ":4:1: error: YAML 语法错误：此处缺少内容",
        "a: 1\n---\nb: *x\n": ":3:4: error: 不支持 YAML 锚点与别名",
        "a: 1\n---\n" + "[" * 65: ":3:65: error: YAML 结构嵌套过深",
        "a: &x 1\nb: &x 2\n---\nc: 3\n": ":2:4: error: YAML 语法错误：同一个锚点名（&）用了两次",
    }
    for text, expected in cases.items():
        (msg,) = _fail(tmp_path, text)
        assert msg.split("f.yaml", 1)[1].startswith(expected), (text, msg)


def test_refused_keys_and_tags_skip_only_their_own_value(tmp_path: Path) -> None:
    """What a refused key or tag holds is not read (its "\\x01" is not reported)."""
    text = (
        '? [k]\n: {x: "\\x01"}\n<<: {y: "\\x01"}\na: !!set {"\\x01"}\n'
        'b: [1, !!omap ["\\x01"], "\\x01"]\na: "\\x01"\n'
    )
    where = [m.split("f.yaml", 1)[1][:6] for m in _fail(tmp_path, text)]
    assert where == [":1:3: ", ":3:1: ", ":4:4: ", ":5:8: ", ":5:25:", ":6:1: "]
