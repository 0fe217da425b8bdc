"""Dates as reports state them: a day (2023-03-29), or a month where only the month is
known (2021年4月至6月 gives 2021-04 and 2021-06).

``Month`` prints and serialises like a date of its precision (``isoformat()`` is
``2021-04``, valid in ``<time datetime>``), so templates treat both alike; ``key()``
orders and compares the two kinds. No I/O here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler, PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError, core_schema

MONTH_RE = re.compile(r"^(?P<y>[0-9]{4})-(?P<m>0[1-9]|1[0-2])$")


@dataclass(frozen=True, order=True)
class Month:
    """A month: what a report states when it gives no day."""

    year: int
    month: int

    def isoformat(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def __str__(self) -> str:
        return self.isoformat()

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.is_instance_schema(cls)


def _day(value: Any) -> dt.date | Month:
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("day_type", "not a day", {})
    if isinstance(value, dt.date | Month):
        return value
    if isinstance(value, str):
        m = MONTH_RE.match(value)
        if m:
            return Month(int(m.group("y")), int(m.group("m")))
    raise PydanticCustomError("day_type", "not a day or month", {})


Day = Annotated[
    dt.date | Month,
    PlainValidator(_day),
    PlainSerializer(lambda v: v.isoformat(), return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "pattern": MONTH_RE.pattern},
            ]
        }
    ),
]
"""A date (YYYY-MM-DD, unquoted in YAML), or a month (YYYY-MM) where only the month is known."""


def key(value: dt.date | Month) -> tuple[int, int, int]:
    """Orders days and months together (a month sorts before its first day)."""
    if isinstance(value, Month):
        return (value.year, value.month, 0)
    return (value.year, value.month, value.day)


def after(a: dt.date | Month, b: dt.date | Month) -> bool:
    """Whether ``a`` is certainly after ``b`` (a month is compared at month precision)."""
    if isinstance(a, Month) or isinstance(b, Month):
        return (a.year, a.month) > (b.year, b.month)
    return a > b


def zh(value: dt.date | Month, year: bool = True) -> str:
    """2023-03-29 -> 2023年3月29日, 2021-04 -> 2021年4月 (without the year: 3月29日, 4月)."""
    text = f"{value.month}月" if isinstance(value, Month) else f"{value.month}月{value.day}日"
    return f"{value.year}年{text}" if year else text
