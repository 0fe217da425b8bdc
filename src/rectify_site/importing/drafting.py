"""Whether an import is a draft: nothing imported is published before a person has read it.

A new import is written with ``draft: true``. ``--force`` over an existing report keeps
its ``draft`` value (an editor who published it meant it) unless the import changed what
a reader takes as fact: a figure (its value, total or a status count), a date of the
inspection, or a heading. Then the report becomes a draft again, and the import says
which of them changed, so the editor knows what to review.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

DATES = ("start", "end", "feedback")
"""The inspection's dates, compared between the old report and the new import."""


@dataclass
class Changes:
    """What an import changed of the facts of an existing report, in words for the editor."""

    figures: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.figures or self.dates or self.headings)

    def describe(self) -> str:
        """One Chinese phrase naming every change (统计数字“具体问题”（57项→58项）；…)."""
        parts = []
        if self.figures:
            parts.append("统计数字" + "、".join(self.figures))
        if self.dates:
            parts.append("日期" + "、".join(self.dates))
        if self.headings:
            parts.append("标题" + "、".join(self.headings))
        return "；".join(parts)


def _figures(data: Any) -> Counter[tuple[str, str, str]]:
    """(label, unit, what it states) of every figure of a figures.yaml's data."""
    out: Counter[tuple[str, str, str]] = Counter()
    groups = data.get("groups") if isinstance(data, dict) else None
    for group in groups if isinstance(groups, list) else []:
        figures = group.get("figures") if isinstance(group, dict) else None
        for fig in figures if isinstance(figures, list) else []:
            if not isinstance(fig, dict):
                continue
            label, unit = str(fig.get("label", "")), str(fig.get("unit", ""))
            if "value" in fig:
                stated = str(fig["value"])
            else:
                counts = fig["by_status"] if isinstance(fig.get("by_status"), dict) else {}
                done = "、".join(str(n) for n in sorted(map(str, counts.values())))
                stated = f"{fig.get('total')}" + (f"（{done}）" if done else "")
            out[(label, unit, stated)] += 1
    return out


def headings(data: Any, follow: Callable[[str], Any]) -> Iterator[str]:
    """Every heading of a node tree in document order; ``follow`` loads a ``file:``."""
    if isinstance(data, list):
        for item in data:
            yield from headings(item, follow)
    elif isinstance(data, dict):
        ref = data.get("file")
        if isinstance(ref, str) and ref.endswith(".yaml") and ".." not in ref:
            yield from headings(follow(ref), follow)
            return
        if isinstance(data.get("heading"), str):
            yield data["heading"]
        yield from headings(data.get("children"), follow)


def changes(
    old_report: dict[str, Any],
    old_figures: Any,
    old_headings: list[str],
    new: dict[str, Any],
) -> Changes:
    """What the new files (relative path -> data) change of the old report's facts."""
    found = Changes()
    before, after = _figures(old_figures), _figures(new.get("figures.yaml"))
    differ = sorted({(lb, u) for (lb, u, _s) in (before - after) + (after - before)})
    for label, unit in differ:
        key = (label, unit)
        olds = "、".join(f"{s}{unit}" for (lb, u, s) in sorted(before) if (lb, u) == key)
        news = "、".join(f"{s}{unit}" for (lb, u, s) in sorted(after) if (lb, u) == key)
        found.figures.append(f"“{label}”（{olds or '无'}→{news or '无'}）")
    old_insp = old_report.get("inspection") if isinstance(old_report, dict) else None
    new_insp = new["report.yaml"].get("inspection") or {}
    old_insp = old_insp if isinstance(old_insp, dict) else {}
    for name in DATES:
        was, now = old_insp.get(name), new_insp.get(name)
        if str(was) != str(now):  # None, a date, or text the model refuses
            found.dates.append(f"inspection.{name}（{was or '无'}→{now or '无'}）")
    new_parts = new["report.yaml"].get("parts") or []
    new_headings = list(
        headings([new.get(f"parts/{p}.yaml") for p in new_parts], lambda rel: new.get(rel))
    )
    gone = Counter(old_headings) - Counter(new_headings)
    came = Counter(new_headings) - Counter(old_headings)
    found.headings += [f"“{h}”（删去）" for h in gone]
    found.headings += [f"“{h}”（新增）" for h in came]
    if not gone and not came and old_headings != new_headings:
        found.headings.append("（顺序改变）")
    return found
