"""Import of documents in the forms issue 21 measured, from the outside: a minimal
document around a synthetic passage (issuer, title, the passage as the opening, one
numbered part) is imported, checked and built, and the site says what the text says.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from test_import import RID, import_into, written

from htmltext import visible_text

PART = "一、整改工作推进情况\n（一）压实整改责任。区委认真研究部署整改工作。\n"


def document(tmp_path: Path, opening: str, *, title: str, issuer: str = "中共某县委员会") -> Path:
    source = tmp_path / "source.txt"
    source.write_text(f"{issuer}\n{title}\n{opening}\n{PART}", "utf-8")
    return source


def build(tmp_path: Path, content: Path) -> Path:
    from rectify_site.build.pipeline import build_site

    out = tmp_path / "_site"
    build_site(content, out, include_drafts=True)
    return out


def test_status_counts_outside_the_old_word_list_make_one_tally_that_checks(
    tmp_path: Path,
) -> None:
    source = document(
        tmp_path,
        "2022年3月7日至4月29日，县委第二巡察组对县农业农村局党组进行了常规巡察。"
        "巡察发现的312个问题，已完成整改296个，基本完成并持续推进9个，尚未完成7个，"
        "总体完成率94.87%。",
        title="关于巡察整改情况的通报",
    )
    code, _out, err, content = import_into(tmp_path, source)
    assert code == 0, err
    assert "未完成数" not in err and "error" not in err
    data = written(content)
    inspection = data["report.yaml"]["inspection"]
    assert "round" not in inspection  # the text names none, none is invented
    assert inspection["team"] == "县委第二巡察组"
    assert str(inspection["start"]) == "2022-03-07" and str(inspection["end"]) == "2022-04-29"
    (tally,) = [f for g in data["figures.yaml"]["groups"] for f in g["figures"]]
    assert tally["total"] == 312 and sorted(tally["by_status"].values()) == [7, 9, 296]
    assert tally["rate"]["precision"] == 2
    statuses = data["figures.yaml"]["statuses"]
    assert {s["label"]: s["done"] for s in statuses.values()} == {
        "已完成整改": True,
        "基本完成并持续推进": False,
        "尚未完成": False,
    }
    site = build(tmp_path, content)
    full = visible_text((site / RID / "full.html").read_text("utf-8"))
    assert "巡察发现的312个问题，已完成整改296个" in full
    rounds = visible_text((site / "rounds" / "index.html").read_text("utf-8"))
    assert "2022年（未注明轮次）：1 份通报" in rounds  # by the year of its start date


def test_a_university_report_has_its_figures(tmp_path: Path) -> None:
    source = document(
        tmp_path,
        "学校党委将巡视反馈意见细化为31个专项、150条整改措施。截至目前，128项整改措施已如期完成，"
        "其余22项正在全力推进。",
        title="中共某大学委员会关于巡视整改进展情况的通报",
        issuer="中共某大学委员会",
    )
    code, _out, err, content = import_into(tmp_path, source)
    assert code == 0, err
    site = build(tmp_path, content)
    figures = visible_text((site / RID / "figures.html").read_text("utf-8"))
    assert "本通报未列出统计数字" not in figures
    assert "整改措施" in figures and "150" in figures and "128" in figures


def test_month_spans_and_approximate_values_print_as_written(tmp_path: Path) -> None:
    source = document(
        tmp_path,
        "2021年4月至6月，县委第三巡察组对县林业局党组开展了常规巡察。开展专项整治以来，"
        "共排查问题隐患2600余项，已整改2400项，追缴违纪资金65万余元，给予党纪政务处分12人。",
        title="关于十四届县委第三轮巡察整改进展情况的通报",
    )
    code, _out, err, content = import_into(tmp_path, source)
    assert code == 0, err
    report = written(content)["report.yaml"]
    assert report["inspection"]["start"] == "2021-04" and report["inspection"]["end"] == "2021-06"
    assert report["inspection"]["round"] == "十四届县委第三轮巡察"
    site = build(tmp_path, content)
    full = visible_text((site / RID / "full.html").read_text("utf-8"))
    assert "2021年4月至6月，县委第三巡察组" in full
    figures = visible_text((site / RID / "figures.html").read_text("utf-8"))
    assert "65万余 元" in figures or "65万余元" in figures.replace(" ", "")


@pytest.mark.parametrize("script", ["traditional"])
def test_traditional_script_is_recognised_and_kept(tmp_path: Path, script: str) -> None:
    source = document(
        tmp_path,
        "2022年5月9日至7月8日，縣委第一巡察組對縣統計局黨組開展了巡察。"
        "巡察反饋的75個問題，已整改完成68個，正在整改7個。",
        title="關於巡察整改情況的通報",
        issuer="中共某縣委員會",
    )
    code, _out, err, content = import_into(tmp_path, source)
    assert code == 0, err
    data = written(content)
    assert data["report.yaml"]["inspection"]["team"] == "縣委第一巡察組"
    (tally,) = [f for g in data["figures.yaml"]["groups"] for f in g["figures"]]
    assert (tally["label"], tally["unit"], tally["total"]) == ("問題", "個", 75)


def test_an_issuer_that_is_an_office(tmp_path: Path) -> None:
    source = document(
        tmp_path,
        "2023年9月11日至11月10日，市委第三巡视组对市教育局党委开展了巡视。",
        title="关于巡视整改进展情况的通报",
        issuer="中共××省委巡视工作领导小组办公室",
    )
    code, _out, err, content = import_into(tmp_path, source)
    assert code == 0, err
    assert "没有找到发布机关" not in err
    assert yaml.safe_load((content / RID / "report.yaml").read_text("utf-8"))["issuer"] == (
        "中共××省委巡视工作领导小组办公室"
    )
