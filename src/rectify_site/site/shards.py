"""Which search shard a report's pages go into: a stable hash of the report's id.

The site's pages name their shard (the search page lists the shards, every report page
says its own), and the build's indexer writes one Pagefind bundle per shard.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

SHARDS = 16
"""How many shards the collection's reports are spread over (benchmarks/README.md)."""


def shard_of(report_id: str) -> str:
    """The shard a report is indexed in: a stable hash of its id (the same on every
    machine and in every build), two digits."""
    h = hashlib.sha256(report_id.encode("utf-8")).digest()
    return f"{int.from_bytes(h[:4], 'big') % SHARDS:02d}"


def shards_for(report_ids: Iterable[str]) -> list[str]:
    """The shards that hold at least one of these reports, in order."""
    return sorted({shard_of(i) for i in report_ids})
