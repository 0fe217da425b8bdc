"""Cross-checks of a whole report that no single field can make, as Findings.

A Finding names the file (relative to the report folder), the ``loc`` inside it and a
message key; the loader turns it into a path:line:col diagnostic. No I/O here.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from rectify_site.errors import Loc
from rectify_site.model.content import GENERATED_ID_RE, RESERVED_IDS, ReportFile
from rectify_site.model.dates import Month, after
from rectify_site.model.words import words


@dataclass(frozen=True)
class Finding:
    """A cross-check failure: the file (relative to the report folder), loc, message key."""

    file: str
    loc: Loc
    key: str
    params: dict[str, Any]
    severity: str = "error"


def check_dates(report: ReportFile) -> list[Finding]:
    """Inspection start, end, feedback and publication in that order, where given."""
    insp = report.inspection
    w = words(insp.kind)
    named: list[tuple[Loc, dt.date | Month | None, tuple[str, str]]] = [
        (("inspection", "start"), insp.start, (w["start"], "inspection start")),
        (("inspection", "end"), insp.end, (w["end"], "inspection end")),
        (("inspection", "feedback"), insp.feedback, ("反馈日期", "feedback date")),
        (("published",), report.published, ("发布日期", "publication date")),
    ]
    given = [(loc, day, label) for loc, day, label in named if day is not None]
    found = []
    for (_, a, first), (loc_b, b, second) in itertools.pairwise(given):
        assert a is not None and b is not None
        if after(a, b):
            params = {"first": first, "a": a.isoformat(), "second": second, "b": b.isoformat()}
            found.append(Finding("report.yaml", loc_b, "dates.order", params))
    return found


class IdClaims:
    """Ids share one anchor namespace on the full report page: each must be unique."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}
        self.found: list[Finding] = []

    def claim(self, value: str, file: str, loc: Loc) -> None:
        if value in RESERVED_IDS or GENERATED_ID_RE.fullmatch(value):
            first: Any = ("页面模板", "the templates")
            self.found.append(Finding(file, loc, "id.duplicate", {"value": value, "first": first}))
        elif value in self.seen:
            params = {"value": value, "first": self.seen[value]}
            self.found.append(Finding(file, loc, "id.duplicate", params))
        else:
            self.seen[value] = file
