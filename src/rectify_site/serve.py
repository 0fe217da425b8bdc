"""``rectify-site serve``: the editors' preview, rebuilt on every save and reloaded by itself.

    content/, templates/ --watchfiles--> incremental build into _serve/ (drafts shown)
                                               |
                           a complete snapshot in memory, swapped in one assignment
                                               |
    browser <-- http (loopback) --  pages, with /__rectify__/reload.js added on the way out
            <-- Server-Sent Events: "generation N" after every build -> the page reloads

Safe on a shared machine: it answers only requests whose ``Host`` names this machine
(localhost, its loopback addresses, the address it listens on, names given with
``--allow-host``), so a page on another site cannot read the drafts through DNS
rebinding; redirects go only to a path of the same origin and no header value carries a
line break; a client idle or slow for SOCKET_TIMEOUT_S is dropped, and one that hangs up
is one line in the log.

Requests are answered from the last complete snapshot, so a request during a rebuild
never sees half a site. When content does not validate, every page is replaced by the
list of errors (file, line, field, message) until the next good build; the server stays
up. The reload script is added to HTML responses only, never written into any folder,
and is a separate file so that a ``script-src 'self'`` policy lets it run. The search
index (Pagefind) is refreshed in the background after the pages are live, so it never
delays a reload.
"""

from __future__ import annotations

import errno
import html
import importlib.util
import ipaddress
import mimetypes
import posixpath
import re
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from .cache import Store
from .errors import Diagnostic, SiteError, UsageError, diag

PREFIX = "/__rectify__/"
RELOAD_JS = PREFIX + "reload.js"
EVENTS = PREFIX + "events"
KEEPALIVE_S = 15.0
"""A comment line this often keeps proxies and the browser from closing the event stream."""
SOCKET_TIMEOUT_S = 10.0
"""A connection that sends nothing (or writes nothing can be sent to) for this long is closed:
idle and slow clients cannot hold the server's threads."""
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})

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

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".wasm": "application/wasm",
}


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
        self.cache = Store(out)
        self.snapshot = Snapshot()
        self.changed = threading.Condition()
        self.stopping = threading.Event()
        self.watching = threading.Event()
        self._build_lock = threading.Lock()
        self._search = search and _search_available()
        self._index_wanted = threading.Event()

    # -- building --

    def build(self) -> None:
        """Build once; publish the new snapshot (or the errors) and wake the open pages."""
        with self._build_lock:
            start = time.perf_counter()
            old = self.snapshot
            try:
                from .pipeline import build_site

                result = build_site(
                    self.content,
                    self.out,
                    templates=self.templates,
                    include_drafts=True,
                    serving=True,
                    search=False,
                    cache=self.cache,
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
            files: dict[str, bytes] = {}
            for rel in sorted(set(result.files) | set(result.kept)):
                if rel in result.files:
                    files[rel] = result.files[rel]
                elif rel in old.files:
                    files[rel] = old.files[rel]
                else:  # left by an earlier session: the manifest vouches for it
                    files[rel] = (self.out / rel).read_bytes()
            stats = result.stats
            changed = bool(stats and (stats.written or stats.removed)) or bool(old.errors)
            self._publish(files, (), bump=changed or not old.files)
            for d in result.warnings:
                if d.key not in ("base_url.missing",):
                    self.log(d.format(self.lang))
            took = time.perf_counter() - start
            n = len(stats.written) if stats else 0
            if self.lang == "en":
                self.log(f"rebuilt in {took:.2f} s: {n} file(s) written")
            else:
                self.log(f"已重新构建（{took:.2f} 秒）：写入 {n} 个文件")
            if self._search and (
                (stats and any(f.endswith(".html") for f in stats.written + stats.removed))
                or not (self.out / "pagefind").is_dir()
            ):
                self._index_wanted.set()

    def _publish(self, files: dict[str, bytes], errors: tuple[Diagnostic, ...], bump: bool) -> None:
        gen = self.snapshot.generation + (1 if bump else 0)
        with self.changed:
            self.snapshot = Snapshot(gen, files, errors)  # one assignment: requests see either
            self.changed.notify_all()

    def _index_loop(self) -> None:
        """Refresh the search index after pages are live, one run at a time, coalescing."""
        from .search import index_site

        while not self.stopping.is_set():
            if not self._index_wanted.wait(timeout=0.5):
                continue
            self._index_wanted.clear()
            try:
                index_site(self.out)
            except SiteError as exc:
                for d in exc.diagnostics:
                    self.log(d.format(self.lang))

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
        from .themes import find_theme

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
    from .search import available

    return available()


# --- HTTP ------------------------------------------------------------------------------


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
    en = lang == "en"
    title = "The content has errors" if en else "内容有误，页面暂不能显示"
    hint = (
        "Fix these and save: this page reloads by itself."
        if en
        else "请改正以下问题并保存，本页会自动刷新。"
    )
    items = []
    for d in errors:
        fld = f" <strong>{html.escape(d.field)}</strong>:" if d.field else ""
        items.append(
            f'<li><code class="where">{html.escape(d.location())}</code> '
            f'<span class="sev">{d.severity}</span>{fld} {html.escape(d.message(lang))}</li>'
        )
    body = (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title} - rectify-site serve</title>\n"
        '<link rel="icon" href="data:,">\n'
        "<style>body{font:18px/1.7 system-ui,sans-serif;margin:2rem auto;max-width:60rem;"
        "padding:0 1rem;color:#1f2328}h1{color:#a40e26;font-size:1.5rem}"
        "li{margin:.6rem 0}code{background:#f6f8fa;padding:.1rem .3rem;word-break:break-all}"
        ".sev{color:#a40e26;font-weight:700}</style>\n</head>\n<body>\n<main>\n"
        f'<h1>{title}</h1>\n<p>{hint}</p>\n<ol class="errors">\n'
        + "\n".join(items)
        + "\n</ol>\n</main>\n</body>\n</html>\n"
    )
    return inject_reload(body.encode("utf-8"), generation)


def _content_type(rel: str) -> str:
    ext = posixpath.splitext(rel)[1].lower()
    return TYPES.get(ext) or mimetypes.guess_type(rel)[0] or "application/octet-stream"


def host_names(host: str, port: int, allow: list[str] | tuple[str, ...] = ()) -> frozenset[str]:
    """The names a request's ``Host`` may give: loopback, the listen address, ``allow``;
    and for a wildcard address (0.0.0.0, ::) the machine's own names and addresses."""
    names = set(LOOPBACK_NAMES) | {host.lower().strip("[]")} | {a.lower() for a in allow}
    if host in ("", "0.0.0.0", "::"):
        names |= _own_names()
    return frozenset(n for n in names if n)


def _own_names() -> set[str]:
    """This machine's host names and the addresses they and its default route have."""
    names = {socket.gethostname().lower(), socket.getfqdn().lower()}
    for name in list(names):
        try:
            for info in socket.getaddrinfo(name, None):
                names.add(str(info[4][0]).lower().split("%")[0])
        except OSError:
            continue
    for family, probe in ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1")):
        try:  # the address a connection out would come from; nothing is sent
            with socket.socket(family, socket.SOCK_DGRAM) as s:
                s.connect((probe, 9))
                names.add(str(s.getsockname()[0]).lower())
        except OSError:
            continue
    return names


def host_allowed(header: str | None, names: frozenset[str], port: int) -> bool:
    """Whether a ``Host`` header names this server: a known name, and its port if any."""
    if not header:
        return False
    header = header.strip().lower()
    if header.startswith("["):  # [::1]:8000
        end = header.find("]")
        if end < 0:
            return False
        name, rest = header[1:end], header[end + 1 :]
        if rest and not rest.startswith(":"):
            return False
        given = rest[1:] if rest else None
    else:
        name, _, given = header.partition(":")
        given = given if ":" in header else None
    name = name.rstrip(".")
    if given is not None and (not given.isdigit() or int(given) != port):
        return False
    return name in names


def _same_origin(rel: str) -> str:
    """The Location for a folder ``rel``: an absolute path on this origin, percent-encoded,
    so it can neither carry a line break nor be read as another host (``//``, ``/\\``)."""
    return "/" + quote(rel.lstrip("/\\"), safe="/-._~!$&'()*+,;=:@") + "/"


class _Handler(BaseHTTPRequestHandler):
    preview: Preview  # set on the subclass made by make_server
    names: frozenset[str] = LOOPBACK_NAMES
    port: int = 0
    timeout = SOCKET_TIMEOUT_S  # StreamRequestHandler puts it on the connection
    server_version = "rectify-site-serve"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal is for build results and content errors

    def send_header(self, keyword: str, value: str) -> None:
        """No header value ever carries a line break (response splitting)."""
        value = str(value)
        if "\r" in value or "\n" in value:
            value = value.replace("\r", "%0D").replace("\n", "%0A")
        super().send_header(keyword, value)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def _respond(self, *, head: bool) -> None:
        if not host_allowed(self.headers.get("Host"), self.names, self.port):
            body = (
                b"421 Misdirected Request: this preview answers to localhost only; "
                b"start it with --allow-host NAME to allow another name\n"
            )
            self.close_connection = True
            self._send(HTTPStatus.MISDIRECTED_REQUEST, body, "text/plain; charset=utf-8", head)
            return
        path = unquote(urlsplit(self.path).path).replace("\\", "/")
        if path == RELOAD_JS:
            self._send(HTTPStatus.OK, RELOAD_SCRIPT, "text/javascript; charset=utf-8", head)
            return
        if path == EVENTS:
            self._events()
            return
        snap = self.preview.snapshot  # the one complete snapshot this request sees
        rel = posixpath.normpath(path.lstrip("/")) if path.strip("/") else "index.html"
        if rel.startswith("..") or rel.startswith("/"):
            self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain", head)
            return
        if path.endswith("/") and rel != "index.html":
            rel += "/index.html"
        if rel not in snap.files and f"{rel}/index.html" in snap.files:
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", _same_origin(rel))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = snap.files.get(rel)
        if data is None and rel.startswith("pagefind/"):
            data = self._from_disk(rel)
        wants_page = rel.endswith(".html") or data is None
        if snap.errors and wants_page:
            body = error_page(snap.errors, snap.generation, self.preview.lang)
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, body, TYPES[".html"], head)
        elif data is None:
            missing = snap.files.get("404.html", b"<!DOCTYPE html><title>404</title>")
            body = inject_reload(missing, snap.generation)
            self._send(HTTPStatus.NOT_FOUND, body, TYPES[".html"], head)
        else:
            ctype = _content_type(rel)
            if ctype.startswith("text/html"):
                data = inject_reload(data, snap.generation)
            self._send(HTTPStatus.OK, data, ctype, head)

    def _from_disk(self, rel: str) -> bytes | None:
        root = self.preview.out.resolve()
        path = (root / rel).resolve()
        if not path.is_relative_to(root / "pagefind") or not path.is_file():
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None

    def _send(self, status: HTTPStatus, body: bytes, ctype: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self) -> None:
        """Server-Sent Events: the generation now, then after every build."""
        preview = self.preview
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        sent: int | None = None
        try:
            self.wfile.write(b"retry: 500\n\n")
            while not preview.stopping.is_set():
                gen = preview.snapshot.generation
                if gen != sent:
                    self.wfile.write(f"data: {gen}\n\n".encode())
                    sent = gen
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
                with preview.changed:
                    preview.changed.wait_for(partial(_moved_on, preview, sent), KEEPALIVE_S)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            return


def _moved_on(preview: Preview, sent: int | None) -> bool:
    return preview.stopping.is_set() or preview.snapshot.generation != sent


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # open event streams never keep the process alive
    allow_reuse_address = True
    log: Callable[[str], None] = print
    lang = "zh"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up or times out is one line in the log, never a traceback."""
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):  # BrokenPipeError, ConnectionResetError, TimeoutError
            who = client_address[0] if isinstance(client_address, tuple) else client_address
            what = type(exc).__name__
            if self.lang == "en":
                self.log(f"serve: the connection from {who} ended early ({what})")
            else:
                self.log(f"serve：来自 {who} 的连接提前断开（{what}）")
            return
        super().handle_error(request, client_address)


def make_server(
    preview: Preview,
    host: str,
    port: int,
    *,
    allow_hosts: list[str] | tuple[str, ...] = (),
    timeout: float = SOCKET_TIMEOUT_S,
) -> ThreadingHTTPServer:
    """Bind the preview's server; a busy port is a UsageError (exit 2), not a traceback.

    Requests must name it in ``Host`` (see host_names); ``timeout`` bounds every read and
    write on a connection.
    """
    handler: type[_Handler] = type("Handler", (_Handler,), {"preview": preview, "timeout": timeout})
    try:
        server = _Server((host, port), handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError([diag("--port", "serve.port_busy", port=port)]) from None
        problem = exc.strerror or str(exc)
        raise UsageError(
            [diag("--host", "serve.bind_failed", host=host, port=port, problem=problem)]
        ) from None
    bound = int(server.server_address[1])
    handler.names = host_names(host, bound, allow_hosts)
    handler.port = bound
    server.log = preview.log
    server.lang = preview.lang
    return server


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    content: Path,
    *,
    templates: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    search: bool = True,
    lang: str = "zh",
    allow_hosts: list[str] | tuple[str, ...] = (),
) -> int:
    """Run the preview until Ctrl-C; returns the exit status."""
    from .output import check_output_dir

    if importlib.util.find_spec("watchfiles") is None:
        hint = (
            "它是核心依赖，请重新安装 pip install -e .",
            "it is a core dependency: reinstall with pip install -e .",
        )
        raise UsageError([diag("serve", "tool.missing", tool="watchfiles", hint=hint)])
    out = content.resolve().parent / "_serve"
    sources = [content] + ([templates] if templates else [])
    if not content.is_dir():
        raise UsageError([diag(content, "content.missing")])
    check_output_dir(out, sources=sources, project=content.resolve().parent)

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    preview = Preview(content, out, templates=templates, search=search, lang=lang, log=log)
    threads: list[threading.Thread] = []
    with preview.cache.locked():  # held for the whole session: no build writes _serve/
        server = make_server(preview, host, port, allow_hosts=allow_hosts)
        signal.signal(signal.SIGTERM, _interrupt)  # stop as cleanly as on Ctrl-C
        try:
            if not is_loopback(host):
                log(diag("--host", "serve.exposed", severity="warning", host=host).format(lang))
            preview.build()
            threads = preview.start_background()
            preview.watching.wait(timeout=30)  # an edit from now on is seen
            bound = server.server_address[1]
            shown = f"[{host}]" if ":" in host else host
            url = f"http://{shown}:{bound}/"
            if lang == "en":
                print(f"previewing {url} (drafts shown; Ctrl-C stops)", flush=True)
            else:
                print(f"正在预览 {url}（草稿也会显示；按 Ctrl-C 停止）", flush=True)
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            preview.stop()
            server.server_close()
        for t in threads:
            t.join(timeout=5)
    print("stopped" if lang == "en" else "已停止预览", flush=True)
    return 0
