"""Numbering comes from order (GB/T 9704): 一、 （一） 1. 一是."""

from __future__ import annotations

from pathlib import Path

import pytest

from rectify_site.build.pipeline import build_site
from rectify_site.model.numbering import STYLES, level_style, number, zh_date, zh_numeral

from conftest import REPORT_ID, edit
from htmltext import visible_text


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (6, "六"),
        (10, "十"),
        (16, "十六"),
        (20, "二十"),
        (42, "四十二"),
        (100, "一百"),
        (105, "一百零五"),
        (1010, "一千零一十"),
    ],
)
def test_chinese_numerals(n: int, text: str) -> None:
    assert zh_numeral(n) == text


def test_levels() -> None:
    """GB/T 9704 by default: 一、 （一） 1. （1）; a report's own style wins for its level."""
    assert [level_style([], d) for d in (1, 2, 3, 4)] == ["一、", "（一）", "1.", "（1）"]
    assert level_style(["一、", "1．"], 2) == "1．"
    assert level_style(["一、"], 2) == "（一）"
    assert number("（一）", 0) == "（一）"
    assert number("一是", 2) == "三是"
    assert number("（1）", 10) == "（11）"
    assert number("①", 2) == "③"
    assert number("", 5) == ""


@pytest.mark.parametrize("style", sorted(STYLES))
def test_every_style_writes_its_own_name_for_one(style: str) -> None:
    """A style is named by how it writes 1, so editors write what they see."""
    assert number(style, 0) == style


def test_dates() -> None:
    import datetime as dt

    assert zh_date(dt.date(2023, 3, 29)) == "2023年3月29日"
    assert zh_date(dt.date(2023, 6, 16), year=False) == "6月16日"


def test_moving_a_category_renumbers_everything(content_copy: Path, tmp_path: Path) -> None:
    edit(
        content_copy / REPORT_ID / "parts" / "progress.yaml",
        "- file: categories/positioning.yaml\n- file: categories/development.yaml\n",
        "- file: categories/development.yaml\n- file: categories/positioning.yaml\n",
    )
    out = tmp_path / "site"
    build_site(content_copy, out)
    full = visible_text((out / REPORT_ID / "full.html").read_text("utf-8"))
    assert "（一）关于贯彻新发展理念不全面" in full
    assert "（二）关于学习贯彻习近平新时代" in full
    page = (out / REPORT_ID / "categories" / "development.html").read_text("utf-8")
    assert "（一）关于贯彻新发展理念不全面" in visible_text(page)


def test_moving_an_action_renumbers_it(content_copy: Path, tmp_path: Path) -> None:
    path = content_copy / REPORT_ID / "categories" / "positioning.yaml"
    text = path.read_text("utf-8")
    lines = text.split("\n")
    first = next(i for i, ln in enumerate(lines) if ln.startswith("  - 聚焦服务长三角"))
    lines[first], lines[first + 1] = lines[first + 1], lines[first]
    path.write_text("\n".join(lines), "utf-8")
    out = tmp_path / "site"
    build_site(content_copy, out)
    full = visible_text((out / REPORT_ID / "full.html").read_text("utf-8"))
    assert "一是聚焦对接自贸区" in full
    assert "二是聚焦服务长三角" in full
