"""The site's own fixed words that depend on the kind of inspection: 巡视 or 巡察.

A district committee's report answers a 巡视 by the municipal committee; a county
bureau's answers a 巡察 by the county committee. Every word the site prints around a
report's content (the timeline, the round listings, the site's default name) comes from
this one table, keyed by the report's ``inspection.kind``; nothing else in code or
templates names either kind.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

Kind = Literal["巡视", "巡察"]

KINDS: tuple[Kind, ...] = ("巡视", "巡察")

DEFAULT_KIND: Kind = "巡视"
"""The kind a report is when its ``inspection.kind`` is not given (and a new site's)."""


def words(kind: str) -> dict[str, str]:
    """The fixed words for one kind (巡视 or 巡察)."""
    return {
        "kind": kind,
        "feedback": f"反馈{kind}意见",
        "timeline": f"{kind}与整改时间线",
        "conducted": f"开展{kind}",
        "published": "公布整改进展情况",
        "round": f"{kind}轮次",
        "by_round": f"按{kind}轮次浏览",
        "by_round_short": f"按{kind}轮次",
        "grouped_by_round": f"按{kind}轮次分组",
        "site_name": f"{kind}整改进展情况",
        "start": f"{kind}开始日期",
        "end": f"{kind}结束日期",
        "feedback_date": "反馈日期",
        "this_round": f"本轮{kind}",
        "round_table": f"本轮{kind}各单位整改进展",
        "unit_table": f"历次{kind}整改进展",
    }


def collection_words(kinds: Iterable[str]) -> dict[str, str]:
    """Words for pages about many reports: one kind's words, or both kinds named."""
    kinds = set(kinds)
    if len(kinds) == 1:
        return words(next(iter(kinds)))
    both = "巡视巡察"
    return {**words(both), "site_name": "巡视巡察整改进展情况"}
