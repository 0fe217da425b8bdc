"""``rectify-site serve``'s HTTP side: the preview's last snapshot, over HTTP on loopback.

    browser <-- http (loopback) --  pages of the snapshot (preview.py), reload.js added
            <-- Server-Sent Events: "generation N" after every build -> the page reloads

Apart from the preview because this is the part that faces the network, and what keeps it
safe should be read in one place. Safe on a shared machine: it answers only requests
whose ``Host`` names this machine (localhost, its loopback addresses, the address it
listens on, names given with ``--allow-host``), so a page on another site cannot read the
drafts through DNS rebinding; redirects go only to a path of the same origin and no
header value carries a line break; a request not wholly received REQUEST_DEADLINE_S
after its connection was ready for it is closed, however slowly it trickles in; at most
MAX_CONNECTIONS connections are handled at once (a thread each) and MAX_EVENT_STREAMS of
them may be event streams, anything over is answered 503 at once; and a client that
hangs up is one line in the log. Every response carries the security headers that
deploy/nginx.conf sends, so the preview breaks where the published site would.

Every request is answered from one complete snapshot; while content does not validate,
pages are the error page (status 500) and the server stays up.
"""

from __future__ import annotations

import contextlib
import errno
import importlib.util
import io
import ipaddress
import mimetypes
import posixpath
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from rectify_site.errors import UsageError, diag
from rectify_site.interrupts import unwind
from rectify_site.serve.preview import (
    ERROR_CSS,
    ERROR_CSS_PATH,
    EVENTS,
    RELOAD_JS,
    RELOAD_SCRIPT,
    Preview,
    error_page,
    inject_reload,
)
from rectify_site.serve.review import PAGE_PREFIX, link

KEEPALIVE_S = 15.0
"""A comment line this often keeps proxies and the browser from closing the event stream."""
SOCKET_TIMEOUT_S = 10.0
"""A read that gets nothing, or a write that cannot be sent, for this long closes the
connection."""
REQUEST_DEADLINE_S = 10.0
"""A request (line and headers) must have arrived this long after its connection was ready
for it (accepted, or its last answer sent), or it is closed: a total, not a per-read
timeout, so a client trickling a byte a second cannot hold a thread."""
MAX_CONNECTIONS = 64
"""Connections handled at once, one thread each; one more is answered 503 and closed."""
MAX_EVENT_STREAMS = 32
"""Open reload event streams (one per open page); one more is answered 503. Below
MAX_CONNECTIONS, so open pages can never take every thread from the pages themselves."""
LISTEN_BACKLOG = 512
"""Connections the kernel queues before they are accepted (socketserver's default is 5)."""
SECURITY_HEADERS = (
    (
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
        "img-src 'self'; font-src 'self'; connect-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'self'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "SAMEORIGIN"),
)
"""What deploy/nginx.conf adds to every response (tests/test_serve_safety.py compares)."""
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})

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


def _busy_answer() -> bytes:
    """The whole 503 sent to a connection over a cap: short enough for one send."""
    body = b"503 Service Unavailable: too many connections to this preview; try again\n"
    lines = [
        "HTTP/1.1 503 Service Unavailable",
        "Server: rectify-site-serve",
        "Content-Type: text/plain; charset=utf-8",
        f"Content-Length: {len(body)}",
        "Cache-Control: no-store",
        "Retry-After: 1",
        "Connection: close",
        *(f"{name}: {value}" for name, value in SECURITY_HEADERS),
    ]
    return "\r\n".join(lines).encode("latin-1") + b"\r\n\r\n" + body


BUSY = _busy_answer()


class _DeadlineReader(io.RawIOBase):
    """A socket read so that everything read before ``deadline`` must arrive by then: each
    read may wait only for what is left of it (and never longer than ``idle``)."""

    def __init__(self, sock: socket.socket, idle: float) -> None:
        super().__init__()
        self._sock = sock
        self._idle = idle
        self.deadline = time.monotonic()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request was not complete in time")
        self._sock.settimeout(min(left, self._idle))
        return self._sock.recv_into(buffer)


class _Handler(BaseHTTPRequestHandler):
    preview: Preview  # set on the subclass made by make_server
    names: frozenset[str] = LOOPBACK_NAMES
    port: int = 0
    timeout = SOCKET_TIMEOUT_S  # StreamRequestHandler puts it on the connection
    deadline = REQUEST_DEADLINE_S
    server_version = "rectify-site-serve"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal is for build results and content errors

    def version_string(self) -> str:
        return self.server_version  # no Python version, as nginx sends none

    def setup(self) -> None:
        super().setup()
        self.rfile.close()  # the socket stays open: only its reader is replaced
        self._reader = _DeadlineReader(self.connection, self.timeout)
        self.rfile = io.BufferedReader(self._reader)

    def handle_one_request(self) -> None:
        """Each request, the first or the next on a kept-alive connection, by a deadline."""
        self._reader.deadline = time.monotonic() + self.deadline
        super().handle_one_request()

    def parse_request(self) -> bool:
        """Once the request is in, writes get the usual timeout again, not what was left."""
        ok = super().parse_request()
        self.connection.settimeout(self.timeout)
        return ok

    def end_headers(self) -> None:
        """Every response, errors from http.server included, with nginx's security headers."""
        for name, value in SECURITY_HEADERS:
            self.send_header(name, value)
        super().end_headers()

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
        if path == ERROR_CSS_PATH:
            self._send(HTTPStatus.OK, ERROR_CSS, TYPES[".css"], head)
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
                if f"{PAGE_PREFIX}{rel.split('/')[0]}.html" in snap.files:
                    data = link(data, rel.split("/")[0])  # a draft with a review page
                data = inject_reload(data, snap.generation)
            self._send(HTTPStatus.OK, data, ctype, head)

    def _send(self, status: HTTPStatus, body: bytes, ctype: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self) -> None:
        """Server-Sent Events, at most MAX_EVENT_STREAMS at once."""
        if not self.server.streams.acquire(blocking=False):
            self.close_connection = True
            body = b"503 Service Unavailable: too many open pages of this preview\n"
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, body, "text/plain; charset=utf-8", False)
            return
        try:
            self._stream()
        finally:
            self.server.streams.release()

    def _stream(self) -> None:
        """The generation now, then after every build."""
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


def _refuse(sock: socket.socket) -> None:
    """Answer 503 without waiting for anything: in the accepting thread, never blocking."""
    try:
        sock.setblocking(False)
        with contextlib.suppress(OSError):  # read what came, so the close is no reset
            sock.recv(65536)
        sock.send(BUSY)
        sock.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    finally:
        sock.close()


def _moved_on(preview: Preview, sent: int | None) -> bool:
    return preview.stopping.is_set() or preview.snapshot.generation != sent


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # open event streams never keep the process alive
    block_on_close = False  # nor keep server_close waiting for their next keep-alive
    allow_reuse_address = True
    request_queue_size = LISTEN_BACKLOG
    log: Callable[[str], None] = print
    lang = "zh"

    def __init__(self, address: tuple[str, int], handler: type[_Handler]) -> None:
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self.streams = threading.BoundedSemaphore(MAX_EVENT_STREAMS)
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """A thread for the connection if one of MAX_CONNECTIONS is free, else a 503 now."""
        if not self.slots.acquire(blocking=False):
            _refuse(request)
            return
        thread = threading.Thread(
            target=self.process_request_thread, args=(request, client_address), daemon=True
        )
        try:
            thread.start()
        except RuntimeError:  # no thread could be started: the slot is not in use
            self.slots.release()
            raise
        # Anything else (Ctrl-C while it starts) leaves the slot to the thread, which
        # releases it; releasing it here too would turn the Ctrl-C into a ValueError
        # that socketserver logs and serves on.

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        """socketserver's, then the slot is free again."""
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

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
    deadline: float | None = None,
) -> ThreadingHTTPServer:
    """Bind the preview's server; a busy port is a UsageError (exit 2), not a traceback.

    Requests must name it in ``Host`` (see host_names); ``timeout`` bounds every read and
    write, ``deadline`` (REQUEST_DEADLINE_S unless given) the time a whole request may take.
    """
    attrs = {
        "preview": preview,
        "timeout": timeout,
        "deadline": REQUEST_DEADLINE_S if deadline is None else deadline,
    }
    handler: type[_Handler] = type("Handler", (_Handler,), attrs)
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
    from rectify_site.build.output import check_output_dir

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
    with preview.session():  # _serve/ is the preview's until it stops
        server = make_server(preview, host, port, allow_hosts=allow_hosts)
        signal.signal(signal.SIGTERM, unwind)  # stop as cleanly as on Ctrl-C
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
