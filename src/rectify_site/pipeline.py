"""The whole build, phase by phase: load and validate, derive, render, then write.

Nothing is written until everything has loaded and rendered, so a failed build leaves
the last good site as it was. ``load_site`` is the first half alone, for ``check``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from .baseurl import valid_base_url
from .collection import Collection, load_collection
from .datafiles import (
    collection_data_files,
    data_files,
    report_data_files,
    robots,
    sitemap,
)
from .errors import ContentError, Diagnostic, UsageError, diag
from .feed import atom_feed
from .ledger import StatusRef, check_dates, default_as_of
from .output import WriteStats, check_output_dir, write_site
from .pages import Page, pages_for, site_name
from .progress import NO_PROGRESS, Progress
from .render import find_theme, load_assets, make_env, render_pages
from .report import Report

if TYPE_CHECKING:
    from .incremental import BuildCache


@dataclass
class BuildResult:
    """What a build did: for the CLI's summary and for tests."""

    collection: Collection
    files: dict[str, bytes]
    """Every file this build made (pages, data, assets and their .gz and .br copies)."""
    stats: WriteStats | None
    warnings: list[Diagnostic] = field(default_factory=list)
    kept: dict[str, str] = field(default_factory=dict)
    """Files an incremental build left as they were (path -> sha256), not in ``files``."""


def attachment_files(root: Path, reports: list[Report]) -> dict[str, bytes]:
    """Each report's 附件, read from its attachments/ folder, under its published name."""
    return {
        a.url: (root / r.id / "attachments" / a.file).read_bytes()
        for r in reports
        for a in r.attachments
    }


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
    cache: BuildCache | None = None,
    progress: Progress = NO_PROGRESS,
    placeholders: list[Diagnostic] | None = None,
) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """Every output file as bytes, in memory, plus the warnings rendering raised.

    With ``cache``, pages and data files whose inputs did not change are not made again:
    they are left out of the result and listed in ``cache.kept`` instead.
    """
    warnings: list[Diagnostic] = []
    base_url = base_url or collection.site.base_url
    if base_url and not valid_base_url(base_url):
        raise UsageError([diag("--base-url", "base_url.invalid", value=base_url)])
    if not include_drafts:
        for draft in collection.drafts:
            warnings.append(
                diag(
                    collection.root / draft.id / "report.yaml", "draft.skipped", severity="warning"
                )
            )
    assets = load_assets(theme)
    site = collection.site.model_copy(update={"name": site_name(collection)})
    new_env = partial(make_env, theme, site=site, assets=assets, base_url=base_url, serving=serving)
    # serve reuses the last build's environment, and its compiled templates, if it can
    env = (
        cache.environment((base_url, serving, assets.names, site), new_env) if cache else new_env()
    )
    pages = pages_for(collection, include_drafts=include_drafts)
    reports = collection.reports + (collection.drafts if include_drafts else [])
    if cache is None:
        files = render_pages(env, pages, progress=progress)
        files.update(data_files(reports))
        files.update(attachment_files(collection.root, reports))
    else:  # which pages to render is decided here; how render_pages renders them is its own
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        salt = (base_url, include_drafts, serving, assets.names, epoch)
        files = render_pages(env, cache.plan_pages(env, pages, salt, reports), progress=progress)
        cache.record(files)
        # data_files, made apart: per report, and the few files about the whole collection
        digests = [(r.id, cache.report_digest(r.id)) for r in reports]
        files.update(cache.stage("data", [salt, digests], lambda: collection_data_files(reports)))
        for r in reports:
            made = partial(report_data_files, r)
            files.update(cache.stage(f"data:{r.id}", [salt, cache.report_digest(r.id)], made))
            if r.attachments:  # copied when the report's files changed, attachments included
                copy = partial(attachment_files, collection.root, [r])
                key = [salt, cache.report_digest(r.id)]
                files.update(cache.stage(f"attachments:{r.id}", key, copy))
    if placeholders:  # serve: a skeleton's drafts, each placeholder marked and listed
        _mark_placeholders(files, pages, placeholders, collection.root)
    files.update(assets.files)
    files["robots.txt"] = robots(base_url)
    if base_url:
        files["sitemap.xml"] = sitemap(base_url, [p.url for p in pages if p.in_sitemap])
        feed, feed_warnings = atom_feed(site.name or "", base_url, reports, collection.root)
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
    serving: bool = False,
    cache: BuildCache | None = None,
    incremental: bool = True,
    compress: bool = True,
    verify: bool = False,
    progress: Progress = NO_PROGRESS,
) -> BuildResult:
    """Load, render and write the site; the output changes only if every phase succeeds.

    Incremental by default: the output folder's cache (incremental.py) lets unchanged
    reports skip loading and unchanged pages skip rendering; its lock keeps two builds
    from writing the same folder at once. ``verify`` hashes every file already in the
    output instead of trusting its size and time (a file edited by hand is repaired).
    ``serve`` passes its own long-lived ``cache`` (and indexes for search itself, after
    the pages are live).

    With ``compress`` (the default), every text file over 1 KB also gets ``.gz`` and
    ``.br`` copies beside it (compress.py), written with the pages; a serving build
    (the preview) never writes them. ``progress`` hears of each phase (load, render,
    write, index) as it starts; the CLI draws it on a terminal.
    """
    try:
        return _build_site(
            content,
            out,
            templates=templates,
            base_url=base_url,
            include_drafts=include_drafts,
            search=search,
            serving=serving,
            cache=cache,
            incremental=incremental,
            compress=compress,
            verify=verify,
            progress=progress,
        )
    finally:
        progress.close()


def _build_site(
    content: Path,
    out: Path,
    *,
    templates: Path | None,
    base_url: str | None,
    include_drafts: bool,
    search: bool,
    serving: bool,
    cache: BuildCache | None,
    incremental: bool,
    compress: bool,
    verify: bool,
    progress: Progress,
) -> BuildResult:
    compress = compress and not serving
    if search:  # a missing Pagefind is reported before anything is written
        from .search import require_pagefind

        require_pagefind()
    theme = find_theme(content, templates)
    sources = [content, theme]  # the theme found beside content/ is protected too
    check_output_dir(out, sources=sources, project=content.resolve().parent)
    from .incremental import BuildCache, pages_changed

    own = cache is None and incremental
    if own:
        cache = BuildCache(out)
    if cache:
        cache.verify = verify
    with cache.locked() if own and cache else contextlib.nullcontext():
        if cache:
            options = {
                "base_url": base_url,
                "include_drafts": include_drafts,
                "serving": serving,
                "compress": compress,
            }
            cache.begin(content, theme, **options)
            last = cache.last_collection  # serve's long-lived cache remembers its last build
            if last is not None and cache.unchanged() and (not search or cache.state.indexed):
                stats = WriteStats(unchanged=sorted(cache.state.files))
                kept = {rel: v[0] for rel, v in cache.state.files.items()}
                return BuildResult(last, {}, stats, cache.saved_warnings(), kept)
        progress.phase("load")
        collection = load_collection(content, cache)
        listed = _placeholders(collection, content, drafts_allowed=serving and include_drafts)
        progress.phase("render")
        files, warnings = render_site(
            collection,
            theme=theme,
            base_url=base_url,
            include_drafts=include_drafts,
            serving=serving,
            cache=cache,
            progress=progress,
            placeholders=listed,
        )
        kept = dict(cache.kept) if cache else {}
        from . import search as find
        from .output import read_manifest

        previous = read_manifest(out)
        shards: dict[str, str] | None = None
        if search:  # the shards whose pages changed, indexed again, written as pages are
            progress.phase("index")
            shown = collection.reports + (collection.drafts if include_drafts else [])
            recorded = find.read_state(cache.dir if cache else None)
            made, same, shards = find.search_files(
                out, files, kept, [r.id for r in shown], previous=previous, recorded=recorded
            )
            files, kept = {**files, **made}, {**kept, **same}
        else:  # the last bundles stay, stale, until a build with search
            kept = {**find.kept_bundles(out, previous), **kept}
        to_write, to_keep = files, kept
        if compress:  # the .gz and .br copies go through the same write as their files
            from .compress import precompressed

            made, same = precompressed(out, files, kept, previous)
            to_write, to_keep = {**files, **made}, {**kept, **same}
        stamps = cache.stamps() if cache else None
        was_indexed = bool(cache and cache.state.indexed)
        progress.phase("write", total=len(to_write))
        stats = write_site(out, to_write, keep=to_keep, stamps=stamps, verify=verify)
        stale = pages_changed(stats) or not was_indexed
        if cache and shards is not None:  # the shards on disk now, for the next build
            find.write_state(cache.dir, shards)
        warnings = collection.warnings + warnings + listed + stats.warnings(out)
        if cache:
            shown = collection.reports + (collection.drafts if include_drafts else [])
            cache.commit(stats, warnings, len(shown), indexed=search or not stale)
            cache.last_collection = collection
    return BuildResult(collection, to_write, stats, warnings, to_keep)


def ledger_warnings(collection: Collection, as_of: dt.date) -> list[Diagnostic]:
    """Overdue measures and done ones without a date, in every report's ledger."""
    out: list[Diagnostic] = []
    for report in collection.reports + collection.drafts:
        if report.ledger is not None:
            statuses = {k: StatusRef(s.label, s.done) for k, s in report.figures.statuses.items()}
            out += check_dates(report.ledger, as_of, statuses)
    return out


def check_site(
    content: Path,
    *,
    templates: Path | None = None,
    html: bool = True,
    trace: bool = False,
    as_of: dt.date | None = None,
    progress: Progress = NO_PROGRESS,
) -> list[Diagnostic]:
    """Everything ``build`` does except writing, then checks of what it would publish.

    Raises ContentError when the content does not load, with every other finding: the
    reports that did load are still rendered and checked. Otherwise returns every finding:
    loading warnings, broken links and anchors, loads from other hosts, typography and
    (with ``html``) the Nu HTML Checker's errors. Drafts are checked too. With
    ``trace`` (``--format github`` and ``json``), a finding on a generated page names the
    content that produced it where that is known, and the page in its message
    (provenance.py). Every ledger's measures past their deadline on ``as_of`` (default:
    SOURCE_DATE_EPOCH's day, else today) and not done are warnings, as are done measures
    without a 完成日期.
    """
    from urllib.parse import urlsplit

    from .htmlcheck import check_html
    from .linkcheck import check_links
    from .typography import check_typography

    try:
        progress.phase("load")
        try:
            # an error in one report hides no finding of another: the reports that load
            # are rendered and checked, and every error is reported together at the end
            collection = load_collection(content, keep_going=True)
        except ContentError as exc:  # nothing loaded: still every file's typography
            typography = check_typography(_content_files(content), root=content)
            raise ContentError([*exc.diagnostics, *typography]) from None
        found = list(collection.warnings)
        found += _placeholders(collection, content, drafts_allowed=False, raising=False)
        content_errors = any(d.severity == "error" for d in found)
        theme = find_theme(content, templates)
        progress.phase("render")
        try:
            files, warnings = render_site(
                collection, theme=theme, include_drafts=True, progress=progress
            )
        except ContentError as exc:
            raise ContentError([*found, *exc.diagnostics]) from None
        progress.phase("check")
        # a site without a base URL is fine to check; the build says what it leaves out
        found += [w for w in warnings if w.key != "base_url.missing"]
        base = collection.site.base_url
        root_path = urlsplit(base).path.rstrip("/") + "/" if base else "/"
        found += check_links(files, root_path=root_path)
        found += check_typography(collection.files)
        found += ledger_warnings(collection, as_of or default_as_of())
        if html:
            found += check_html(files, project=content.resolve().parent, where=content)
        if trace:
            from .provenance import trace_findings

            found = trace_findings(found, files, content)
        if content_errors:  # the content does not load: an error, with everything else found
            raise ContentError(found)
        return found
    finally:
        progress.close()


def _placeholders(
    collection: Collection, content: Path, *, drafts_allowed: bool, raising: bool = True
) -> list[Diagnostic]:
    """Raise ContentError for every placeholder a skeleton left (placeholders.py).

    ``serve`` (``drafts_allowed``) lets drafts keep theirs: they come back as warnings, to
    be marked in the pages and listed in the draft banner. ``check`` (not ``raising``)
    gets the errors back, to report with everything else.
    """
    import dataclasses

    from .placeholders import find_placeholders, report_of

    found = find_placeholders(collection.files, content)
    if not found:
        return []
    drafts = {r.id for r in collection.drafts} if drafts_allowed else set()
    errors = [d for d in found if report_of(d.path, content) not in drafts]
    if errors and not raising:
        return errors
    if errors:
        raise ContentError(errors)
    return [dataclasses.replace(d, severity="warning") for d in found]


def _mark_placeholders(
    files: dict[str, bytes], pages: list[Page], listed: list[Diagnostic], root: Path
) -> None:
    from .placeholders import mark_html, report_of

    by_report: dict[str, list[Diagnostic]] = {}
    for d in listed:
        by_report.setdefault(report_of(d.path, root) or "", []).append(d)
    for page in pages:
        found = by_report.get(page.report_id or "")
        if found and page.url in files and page.url.endswith(".html"):
            html = files[page.url].decode("utf-8")
            files[page.url] = mark_html(html, found).encode("utf-8")


def _content_files(content: Path) -> list[Path]:
    """The YAML files of a content folder that a report could hold (no symlinks)."""
    if not content.is_dir():
        return []
    return sorted(
        p
        for p in content.rglob("*.yaml")
        if p.is_file()
        and not p.is_symlink()
        and not any(part.startswith((".", "_")) for part in p.relative_to(content).parts)
    )
