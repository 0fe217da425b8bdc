"""The whole build, as a short sequence of named stages (stages.py), read top to bottom.

    build_site(content, out)                                            check_site(content)

    preflight  no Pagefind, no content/, a foreign output folder: refused
    begin      hash the inputs; the last build's notes  --nothing changed?--> done
    load       each report: load_report(folder), or the cache's copy            load
    derive     collection_pages, then each report's report_pages(report)        derive
    render     the pages whose key changed (render_pages: whole reports         render
               to a worker); each report's report_files(report); the              |
               collection_files (data index, feed, sitemap, assets)             links, HTML,
    index      the search shards whose pages changed                            typography,
    write      the .gz/.br copies, then only the files whose bytes changed      ledgers;
    finish     compiled templates, the cache and its notes saved                nothing written

Each stage returns what it made (Loaded, Derived, Rendered, Indexed, Written); the
collection-level ones work over one build context (``Build``). ``build`` runs load,
derive and render report by report (stream.py: a worker takes a report through load and
its own pages, the parent holds summaries); ``serve``, ``check`` and ``render_site`` run
them over the whole models in memory, and make the same bytes. Nothing is written until
everything has loaded and rendered, so a failed build leaves the last good site as it
was. Only these stages ask the cache (cache.py), and only from ``_build_site``: each
page's key is made from what the page declares it shows (inputs.page_keys), each data
file's from its report's digest.

Only light modules are imported at the top: ``build`` finds out that nothing changed
(the same inputs, options and output) before it imports pydantic or Jinja.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from rectify_site.build.cache import Cache
from rectify_site.build.stages import (
    Build,
    BuildResult,
    Loaded,
    begin,
    derive,
    finish,
    index,
    load,
    locked,
    nothing_changed,
    preflight,
    render,
    unchanged,
    write,
)
from rectify_site.errors import ContentError, Diagnostic
from rectify_site.progress import NO_PROGRESS, Progress

if TYPE_CHECKING:
    from rectify_site.model.collection import Collection

__all__ = ["BuildResult", "build_site", "check_site", "load_site", "render_site"]


def build_site(
    content: Path,
    out: Path,
    *,
    templates: Path | None = None,
    base_url: str | None = None,
    include_drafts: bool = False,
    search: bool = True,
    serving: bool = False,
    cache: Cache | None = None,
    incremental: bool = True,
    compress: bool = True,
    verify: bool = False,
    progress: Progress = NO_PROGRESS,
) -> BuildResult:
    """Load, render and write the site; the output changes only if every stage succeeds.

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
    build = Build(
        content,
        out,
        templates=templates,
        base_url=base_url,
        include_drafts=include_drafts,
        search=search,
        serving=serving,
        compress=compress and not serving,
        incremental=incremental,
        verify=verify,
        cache=cache or Cache(out),
        progress=progress,
    )
    try:
        return _build_site(build)
    finally:
        progress.close()


def _build_site(build: Build) -> BuildResult:
    """The stages in order, the output folder locked from the first read to the last write."""
    preflight(build)
    with locked(build):
        last = begin(build)
        if unchanged(build, last):
            return nothing_changed(build, last)
        if build.serving:  # serve's long-lived cache holds the models: in this process
            derived = derive(build, load(build))
            rendered = render(build, derived, last)
        else:  # report by report, the parent holding summaries (stream.py)
            from rectify_site.build.stream import load_and_render

            derived, rendered = load_and_render(build, last)
        with rendered.outputs:  # a spool goes, with its files, once they are written
            indexed = index(build, derived, rendered, last)
            written = write(build, rendered, indexed)
        return finish(build, derived, rendered, indexed, written, last)


def render_site(
    collection: Collection,
    *,
    theme: Path,
    base_url: str | None = None,
    include_drafts: bool = False,
    serving: bool = False,
    progress: Progress = NO_PROGRESS,
) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """Every output file as bytes, in memory, plus the warnings rendering raised: derive
    and render without a cache (the PDF, tests)."""
    from rectify_site.build.notes import Notes

    build = Build(
        collection.root,
        templates=theme,
        base_url=base_url,
        include_drafts=include_drafts,
        serving=serving,
        progress=progress,
    )
    derived = derive(build, Loaded(collection, [], {}))
    rendered = render(build, derived, Notes())
    return dict(rendered.outputs), derived.warnings + rendered.warnings


def load_site(content: Path) -> Collection:
    """Load and validate every content file; raise ContentError with every problem."""
    from rectify_site.load.collection import load_collection

    return load_collection(content)


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
    strict: bool = False,
    base_url: str | None = None,
    progress: Progress = NO_PROGRESS,
) -> list[Diagnostic]:
    """Everything ``build`` does except writing (load, derive and render, without a
    cache), then checks of what it would publish.

    Raises ContentError when the content does not load, with every other finding: the
    reports that did load are still rendered and checked. Otherwise returns every finding:
    loading warnings, broken links and anchors, loads from other hosts, typography,
    numbers with a counting unit in prose that are no figure nor marked as text, and
    (with ``html``) the Nu HTML Checker's errors. Drafts are checked too. With
    ``trace`` (``--format github`` and ``json``), a finding on a generated page names the
    content that produced it where that is known, and the page in its message
    (provenance.py). Every ledger's measures past their deadline on ``as_of`` (default:
    SOURCE_DATE_EPOCH's day, else today) and not done are warnings, as are done measures
    without a 完成日期.

    A draft's placeholders are warnings, a published report's errors; with ``strict``
    both are errors, and a missing base URL (a hint to ``build``) is a warning;
    ``base_url`` is ``build --base-url``'s, which comes before site.yaml's.
    """
    from urllib.parse import urlsplit

    from rectify_site.build.notes import Notes
    from rectify_site.check.html import check_html
    from rectify_site.check.links import check_links
    from rectify_site.check.numbers import check_numbers
    from rectify_site.check.typography import check_typography
    from rectify_site.model.ledger import default_as_of

    build = Build(
        content,
        templates=templates,
        base_url=base_url,
        include_drafts=True,
        checking=True,
        progress=progress,
    )
    try:
        from rectify_site.build.inputs import input_files

        input_files(content, build.theme)  # every input a regular file inside its folder
        try:
            # an error in one report hides no finding of another: the reports that load
            # are rendered and checked, and every error is reported together at the end
            loaded = load(build)
        except ContentError as exc:  # nothing loaded: still every file's typography
            typography = check_typography(_content_files(content), root=content)
            raise ContentError([*exc.diagnostics, *typography]) from None
        collection = loaded.collection
        placeholders = loaded.placeholders
        if strict:
            placeholders = [dataclasses.replace(d, severity="error") for d in placeholders]
        found = [*collection.warnings, *placeholders]
        content_errors = any(d.severity == "error" for d in found)
        try:
            derived = derive(build, loaded)
            rendered = render(build, derived, Notes())
        except ContentError as exc:
            raise ContentError([*found, *exc.diagnostics]) from None
        files = dict(rendered.outputs)
        progress.phase("check")
        # a site without a base URL is fine to check (the build says what it leaves out),
        # but not to publish: a warning under --strict
        warnings = derived.warnings + rendered.warnings
        found += [w for w in warnings if strict or w.key != "base_url.missing"]
        base = derived.base_url
        root_path = urlsplit(base).path.rstrip("/") + "/" if base else "/"
        found += check_links(files, root_path=root_path)
        found += check_typography(collection.files)
        found += check_numbers(collection.files)
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
