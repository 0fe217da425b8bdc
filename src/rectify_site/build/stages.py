"""The build's stages, each a function that returns what it made; pipeline.py runs them.

    preflight(build)                          refuse early (Pagefind, content/, output)
    locked(build)                             the output folder's lock, held throughout
    begin(build)                  -> Notes     hash the inputs; what the last build left
    load(build)                   -> Loaded    each report: load_report, or the cache's
    derive(build, loaded)         -> Derived   collection_pages, then report_pages(report)
    render(build, derived, …)     -> Rendered  changed pages, report_files(report), and
                                               collection_files
    index(build, derived, …)      -> Indexed   the search shards whose pages changed
    write(build, rendered, …)     -> Written   .gz/.br copies, then the changed files
    finish(build, …)              -> BuildResult  the cache and its notes saved

``Build`` is the one context they share: paths, options, the cache (none for ``check``
and ``render_site``, which run load, derive and render only) and progress. A report is
the unit of work: ``load_report``, ``report_pages`` and ``report_files`` are functions
of one report, and ``render_pages`` hands whole reports to its workers; the files about
the whole collection are made apart from them. Nothing is written until every stage up
to ``write`` has succeeded. Only these stages ask the cache.

Only light modules are imported at the top: ``begin`` finds out that nothing changed
(the same inputs, options and output) before pydantic or Jinja is imported.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING

from rectify_site.build.cache import Cache, key_of
from rectify_site.build.inputs import code_digest, input_files, page_keys, report_digests
from rectify_site.build.notes import Notes
from rectify_site.build.output import Outputs, WriteStats, check_output_dir
from rectify_site.errors import ContentError, Diagnostic, UsageError, diag
from rectify_site.progress import NO_PROGRESS, Progress
from rectify_site.site.themes import find_theme

if TYPE_CHECKING:
    from jinja2 import Environment

    from rectify_site.build.search import EarlyIndex
    from rectify_site.model.collection import Collection
    from rectify_site.model.content import SiteFile
    from rectify_site.model.report import Report
    from rectify_site.site.pages import CollectionView, Page
    from rectify_site.site.render import Assets

DRAFT_SKIPPED = "draft.skipped"
"""The key of the note that a draft was left out of a build (the CLI's summary says it)."""

SPOOL_MIN_PAGES = 20_000
"""From this many pages to render (about 2,000 reports) a build keeps its outputs spooled
on disk rather than in memory: 10,000 reports make several GiB of pages and copies."""


@dataclass(frozen=True)
class Build:
    """One build: where it reads and writes, with which options, and its cache."""

    content: Path
    out: Path | None = None
    """The output folder; None for ``check``, which writes nothing."""
    templates: Path | None = None
    """``--templates``; the theme found from it is ``theme``."""
    base_url: str | None = None
    include_drafts: bool = False
    search: bool = False
    serving: bool = False
    """``serve``'s preview: drafts may keep their placeholders; no compressed copies."""
    compress: bool = False
    incremental: bool = True
    """Trust what the last build left (False: a cold build, still locked)."""
    verify: bool = False
    """Hash every file in the output instead of trusting its size and time."""
    checking: bool = False
    """``check``: a report's errors do not stop the others from loading and rendering."""
    cache: Cache | None = None
    """The output folder's cache; None for ``check`` and ``render_site``."""
    progress: Progress = NO_PROGRESS

    @cached_property
    def theme(self) -> Path:
        """The theme's folder (themes.find_theme), found when a stage first needs it."""
        return find_theme(self.content, self.templates)


@dataclass(frozen=True)
class Loaded:
    """The load stage's result."""

    collection: Collection
    placeholders: list[Diagnostic]
    """Placeholders a skeleton left: a draft's as warnings (``serve`` marks them), and in
    ``check`` a published report's as errors."""
    digests: dict[str, str]
    """Report id -> the digest of its files (empty without a cache)."""


@dataclass(frozen=True)
class Derived:
    """The derive stage's result: every page of the site and what it is made from."""

    loaded: Loaded
    reports: list[Report]
    """The reports the site shows (drafts too, where they are shown)."""
    view: CollectionView
    pages: list[Page]
    """The collection's pages, then each report's, in a stable order."""
    name: str
    site: SiteFile
    """site.yaml with the site's name filled in."""
    base_url: str | None
    warnings: list[Diagnostic]


@dataclass(frozen=True)
class Rendered:
    """The render stage's result."""

    env: Environment
    outputs: Outputs
    """Every file made: pages, data files, attachments, assets, the collection's files."""
    kept: dict[str, str]
    """Files the cache found current (path -> sha256): not made again, not written."""
    warnings: list[Diagnostic]
    templates: dict[str, list[str]]
    """The template references to note for the next build (Notes.templates)."""
    staged: Path | None = None
    """Where the workers staged the search pages they made (stream.py), if they did."""
    digests: dict[str, str] = dataclasses.field(default_factory=dict)
    """Path -> sha256 of outputs the workers hashed as they made them (stream.py)."""
    early: EarlyIndex | None = None
    """Shards indexed while the reports rendered (stream.py), checked by ``index``."""


@dataclass(frozen=True)
class Indexed:
    """The index stage's result."""

    bundles: dict[str, bytes]
    """The search bundles' files made again."""
    kept: dict[str, str]
    """The bundles' files kept as they are."""
    shards: dict[str, str] | None
    """Shard -> digest of its pages, as indexed now; None when search is off."""


@dataclass(frozen=True)
class Written:
    """The write stage's result."""

    stats: WriteStats
    kept: dict[str, str]
    """Every file left as it was (path -> sha256): pages, bundles and copies."""


@dataclass
class BuildResult:
    """What a build did: for the CLI's summary, for ``serve``'s snapshot and for tests."""

    collection: Collection | None
    """The reports loaded; None when nothing changed and nothing was loaded."""
    outputs: Outputs
    """Every file this build made (pages, data, assets and their .gz and .br copies);
    empty after a build too large to hold them in memory (see ``SPOOL_MIN_PAGES``)."""
    stats: WriteStats | None
    warnings: list[Diagnostic] = dataclasses.field(default_factory=list)
    kept: dict[str, str] = dataclasses.field(default_factory=dict)
    """Files the build left as they were (path -> sha256), not in ``outputs``."""
    reports: int = 0
    """How many reports the site shows."""


def _target(build: Build) -> tuple[Cache, Path]:
    """The cache and the output folder: only ``build_site``'s stages have them."""
    if build.cache is None or build.out is None:
        raise TypeError("a stage that writes needs a build with a cache and an output")
    return build.cache, build.out


# --- before anything is read ------------------------------------------------------------


def preflight(build: Build) -> None:
    """Refuse at once what would fail later: a missing Pagefind or content folder, an
    output folder that could hold anything but a site this tool wrote."""
    if build.search:  # a missing Pagefind is reported before anything is written
        from rectify_site.build import search

        search.require_pagefind()
    _, out = _target(build)
    if not build.content.is_dir():
        raise UsageError([diag(build.content, "content.missing")])
    # the theme found beside content/ is protected too
    check_output_dir(
        out, sources=[build.content, build.theme], project=build.content.resolve().parent
    )


@contextlib.contextmanager
def locked(build: Build) -> Iterator[None]:
    """The output folder's lock, held from the first question to the cache to the last
    write (``serve`` holds it for its whole session already)."""
    cache, _ = _target(build)
    with cache.locked():
        yield


def begin(build: Build) -> Notes:
    """Hash every input with this build's options; the notes the last build left (empty
    when nothing of it is trusted: a cold build, other code, notes of another shape)."""
    cache, _ = _target(build)
    options = {
        "content": str(build.content.resolve()),
        "theme": str(build.theme.resolve()),
        # dates in the feed and the files' times follow it
        "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH"),
        "base_url": build.base_url,
        "include_drafts": build.include_drafts,
        "serving": build.serving,
        "compress": build.compress,
    }
    inputs = input_files(build.content, build.theme)
    saved = cache.begin(
        code_digest(), options, inputs, incremental=build.incremental, verify=build.verify
    )
    notes = Notes.from_json(saved)
    if notes is None:  # notes of another shape: trust nothing of the last build
        cache.forget()
        return Notes()
    return notes


def unchanged(build: Build, last: Notes) -> bool:
    """The last build of this folder already is this build (its search index too)."""
    cache, _ = _target(build)
    return cache.unchanged() and (not build.search or last.indexed)


def nothing_changed(build: Build, last: Notes) -> BuildResult:
    """What the last build said, nothing loaded, nothing written."""
    cache, _ = _target(build)
    kept = cache.last_output()
    stats = WriteStats(unchanged=sorted(kept))
    return BuildResult(None, Outputs(), stats, list(last.warnings), kept, last.reports)


# --- load --------------------------------------------------------------------------------


def load(build: Build) -> Loaded:
    """Every report folder (load.collection.load_report): those whose files did not change
    come back from the cache, the others are parsed and checked."""
    from rectify_site.load.collection import load_collection

    build.progress.phase("load")
    cache = build.cache
    digests = report_digests(build.content, cache.hashes("c:")) if cache is not None else {}
    left_out = not build.include_drafts and not build.checking
    collection = load_collection(
        build.content, cache, digests, keep_going=build.checking, drafts_left_out=left_out
    )
    return Loaded(collection, placeholders_of(build, collection), digests)


def placeholders_of(build: Build, collection: Collection) -> list[Diagnostic]:
    """A draft's placeholders are warnings wherever it is not published (build leaves it
    out, serve previews it, check lists them); a published report's are errors."""
    left_out = not build.include_drafts and not build.checking
    return _placeholders(
        collection,
        build.content,
        drafts_allowed=left_out or build.serving or build.checking,
        raising=not build.checking,
    )


# --- derive ------------------------------------------------------------------------------


def derive(
    build: Build, loaded: Loaded, *, outlines: Mapping[str, tuple[Page, ...]] | None = None
) -> Derived:
    """Every page, with the reports and values it shows: the collection's pages (home,
    listings, search, open data), then each report's (site.pages.report_pages).

    With ``outlines`` (report id -> its own pages, made by the worker that loaded it:
    stream.py), the reports are summaries and only their overviews are derived here."""
    from rectify_site.model.baseurl import valid_base_url
    from rectify_site.model.words import DEFAULT_KIND
    from rectify_site.site.pages import (
        collection_pages,
        collection_view,
        overview_page,
        own_pages,
        site_name,
    )

    collection = loaded.collection
    warnings: list[Diagnostic] = []
    base_url = build.base_url or collection.site.base_url
    if base_url and not valid_base_url(base_url):
        raise UsageError([diag("--base-url", "base_url.invalid", value=base_url)])
    if not build.include_drafts:  # said once in the summary (``另有 1 份草稿未发布``)
        for draft_id in sorted(collection.draft_ids()):
            where = collection.root / draft_id / "report.yaml"
            warnings.append(diag(where, DRAFT_SKIPPED, severity="warning", id=draft_id))
    name = site_name(collection)
    reports = collection.reports + (collection.drafts if build.include_drafts else [])
    # the overviews and the pages about many reports see summaries (Report.summary), on
    # every path: what stream.py's parent holds, and all that a theme may count on
    whole = {r.id: r for r in reports}
    summaries = reports if outlines is not None else [r.summary() for r in reports]
    view = collection_view(summaries, collection.site.kind or DEFAULT_KIND)
    pages = collection_pages(collection, view)
    site_names_free(build, collection, [p.url for p in pages])
    for report in view.reports:
        own = outlines[report.id] if outlines is not None else own_pages(whole[report.id])
        pages += [overview_page(report, view), *own]
    site = collection.site.model_copy(update={"name": name})
    return Derived(loaded, reports, view, pages, name, site, base_url, warnings)


def site_names_free(build: Build, collection: Collection, urls: list[str]) -> None:
    """ContentError (nothing written) for a report whose folder is a name the site writes
    itself: the fixed ones (the loader refused those already), and those of ``urls`` (the
    collection's pages, then its files) and of the site's own theme, which only the build
    knows: a top-level file added but missing from SITE_ROOT still overwrites no report."""
    from rectify_site.model.content import SITE_ROOT, report_id_problem, reserved_stems
    from rectify_site.site.render import theme_roots

    roots = {url.split("/")[0] for url in urls} | theme_roots(build.theme)
    taken = reserved_stems(SITE_ROOT | roots)
    found = []
    for report in [*collection.reports, *collection.drafts]:
        refused = report_id_problem(report.id, taken)
        if refused is not None:
            key, params = refused
            found.append(diag(collection.root / report.id, key, field="id", **params))
    if found:
        raise ContentError(found)


# --- render ------------------------------------------------------------------------------


def render(build: Build, derived: Derived, last: Notes) -> Rendered:
    """The pages whose key changed (all of them without a cache), each report's data files
    and 附件 (``report_files``), then the files about the whole collection
    (``collection_files``). The outputs are spooled to disk for a very large build."""
    from rectify_site.site.render import load_assets, render_pages

    build.progress.phase("render")
    cache = build.cache
    assets = load_assets(build.theme)
    env = environment_for(build, derived.site, derived.base_url, assets)
    plan = _plan(build, derived, env, assets, last)
    todo = plan.todo
    outputs = outputs_for(build, len(todo))
    try:
        render_pages(env, todo, progress=build.progress, into=outputs)
        if cache is not None:
            for page in todo:
                cache.record(plan.keys[page.url], {page.url: outputs[page.url]})
        listed = derived.loaded.placeholders
        if listed and build.serving:  # a skeleton's drafts, each placeholder marked, listed
            outputs.update(_marked(outputs, todo, listed, build.content))
        for report in derived.reports:
            own = derived.loaded.digests.get(report.id, "")
            outputs.update(report_files(build, report, own, plan.base))
        files, warnings = collection_files(build, derived, assets, plan.base)
        site_names_free(build, derived.loaded.collection, list(files))
        outputs.update(files)
    except BaseException:
        outputs.close()
        raise
    kept = dict(cache.kept) if cache is not None else {}
    return Rendered(env, outputs, kept, warnings, plan.templates)


def environment_for(
    build: Build, site: SiteFile, base_url: str | None, assets: Assets
) -> Environment:
    """The theme's Jinja environment for this build, its compiled templates kept in the
    cache's folder."""
    from rectify_site.site.render import compiled_folder, environment

    cache = build.cache
    theme_hashes = cache.hashes("t:") if cache is not None else {}
    compiled = compiled_folder(cache.folder("jinja"), cache.code) if cache is not None else None
    return environment(
        build.theme,
        site=site,
        assets=assets,
        base_url=base_url,
        serving=build.serving,
        theme_digest=key_of(sorted(theme_hashes.items())),
        compiled=compiled,
    )


@dataclass(frozen=True)
class _Plan:
    """Which pages to render, by which keys; what the next build is to note."""

    todo: list[Page]
    keys: dict[str, str] = dataclasses.field(default_factory=dict)
    """Page path -> the key of everything it is made from (inputs.page_keys)."""
    base: str = ""
    """The key of what every output is made from: code, options, site.yaml, assets."""
    templates: dict[str, list[str]] = dataclasses.field(default_factory=dict)


def _plan(build: Build, derived: Derived, env: Environment, assets: Assets, last: Notes) -> _Plan:
    """Every page without a cache; with one, the pages whose key the last build's output
    does not hold (the others are kept: ``cache.current``)."""
    from rectify_site.site.render import template_closures

    cache = build.cache
    if cache is None:
        return _Plan(derived.pages)
    known = dict(last.templates)  # template_closures adds the templates it parsed
    theme_files = {k[2:]: v for k, v in cache.hashes("t:").items()}
    closures = template_closures(env, {p.template for p in derived.pages}, theme_files, known)
    live = set(theme_files.values())
    templates = {k: v for k, v in sorted(known.items()) if k in live}
    top = {k: v for k, v in cache.hashes("c:").items() if "/" not in k}  # site.yaml
    base = key_of(cache.code, cache.options, top, derived.name, assets.names)
    marks = _marks_by_report(derived.loaded.placeholders, build.content)
    keys = page_keys(derived.pages, base, closures, derived.loaded.digests, marks)
    todo = [p for p in derived.pages if not cache.current(keys[p.url])]
    return _Plan(todo, keys, base, templates)


def outputs_for(build: Build, pages: int, *, spool: bool = False) -> Outputs:
    """Outputs in memory; spooled to the cache folder for a large build or where ``spool``
    (workers write there), but never for ``serve``, whose snapshot is the build's outputs
    in memory, nor without a cache."""
    if build.cache is None or build.serving or (pages < SPOOL_MIN_PAGES and not spool):
        return Outputs()
    folder = build.cache.folder("spool")
    for old in folder.iterdir():  # a killed build's
        shutil.rmtree(old, ignore_errors=True)
    return Outputs(Path(tempfile.mkdtemp(dir=folder)))


def _made(cache: Cache | None, key: str, make: Callable[[], dict[str, bytes]]) -> dict[str, bytes]:
    """``make()``'s files; with a cache, {} when the last build's are still in the output."""
    return make() if cache is None else cache.get_or_make(key, make)


def report_files(build: Build, report: Report, digest: str, base: str) -> dict[str, bytes]:
    """One report's data files (report.json, figures.csv…) and 附件; with a cache, made
    again only when ``digest`` (of the report's files, attachments included) changed."""
    files: dict[str, bytes] = {}
    for key, make in report_artifacts(build, report, digest, base):
        files.update(_made(build.cache, key, make))
    return files


def report_artifacts(
    build: Build, report: Report, digest: str, base: str
) -> list[tuple[str, Callable[[], dict[str, bytes]]]]:
    """(key, make) of one report's data files and of its 附件 (where it has any)."""
    from rectify_site.site.opendata import report_data_files

    out: list[tuple[str, Callable[[], dict[str, bytes]]]] = [
        (key_of(base, "data", report.id, digest), partial(report_data_files, report))
    ]
    if report.attachments:
        copy = partial(attachment_files, build.content, [report])
        out.append((key_of(base, "attachments", report.id, digest), copy))
    return out


def attachment_files(root: Path, reports: list[Report]) -> dict[str, bytes]:
    """Each report's 附件, read from its attachments/ folder, under its published name."""
    return {
        a.url: (root / r.id / "attachments" / a.file).read_bytes()
        for r in reports
        for a in r.attachments
    }


def collection_files(
    build: Build, derived: Derived, assets: Assets, base: str
) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """The files about the whole collection: the data index, the theme's assets,
    robots.txt, and with a base URL the sitemap and the feed; and the warnings they raise."""
    from rectify_site.site.crawlers import robots, sitemap
    from rectify_site.site.feed import atom_feed
    from rectify_site.site.opendata import collection_data_files

    reports, base_url = derived.reports, derived.base_url
    every = [(r.id, derived.loaded.digests.get(r.id, "")) for r in reports]
    data = _made(build.cache, key_of(base, "data", every), partial(collection_data_files, reports))
    files = {**data, **assets.files}
    warnings: list[Diagnostic] = []
    files["robots.txt"] = robots(base_url)
    root = derived.loaded.collection.root
    if base_url:
        files["sitemap.xml"] = sitemap(base_url, [p.url for p in derived.pages if p.in_sitemap])
        feed, feed_warnings = atom_feed(derived.name, base_url, reports, root)
        files["atom.xml"] = feed
        warnings += feed_warnings
    else:
        warnings.append(diag(root / "site.yaml", "base_url.missing", severity="warning"))
    return files, warnings


# --- index -------------------------------------------------------------------------------


def index(build: Build, derived: Derived, rendered: Rendered, last: Notes) -> Indexed:
    """The search bundles of the shards whose pages changed; without search, the last
    bundles stay as they are, stale, until a build with search."""
    from rectify_site.build import search

    cache, out = _target(build)
    previous = cache.written()[0]
    if not build.search:
        return Indexed({}, search.kept_bundles(out, previous), None)
    build.progress.phase("index")
    made, same, shards = search.search_files(
        out,
        rendered.outputs,
        rendered.kept,
        [r.id for r in derived.reports],
        previous=previous,
        recorded=last.shards,
        staged=rendered.staged,
        hashed=rendered.digests,
        early=rendered.early,
        into=rendered.outputs,
    )
    return Indexed(made, same, shards)


# --- write -------------------------------------------------------------------------------


def write(build: Build, rendered: Rendered, indexed: Indexed) -> Written:
    """The search bundles and the .gz/.br copies join the outputs (the copies through the
    same write as their files); then only the files whose bytes changed are written."""
    from rectify_site.build.output import write_site

    cache, out = _target(build)
    outputs = rendered.outputs
    outputs.update(indexed.bundles)
    kept = {**indexed.kept, **rendered.kept}
    previous = cache.written()
    if build.compress:
        from rectify_site.build.compress import precompressed

        _, same = precompressed(out, outputs, kept, previous[0], into=outputs)
        kept.update(same)
    build.progress.phase("write", total=len(outputs))
    stats = write_site(
        out,
        outputs,
        keep=kept,
        stamps=cache.stamps(),
        verify=build.verify,
        previous=previous,
        digests=rendered.digests,
    )
    return Written(stats, kept)


def finish(
    build: Build,
    derived: Derived,
    rendered: Rendered,
    indexed: Indexed,
    written: Written,
    last: Notes,
) -> BuildResult:
    """Once the site is written: the compiled templates and the cache are saved, with the
    notes the next build reads (its warnings, the shards indexed)."""
    from rectify_site.site.render import save_compiled

    cache, out = _target(build)
    save_compiled(rendered.env)
    stats = written.stats
    collection = derived.loaded.collection
    warnings = [
        *collection.warnings,
        *derived.warnings,
        *rendered.warnings,
        *derived.loaded.placeholders,
        *stats.warnings(out),
    ]
    pages_same = not any(f.endswith(".html") for f in stats.written + stats.removed)
    notes = Notes(
        warnings=tuple(warnings),
        reports=len(derived.reports),
        indexed=build.search or (pages_same and last.indexed),
        shards=indexed.shards if indexed.shards is not None else last.shards,
        templates=rendered.templates,
        name=derived.name,
    )
    cache.commit(notes.to_json(), stats.manifest)
    return BuildResult(
        collection, rendered.outputs, stats, warnings, written.kept, len(derived.reports)
    )


# --- placeholders (serve's drafts) -------------------------------------------------------


def _placeholders(
    collection: Collection, content: Path, *, drafts_allowed: bool, raising: bool = True
) -> list[Diagnostic]:
    """Every placeholder a skeleton left (placeholders.py): an error in a published
    report, raised as a ContentError unless ``raising`` is off (``check`` reports them
    with everything else).

    With ``drafts_allowed`` a draft's placeholders are warnings: ``build`` leaves the draft
    out, ``serve`` marks them in its pages and lists them in the draft banner, ``check``
    lists them (``--strict`` makes them errors again).
    """
    from rectify_site.load.placeholders import find_placeholders, report_of

    found = find_placeholders(collection.files, content)
    if not found:
        return []
    drafts = collection.draft_ids() if drafts_allowed else set()
    out = [
        dataclasses.replace(d, severity="warning") if report_of(d.path, content) in drafts else d
        for d in found
    ]
    errors = [d for d in out if d.severity == "error"]
    if errors and raising:
        raise ContentError(errors)
    return out


def _marks_by_report(listed: list[Diagnostic], root: Path) -> dict[str, tuple[str, ...]]:
    """Report id -> its placeholders, as text: part of its pages' keys in ``serve``."""
    if not listed:
        return {}
    from rectify_site.load.placeholders import report_of

    out: dict[str, list[str]] = {}
    for d in listed:
        out.setdefault(report_of(d.path, root) or "", []).append(d.format("zh"))
    return {k: tuple(v) for k, v in out.items()}


def _marked(
    files: Mapping[str, bytes], pages: list[Page], listed: list[Diagnostic], root: Path
) -> dict[str, bytes]:
    """The rendered pages of reports with placeholders, each placeholder marked
    (``serve``'s drafts)."""
    from rectify_site.load.placeholders import mark_html, report_of

    by_report: dict[str, list[Diagnostic]] = {}
    for d in listed:
        by_report.setdefault(report_of(d.path, root) or "", []).append(d)
    marked: dict[str, bytes] = {}
    for page in pages:
        found = by_report.get(page.report_id or "")
        if found and page.url in files and page.url.endswith(".html"):
            html = files[page.url].decode("utf-8")
            marked[page.url] = mark_html(html, found).encode("utf-8")
    return marked
