"""The import corpus (tests/data/import_corpus/): the parsers read what it states.

Targets of issue 21: 95 % or more of the stated statistics with value, unit and label
right; 95 % or more of the inspection dates; nothing invented; traditional script no
worse than simplified. benchmarks/import_accuracy.py prints the same figures by form.
"""

from __future__ import annotations

import datetime as dt

import pytest

from rectify_site.importing import inspection, stated

from support import accuracy, corpus


@pytest.fixture(scope="module")
def statistics() -> dict[str, dict[str, accuracy.Tally]]:
    return accuracy.score_statistics()


@pytest.fixture(scope="module")
def openings() -> dict[str, dict[str, accuracy.Tally]]:
    return accuracy.score_inspection()


def test_the_corpus_has_every_form_in_both_scripts() -> None:
    stats = corpus.statistics()
    simplified = [e for e in stats if e["script"] == "simplified"]
    assert len(simplified) >= 60
    assert sum(len(e["figures"]) for e in simplified) >= 120
    forms = {e["form"] for e in simplified}
    for form in forms:
        assert sum(1 for e in simplified if e["form"] == form) >= 5, form
    assert {e["form"] for e in stats if e["script"] == "traditional"} == forms
    opening = [e for e in corpus.inspection() if e["script"] == "simplified"]
    assert len(opening) >= 30
    for form in {e["form"] for e in opening}:
        assert sum(1 for e in opening if e["form"] == form) >= 5, form


def test_statistics_recall_and_nothing_invented(
    statistics: dict[str, dict[str, accuracy.Tally]],
) -> None:
    everything = statistics["script"]["all"]
    assert everything.recall >= 0.95, everything.misses
    assert everything.invented == 0, everything.misses
    simplified = statistics["script"]["simplified"]
    traditional = statistics["script"]["traditional"]
    assert traditional.recall >= simplified.recall - 0.01, traditional.misses


def test_dates_teams_and_round(openings: dict[str, dict[str, accuracy.Tally]]) -> None:
    dates = openings["dates"]["all"]
    assert dates.recall >= 0.95, dates.misses
    assert dates.invented == 0, dates.misses
    assert openings["teams"]["all"].recall >= 0.95, openings["teams"]["all"].misses
    assert openings["round"]["all"].recall == 1.0, openings["round"]["all"].misses
    assert openings["dates"]["traditional"].recall >= openings["dates"]["simplified"].recall


def test_status_counts_attach_to_their_total_with_the_texts_own_words() -> None:
    parsed = stated.parse(
        "巡察发现的312个问题，已完成整改296个，基本完成并持续推进9个，尚未完成7个，总体完成率94.87%"
    )
    total, *counts, rate = parsed.figures
    assert (total.kind, total.number.value, total.label) == ("value", 312, "问题")
    assert [(c.status, c.done, c.owner) for c in counts] == [
        ("已完成整改", True, total),
        ("基本完成并持续推进", False, total),
        ("尚未完成", False, total),
    ]
    assert rate.kind == "rate" and total.rate is rate and rate.owner is total
    assert parsed.warnings == []


def test_a_rate_that_disagrees_is_a_warning_and_no_figure() -> None:
    parsed = stated.parse("巡视反馈的40项问题已整改36项，整改完成率为95%。")
    assert [f.number.value for f in parsed.figures] == [40, 36]
    assert parsed.figures[0].rate is None
    assert parsed.warnings == [("rate", "95%")]


@pytest.mark.parametrize(
    "text",
    [
        "县委常委会第23次会议",
        "《条例》第三十五条",
        "县委办〔2024〕12号文件",
        "监督电话12388，举报电话0571-88886666",
        "2023年5月12日",
        "十四届县委第三轮巡察",
        "进一步压实责任，一体推进“三不腐”",
        "排名全市第3位",
    ],
)
def test_never_figures(text: str) -> None:
    assert stated.parse(text).figures == []


def test_approximate_values_keep_their_qualifier_as_written() -> None:
    got = [
        (f.number.value, f.number.unit, f.number.qualifier)
        for f in stated.parse("排查问题隐患2600余项，追缴资金65万余元，挽回损失4000余万元").figures
    ]
    assert got == [(2600, "项", "余"), (65, "万元", "万余"), (4000, "万元", "余")]


def test_traditional_text_is_read_and_kept_as_written() -> None:
    figures = stated.parse("巡視反饋的75個問題，已整改完成68個").figures
    assert [(f.label, f.status, f.number.unit) for f in figures] == [
        ("問題", None, "個"),
        (None, "已整改完成", "個"),
    ]


def test_month_spans_and_the_first_of_an_inspection_and_its_follow_up() -> None:
    found = inspection.read(
        "关于巡察整改情况的通报",
        "2022年3月至5月，区委第二巡察组对某街道开展巡察；2023年9月至10月，区委第四巡察组对其开展了“回头看”。",
    )
    assert (found.start, found.end, found.teams, found.round) == (
        "2022-03",
        "2022-05",
        ["区委第二巡察组"],
        None,
    )
    feedback = inspection.read("", "2022年6月10日，县委巡察组向县农业农村局党组反馈了巡察情况。")
    assert feedback.feedback == dt.date(2022, 6, 10) and feedback.start is None
