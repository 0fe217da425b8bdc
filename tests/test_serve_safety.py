"""``serve`` under attack (issue 14, holes 2-4): response splitting, open redirects, DNS
rebinding, idle sockets and clients that hang up; and markup in content shown as text on
the error page. Issue 20: requests that trickle in, many connections and event streams at
once, and nginx's security headers on every response. The server runs in this process on
a loopback port; requests are written as raw bytes over a socket, as an attacker would."""

from __future__ import annotations

import contextlib
import re
import select
import shutil
import socket
import struct
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from rectify_site.errors import diag
from rectify_site.serve import review
from rectify_site.serve import server as server_module
from rectify_site.serve.preview import Preview, Snapshot
from rectify_site.serve.server import host_allowed, host_names, make_server

from conftest import CONTENT, REPORT_ID, ROOT, TEMPLATES


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    root = tmp_path_factory.mktemp("serve")
    shutil.copytree(CONTENT, root / "content")
    shutil.copytree(TEMPLATES, root / "templates")
    p = Preview(root / "content", root / "_serve", search=False, log=lambda line: None)
    p.build()
    assert not p.snapshot.errors
    yield p
    p.stop()


@dataclass
class Running:
    port: int
    log: list[str] = field(default_factory=list)

    def raw(self, request: bytes, timeout: float = 30) -> bytes:
        """Send ``request`` as it is; everything the server answers until it closes."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            s.sendall(request)
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)

    def get(
        self, target: str, host: str | None = None, extra: str = ""
    ) -> tuple[int, dict[str, str], bytes]:
        host = f"127.0.0.1:{self.port}" if host is None else host
        head = f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n{extra}\r\n"
        answer = self.raw(head.encode("latin-1"))
        return parse(answer)


def parse(answer: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


@contextlib.contextmanager
def running(
    preview: Preview, host: str = "127.0.0.1", allow: tuple[str, ...] = (), timeout: float = 10
) -> Iterator[Running]:
    server = make_server(preview, host, 0, allow_hosts=allow, timeout=timeout)
    r = Running(int(server.server_address[1]))
    server.log = r.log.append  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield r
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=30)


# --- 2. response splitting ------------------------------------------------------------------

SPLITTING = [
    "/x%0d%0aSet-Cookie:%20pwn=1%0d%0aX-Injected:%20yes%0d%0a/../huangpu-12-2",
    f"/{REPORT_ID}%0d%0aSet-Cookie:%20pwn=1%0d%0a/../{REPORT_ID}",
    "/%0aSet-Cookie:%20pwn=1/..//huangpu-12-2",
    f"/{REPORT_ID}/%0d%0aSet-Cookie:%20pwn=1%0d%0aX-Injected:%20yes%0d%0a",
]


@pytest.mark.parametrize("target", SPLITTING)
def test_no_header_value_carries_a_line_break(preview: Preview, target: str) -> None:
    with running(preview) as server:
        answer = server.raw(
            f"GET {target} HTTP/1.1\r\nHost: localhost:{server.port}\r\n"
            "Connection: close\r\n\r\n".encode()
        )
    head = answer.partition(b"\r\n\r\n")[0].decode("latin-1")
    names = [line.split(":")[0].lower() for line in head.split("\r\n")[1:]]
    assert "set-cookie" not in names and "x-injected" not in names, head
    status, headers, _ = parse(answer)
    if status == 301:
        assert headers["location"] == f"/{REPORT_ID}/", head


# --- 3. open redirects ------------------------------------------------------------------

REDIRECTS = [
    "/%5cevil.example/%2e%2e/huangpu-12-2",
    "/%5c%5cevil.example/%2e%2e/%2e%2e/huangpu-12-2",
    "//evil.example/%2e%2e/huangpu-12-2",
    "/\\evil.example/../huangpu-12-2",
    "/%2f%2fevil.example/..%2f..%2fhuangpu-12-2",
    "http://evil.example/huangpu-12-2",
    "/huangpu-12-2",
]


@pytest.mark.parametrize("target", REDIRECTS)
def test_redirects_stay_on_the_same_origin(preview: Preview, target: str) -> None:
    with running(preview) as server:
        status, headers, _ = server.get(target)
    if status in (301, 302, 303, 307, 308):
        location = headers["location"]
        assert location.startswith("/") and location[1:2] not in ("/", "\\"), location
        assert "evil" not in location and location == f"/{REPORT_ID}/", location


# --- 4. the Host check, timeouts, clients that hang up -------------------------------------


def test_a_request_for_another_host_is_refused(preview: Preview) -> None:
    with running(preview) as server:
        port = server.port
        for host in [
            "evil.example",
            f"evil.example:{port}",
            "127.0.0.1.evil.example",
            "",
            f"localhost:{port + 1}",
            "[::1",
            "localhost:x",
            f"192.0.2.1:{port}",
        ]:
            status, _, body = server.get(f"/{REPORT_ID}/full.html", host=host)
            assert status == 421, host
            assert b"--allow-host" in body and len(body) < 200
            assert "草稿".encode() not in body and b"<html" not in body
        for host in [
            f"localhost:{port}",
            f"127.0.0.1:{port}",
            f"[::1]:{port}",
            "localhost",
            f"LOCALHOST:{port}",
            f"localhost.:{port}",
        ]:
            status, _, body = server.get(f"/{REPORT_ID}/full.html", host=host)
            assert status == 200, host
        raw = server.raw(b"GET / HTTP/1.0\r\n\r\n")
        assert parse(raw)[0] == 421  # no Host at all: a page elsewhere could not send that


def test_allow_host_names_another_host(preview: Preview) -> None:
    with running(preview, allow=("preview.internal",)) as server:
        assert server.get("/", host=f"preview.internal:{server.port}")[0] == 200
        assert server.get("/", host=f"Preview.Internal:{server.port}")[0] == 200
        assert server.get("/", host=f"other.internal:{server.port}")[0] == 421


def test_the_wildcard_address_allows_the_machines_own_names() -> None:
    names = host_names("0.0.0.0", 8000)
    assert socket.gethostname().lower() in names and "127.0.0.1" in names
    assert host_allowed(f"{socket.gethostname()}:8000", names, 8000)
    assert not host_allowed("evil.example:8000", names, 8000)
    assert host_names("192.0.2.7", 80) == frozenset({"localhost", "127.0.0.1", "::1", "192.0.2.7"})


@pytest.mark.slow
def test_idle_and_slow_clients_are_dropped(preview: Preview) -> None:
    with running(preview, timeout=1.0) as server:
        started = time.monotonic()
        sockets = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(15)]
        slow = sockets[0]
        slow.sendall(b"GET / HTTP/1.1\r\nHost: local")  # and never the rest
        for s in sockets:
            s.settimeout(30)
            assert s.recv(1024) == b""  # closed by the server, not by us
            s.close()
        assert time.monotonic() - started < 20  # 1 s each, in parallel, on a busy machine
        assert server.get("/")[0] == 200  # and the server still answers


def test_the_default_socket_timeout_is_ten_seconds(preview: Preview) -> None:
    from rectify_site.serve.server import SOCKET_TIMEOUT_S

    assert SOCKET_TIMEOUT_S == 10
    server = make_server(preview, "127.0.0.1", 0)
    try:
        assert server.RequestHandlerClass.timeout == 10  # type: ignore[attr-defined]
    finally:
        server.server_close()


# --- issue 20 item 10: requests that trickle in, many connections at once -----------------


def trickle(port: int, pieces: Iterable[bytes], every: float, limit: float) -> float | None:
    """Send ``pieces`` one every ``every`` seconds, reading whatever comes back; the seconds
    until the server closed the connection, or None if it is still open after ``limit``."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=limit) as s:
        for piece in pieces:
            if time.monotonic() - started > limit:
                return None
            try:
                if piece:
                    s.sendall(piece)
                readable, _, _ = select.select([s], [], [], every)
                if readable and not s.recv(65536):
                    return time.monotonic() - started
            except OSError:  # reset by the server: closed too
                return time.monotonic() - started
    return None


def header_lines() -> Iterator[bytes]:
    """A request that never ends: a header line at a time."""
    yield b"GET / HTTP/1.1\r\n"
    yield b"Host: localhost\r\n"
    n = 0
    while True:
        n += 1
        yield f"X-Line-{n}: x\r\n".encode()


def single_bytes() -> Iterator[bytes]:
    """A request that never ends: a byte at a time."""
    yield from (bytes([b]) for b in b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Long: ")
    while True:
        yield b"a"


def silence() -> Iterator[bytes]:
    while True:
        yield b""


def three_slow_clients(port: int, every: float, limit: float) -> list[float | None]:
    with ThreadPoolExecutor(3) as pool:
        runs = [
            pool.submit(trickle, port, g(), every, limit)
            for g in (header_lines, single_bytes, silence)
        ]
        return [r.result() for r in runs]


def test_a_request_that_trickles_in_is_closed_at_its_deadline(
    preview: Preview, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each read comes well within the socket timeout; the request as a whole does not."""
    monkeypatch.setattr(server_module, "REQUEST_DEADLINE_S", 1.5, raising=False)
    with running(preview, timeout=1.0) as server:
        closed = three_slow_clients(server.port, every=0.25, limit=8)
        assert server.get("/")[0] == 200  # and the server still answers
    assert all(c is not None and c < 7 for c in closed), closed


@pytest.mark.slow
def test_the_real_deadline_is_ten_seconds(preview: Preview) -> None:
    """A header line a second, a byte a second and silence: each closed at 10 s."""
    with running(preview) as server:
        closed = three_slow_clients(server.port, every=1.0, limit=16)
    assert all(c is not None and 9 <= c < 14 for c in closed), closed


def fetch_status(port: int, start: threading.Barrier) -> tuple[int, float]:
    """GET / on a new connection once every client is ready: the status and how long."""
    start.wait()
    began = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            answer = b""
            while chunk := s.recv(65536):
                answer += chunk
    except OSError:
        return 0, time.monotonic() - began
    return (parse(answer)[0] if answer else 0), time.monotonic() - began


@pytest.mark.slow
def test_two_hundred_connections_at_once_are_all_answered(preview: Preview) -> None:
    """Each gets a page or a quick 503 within 10 s: none waits unanswered in the backlog."""
    clients = 200
    with running(preview) as server:
        start = threading.Barrier(clients)
        with ThreadPoolExecutor(clients) as pool:
            runs = [pool.submit(fetch_status, server.port, start) for _ in range(clients)]
            answers = [r.result() for r in runs]
        assert server.get("/")[0] == 200
    statuses = sorted({status for status, _ in answers})
    assert set(statuses) <= {200, 503}, statuses
    assert 200 in statuses
    slowest = max(took for _, took in answers)
    assert slowest < 10, slowest


def test_a_connection_over_the_cap_is_answered_503_at_once(preview: Preview) -> None:
    """MAX_CONNECTIONS idle connections hold every thread: the next is refused at once,
    not left waiting, and once they go the server answers pages again."""
    cap = getattr(server_module, "MAX_CONNECTIONS", 64)
    with running(preview) as server:
        idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(cap)]
        try:
            began = time.monotonic()
            status, _ = head_of(server.port, b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
            took = time.monotonic() - began
        finally:
            for s in idle:
                s.close()
        assert status == 503 and took < 5, (status, took)
        end = time.monotonic() + 10
        while server.get("/")[0] != 200 and time.monotonic() < end:
            time.sleep(0.05)
        assert server.get("/")[0] == 200


def test_ctrl_c_while_a_connection_thread_starts_reaches_serve(
    preview: Preview, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by test_serve's Ctrl-C test: a KeyboardInterrupt during Thread.start must
    leave process_request as it is (socketserver logs any other error and serves on),
    and the connection's slot is freed once, by its thread."""
    server = make_server(preview, "127.0.0.1", 0)
    ours, theirs = socket.socketpair()
    real_start = threading.Thread.start

    def start_then_interrupt(thread: threading.Thread) -> None:
        real_start(thread)
        thread.join(timeout=30)
        raise KeyboardInterrupt

    try:
        theirs.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        monkeypatch.setattr(threading.Thread, "start", start_then_interrupt)
        with pytest.raises(KeyboardInterrupt):
            server.process_request(ours, ("127.0.0.1", 1))
        monkeypatch.undo()
        assert theirs.recv(65536).startswith(b"HTTP/1.0 200")
        slots = server.slots  # type: ignore[attr-defined]
        taken = [slots.acquire(blocking=False) for _ in range(server_module.MAX_CONNECTIONS)]
        assert all(taken) and not slots.acquire(blocking=False)
    finally:
        theirs.close()
        server.server_close()


def open_stream(port: int) -> tuple[socket.socket, int]:
    """An event stream as a page opens it: the socket, left open, and its status."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"GET /__rectify__/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(4096)
        if not chunk:
            break
        head += chunk
    return s, int(head.split()[1]) if head else 0


@pytest.mark.slow
def test_event_streams_and_threads_are_capped(preview: Preview) -> None:
    """300 open pages: at most MAX_EVENT_STREAMS streams, the rest 503, and the threads
    stay under MAX_CONNECTIONS while the pages themselves are still served."""
    cap = getattr(server_module, "MAX_EVENT_STREAMS", 0)
    threads = getattr(server_module, "MAX_CONNECTIONS", 0)
    before = threading.active_count()
    streams: list[socket.socket] = []
    with running(preview) as server:
        try:
            statuses = []
            for _ in range(300):
                s, status = open_stream(server.port)
                streams.append(s)
                statuses.append(status)
            grew = threading.active_count() - before
            page = server.get("/")[0]
        finally:
            for s in streams:
                s.close()
    assert set(statuses) == {200, 503}, sorted(set(statuses))
    assert 0 < statuses.count(200) <= cap
    assert grew <= threads + 1, grew  # the handlers and the server's own thread
    assert page == 200


@pytest.mark.slow
def test_a_client_that_hangs_up_is_one_line_never_a_traceback(
    preview: Preview, capfd: pytest.CaptureFixture[str]
) -> None:
    with running(preview) as server:
        for _ in range(30):
            s = socket.create_connection(("127.0.0.1", server.port))
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
            head = f"GET /{REPORT_ID}/full.html HTTP/1.1\r\nHost: localhost:{server.port}\r\n"
            s.sendall(head.encode() + b"\r\n")
            # close with a reset at once: the server's write of the page fails
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
        time.sleep(0.5)
        assert server.get("/")[0] == 200
        # and directly: what socketserver does when a handler raises
        srv = make_server(preview, "127.0.0.1", 0)
        lines: list[str] = []
        srv.log = lines.append  # type: ignore[attr-defined]
        try:
            try:
                raise BrokenPipeError(32, "Broken pipe")
            except BrokenPipeError:
                srv.handle_error(None, ("127.0.0.1", 5555))
        finally:
            srv.server_close()
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err + captured.out
    assert len(lines) == 1 and "127.0.0.1" in lines[0] and "BrokenPipeError" in lines[0]
    assert all("\n" not in line for line in server.log + lines)


# --- markup on the error page -------------------------------------------------------------

HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def only_the_reload_script(page: str, generation: int) -> bool:
    want = f'<script src="/__rectify__/reload.js" data-generation="{generation}"></script>'
    return page.count("<script") == 1 and want in page


def test_markup_in_a_field_name_is_text_on_the_error_page(tmp_path: Path) -> None:
    shutil.copytree(CONTENT, tmp_path / "content")
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    report = tmp_path / "content" / REPORT_ID / "report.yaml"
    report.write_text(report.read_text("utf-8") + f'"{HOSTILE}": 1\n', "utf-8")
    p = Preview(tmp_path / "content", tmp_path / "_serve", search=False, log=lambda line: None)
    p.build()
    assert [d.field for d in p.snapshot.errors] == [HOSTILE]
    with running(p) as server:
        status, headers, body = server.get(f"/{REPORT_ID}/full.html")
    page = body.decode("utf-8")
    assert status == 500 and headers["content-type"] == "text/html; charset=utf-8"
    assert f"<strong>{ESCAPED}</strong>:" in page
    assert only_the_reload_script(page, p.snapshot.generation)


def test_markup_in_a_message_and_a_path_is_text_on_the_error_page(tmp_path: Path) -> None:
    p = Preview(tmp_path / "content", tmp_path / "_serve", search=False, log=lambda line: None)
    bug = diag(f"{HOSTILE}/report.yaml", "serve.internal", line=2, problem=f"{HOSTILE}&'\"")
    p.snapshot = Snapshot(4, {}, (bug,))
    for lang in ("zh", "en"):
        p.lang = lang
        with running(p) as server:
            status, _, body = server.get("/")
        page = body.decode("utf-8")
        assert status == 500
        assert f'<code class="where">{ESCAPED}/report.yaml:2</code>' in page
        assert f"{ESCAPED}&amp;&#39;&#34;" in page
        assert only_the_reload_script(page, 4)


# --- issue 20 item 14: nginx's security headers on every response -------------------------


def nginx_security_headers() -> dict[str, str]:
    """What deploy/nginx.conf adds to every response, Cache-Control apart (serve's is
    no-store) and HSTS (commented out, for a TLS server only)."""
    conf = (ROOT / "deploy" / "nginx.conf").read_text("utf-8")
    pairs = re.findall(r'^\s*add_header\s+(\S+)\s+"([^"]*)"\s+always;', conf, re.M)
    headers = {name.lower(): value for name, value in pairs if name.lower() != "cache-control"}
    assert "x-content-type-options" in headers and "content-security-policy" in headers
    return headers


def head_of(port: int, request: bytes) -> tuple[int, dict[str, str]]:
    """The status and headers of the answer to ``request``, without waiting for its body."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer and (chunk := s.recv(65536)):
            answer += chunk
    status, headers, _ = parse(answer)
    return status, headers


def test_every_response_carries_the_security_headers_nginx_sends(tmp_path: Path) -> None:
    """A page, a 404, a redirect, a 421, the reload script and events, http.server's own 431
    and 501, and a conditional request (serve answers it 200: its pages are no-store)."""
    want = nginx_security_headers()
    shutil.copytree(CONTENT, tmp_path / "content")
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    p = Preview(tmp_path / "content", tmp_path / "_serve", search=False, log=lambda line: None)
    p.build()
    host = "Host: localhost\r\nConnection: close\r\n"
    requests = {
        "page": f"GET /{REPORT_ID}/full.html HTTP/1.1\r\n{host}\r\n",
        "conditional": f"GET /index.html HTTP/1.1\r\n{host}If-None-Match: *\r\n"
        "If-Modified-Since: Mon, 01 Jan 2024 00:00:00 GMT\r\n\r\n",
        "missing": f"GET /nowhere.html HTTP/1.1\r\n{host}\r\n",
        "redirect": f"GET /{REPORT_ID} HTTP/1.1\r\n{host}\r\n",
        "other host": "GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n",
        "script": f"GET /__rectify__/reload.js HTTP/1.1\r\n{host}\r\n",
        "events": f"GET /__rectify__/events HTTP/1.1\r\n{host}\r\n",
        "too many headers": f"GET / HTTP/1.1\r\n{host}" + "X: y\r\n" * 101 + "\r\n",
        "post": f"POST / HTTP/1.1\r\n{host}Content-Length: 0\r\n\r\n",
    }
    statuses = {"page": 200, "conditional": 200, "missing": 404, "redirect": 301}
    statuses |= {"other host": 421, "script": 200, "events": 200, "too many headers": 431}
    statuses["post"] = 501
    with running(p) as server:
        for what, request in requests.items():
            status, headers = head_of(server.port, request.encode())
            assert status == statuses[what], what
            got = {name: headers.get(name) for name in want}
            assert got == want, what
            assert headers["server"] == "rectify-site-serve", what  # no Python version
        p.snapshot = Snapshot(
            p.snapshot.generation + 1, {}, (diag("x.yaml", "serve.internal", problem="x"),)
        )
        status, headers = head_of(server.port, f"GET / HTTP/1.1\r\n{host}\r\n".encode())
        assert status == 500 and {n: headers.get(n) for n in want} == want
    p.stop()
    busy = server_module.BUSY
    status, headers, _ = parse(busy)
    assert status == 503 and {n: headers.get(n) for n in want} == want


def test_serves_own_pages_keep_their_style_under_that_policy(tmp_path: Path) -> None:
    """``style-src 'self'`` refuses inline styles: the error page links a style sheet that
    serve answers, and no page of serve's own has a <style> or a data: icon."""
    p = Preview(tmp_path / "content", tmp_path / "_serve", search=False, log=lambda line: None)
    p.snapshot = Snapshot(3, {}, (diag("x.yaml", "serve.internal", problem="x"),))
    with running(p) as server:
        _, _, body = server.get("/")
        page = body.decode("utf-8")
        sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
        assert sheets and "<style" not in page and "data:" not in page
        status, headers, css = server.get(sheets[0])
    assert status == 200 and headers["content-type"] == "text/css; charset=utf-8"
    assert b".sev{" in css
    listing = review.index([("r", "t")]).decode("utf-8")
    assert "<style" not in listing and f'href="{review.STYLE_FILE}"' in listing
