"""Rendering: the Jinja environment of the theme, and pages and assets into bytes.

Templates get StrictUndefined (a typo in a template is an error, not a blank) and
autoescape (content never becomes markup except through the ``md`` filter, whose
Markdown parser has raw HTML off).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import posixpath
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    pass_context,
    select_autoescape,
)
from jinja2.bccache import Bucket
from jinja2.runtime import Context
from markupsafe import Markup

from rectify_site.errors import ContentError, Diagnostic, diag
from rectify_site.model.markdown import plain_text, render_inline
from rectify_site.model.numbering import zh_date, zh_numeral
from rectify_site.progress import NO_PROGRESS, Progress
from rectify_site.site.linebreaks import unbroken_tail
from rectify_site.site.pages import Page
from rectify_site.site.themes import theme_folders
from rectify_site.site.urls import path_for
from rectify_site.workers import can_fork, jobs_for, pool

STATIC_DIR = "static"
FINGERPRINTED = ("style.css", "site.js", "toolbar.js", "search.js")
"""Assets renamed by content hash so hosts can cache them for a year."""


@dataclass
class Assets:
    """Static files of the theme, with fingerprinted names where caching allows."""

    files: dict[str, bytes]
    names: dict[str, str]
    """Logical name (style.css) -> output path (assets/style.1a2b3c4d.css)."""


def load_assets(theme: Path) -> Assets:
    """The static files of ``theme`` over the packaged theme's: a site's own file wins."""
    found: dict[str, Path] = {}
    for folder in reversed(theme_folders(theme)):
        static = folder / STATIC_DIR
        if static.is_dir():
            for path in sorted(static.rglob("*")):
                if path.is_file():
                    found[path.relative_to(static).as_posix()] = path
    files: dict[str, bytes] = {}
    names: dict[str, str] = {}
    for rel, path in sorted(found.items()):
        data = path.read_bytes()
        if rel in FINGERPRINTED:
            stem, ext = posixpath.splitext(rel)
            out = f"assets/{stem}.{hashlib.sha256(data).hexdigest()[:10]}{ext}"
        else:
            out = rel
        files[out] = data
        names[rel] = out
    return Assets(files, names)


def theme_roots(theme: Path) -> set[str]:
    """The names the theme's static files take at the top of the site (``assets`` for
    the fingerprinted ones, a file's or a folder's own name for the others), listed
    without reading a file."""
    names: set[str] = set()
    for folder in theme_folders(theme):
        static = folder / STATIC_DIR
        if static.is_dir():
            names.update("assets" if p.name in FINGERPRINTED else p.name for p in static.iterdir())
    return names


def relative(from_url: str, to_url: str) -> str:
    """A link from one site path to another that works under any subpath and from disk."""
    return _link(posixpath.dirname(from_url), to_url)


@functools.lru_cache(maxsize=1 << 16)
def _link(folder: str, to_url: str) -> str:
    """``relative`` from a page folder: made once per folder and target, since a report's
    pages link to the same few places (its overview, the assets, the search page)."""
    frag = ""
    if "#" in to_url:
        to_url, frag = to_url.split("#", 1)
        frag = "#" + frag
    if not to_url:
        return frag
    return _relpath(to_url, folder) + frag


def _relpath(to: str, start: str) -> str:
    """posixpath.relpath for clean site paths, without its os.getcwd() per call.

    Templates make tens of links per page; relpath's abspath calls were the largest
    single cost of rendering a large collection.
    """
    t = to.split("/")
    s = start.split("/") if start else []
    if "" in t or "." in t or ".." in t or "" in s or "." in s or ".." in s:
        return posixpath.relpath(to, start or ".")
    i = 0
    while i < len(t) and i < len(s) and t[i] == s[i]:
        i += 1
    return "/".join([".."] * (len(s) - i) + t[i:]) or "."


def _fmt(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def tel_uri(phone: str) -> str:
    """021-33134800-11393 -> tel:02133134800,11393 (a phone dials the extension after a pause)."""
    parts = [p for p in phone.replace(" ", "").split("-") if p]
    if len(parts) >= 3:
        return f"tel:{parts[0]}{parts[1]},{','.join(parts[2:])}"
    return "tel:" + "".join(parts)


_STOPS = frozenset("。！？；：…")


def run_in_stop(heading: str) -> str:
    """What ends a run-in heading: 。 unless it ends with a stop of its own (？ ！ …)."""
    return "" if heading.rstrip()[-1:] in _STOPS else "。"


def filesize(size: int) -> str:
    """1536 -> 1.5 KB: an attachment's size as a reader reads it."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def percent(part: int, whole: int) -> str:
    """48 of 57 -> '84.2': one decimal, for charts and their text equivalents."""
    return f"{(100 * part / whole):.1f}" if whole else "0.0"


def make_env(
    theme: Path, *, site: Any, assets: Assets, base_url: str | None, serving: bool = False
) -> Environment:
    """The theme's Jinja environment with the helpers templates use."""
    env = Environment(
        # the site's own folder first, then the packaged theme: override one file at a time
        loader=FileSystemLoader([str(p) for p in theme_folders(theme)]),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )

    root = urlsplit(base_url).path.rstrip("/") + "/" if base_url else "/"

    @pass_context
    def url(ctx: Context, target: str) -> str:
        # The 404 page is served at any depth, so its links start from the site root.
        if ctx.get("root_links"):
            return root + target
        return relative(ctx["page"].url, target)

    @pass_context
    def url_for(ctx: Context, target: Any, *args: Any) -> str:
        return url(ctx, path_for(target, *args))

    @pass_context
    def asset(ctx: Context, name: str) -> str:
        return url(ctx, assets.names[name])

    def md(text: str | None) -> Markup:
        return Markup(render_inline(text)) if text else Markup("")

    from rectify_site.site.shards import shard_of

    env.globals.update(
        search_shard=shard_of,
        url=url,
        url_for=url_for,
        asset=asset,
        site=site,
        base_url=base_url,
        serving=serving,
        percent=percent,
    )
    env.filters.update(
        md=md,
        plain=plain_text,
        zh=zh_numeral,
        date=zh_date,
        num=_fmt,
        tel=tel_uri,
        stop=run_in_stop,
        filesize=filesize,
        unbroken_tail=unbroken_tail,
    )
    return env


_LAST_ENV: tuple[str, Environment] | None = None
"""The environment made last in this process, with the key it was made for (serve)."""


def environment(
    theme: Path,
    *,
    site: Any,
    assets: Assets,
    base_url: str | None,
    serving: bool,
    theme_digest: str,
    compiled: Path | None = None,
) -> Environment:
    """make_env's environment, reused while theme, site and options stay the same.

    ``serve`` rebuilds in one process: the last environment, with its compiled templates,
    serves again when nothing it was made from changed (``theme_digest`` stands for the
    theme's files, since templates are not reloaded once compiled). With ``compiled``,
    templates compiled by an earlier process are read from that folder (see
    ``compiled_templates``); new ones are saved there by ``save_compiled``.
    """
    global _LAST_ENV
    key = json.dumps(
        [str(theme), theme_digest, repr(site), assets.names, base_url, serving, str(compiled)],
        sort_keys=True,
    )
    if _LAST_ENV is not None and _LAST_ENV[0] == key:
        return _LAST_ENV[1]
    env = make_env(theme, site=site, assets=assets, base_url=base_url, serving=serving)
    if compiled is not None:
        env.bytecode_cache = _DeferredBytecode(compiled)
    _LAST_ENV = (key, env)
    return env


def compiled_folder(cache: Path, code: str) -> Path:
    """``cache/<code>``: compiled templates of this code version; others' are removed.

    Jinja keys compiled templates by name and source checksum and checks the Python
    version; our Environment's options come with the code, hence a folder per version.
    """
    folder = cache / code[:16]
    if not folder.is_dir() or folder.is_symlink():
        for old in cache.glob("*"):  # compiled by another version of the code
            if old.is_dir() and not old.is_symlink():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink()
        folder.mkdir(parents=True, exist_ok=True)
    return folder


class _DeferredBytecode(BytecodeCache):
    """Reads compiled templates from a folder; writes new ones only on ``flush``, once
    the site is written, never before."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pending: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            with open(self.folder / f"{bucket.key}.cache", "rb") as fh:
                bucket.load_bytecode(fh)
        except Exception:  # missing or garbage: compile the template again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        buf = io.BytesIO()
        bucket.write_bytecode(buf)
        self.pending[bucket.key] = buf.getvalue()

    def flush(self) -> None:
        for key, data in sorted(self.pending.items()):
            with contextlib.suppress(OSError):  # a cache: losing it only costs time
                path = self.folder / f"{key}.cache"
                fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=self.folder)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, path)
        self.pending.clear()


def save_compiled(env: Environment) -> None:
    """Save the templates this process compiled, for the next build (see ``environment``)."""
    if isinstance(env.bytecode_cache, _DeferredBytecode):
        env.bytecode_cache.flush()


_REFERENCE = re.compile(r"""\{%[-+]?\s*(?:extends|include|import|from)\s+(?:(["'])([^"'\n]+)\1)?""")
"""A tag naming another template: its literal name, or none where the name is computed.
A plain scan, not Jinja's parser: a tag inside a comment only adds a dependency."""


def template_closures(
    env: Environment,
    names: Iterable[str],
    theme: Mapping[str, str],
    known: dict[str, list[str]],
) -> dict[str, str]:
    """Template -> digest of it and everything it extends, includes or imports.

    ``theme`` maps each template's name to the hash of its file; ``known`` (template
    hash -> the templates it names) is kept between builds, so that a template is parsed
    only when it changed, and is updated here.
    """
    refs: dict[str, list[str]] = {}

    def deps(name: str) -> list[str]:
        if name not in refs:
            digest = theme.get(name, "")
            found = known.get(digest)
            if found is None:
                try:
                    source = env.loader.get_source(env, name)[0] if env.loader else ""
                except TemplateError:  # rendering reports it, with file and line
                    source = "{% include any %}"
                named = [m.group(2) for m in _REFERENCE.finditer(source)]
                # a name computed at render time (a variable, a list) could be any template
                found = sorted(theme) if None in named else sorted(set(named))
                known[digest] = found
            refs[name] = found
        return refs[name]

    out: dict[str, str] = {}
    for name in sorted(set(names)):
        seen: set[str] = set()
        stack = [name]
        while stack:
            t = stack.pop()
            if t not in seen:
                seen.add(t)
                stack.extend(deps(t))
        parts = json.dumps(sorted((t, theme.get(t, "")) for t in seen))
        out[name] = hashlib.sha256(parts.encode()).hexdigest()
    return out


PARALLEL_MIN_PAGES = 600
"""Below this many pages one process is faster: starting workers costs ~0.1 s."""

_WORK: tuple[Environment, list[Page]] | None = None
"""What forked workers render: set just before the pool starts, inherited, never pickled."""


def render_jobs(pages: int) -> int:
    """How many processes to render ``pages`` with (see ``workers.jobs_for``)."""
    return jobs_for(pages, PARALLEL_MIN_PAGES)


def render_page(env: Environment, page: Page) -> bytes:
    """One page as UTF-8; a template's error as a ContentError naming its file and line."""
    try:
        template = env.get_template(page.template)
        html = template.render(page=page, **page.context)
    except TemplateError as exc:
        name = getattr(exc, "filename", None) or page.template
        line = getattr(exc, "lineno", None)
        problem = str(exc)
        raise ContentError([diag(name, "template.error", line=line, problem=problem)]) from None
    return html.encode("utf-8")


def _render_chunk(bounds: tuple[int, int]) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """In a worker: render pages[start:stop]; errors come back as data, not exceptions."""
    assert _WORK is not None
    env, pages = _WORK
    out: dict[str, bytes] = {}
    try:
        for page in pages[bounds[0] : bounds[1]]:
            out[page.url] = render_page(env, page)
    except ContentError as exc:
        return {}, list(exc.diagnostics)
    return out, []


def _chunks(pages: list[Page], jobs: int) -> list[tuple[int, int]]:
    """Contiguous runs of about len/(4*jobs) pages, cut between reports where possible.

    A report's pages share its prose, so keeping them together keeps the Markdown cache
    warm in one worker; several chunks per worker even out reports of different sizes.
    """
    target = max(1, len(pages) // (jobs * 4))
    bounds: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(pages) + 1):
        if i == len(pages) or (
            i - start >= target and pages[i].report_id != pages[i - 1].report_id
        ):
            bounds.append((start, i))
            start = i
    return bounds


def render_pages(
    env: Environment,
    pages: Iterable[Page],
    *,
    jobs: int | None = None,
    progress: Progress = NO_PROGRESS,
    into: MutableMapping[str, bytes] | None = None,
) -> MutableMapping[str, bytes]:
    """Render every page; nothing is written to the site until all have rendered.

    The pages go into ``into`` (a build's outputs, spooled for a collection too large to
    hold in memory) or else a new dict. Large sites render in forked worker processes
    (see ``render_jobs``), whole reports to a chunk; the result is the same bytes as
    rendering in this process.
    """
    global _WORK
    pages = list(pages)
    out: MutableMapping[str, bytes] = {} if into is None else into
    progress.phase("render", total=len(pages))
    jobs = render_jobs(len(pages)) if jobs is None else jobs
    if jobs <= 1 or not can_fork():
        for page in pages:
            out[page.url] = render_page(env, page)
            progress.advance()
        return out
    for name in {p.template for p in pages}:
        env.get_template(name)  # compiled once, here, then inherited by every worker
    _WORK = (env, pages)
    results: MutableMapping[str, bytes] = {} if into is None else into
    try:
        with pool(jobs) as workers:
            for part, problems in workers.imap_unordered(_render_chunk, _chunks(pages, jobs)):
                if problems:
                    raise ContentError(problems)
                results.update(part)
                progress.advance(len(part))
    finally:
        _WORK = None
    if into is not None:
        return into
    return {page.url: results[page.url] for page in pages}  # in order, as in one process
