"""The editors' preview behind ``rectify-site serve``: rebuilt on every save, reloaded by itself.

    content/, templates/ --watchfiles--> incremental build into _serve/ (drafts shown)
                                               |
                           a complete snapshot in memory, swapped in one assignment
                                               |
                          server.py answers requests from it (HTTP, reload events)

Apart from the HTTP side so that building, snapshots and the pages as the preview shows
them need no socket; server.py imports this module, never the reverse.

A new snapshot is published in one assignment, so a request during a rebuild never sees
half a site. When content does not validate, the snapshot carries the list of errors
(file, line, field, message), shown in place of every page until the next good build;
that page is preview_error.html, a template of its own and not the theme's, so that a
broken theme cannot break it. The reload script is added to HTML responses only, never
written into any folder, and is a separate file so that a ``script-src 'self'`` policy
lets it run. The search index (Pagefind) is refreshed in the background after the pages
are live, so it never delays a reload.
"""

from __future__ import annotations

import contextlib
import functools
import re
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import jinja2

from rectify_site.build.cache import Cache
from rectify_site.errors import Diagnostic, SiteError, diag

PREFIX = "/__rectify__/"
RELOAD_JS = PREFIX + "reload.js"
EVENTS = PREFIX + "events"
ERROR_CSS_PATH = PREFIX + "error.css"
ERROR_CSS = (
    b"body{font:18px/1.7 system-ui,sans-serif;margin:2rem auto;max-width:60rem;"
    b"padding:0 1rem;color:#1f2328}h1{color:#a40e26;font-size:1.5rem}li{margin:.6rem 0}"
    b"code{background:#f6f8fa;padding:.1rem .3rem;word-break:break-all}"
    b".sev{color:#a40e26;font-weight:700}\n"
)
"""The error page's style, a file of its own: ``style-src 'self'`` refuses inline styles."""

RELOAD_SCRIPT = b"""// rectify-site serve: reload after each rebuild; never in a built site.
(() => {
  const me = document.currentScript;
  const shown = me ? me.dataset.generation : null;
  const events = new EventSource("/__rectify__/events");
  events.onmessage = (e) => {
    if (shown !== null && e.data !== shown) {
      events.close();
      location.reload();
    }
  };
})();
"""


@dataclass(frozen=True)
class Snapshot:
    """One complete state of the preview: what every request sees until the next build."""

    generation: int = 0
    files: dict[str, bytes] = field(default_factory=dict)
    errors: tuple[Diagnostic, ...] = ()


class Preview:
    """Builds the site into its folder and keeps the last complete snapshot for the server."""

    def __init__(
        self,
        content: Path,
        out: Path,
        *,
        templates: Path | None = None,
        search: bool = True,
        lang: str = "zh",
        log: Callable[[str], None] = print,
    ) -> None:
        self.content = content
        self.out = out
        self.templates = templates
        self.lang = lang
        self.log = log
        self._cache = Cache(out)
        """The session's cache: its loaded reports stay in memory between builds."""
        self.snapshot = Snapshot()
        self.changed = threading.Condition()
        self.stopping = threading.Event()
        self.watching = threading.Event()
        self._build_lock = threading.Lock()
        self._search = search and _search_available()
        self._index_wanted = threading.Event()

    # -- building --

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        """Hold the output folder for the whole session: no other build writes _serve/."""
        with self._cache.locked():
            yield

    def build(self, *, search: bool = False) -> None:
        """Build once; publish the new snapshot (or the errors) and wake the open pages.

        The same path as ``rectify-site build`` (pipeline.build_site), with this
        session's cache, so unchanged reports stay loaded in memory. The snapshot is made
        from the build's result alone: the files it made, and for those it kept, the
        bytes of the last snapshot; so until a build has filled it (the session's first,
        or the first that succeeds) nothing on disk is trusted and every file is made.
        With ``search`` (the index loop, after the pages are live) the shards whose pages
        changed are indexed again, as ``build`` does.
        """
        with self._build_lock:
            start = time.perf_counter()
            old = self.snapshot
            try:
                from rectify_site.build.pipeline import build_site

                result = build_site(
                    self.content,
                    self.out,
                    templates=self.templates,
                    include_drafts=True,
                    serving=True,
                    search=search,
                    cache=self._cache,
                    incremental=bool(old.files),  # kept files are served from the snapshot
                )
            except SiteError as exc:
                self._publish(old.files, tuple(exc.diagnostics), bump=True)
                for d in exc.diagnostics:
                    self.log(d.format(self.lang))
                return
            except Exception as exc:  # a bug, not the editor's mistake: keep serving
                self.log(traceback.format_exc())
                problem = f"{type(exc).__name__}: {exc}"
                bug = diag(self.content, "serve.internal", problem=problem)
                self._publish(old.files, (bug,), bump=True)
                return
            made = result.outputs
            files = {
                rel: made[rel] if rel in made else old.files[rel]
                for rel in sorted(set(made) | set(result.kept))
                if rel in made or rel in old.files
            }
            files.update(self._reviews())
            stats = result.stats
            touched = (stats.written + stats.removed) if stats else []
            pages = [f for f in touched if not f.startswith("pagefind/")]
            self._publish(files, (), bump=bool(pages) or bool(old.errors) or not old.files)
            if search:
                return
            for d in result.warnings:
                if d.key not in ("base_url.missing",):
                    self.log(d.format(self.lang))
            took = time.perf_counter() - start
            n = len(touched)
            if self.lang == "en":
                self.log(f"rebuilt in {took:.2f} s: {n} file(s) written")
            else:
                self.log(f"已重新构建（{took:.2f} 秒）：写入 {n} 个文件")
            if self._search and (any(f.endswith(".html") for f in touched) or not old.files):
                self._index_wanted.set()

    def _reviews(self) -> dict[str, bytes]:
        """The import review pages of the drafts with a review copy (review.py): made in
        memory after each build, so they follow every edit; never written anywhere."""
        from rectify_site.serve.review import pages

        try:
            return pages(self.content)
        except Exception:  # a bug in the review page must not stop the preview
            self.log(traceback.format_exc())
            return {}

    def _publish(self, files: dict[str, bytes], errors: tuple[Diagnostic, ...], bump: bool) -> None:
        gen = self.snapshot.generation + (1 if bump else 0)
        with self.changed:
            self.snapshot = Snapshot(gen, files, errors)  # one assignment: requests see either
            self.changed.notify_all()

    def _index_loop(self) -> None:
        """Index the shards whose pages changed once the pages are live, one run at a time,
        coalescing saves that come while it runs."""
        while not self.stopping.is_set():
            if not self._index_wanted.wait(timeout=0.5):
                continue
            self._index_wanted.clear()
            self.build(search=True)

    def watch(self) -> None:
        """Rebuild whenever a file under content/ or the theme changes, until stopped."""
        import watchfiles

        roots = [self.content]
        theme = self._theme()
        if theme is not None:
            roots.append(theme)
        for changes in watchfiles.watch(
            *roots,
            stop_event=self.stopping,
            step=30,
            rust_timeout=300,
            yield_on_timeout=True,  # the first (empty) yield says the watches are in place
            raise_interrupt=False,
        ):
            if self.stopping.is_set():
                return
            if not self.watching.is_set():
                self.watching.set()
                self.build()  # catch up with edits made before the watches were in place
            elif changes:
                self.build()

    def _theme(self) -> Path | None:
        from rectify_site.site.themes import find_theme

        try:
            return find_theme(self.content, self.templates)
        except SiteError:
            return self.templates

    def start_background(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self.watch, name="watch", daemon=True)]
        if self._search:
            threads.append(threading.Thread(target=self._index_loop, name="index", daemon=True))
        for t in threads:
            t.start()
        return threads

    def stop(self) -> None:
        self.stopping.set()
        with self.changed:
            self.changed.notify_all()


def _search_available() -> bool:
    from rectify_site.build.search import available

    return available()


def inject_reload(page: bytes, generation: int) -> bytes:
    """Add the reload script before ``</body>``, and let a CSP allow it and its events."""
    text = page.decode("utf-8", errors="replace")
    text = _CSP.sub(lambda m: m.group(1) + _allow_self(m.group(2)) + m.group(3), text, count=1)
    tag = f'<script src="{RELOAD_JS}" data-generation="{generation}"></script>\n'
    at = text.lower().rfind("</body>")
    text = text[:at] + tag + text[at:] if at >= 0 else text + tag
    return text.encode("utf-8")


_CSP = re.compile(
    r'(<meta\s+http-equiv=["\']Content-Security-Policy["\']\s+content=")([^"]*)(")', re.I
)


def _allow_self(policy: str) -> str:
    """Make sure scripts and connections from this origin are allowed (serve only)."""
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    names = [d.split()[0].lower() for d in directives]
    for want in ("script-src", "connect-src"):
        if want in names:
            i = names.index(want)
            if "'self'" not in directives[i].split() and "*" not in directives[i].split():
                directives[i] += " 'self'"
        elif "default-src" in names:
            d = directives[names.index("default-src")]
            if "'self'" not in d.split():
                directives.append(f"{want} 'self'")
    return "; ".join(directives)


def error_page(errors: tuple[Diagnostic, ...], generation: int, lang: str) -> bytes:
    """The errors in place of the page, with the reload script: fixing them brings it back."""
    body = _error_template().render(errors=errors, lang=lang, css=ERROR_CSS_PATH)
    return inject_reload(body.encode("utf-8"), generation)


@functools.cache
def _error_template() -> jinja2.Template:
    """preview_error.html, compiled once per process in an environment of its own: not the
    site's theme (a broken theme must not break the page that reports it), autoescape on."""
    env = jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        keep_trailing_newline=True,
    )
    source = resources.files(__package__).joinpath("preview_error.html").read_text("utf-8")
    return env.from_string(source)
