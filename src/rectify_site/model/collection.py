"""A loaded collection: the site file and every report, validated.

The only input of the site stage; the loader (``rectify_site.load.collection``) makes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rectify_site.errors import Diagnostic
from rectify_site.model.content import SiteFile
from rectify_site.model.report import Report


@dataclass
class Collection:
    """Everything the site is made from, validated: the only input to the site stage."""

    root: Path
    site: SiteFile
    reports: list[Report]
    drafts: list[Report]
    warnings: list[Diagnostic] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    """Every content file read, for the incremental build's dependency graph."""
    failed_drafts: list[str] = field(default_factory=list)
    """Ids of drafts that did not load, left out of a build (their errors as warnings)."""

    def draft_ids(self) -> set[str]:
        """Every draft, loaded or not: never published by ``build``."""
        return {r.id for r in self.drafts} | set(self.failed_drafts)
