"""The whole build, phase by phase: load and validate, derive, render, then write.

Nothing is written until everything has loaded and rendered, so a failed build leaves
the last good site as it was. ``load_site`` is the first half alone, for ``check``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .collection import Collection, load_collection
from .errors import Diagnostic, UsageError, diag
from .feed import atom_feed
from .output import WriteStats, check_output_dir, write_site
from .render import find_theme, load_assets, make_env, render_pages
from .site import data_files, pages_for, robots, sitemap


@dataclass
class BuildResult:
    """What a build did: for the CLI's summary and for tests."""

    collection: Collection
    files: dict[str, bytes]
    stats: WriteStats | None
    warnings: list[Diagnostic] = field(default_factory=list)


def load_site(content: Path) -> Collection:
    """Load and validate every content file; raise ContentError with every problem."""
    return load_collection(content)


def render_site(
    collection: Collection,
    *,
    theme: Path,
    base_url: str | None = None,
    include_drafts: bool = False,
    serving: bool = False,
) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """Every output file as bytes, in memory, plus the warnings rendering raised."""
    warnings: list[Diagnostic] = []
    base_url = base_url or collection.site.base_url
    if base_url and not base_url.startswith(("http://", "https://")):
        raise UsageError([diag("--base-url", "base_url.invalid", value=base_url)])
    if not include_drafts:
        for draft in collection.drafts:
            warnings.append(
                diag(
                    collection.root / draft.id / "report.yaml", "draft.skipped", severity="warning"
                )
            )
    assets = load_assets(theme)
    env = make_env(theme, site=collection.site, assets=assets, base_url=base_url, serving=serving)
    pages = pages_for(collection, include_drafts=include_drafts)
    files = render_pages(env, pages)
    reports = collection.reports + (collection.drafts if include_drafts else [])
    files.update(data_files(collection, reports))
    files.update(assets.files)
    files["robots.txt"] = robots(base_url)
    if base_url:
        files["sitemap.xml"] = sitemap(base_url, pages)
        feed, feed_warnings = atom_feed(collection.site.name, base_url, reports, collection.root)
        files["atom.xml"] = feed
        warnings += feed_warnings
    else:
        warnings.append(diag(collection.root / "site.yaml", "base_url.missing", severity="warning"))
    return files, warnings


def build_site(
    content: Path,
    out: Path,
    *,
    templates: Path | None = None,
    base_url: str | None = None,
    include_drafts: bool = False,
    search: bool = True,
) -> BuildResult:
    """Load, render and write the site; the output changes only if every phase succeeds."""
    if search:  # a missing Pagefind is reported before anything is written
        from .search import require_pagefind

        require_pagefind()
    theme = find_theme(content, templates)
    sources = [content] + ([templates] if templates else [])
    check_output_dir(out, sources=sources, project=content.resolve().parent)
    collection = load_site(content)
    files, warnings = render_site(
        collection, theme=theme, base_url=base_url, include_drafts=include_drafts
    )
    stats = write_site(out, files)
    if search:  # Pagefind reads the written HTML; see search.py
        from .search import index_site

        index_site(out)
    return BuildResult(collection, files, stats, collection.warnings + warnings)
