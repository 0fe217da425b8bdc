"""The engine of ``build``: a report is the unit of work, the parent holds summaries.

    parent                                     workers (forked; a report a task)
    site.yaml, the report folders, the theme
    pass 1   ── a report folder ─────────────▶ load_report: parsed, validated, assembled;
                                               its own pages (full text, figures, ledger,
                                               categories) rendered where their keys
                                               changed; report.json, figures.csv, 附件;
                                               the whole model stored in the cache;
                                               the files made written into the spool
             ◀── Unit: its summary, its pages' outline, the files' names and hashes
    (with search, the reports go shard by shard: a shard whose reports are all back is
    indexed at once, beside the workers, search.EarlyIndex)
    gather the summaries (a content error stops the build here: nothing is written);
    derive every page from them; plan what is still to render
    render   the collection's pages and each report's overview (its series, headings,
             figures and dates), from the summaries, in workers for many (render_pages)
    pass 2   ── a report and its stale pages ▶ the model recalled from the cache; a page
                                               of its own still to render (the site's
                                               name came out other than guessed)
             ◀── the files' names in the spool
    the collection's files, from the summaries
    then index, write and finish as before (stages.py)

The parent holds each report's summary (``Report.summary``: no text, no tables, no ledger
rows) and the outline of its pages (path, template, title, never the context), not the
collection's models: memory is bounded by the reports in flight in the workers. A report
whose files, the theme and the options are the same as last time needs no task at all:
its summary and outline come from the cache (a small pickle, not the model) and its pages
and files are kept. The same functions run in this process where one is faster (a small
site, no fork). The keys stay per page and per file (inputs.page_keys), computed from
the same inputs on both sides, so a build makes the same bytes as the in-memory path
(stages.load, derive, render), which ``serve`` keeps: its long-lived cache holds the
models, and ``check`` needs them whole.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rectify_site.build import stages
from rectify_site.build.cache import Cache, key_of, sha
from rectify_site.build.inputs import page_keys, report_digests
from rectify_site.build.notes import Notes
from rectify_site.build.output import SpoolNames
from rectify_site.build.stages import (
    Build,
    Derived,
    Loaded,
    Rendered,
    derive,
    environment_for,
    outputs_for,
    placeholders_of,
    report_artifacts,
    site_names_free,
)
from rectify_site.errors import ContentError, Diagnostic, UsageError
from rectify_site.workers import jobs_for, pool

if TYPE_CHECKING:
    from jinja2 import Environment

    from rectify_site.build.search import EarlyIndex
    from rectify_site.load.collection import LoadedReport
    from rectify_site.site.pages import CollectionView, Page
    from rectify_site.site.render import Assets

PARALLEL_MIN_REPORTS = 24
"""Below this many reports to load or render, one process is faster (a report is about
ten pages; starting workers costs about 0.1 s)."""

REPORTS = "reports"
"""The cache's group of whole loaded reports (load.collection.LoadedReport)."""

SUMMARIES = "summaries"
"""The cache's group of (summary, outline) per report: what the parent reads of an
unchanged report instead of its whole model."""


@dataclass(frozen=True)
class Unit:
    """What one report's pass-1 task hands back to the parent."""

    name: str
    """The report's folder."""
    loaded: LoadedReport
    """Its problems and files, and its summary for the report (None if it did not load)."""
    outline: tuple[Page, ...] = ()
    """Its own pages, without their context (not shown: none)."""
    pages: dict[str, str] = dataclasses.field(default_factory=dict)
    """Own page path -> the key the worker found for it."""
    artifacts: tuple[tuple[str, tuple[str, ...] | None], ...] = ()
    """(key, paths made from it) of its data files and 附件; None where they were kept."""
    made: dict[str, bytes] = dataclasses.field(default_factory=dict)
    """The pages and files it rendered or made (moved to the outputs as it arrives),
    where it did not write them into the outputs' spool itself (``spooled``)."""
    spooled: dict[str, str] = dataclasses.field(default_factory=dict)
    """Path -> the spool's file it wrote that file's bytes to (output.SpoolNames)."""
    hashes: dict[str, str] = dataclasses.field(default_factory=dict)
    """Path -> sha256 of each file made, hashed in the worker."""
    stored: str | None = None
    """The key its whole model was stored under in the cache, where it was."""
    problems: tuple[Diagnostic, ...] = ()
    """Template errors met while rendering its pages."""
    stale: bool = False
    """What it made was made with another site name: all of it is made again."""
    cached: bool = False
    """Its summary came from the cache (not remembered again)."""


@dataclass(frozen=True)
class _Work:
    """What every task needs, set before the workers fork and inherited, never pickled."""

    build: Build
    env: Environment
    base: str
    closures: dict[str, str]
    digests: dict[str, str]
    stage: Path | None = None
    """Where the search pages are staged (search.stage_page), with search on."""
    view: CollectionView | None = None
    spool: Path | None = None
    """The outputs' spool, where a task writes the files it makes (None: in memory)."""
    step: str = "own"
    """Which pass the tasks are of: a worker's spool names are its pass's and its own."""


_WORK: _Work | None = None


def _work() -> _Work:
    assert _WORK is not None
    return _WORK


def _run(task: Any, items: list[Any], *, minimum: int = PARALLEL_MIN_REPORTS) -> Iterator[Any]:
    """``task(item)`` for each item, in order: in forked workers for many, else here."""
    jobs = jobs_for(len(items), minimum)
    if jobs <= 1:
        for item in items:
            yield task(item)
        return
    chunk = max(1, min(8, len(items) // (jobs * 8)))
    with pool(jobs) as workers:
        yield from workers.imap(task, items, chunk)


# --- pass 1: a report through load and its own pages -------------------------------------


def _recall(cache: Cache | None, name: str, digest: str) -> LoadedReport | None:
    from rectify_site.load.collection import LoadedReport

    if cache is None or not digest:
        return None
    hit = cache.recall(REPORTS, name, digest, keep=False)
    return hit if isinstance(hit, LoadedReport) else None


def _own_task(folder: Path) -> Unit:
    """In a worker: one report folder loaded, its own pages and files made where stale."""
    from rectify_site.load.collection import load_report
    from rectify_site.site.pages import own_pages
    from rectify_site.site.render import render_page

    work = _work()
    build, cache = work.build, work.build.cache
    name = folder.name
    digest = work.digests.get(name, "")
    loaded = _recall(cache, name, digest)
    stored = None
    if loaded is None:
        loaded = load_report(folder, build.content)
        if cache is not None and digest and loaded.report is not None:
            try:
                cache.store(REPORTS, name, digest, loaded)
                stored = digest
            except (OSError, UsageError):  # a cache: pass 2 loads it again instead
                pass
    report = loaded.report
    summary = dataclasses.replace(loaded, report=report.summary() if report else None)
    if report is None or (report.draft and not build.include_drafts):
        return Unit(name, summary, stored=stored)
    pages = own_pages(report)
    keys = page_keys(pages, work.base, work.closures, {report.id: digest}, {})
    made: dict[str, bytes] = {}
    try:
        for page in pages:
            if cache is None or not cache.holds(keys[page.url]):
                made[page.url] = render_page(work.env, page)
    except ContentError as exc:
        return Unit(name, summary, stored=stored, problems=exc.diagnostics)
    artifacts: list[tuple[str, tuple[str, ...] | None]] = []
    for key, make in report_artifacts(build, report, digest, work.base):
        if cache is not None and cache.holds(key):
            artifacts.append((key, None))
        else:
            files = make()
            made.update(files)
            artifacts.append((key, tuple(files)))
    outline = tuple(dataclasses.replace(p, context={}) for p in pages)
    hashes = _hashed(work, made)
    spooled = _spooled(work, made)
    return Unit(name, summary, outline, keys, tuple(artifacts), made, spooled, hashes, stored)


def _hashed(work: _Work, made: dict[str, bytes]) -> dict[str, str]:
    """Each file's sha256, its page staged for search on the way (both in the worker)."""
    if work.stage is not None:
        from rectify_site.build.search import stage_page

        for rel, data in made.items():
            stage_page(work.stage, rel, data)
    return {rel: sha(data) for rel, data in made.items()}


_NAMES: dict[tuple[Path, str], SpoolNames] = {}
"""Each process's writer of new spool files, per spool and pass."""


def _spooled(work: _Work, made: dict[str, bytes]) -> dict[str, str]:
    """``made`` written into the outputs' spool by the task that made it, then emptied:
    the bytes are not sent to the parent, which only learns their names (Outputs.adopt)."""
    if work.spool is None or not made:
        return {}
    tag = f"{work.step}-{os.getpid()}"
    names = _NAMES.get((work.spool, tag))
    if names is None:
        _NAMES.clear()  # another build's, or another pass's: never written to again
        names = _NAMES[work.spool, tag] = SpoolNames(work.spool, tag)
    spooled = {rel: names.put(data) for rel, data in made.items()}
    made.clear()
    return spooled


def _cached_unit(work: _Work, folder: Path) -> Unit | None:
    """An unchanged report whose pages and files the output still holds: its summary and
    outline from the cache, nothing loaded, nothing rendered; else None (a task)."""
    from rectify_site.load.collection import LoadedReport

    cache = work.build.cache
    digest = work.digests.get(folder.name, "")
    if cache is None or not digest:
        return None
    hit = cache.recall(SUMMARIES, folder.name, digest)
    if not (isinstance(hit, tuple) and len(hit) == 5 and isinstance(hit[0], LoadedReport)):
        return None
    loaded, outline, made_with, keys, artifacts = hit
    report = loaded.report
    if report is None or (report.draft and not work.build.include_drafts):
        return Unit(folder.name, loaded, cached=True)
    if made_with != _keys_context(work):  # another theme or options: the keys again
        keys = page_keys(list(outline), work.base, work.closures, {report.id: digest}, {})
        artifacts = [k for k, _ in report_artifacts(work.build, report, digest, work.base)]
    if not all(cache.holds(k) for k in [*keys.values(), *artifacts]):
        return None
    held = tuple((k, None) for k in artifacts)
    return Unit(folder.name, loaded, tuple(outline), keys, held, cached=True)


def _keys_context(work: _Work) -> str:
    """What a report's own keys are made from besides its digest: the same, the same keys
    (kept with its summary, so that an unchanged report's are not made again)."""
    return key_of(work.base, [work.closures.get(t, "") for t in OWN_TEMPLATES])


# --- pass 2: what needs the collection --------------------------------------------------

Task = tuple[str, str, tuple[str, ...], bool]
"""A pass-2 task: report id, its digest, the pages to render, whether its files too."""


@dataclass(frozen=True)
class Made:
    """What a pass-2 task hands back."""

    made: dict[str, bytes]
    hashes: dict[str, str]
    artifacts: tuple[tuple[str, tuple[str, ...]], ...] = ()
    problems: tuple[Diagnostic, ...] = ()
    spooled: dict[str, str] = dataclasses.field(default_factory=dict)
    """As Unit.spooled."""


def _view_task(job: Task) -> Made:
    """In a worker: a report's pages ``urls`` rendered (its overview, which shows its
    series; own pages still stale), with its data files and 附件 if ``files``."""
    from rectify_site.load.collection import load_report
    from rectify_site.site.pages import report_pages
    from rectify_site.site.render import render_page

    work = _work()
    name, digest, urls, files = job
    loaded = _recall(work.build.cache, name, digest)
    if loaded is None:  # not in the cache (unwritable, removed meanwhile): loaded again
        loaded = load_report(work.build.content / name, work.build.content)
    report = loaded.report
    assert report is not None and work.view is not None
    made: dict[str, bytes] = {}
    wanted = set(urls)
    try:
        for page in report_pages(report, work.view):
            if page.url in wanted:
                made[page.url] = render_page(work.env, page)
    except ContentError as exc:
        return Made({}, {}, problems=exc.diagnostics)
    artifacts: list[tuple[str, tuple[str, ...]]] = []
    if files:
        for key, make in report_artifacts(work.build, report, digest, work.base):
            got = make()
            made.update(got)
            artifacts.append((key, tuple(got)))
    hashes = _hashed(work, made)
    return Made(made, hashes, tuple(artifacts), spooled=_spooled(work, made))


# --- the engine -------------------------------------------------------------------------

OWN_TEMPLATES = ("full.html", "figures.html", "ledger.html", "category.html")
"""The templates of a report's own pages (site.pages.own_pages)."""

OVERVIEW = "report.html"
"""A report's overview, rendered from the summaries like the collection's pages: it shows
the report's series and its headings, figures and dates, never its text."""

PAGE_TEMPLATES = (
    "report.html",
    "index.html",
    "listing.html",
    "round.html",
    "404.html",
    "search.html",
    "data.html",
)
"""The templates of the other pages (site.pages.overview_page, collection_pages)."""


def load_and_render(build: Build, last: Notes) -> tuple[Derived, Rendered]:
    """Load, derive and render a site report by report (see the module's docstring):
    what stages.load, derive and render make, with the parent holding summaries."""
    global _WORK
    from rectify_site.load.collection import gather, load_site_file, report_folders
    from rectify_site.model.words import DEFAULT_KIND, collection_words
    from rectify_site.site.render import load_assets, render_pages

    cache = build.cache
    assert cache is not None
    problems: list[Diagnostic] = []
    files: list[Path] = []
    site = load_site_file(build.content, problems, files)
    folders = report_folders(build.content, problems)
    build.progress.phase("load", total=len(folders))
    digests = report_digests(build.content, cache.hashes("c:"))
    # the site's name shows on every page; without one in site.yaml it follows the kinds
    # of all the reports: guessed (the last build's, else site.yaml's kind's), checked
    # once they are loaded
    guess = site.name or last.name or collection_words({site.kind or DEFAULT_KIND})["site_name"]
    base_url = build.base_url or site.base_url
    assets = load_assets(build.theme)
    env = environment_for(build, site.model_copy(update={"name": guess}), base_url, assets)
    base, closures, templates = _bases(build, env, assets, guess, last)
    # in workers, the files a task makes are written into the spool by that task
    spool = jobs_for(len(folders), PARALLEL_MIN_REPORTS) > 1
    outputs = outputs_for(build, len(folders) * PAGES_PER_REPORT, spool=spool)
    stage = early = None
    if build.search:
        from rectify_site.build.search import EarlyIndex, available, new_stage

        stage = new_stage(cache.folder("spool"))
        early = EarlyIndex(stage) if available() else None
    work = _Work(build, env, base, closures, digests, stage, spool=outputs.spool)
    try:
        units = _pass_one(work, folders, outputs, early)
        for unit in units:
            if unit.stored is not None:
                cache.stored(REPORTS, unit.name, unit.stored)
            digest = digests.get(unit.name, "")
            if unit.loaded.report is not None and digest and not unit.cached:
                artifacts = [k for k, _ in unit.artifacts]
                entry = (unit.loaded, unit.outline, _keys_context(work), unit.pages, artifacts)
                cache.remember(SUMMARIES, unit.name, digest, entry)
        collection = gather(
            build.content,
            site,
            [(f, u.loaded) for f, u in zip(folders, units, strict=True)],
            problems,
            files,
            drafts_left_out=not build.include_drafts,
        )
        template_errors = [d for u in units for d in u.problems]
        if template_errors:
            raise ContentError(template_errors[:1])
        loaded = Loaded(collection, placeholders_of(build, collection), digests)
        outlines = {u.loaded.report.id: u.outline for u in units if u.loaded.report}
        derived = derive(build, loaded, outlines=outlines)
        if derived.name != guess:  # the reports' kinds gave another name: all made again
            env = environment_for(build, derived.site, derived.base_url, assets)
            base, closures, templates = _bases(build, env, assets, derived.name, last)
            units = [dataclasses.replace(u, pages={}, artifacts=(), stale=True) for u in units]
        work = _Work(
            build, env, base, closures, digests, stage, derived.view, outputs.spool, "view"
        )
        keys = page_keys(derived.pages, base, closures, digests, {})
        tasks, parent_pages = _account(work, derived, units, keys)
        pages_left = len(parent_pages) + sum(len(t[2]) for t in tasks)
        build.progress.phase("render", total=pages_left)  # what pass 1 left: pages
        render_pages(env, parent_pages, into=outputs)
        build.progress.advance(len(parent_pages))
        for page in parent_pages:
            data = outputs[page.url]
            cache.record(keys[page.url], {page.url: data})
            if stage is not None and page.report_id is not None:  # a theme may mark it
                from rectify_site.build.search import stage_page

                stage_page(stage, page.url, data)
        _pass_two(work, tasks, keys, outputs)
        made, warnings = stages.collection_files(build, derived, assets, base)
        site_names_free(build, collection, list(made))
        outputs.update(made)
    except BaseException:
        outputs.close()
        if early is not None:
            early.close()
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
        raise
    kept = dict(cache.kept)
    # what the workers hashed, as the cache recorded it (the last record of a path wins)
    digests = {rel: v[1] for rel, v in cache.outputs.items() if rel in outputs}
    return derived, Rendered(env, outputs, kept, warnings, templates, stage, digests, early)


PAGES_PER_REPORT = 10
"""About how many pages a report makes: whether a build spools its outputs to disk
(stages.SPOOL_MIN_PAGES) is decided before any report is loaded."""


def _pass_one(
    work: _Work, folders: list[Path], outputs: Any, early: EarlyIndex | None = None
) -> list[Unit]:
    """Each report folder's unit, in order; the bytes made go to ``outputs`` as they come,
    so the parent never holds more than one report's. With ``early``, the reports are
    taken shard by shard, and a shard whose reports all had a task is handed to it for
    indexing as soon as the last of them is back."""
    global _WORK
    build = work.build
    assert build.cache is not None
    units: dict[str, Unit] = {}
    todo: list[Path] = []
    for folder in folders:
        unit = _cached_unit(work, folder)
        if unit is None:
            todo.append(folder)
        else:
            units[folder.name] = unit
            build.cache.retain(REPORTS, folder.name)  # for a later build that needs it
    build.progress.advance(len(units))
    if todo:
        _compile(work.env, OWN_TEMPLATES)  # here, once, then inherited by every worker
        build.cache.holds("")  # its index of the last build's outputs, made once, inherited
    left: dict[str, int] = {}
    if early is not None:
        from rectify_site.site.shards import shard_of

        shard = {f.name: shard_of(f.name) for f in folders}
        order = {f.name: i for i, f in enumerate(folders)}
        todo.sort(key=lambda f: (shard[f.name], order[f.name]))
        for folder in todo:
            left[shard[folder.name]] = left.get(shard[folder.name], 0) + 1
        for name in units:  # a shard with a report not made again is indexed after
            left.pop(shard[name], None)
    _WORK = work
    try:
        for unit in _run(_own_task, todo):
            if early is not None and shard[unit.name] in left:
                left[shard[unit.name]] -= 1
                if not left[shard[unit.name]]:
                    early.submit(shard[unit.name])
            outputs.update(unit.made)
            for rel, name in unit.spooled.items():
                outputs.adopt(rel, name)
            units[unit.name] = dataclasses.replace(unit, made={}, spooled={})
            build.progress.advance()
    finally:
        _WORK = None
    return [units[f.name] for f in folders]


def _compile(env: Environment, names: tuple[str, ...]) -> None:
    """The theme's templates of these names compiled (a theme may lack one: its pages
    then fail where they are rendered, with the template's name)."""
    from jinja2 import TemplateNotFound

    for name in names:
        with contextlib.suppress(TemplateNotFound):
            env.get_template(name)


def _pass_two(work: _Work, tasks: list[Task], keys: dict[str, str], outputs: Any) -> None:
    """The pass-2 tasks, in workers where there are many; their files to ``outputs`` and
    the cache."""
    global _WORK
    cache = work.build.cache
    assert cache is not None
    if tasks:
        _compile(work.env, (OVERVIEW,))
    _WORK = work
    try:
        for task, done in zip(tasks, _run(_view_task, tasks), strict=True):
            if done.problems:
                raise ContentError(list(done.problems))
            outputs.update(done.made)
            for rel, name in done.spooled.items():
                outputs.adopt(rel, name)
            for url in task[2]:
                cache.record_digests(keys[url], {url: done.hashes[url]})
            for key, rels in done.artifacts:
                cache.record_digests(key, {r: done.hashes[r] for r in rels})
            work.build.progress.advance(len(task[2]))
    finally:
        _WORK = None


def _bases(
    build: Build, env: Environment, assets: Assets, name: str, last: Notes
) -> tuple[str, dict[str, str], dict[str, list[str]]]:
    """The key of what every output is made from, each template's closure, and the
    template references to note (as stages._plan makes them, for every page template)."""
    from rectify_site.site.render import template_closures

    cache = build.cache
    assert cache is not None
    known = dict(last.templates)
    theme_files = {k[2:]: v for k, v in cache.hashes("t:").items()}
    closures = template_closures(env, {*OWN_TEMPLATES, *PAGE_TEMPLATES}, theme_files, known)
    live = set(theme_files.values())
    templates = {k: v for k, v in sorted(known.items()) if k in live}
    top = {k: v for k, v in cache.hashes("c:").items() if "/" not in k}  # site.yaml
    base = key_of(cache.code, cache.options, top, name, assets.names)
    return base, closures, templates


def _account(
    work: _Work, derived: Derived, units: list[Unit], keys: dict[str, str]
) -> tuple[list[Task], list[Page]]:
    """What pass 1 made or kept is noted in the cache; the rest is planned: the pass-2
    tasks and the collection's pages, which this process renders from the summaries."""
    cache = work.build.cache
    assert cache is not None
    shown = {r.id for r in derived.reports}
    accounted: set[str] = set()
    files_again: set[str] = set()
    for unit in units:
        report = unit.loaded.report
        if report is None or report.id not in shown:
            continue
        for url, key in unit.pages.items():
            if keys.get(url) != key:
                continue  # planned again below
            accounted.add(url)
            if url in unit.hashes:
                cache.record_digests(key, {url: unit.hashes[url]})
            else:
                cache.keep(key)
        digest = work.digests.get(unit.name, "")
        wanted = [k for k, _ in report_artifacts(work.build, report, digest, work.base)]
        if [k for k, _ in unit.artifacts] != wanted:
            files_again.add(report.id)
            continue
        for key, rels in unit.artifacts:
            if rels is None:
                cache.keep(key)
            else:
                cache.record_digests(key, {r: unit.hashes[r] for r in rels})
    by_report: dict[str, list[str]] = {}
    parent_pages: list[Page] = []
    remade = {url for u in units if u.stale for url in u.hashes}  # never kept: replaced
    for page in derived.pages:
        if page.url in accounted or (page.url not in remade and cache.current(keys[page.url])):
            continue
        if page.report_id is None or page.template == OVERVIEW:  # from the summaries
            parent_pages.append(page)
        else:
            by_report.setdefault(page.report_id, []).append(page.url)
    tasks = [
        (r.id, work.digests.get(r.id, ""), tuple(by_report.get(r.id, ())), r.id in files_again)
        for r in derived.reports
        if r.id in by_report or r.id in files_again
    ]
    return tasks, parent_pages
