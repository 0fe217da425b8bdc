"""The whole build, in one function: load, derive, render, write, index.

    content/ --load (collection.py; unchanged reports recalled from the cache)--> Collection
             --derive (pages.py: every page, with the reports and values it shows)-->
             --render (render.py: the pages whose key changed; data files, assets)-->
             --index (search.py: the shards whose pages changed)--> --write (output.py)

Nothing is written until everything has loaded and rendered, so a failed build leaves
the last good site as it was. The cache (cache.py) is asked only here, in ``build_site``:
each page's key is made from what the page declares it shows (``page_keys``), each data
file's from its report's digest. ``check`` (``check_site``) runs the same steps without
a cache and writes nothing.

Only light modules are imported at the top: ``build`` finds out that nothing changed
(the same inputs, options and output) before it imports pydantic or Jinja.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rectify_site._version import __version__
from rectify_site.build.cache import Store, key_of
from rectify_site.build.output import MANIFEST, WriteStats, check_output_dir
from rectify_site.errors import ContentError, Diagnostic, UsageError, diag
from rectify_site.progress import NO_PROGRESS, Progress
from rectify_site.site.themes import find_theme, theme_folders

if TYPE_CHECKING:
    from jinja2 import Environment

    from rectify_site.build.output import Spool
    from rectify_site.model.collection import Collection
    from rectify_site.model.report import Report
    from rectify_site.site.pages import Page
    from rectify_site.site.render import Assets


@dataclass
class BuildResult:
    """What a build did: for the CLI's summary, for ``serve``'s snapshot and for tests."""

    collection: Collection | None
    """The reports loaded; None when nothing changed and nothing was loaded."""
    files: Mapping[str, bytes]
    """Every file this build made (pages, data, assets and their .gz and .br copies);
    empty after a build too large to hold them in memory (see ``SPOOL_MIN_PAGES``)."""
    stats: WriteStats | None
    warnings: list[Diagnostic] = field(default_factory=list)
    kept: dict[str, str] = field(default_factory=dict)
    """Files the build left as they were (path -> sha256), not in ``files``."""
    reports: int = 0
    """How many reports the site shows."""


# --- what a build is made from -----------------------------------------------------------


def code_digest() -> str:
    """The package's own code and version: a changed renderer invalidates every page."""
    h = hashlib.sha256(f"{__version__}".encode())
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        name = path.relative_to(package).as_posix()
        h.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _walk(root: Path, prefix: str, into: dict[str, str]) -> None:
    top = str(root)
    for folder, dirs, names in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        rel = os.path.relpath(folder, top)
        for name in names:
            key = name if rel == "." else f"{rel}/{name}".replace(os.sep, "/")
            into[prefix + key] = os.path.join(folder, name)  # a str: thousands of them


def input_files(content: Path, theme: Path) -> dict[str, str]:
    """Every file a build can read: ``c:`` content, ``t:`` theme (templates and assets).

    The theme is the files the build uses: a site's own folder over the packaged theme
    (``themes.theme_folders``), so a change in either is seen.
    """
    files: dict[str, str] = {}
    _walk(content, "c:", files)
    for folder in reversed(theme_folders(theme)):
        _walk(folder, "t:", files)  # the site's own file replaces the packaged one
    return files


def report_digests(content: Path, hashes: Mapping[str, str]) -> dict[str, str]:
    """One digest per top-level content folder (a report): its place and every file in it."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for name, digest in hashes.items():
        if name.startswith("c:") and "/" in name:
            folder, rel = name[2:].split("/", 1)
            groups.setdefault(folder, []).append((rel, digest))
    where = str(content.resolve())
    return {name: key_of(where, name, sorted(files)) for name, files in groups.items()}


def page_keys(
    pages: list[Page],
    base: str,
    closures: Mapping[str, str],
    digests: Mapping[str, str],
    marks: Mapping[str, Any],
) -> dict[str, str]:
    """Page path -> the key of everything it is made from.

    That is: ``base`` (the code, options, site.yaml and assets), its template's closure,
    its own fields, the digests of the reports it shows and the values it declares, and
    ``marks`` (serve's placeholders) of its report. Derived from input hashes already
    made: nothing in a page's context is walked.
    """
    return {
        p.url: key_of(
            base,
            closures[p.template],
            p.url,
            p.template,
            p.title,
            p.in_sitemap,
            p.report_id,
            [(i, digests.get(i, "")) for i in p.shows],
            p.values,
            marks.get(p.report_id or "", ()),
        )
        for p in pages
    }


# --- the build ---------------------------------------------------------------------------


def build_site(
    content: Path,
    out: Path,
    *,
    templates: Path | None = None,
    base_url: str | None = None,
    include_drafts: bool = False,
    search: bool = True,
    serving: bool = False,
    cache: Store | None = None,
    incremental: bool = True,
    compress: bool = True,
    verify: bool = False,
    progress: Progress = NO_PROGRESS,
) -> BuildResult:
    """Load, render and write the site; the output changes only if every phase succeeds.

    Incremental by default: the output folder's cache (cache.py) lets unchanged reports
    skip loading and unchanged pages skip rendering; its lock keeps two builds from
    writing the same folder at once. ``incremental=False`` trusts nothing the last build
    left (a cold build, still locked). ``verify`` hashes every file already in the output
    instead of trusting its size and time (a file edited by hand is repaired). ``serve``
    passes its own long-lived ``cache``, so loaded reports stay in memory.

    With ``compress`` (the default), every text file over 1 KB also gets ``.gz`` and
    ``.br`` copies beside it (compress.py), written with the pages; a serving build
    (the preview) never writes them. ``progress`` hears of each phase (load, render,
    index, write) as it starts; the CLI draws it on a terminal.
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
            store=cache or Store(out, reuse=incremental),
            compress=compress and not serving,
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
    store: Store,
    compress: bool,
    verify: bool,
    progress: Progress,
) -> BuildResult:
    if search:  # a missing Pagefind is reported before anything is written
        from rectify_site.build.search import require_pagefind

        require_pagefind()
    if not content.is_dir():
        raise UsageError([diag(content, "content.missing")])
    theme = find_theme(content, templates)
    # the theme found beside content/ is protected too
    check_output_dir(out, sources=[content, theme], project=content.resolve().parent)
    store.verify = verify
    with store.locked():
        options = {
            "content": str(content.resolve()),
            "theme": str(theme.resolve()),
            # dates in the feed and the files' times follow it
            "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH"),
            "base_url": base_url,
            "include_drafts": include_drafts,
            "serving": serving,
            "compress": compress,
        }
        store.begin(code_digest(), options, input_files(content, theme))
        notes = store.state.notes
        if store.unchanged() and (not search or notes.get("indexed") is True):
            return _nothing_changed(store)

        # load: unchanged reports come back from the cache, the others are parsed
        from rectify_site.load.collection import load_collection

        progress.phase("load")
        digests = report_digests(content, store.hashes("c:"))
        collection = load_collection(content, store, digests)
        listed = _placeholders(collection, content, drafts_allowed=serving and include_drafts)

        # derive and render: only the pages whose key changed
        progress.phase("render")
        from rectify_site.site.render import (
            compiled_folder,
            render_pages,
            save_compiled,
            template_closures,
        )

        theme_hashes = store.hashes("t:")
        compiled = compiled_folder(store.folder("jinja"), store.code)
        made = _prepare(
            collection, theme, base_url, include_drafts, serving, theme_hashes, compiled
        )
        known = _templates_note(notes.get("templates"))
        names = {p.template for p in made.pages}
        theme_files = {k[2:]: v for k, v in theme_hashes.items()}
        closures = template_closures(made.env, names, theme_files, known)
        top = {k: v for k, v in store.hashes("c:").items() if "/" not in k}  # site.yaml
        base = key_of(store.code, store.options, top, made.site_name, made.assets.names)
        marks = _marks_by_report(listed, content)
        keys = page_keys(made.pages, base, closures, digests, marks)
        todo = [p for p in made.pages if not store.current(keys[p.url])]
        spool = _spool(store, len(todo), serving)
        try:
            files = render_pages(made.env, todo, progress=progress, into=spool)
            for page in todo:
                store.record(keys[page.url], {page.url: files[page.url]})
            if listed:  # serve: a skeleton's drafts, each placeholder marked and listed
                _mark_placeholders(files, todo, listed, content)
            files.update(_data_files(store, base, collection.root, made.reports, digests))
            files.update(made.extras())
            warnings = made.warnings

            # index: the shards whose pages changed; the bundles are written as pages are
            from rectify_site.build import search as find
            from rectify_site.build.output import write_site

            kept = dict(store.kept)
            last = store.written()
            previous = last[0]
            shards: dict[str, str] | None = None
            if search:
                progress.phase("index")
                recorded = _shards_note(notes.get("search"))
                ids = [r.id for r in made.reports]
                more, same, shards = find.search_files(
                    out, files, kept, ids, previous=previous, recorded=recorded
                )
                files.update(more)
                kept.update(same)
            else:  # the last bundles stay, stale, until a build with search
                kept = {**find.kept_bundles(out, previous), **kept}
            if compress:  # the .gz and .br copies go through the same write as their files
                from rectify_site.build.compress import precompressed

                _, same = precompressed(out, files, kept, previous, into=files)
                kept.update(same)

            # write: only the files whose bytes changed; then the cache learns what was made
            progress.phase("write", total=len(files))
            stamps = store.stamps()
            stats = write_site(out, files, keep=kept, stamps=stamps, verify=verify, previous=last)
        finally:
            if spool is not None:
                spool.close()
        save_compiled(made.env)
        warnings = collection.warnings + warnings + listed + stats.warnings(out)
        pages_same = not any(f.endswith(".html") for f in stats.written + stats.removed)
        indexed = search or (pages_same and notes.get("indexed") is True)
        live = set(theme_files.values())
        store.commit(
            {
                "warnings": [_warning_record(w) for w in warnings],
                "reports": len(made.reports),
                "indexed": indexed,
                "search": shards if shards is not None else _shards_note(notes.get("search")),
                "templates": {k: v for k, v in sorted(known.items()) if k in live},
            },
            stats.manifest,
        )
    if spool is not None:  # its bytes are gone with it; the written files are in ``out``
        files = {}
    return BuildResult(collection, files, stats, warnings, kept, len(made.reports))


SPOOL_MIN_PAGES = 20_000
"""From this many pages to render (about 2,000 reports) a build holds its files in a Spool
on disk rather than in memory: 10,000 reports make several GiB of pages and copies."""


def _spool(store: Store, pages: int, serving: bool) -> Spool | None:
    """A Spool in the cache folder for a large build; None (a dict) for any other, and
    for ``serve``, whose snapshot is the build's files in memory."""
    if serving or pages < SPOOL_MIN_PAGES:
        return None
    from rectify_site.build.output import Spool

    folder = store.folder("spool")
    for old in folder.iterdir():  # a killed build's
        shutil.rmtree(old, ignore_errors=True)
    return Spool(Path(tempfile.mkdtemp(dir=folder)))


def _nothing_changed(store: Store) -> BuildResult:
    """The last build of this folder already is this build: what it said, nothing written."""
    notes = store.state.notes
    kept = {rel: v[0] for rel, v in store.state.files.items() if rel != MANIFEST}
    stats = WriteStats(unchanged=sorted(kept))
    warnings = [w for w in map(_warning_from, _list(notes.get("warnings"))) if w is not None]
    reports = notes.get("reports")
    count = reports if isinstance(reports, int) and not isinstance(reports, bool) else 0
    return BuildResult(None, {}, stats, warnings, kept, count)


# --- the steps, shared with check ------------------------------------------------------


@dataclass
class _Made:
    """What rendering needs, derived from a loaded collection."""

    env: Environment
    pages: list[Page]
    reports: list[Report]
    assets: Assets
    site_name: str
    base_url: str | None
    warnings: list[Diagnostic]
    extras: Any
    """() -> the files that are always made again: assets, robots.txt, sitemap, feed."""


def _prepare(
    collection: Collection,
    theme: Path,
    base_url: str | None,
    include_drafts: bool,
    serving: bool,
    theme_digest: Mapping[str, str] | None = None,
    compiled: Path | None = None,
) -> _Made:
    from rectify_site.model.baseurl import valid_base_url
    from rectify_site.site.crawlers import robots, sitemap
    from rectify_site.site.feed import atom_feed
    from rectify_site.site.pages import pages_for, site_name
    from rectify_site.site.render import environment, load_assets

    warnings: list[Diagnostic] = []
    base_url = base_url or collection.site.base_url
    if base_url and not valid_base_url(base_url):
        raise UsageError([diag("--base-url", "base_url.invalid", value=base_url)])
    if not include_drafts:
        for draft in collection.drafts:
            where = collection.root / draft.id / "report.yaml"
            warnings.append(diag(where, "draft.skipped", severity="warning"))
    assets = load_assets(theme)
    name = site_name(collection)
    site = collection.site.model_copy(update={"name": name})
    env = environment(
        theme,
        site=site,
        assets=assets,
        base_url=base_url,
        serving=serving,
        theme_digest=key_of(sorted((theme_digest or {}).items())),
        compiled=compiled,
    )
    pages = pages_for(collection, include_drafts=include_drafts)
    reports = collection.reports + (collection.drafts if include_drafts else [])

    def extras() -> dict[str, bytes]:
        files = dict(assets.files)
        files["robots.txt"] = robots(base_url)
        if base_url:
            files["sitemap.xml"] = sitemap(base_url, [p.url for p in pages if p.in_sitemap])
            feed, feed_warnings = atom_feed(name, base_url, reports, collection.root)
            files["atom.xml"] = feed
            warnings.extend(feed_warnings)
        else:
            where = collection.root / "site.yaml"
            warnings.append(diag(where, "base_url.missing", severity="warning"))
        return files

    return _Made(env, pages, reports, assets, name, base_url, warnings, extras)


def attachment_files(root: Path, reports: list[Report]) -> dict[str, bytes]:
    """Each report's 附件, read from its attachments/ folder, under its published name."""
    return {
        a.url: (root / r.id / "attachments" / a.file).read_bytes()
        for r in reports
        for a in r.attachments
    }


def _data_files(
    store: Store | None,
    base: str,
    root: Path,
    reports: list[Report],
    digests: Mapping[str, str],
) -> dict[str, bytes]:
    """Each report's data files and 附件, and the few about the whole collection; with a
    store, each made again only when its report's files (or any report's) changed."""
    from rectify_site.site.opendata import collection_data_files, report_data_files

    if store is None:
        files = collection_data_files(reports)
        for r in reports:
            files.update(report_data_files(r))
        files.update(attachment_files(root, reports))
        return files
    every = [(r.id, digests.get(r.id, "")) for r in reports]
    files = store.get_or_make(key_of(base, "data", every), lambda: collection_data_files(reports))
    for r in reports:
        own = digests.get(r.id, "")
        files.update(
            store.get_or_make(key_of(base, "data", r.id, own), partial(report_data_files, r))
        )
        if r.attachments:  # copied again when the report's files changed, attachments included
            copy = partial(attachment_files, root, [r])
            files.update(store.get_or_make(key_of(base, "attachments", r.id, own), copy))
    return files


def render_site(
    collection: Collection,
    *,
    theme: Path,
    base_url: str | None = None,
    include_drafts: bool = False,
    serving: bool = False,
    progress: Progress = NO_PROGRESS,
) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """Every output file as bytes, in memory, plus the warnings rendering raised: the
    build's steps without a cache (``check``, the PDF, tests)."""
    from rectify_site.site.render import render_pages

    made = _prepare(collection, theme, base_url, include_drafts, serving)
    files = dict(render_pages(made.env, made.pages, progress=progress))
    files.update(_data_files(None, "", collection.root, made.reports, {}))
    files.update(made.extras())
    return files, made.warnings


def load_site(content: Path) -> Collection:
    """Load and validate every content file; raise ContentError with every problem."""
    from rectify_site.load.collection import load_collection

    return load_collection(content)


# --- notes kept in the cache -------------------------------------------------------------


def _list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else []


def _shards_note(v: Any) -> dict[str, str]:
    if not isinstance(v, dict):
        return {}
    return {k: x for k, x in v.items() if isinstance(k, str) and isinstance(x, str)}


def _templates_note(v: Any) -> dict[str, list[str]]:
    if not isinstance(v, dict):
        return {}
    return {
        k: x
        for k, x in v.items()
        if isinstance(k, str) and isinstance(x, list) and all(isinstance(t, str) for t in x)
    }


def _warning_record(d: Diagnostic) -> dict[str, Any]:
    return {
        "path": d.path,
        "line": d.line,
        "col": d.col,
        "severity": d.severity,
        "field": d.field,
        "key": d.key,
        "params": [[k, list(v) if isinstance(v, tuple) else v] for k, v in d.params],
    }


def _warning_from(rec: Any) -> Diagnostic | None:
    """A saved warning, or None if the record is not one (a cache edited by hand)."""

    def opt_int(v: Any) -> bool:
        return v is None or (isinstance(v, int) and not isinstance(v, bool))

    ok = (
        isinstance(rec, dict)
        and set(rec) == {"path", "line", "col", "severity", "field", "key", "params"}
        and isinstance(rec["path"], str)
        and opt_int(rec["line"])
        and opt_int(rec["col"])
        and rec["severity"] in ("error", "warning")
        and isinstance(rec["field"], str)
        and isinstance(rec["key"], str)
        and isinstance(rec["params"], list)
        and all(
            isinstance(kv, list) and len(kv) == 2 and isinstance(kv[0], str) for kv in rec["params"]
        )
    )
    if not ok:
        return None
    params = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in rec["params"])
    return Diagnostic(
        path=rec["path"],
        line=rec["line"],
        col=rec["col"],
        severity=rec["severity"],
        field=rec["field"],
        key=rec["key"],
        params=params,
    )


def ledger_warnings(collection: Collection, as_of: dt.date) -> list[Diagnostic]:
    """Overdue measures and done ones without a date, in every report's ledger."""
    from rectify_site.model.ledger import StatusRef, deadline_warnings

    out: list[Diagnostic] = []
    for report in collection.reports + collection.drafts:
        if report.ledger is not None:
            statuses = {k: StatusRef(s.label, s.done) for k, s in report.figures.statuses.items()}
            out += deadline_warnings(report.ledger, as_of, statuses)
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

    from rectify_site.check.html import check_html
    from rectify_site.check.links import check_links
    from rectify_site.check.typography import check_typography
    from rectify_site.load.collection import load_collection
    from rectify_site.model.ledger import default_as_of

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
            from rectify_site.check.provenance import trace_findings

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

    from rectify_site.load.placeholders import find_placeholders, report_of

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


def _marks_by_report(listed: list[Diagnostic], root: Path) -> dict[str, tuple[str, ...]]:
    """Report id -> its placeholders, as text: part of its pages' keys in ``serve``."""
    if not listed:
        return {}
    from rectify_site.load.placeholders import report_of

    out: dict[str, list[str]] = {}
    for d in listed:
        out.setdefault(report_of(d.path, root) or "", []).append(d.format("zh"))
    return {k: tuple(v) for k, v in out.items()}


def _mark_placeholders(
    files: MutableMapping[str, bytes], pages: list[Page], listed: list[Diagnostic], root: Path
) -> None:
    from rectify_site.load.placeholders import mark_html, report_of

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
