"""The inspection an opening states: its dates, its team or teams, its round.

Dates come from jionlp's time parser, in any phrasing notices use: date first
(2022年3月7日至4月29日，…), spans with 至, 到, ——, -, ~, spans of months (2021年4月至6月,
kept at month precision) and dates without a year (the year of the date before). The
first span is the inspection's (a sentence about the 回头看 follow-up is not); the
feedback date is a day with 反馈 beside it, before or after, in its clause. Teams are
read as written (县委上下联动巡察组, 县委各巡察组, 三个巡察组), several as a list. The
round is taken only where the title or text names one (第N轮巡视); nothing is invented.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field

from . import language, words

Day = dt.date | str
"""A date, or a month as YYYY-MM where the text gives only the month."""


@dataclass
class When:
    """One date or span in the text, with where each end is written."""

    start: Day
    end: Day | None
    span: tuple[int, int]
    """The whole phrase in the text."""
    parts: list[tuple[int, int, bool]]
    """(start, end, has its year) of each date as written: one, or two for a span."""


@dataclass
class Found:
    start: Day | None = None
    end: Day | None = None
    feedback: Day | None = None
    teams: list[str] = field(default_factory=list)
    round: str | None = None
    period: When | None = None
    feedback_at: When | None = None
    team_spans: list[tuple[int, int]] = field(default_factory=list)


def _day(stamp: str, month_only: bool) -> Day:
    date = dt.date.fromisoformat(stamp[:10])
    return f"{date.year:04d}-{date.month:02d}" if month_only else date


def _next_year(start: Day, end: Day) -> Day:
    """``end`` a year later when it is written without a year and falls before ``start``
    (``2011年10月19日至1月4日`` ends in 2012: a span never runs backwards)."""
    if _key(end) >= _key(start)[: len(_key(end))]:
        return end
    if isinstance(end, str):
        return f"{int(end[:4]) + 1:04d}{end[4:]}"
    try:
        return end.replace(year=end.year + 1)
    except ValueError:  # 29 February
        return end + dt.timedelta(days=365)


def _parts(text: str, a: int, b: int) -> list[tuple[int, int, bool]]:
    phrase = text[a:b]
    sep = words.SPAN_SEPARATOR_RE.search(phrase, 1)
    pieces = [(a, a + sep.start()), (a + sep.end(), b)] if sep else [(a, b)]
    return [(s, e, "年" in text[s:e]) for s, e in pieces]


def dates(text: str) -> list[When]:
    """Every date and span of ``text`` (simplified), in order."""
    year = re.search(r"(\d{4})年", text)
    base = {"year": int(year.group(1)) if year else dt.date.today().year, "month": 1, "day": 1}
    found = language.jionlp().ner.extract_time(text, time_base=base, with_parsing=True)
    out: list[When] = []
    for item in found:
        detail = item["detail"]
        if detail.get("type") not in ("time_point", "time_span"):
            continue
        times = detail.get("time")
        if not isinstance(times, list) or len(times) != 2:
            continue
        a, b = item["offset"]
        phrase = text[a:b]
        if "月" not in phrase:
            continue  # a year alone (2021年以来) is no date of the inspection
        month_only = "日" not in phrase and "号" not in phrase
        if detail["type"] == "time_point":
            more = words.MONTH_AFTER_RE.match(text[b:]) if month_only else None
            if more:
                start = _day(times[0], True)
                end_year = int(more.group("y") or times[0][:4])
                end_month = int(more.group("m"))
                assert isinstance(start, str)
                if not more.group("y") and end_month < int(start[5:7]):
                    end_year += 1
                end = f"{end_year:04d}-{end_month:02d}"
                out.append(When(start, end, (a, b + more.end()), _parts(text, a, b + more.end())))
                continue
            out.append(When(_day(times[0], month_only), None, (a, b), [(a, b, "年" in phrase)]))
        else:
            parts = _parts(text, a, b)
            first = text[parts[0][0] : parts[0][1]]
            start_month_only = "日" not in first
            start, end = _day(times[0], start_month_only), _day(times[1], month_only)
            if len(parts) == 2 and not parts[1][2]:
                end = _next_year(start, end)
            out.append(When(start, end, (a, b), parts))
    return out


def _sentences(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in re.finditer(r"[。；;]", text):
        out.append((start, m.end()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def _team_start(text: str, end_of_name: int, floor: int) -> int:
    """Where the team's name that ends at ``end_of_name`` starts."""
    tokens = language.tag(text[floor:end_of_name])
    at = end_of_name
    for word, tag in reversed(tokens):
        if at == end_of_name or (at > end_of_name - 2 and word in ("组", "巡视组", "巡察组")):
            at -= len(word)
            continue
        if word not in words.TEAM_WORDS and (
            word in words.TEAM_STOPS or tag in words.TEAM_STOP_TAGS or word in words.DELIMITERS
        ):
            break
        at -= len(word)
    return at


def teams(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """The teams named in text[a:b], as written."""
    out = []
    floor = a
    for m in words.TEAM_NAME_RE.finditer(text, a, b):
        clause = max([floor, *(i + 1 for i in range(a, m.start()) if text[i] in "，,、：:")])
        tokens_end = m.end()
        start = _team_start(text, tokens_end, clause)
        while start < m.start() and text[start] in words.DELIMITERS:
            start += 1
        if start < m.end():
            out.append((start, m.end()))
        floor = m.end()
    return out


def read(title: str, text: str) -> Found:
    """What ``title`` and the opening ``text`` say of the inspection."""
    s = language.simplified(text)
    found = Found()
    for where, source in ((language.simplified(title), title), (s, text)):
        m = words.ROUND_RE.search(where)
        if m:
            found.round = source[m.start("round") : m.end("round")]
            break
    every = dates(s)
    sentences = _sentences(s)
    zones = _follow_up(s, sentences, every)
    whens = [w for w in every if not any(a <= w.span[0] < b for a, b in zones)]
    period = next((w for w in whens if w.end is not None), None)
    if period is not None:
        found.period, found.start, found.end = period, period.start, period.end
    for i, when in enumerate(whens):
        if when.end is not None or isinstance(when.start, str):
            continue
        sentence = next((a, b) for a, b in sentences if a <= when.span[0] < b)
        before = max([sentence[0]] + [w.span[1] for w in whens[:i] if w.span[1] <= when.span[0]])
        after = min([sentence[1]] + [w.span[0] for w in whens[i + 1 :]])
        if words.FEEDBACK_WORD in s[before:after]:
            if period is not None and _key(when.start) < _key(period.end):
                continue
            found.feedback, found.feedback_at = when.start, when
            break
    for a, b in sentences:
        spans = [t for t in teams(s, a, b) if not any(x <= t[0] < y for x, y in zones)]
        if spans:
            found.team_spans = spans
            found.teams = [text[x:y] for x, y in spans]
            break
    return found


def _follow_up(
    s: str, sentences: list[tuple[int, int]], whens: list[When]
) -> list[tuple[int, int]]:
    """The parts of sentences about the follow-up (回头看): from the date or clause
    before the word to the sentence's end."""
    zones = []
    for word in words.FOLLOW_UP_WORDS:
        for m in re.finditer(word, s):
            a, b = next((a, b) for a, b in sentences if a <= m.start() < b)
            start = max([w.span[0] for w in whens if a <= w.span[0] < m.start()], default=a)
            zones.append((start, b))
    return zones


def _key(day: Day | None) -> str:
    if day is None:
        return ""
    return day.isoformat() if isinstance(day, dt.date) else day


def _ref(name: str, has_year: bool) -> str:
    return "{{ inspection." + name + (" | date }}" if has_year else " | date(year=false) }}")


def referring(text: str, found: Found) -> str:
    """``text`` with the dates and team it states replaced by references to them, so that
    they are written once (in report.yaml's ``inspection``)."""
    edits: list[tuple[int, int, str]] = []
    if found.period is not None:
        names = ["start", "end"] if len(found.period.parts) == 2 else ["start"]
        for name, (a, b, has_year) in zip(names, found.period.parts, strict=False):
            edits.append((a, b, _ref(name, has_year)))
    if found.feedback_at is not None:
        a, b, has_year = found.feedback_at.parts[0]
        edits.append((a, b, _ref("feedback", has_year)))
    spans = found.team_spans
    if spans:
        joined = all(text[b:c] == "、" for (_a, b), (c, _d) in itertools.pairwise(spans))
        if joined:
            edits.append((spans[0][0], spans[-1][1], "{{ inspection.team }}"))
    for a, b, ref in sorted(edits, reverse=True):
        if any(a < y and x < b for x, y, _r in edits if (x, y) != (a, b)):
            continue  # overlapping spans: keep the text as written
        text = text[:a] + ref + text[b:]
    return text
