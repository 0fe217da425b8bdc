"""The site on a real server: Debian's nginx with deploy/nginx.conf, under /reports/.

nginx runs on a free loopback port, as its own unprivileged user when the tests run as
root, serving a site built into a world-readable temporary folder. Every page and every
file the pages reference is fetched (0 errors) with its type checked; gzip is answered
from the .gz file; cache and security headers (on every kind of response, nginx's own
errors included), no version, redirects by path, the 404 page (for 403 too), HSTS once
uncommented and search in Chromium are checked through it. nginx is stopped by its pid.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from rectify_site.build.pipeline import build_site
from rectify_site.build.search import available, shard_of

from conftest import CONTENT, REPORT_ID, ROOT, TEMPLATES, need

pytestmark = pytest.mark.slow

NGINX = Path(os.environ.get("NGINX", "/usr/sbin/nginx"))
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
"""Debian's libnginx-mod-http-brotli-static; where it is installed, brotli_static is on."""
SUBPATH = "/reports/"
SHARD = f"pagefind/{shard_of(REPORT_ID)}"
"""The default report's search bundle."""
BASE_URL = "https://example.org/reports/"
YEAR = "public, max-age=31536000, immutable"

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".svg": "image/svg+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".pf_meta": "application/octet-stream",
    ".pf_fragment": "application/octet-stream",
    ".pf_index": "application/octet-stream",
    ".pf_filter": "application/octet-stream",
    ".pagefind": "application/octet-stream",
    ".wasm": "application/wasm",
}
"""What each file of the site must be served as (atom.xml apart: see FEED_TYPE)."""
FEED_TYPE = "application/atom+xml; charset=utf-8"


def _meta_csp(html: str) -> str:
    m = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert m, "no CSP meta tag"
    return m.group(1)


@dataclass
class Server:
    site: Path
    port: int
    pid: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}{SUBPATH}"

    def get(
        self, path: str, method: str = "GET", **headers: str
    ) -> tuple[int, dict[str, str], bytes]:
        """GET a path on the server; headers keep their case-insensitive names lowered."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, headers={"Host": "localhost", **headers})
            r = conn.getresponse()
            body = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, body
        finally:
            conn.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _unprivileged_user() -> str | None:
    """nginx's own user (www-data on Debian, else nobody) when we run as root."""
    if os.geteuid() != 0:
        return None
    for name in ("www-data", "nginx", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    return None


def nginx_conf(
    tmp: Path, site: Path, port: int, edit: Callable[[str], str] = lambda text: text
) -> str:
    """The main configuration, and beside it the include, edited as a deployer would."""
    include = edit((ROOT / "deploy" / "nginx.conf").read_text("utf-8"))
    include = include.replace("@SUBPATH@", SUBPATH).replace("@SITE_ROOT@", f"{site}/")
    assert "@" not in re.sub(r"#.*", "", include), "a placeholder is left"
    if BROTLI_MODULE.is_file():  # as a deployer with the module does: uncomment the line
        include = include.replace("# brotli_static on;", "brotli_static on;")
        assert "\n    brotli_static on;" in include
    (tmp / "rectify-site.conf").write_text(include, "utf-8")
    user = _unprivileged_user()
    temp = "\n".join(
        f"    {kind}_temp_path {tmp}/{kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    module = f"load_module {BROTLI_MODULE};" if BROTLI_MODULE.is_file() else ""
    return f"""
{module}
{f"user {user};" if user else ""}
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {tmp}/access.log;
{temp}
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    sendfile on;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        include {tmp}/rectify-site.conf;
    }}
}}
"""


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    need(NGINX.exists(), f"{NGINX} is missing: apt-get install nginx")
    need(available(), "pagefind[extended] is missing: pip install 'pagefind[extended]'")
    # a world-readable folder: pytest's own temporary folders are 0700
    tmp = Path(tempfile.mkdtemp(prefix="rectify-nginx-"))
    try:
        tmp.chmod(0o755)
        site = tmp / "_site"
        build_site(CONTENT, site, templates=TEMPLATES, base_url=BASE_URL)
        with running_nginx(tmp, site) as running:
            yield running
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def running_nginx(
    tmp: Path, site: Path, edit: Callable[[str], str] = lambda text: text
) -> Iterator[Server]:
    """nginx serving ``site`` with deploy/nginx.conf (through ``edit``), its files in ``tmp``."""
    port = _free_port()
    conf = tmp / "nginx.conf"
    conf.write_text(nginx_conf(tmp, site, port, edit), "utf-8")
    test = subprocess.run(
        [str(NGINX), "-t", "-q", "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(conf)],
        capture_output=True,
        text=True,
    )
    assert test.returncode == 0, test.stderr
    proc = subprocess.Popen(
        [str(NGINX), "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        pid = _wait_for(proc, tmp / "nginx.pid", port)
        yield Server(site, port, pid)
    finally:
        with contextlib.suppress(ProcessLookupError, FileNotFoundError, ValueError):
            os.kill(int((tmp / "nginx.pid").read_text().strip()), signal.SIGQUIT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        if proc.stderr:
            proc.stderr.close()
        log = (tmp / "error.log").read_text("utf-8", "replace")
        assert "[crit]" not in log and "[emerg]" not in log, log
        assert "[warn]" not in log, log


def _wait_for(proc: subprocess.Popen[bytes], pidfile: Path, port: int) -> int:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            pytest.fail(f"nginx exited with {proc.returncode}: {err}")
        with contextlib.suppress(OSError, ValueError):
            pid = int(pidfile.read_text().strip())
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return pid
        time.sleep(0.05)
    pytest.fail("nginx did not start within 15 s")


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.refs.append(value)


def _pages(site: Path) -> list[str]:
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if p.relative_to(site).parts[0] != "pagefind"
    )


def test_nginx_runs_as_its_own_unprivileged_user(server: Server) -> None:
    user = _unprivileged_user()
    if user is None:
        pytest.skip("the tests do not run as root: nginx runs as this user")
    workers = subprocess.run(
        ["ps", "-o", "user=", "--ppid", str(server.pid)], capture_output=True, text=True
    ).stdout.split()
    assert workers and set(workers) == {user}


def test_every_page_and_every_file_it_references_is_served_with_its_type(
    server: Server,
) -> None:
    pages = _pages(server.site)
    assert f"{REPORT_ID}/full.html" in pages and "404.html" in pages
    todo = [urljoin(server.base, p) for p in pages]
    seen: set[str] = set()
    errors: list[str] = []
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        path = urlsplit(url).path
        status, headers, body = server.get(path)
        if status != 200:
            errors.append(f"{path}: {status}")
            continue
        name = path.rsplit("/", 1)[-1] or "index.html"
        want = FEED_TYPE if name == "atom.xml" else TYPES.get(Path(name).suffix)
        if headers.get("content-type") != want:
            errors.append(f"{path}: {headers.get('content-type')} (want {want})")
        if want and want.startswith("text/html"):
            parser = _Refs()
            parser.feed(body.decode("utf-8"))
            for ref in parser.refs:
                target, _ = urldefrag(urljoin(url, ref))
                parts = urlsplit(target)
                if parts.scheme == "http" and parts.netloc == f"127.0.0.1:{server.port}":
                    todo.append(target)
    assert errors == []
    fetched = {urlsplit(u).path for u in seen}
    assert f"{SUBPATH}assets/" in "".join(fetched) and f"{SUBPATH}favicon.svg" in fetched
    assert f"{SUBPATH}{REPORT_ID}/data/figures.csv" in fetched
    assert f"{SUBPATH}atom.xml" in fetched


def test_search_bundle_is_served_with_its_types(server: Server) -> None:
    bundle = server.site / "pagefind"
    files = [
        p.relative_to(server.site).as_posix()
        for p in bundle.rglob("*")
        if p.is_file() and p.suffix not in (".gz", ".br")
    ]
    suffixes = {Path(f).suffix for f in files}
    assert {".js", ".json", ".pf_meta", ".pf_fragment", ".pf_index", ".pagefind"} <= suffixes
    errors = []
    for rel in files:
        status, headers, body = server.get(SUBPATH + rel)
        want = TYPES[Path(rel).suffix]
        if status != 200 or headers.get("content-type") != want:
            errors.append(f"{rel}: {status} {headers.get('content-type')} (want {want})")
        elif body != (server.site / rel).read_bytes():
            errors.append(f"{rel}: other bytes")
    assert errors == []


@pytest.mark.parametrize(
    "rel",
    ["index.html", f"{REPORT_ID}/full.html", f"{SHARD}/pagefind.js", "sitemap.xml"],
)
def test_gzip_is_answered_from_the_gz_file(server: Server, rel: str) -> None:
    gz = server.site / (rel + ".gz")
    assert gz.is_file()
    status, headers, body = server.get(SUBPATH + rel, **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers.get("content-encoding") == "gzip"
    assert body == gz.read_bytes()
    assert "accept-encoding" in headers.get("vary", "").lower()
    status, headers, body = server.get(SUBPATH + rel)
    assert "content-encoding" not in headers
    assert body == (server.site / rel).read_bytes()


def test_brotli_is_answered_from_the_br_file_where_the_module_is_installed(
    server: Server,
) -> None:
    need(BROTLI_MODULE.is_file(), "apt-get install libnginx-mod-http-brotli-static")
    rel = f"{REPORT_ID}/full.html"
    status, headers, body = server.get(SUBPATH + rel, **{"Accept-Encoding": "br, gzip"})
    assert status == 200 and headers.get("content-encoding") == "br"
    assert body == (server.site / (rel + ".br")).read_bytes()
    assert headers["content-type"] == TYPES[".html"]


def test_the_folder_serves_its_index(server: Server) -> None:
    status, headers, body = server.get(SUBPATH)
    assert status == 200 and headers["content-type"] == TYPES[".html"]
    assert body == (server.site / "index.html").read_bytes()


def test_cache_headers(server: Server) -> None:
    assets = sorted((server.site / "assets").glob("*.*.css")) + sorted(
        (server.site / "assets").glob("*.*.js")
    )
    hashed = [
        *sorted((server.site / SHARD / "fragment").glob("*.pf_fragment"))[:2],
        *sorted((server.site / SHARD / "index").glob("*.pf_index"))[:2],
        *sorted((server.site / SHARD).glob("pagefind.*.pf_meta")),
        *sorted((server.site / SHARD / "filter").glob("*.pf_filter"))[:1],
    ]
    assert assets and len(hashed) >= 3
    for p in assets + hashed:
        rel = p.relative_to(server.site).as_posix()
        _, headers, _ = server.get(SUBPATH + rel)
        assert headers.get("cache-control") == YEAR, rel
    revalidated = [
        "index.html",
        f"{REPORT_ID}/full.html",
        f"{REPORT_ID}/data/report.json",
        f"{REPORT_ID}/data/figures.csv",
        "data/reports.json",
        "atom.xml",
        "sitemap.xml",
        f"{SHARD}/pagefind.js",
        f"{SHARD}/pagefind-entry.json",
        "favicon.svg",
    ]
    for rel in revalidated:
        status, headers, _ = server.get(SUBPATH + rel)
        assert status == 200, rel
        assert headers.get("cache-control") == "no-cache", rel
        assert "etag" in headers or "last-modified" in headers, rel


def test_security_headers_repeat_the_meta_tags_on_every_kind_of_file(server: Server) -> None:
    meta = _meta_csp((server.site / "index.html").read_text("utf-8"))
    asset = next((server.site / "assets").glob("*.*.css")).relative_to(server.site).as_posix()
    for rel in ["index.html", asset, "atom.xml", f"{SHARD}/pagefind.js", "nowhere.html"]:
        _, headers, _ = server.get(SUBPATH + rel)
        csp = headers.get("content-security-policy", "")
        assert csp == meta or csp.startswith(meta + "; "), (rel, csp)
        assert headers.get("x-content-type-options") == "nosniff", rel
        assert "referrer-policy" in headers, rel


def test_missing_pages_get_the_sites_404_page(server: Server) -> None:
    page = (server.site / "404.html").read_bytes()
    for path in [f"{SUBPATH}nowhere.html", f"{SUBPATH}{REPORT_ID}/a/b/c.html"]:
        status, headers, body = server.get(path)
        assert status == 404, path
        assert headers["content-type"] == TYPES[".html"]
        assert body == page
    # its links start from the subpath, so they work at any depth
    hrefs = re.findall(rb'(?:href|src)="(/[^"]*)"', page)
    assert hrefs
    for href in hrefs:
        assert href.startswith(SUBPATH.encode())
        assert server.get(href.decode())[0] == 200, href


def test_the_manifest_and_dot_files_are_not_served(server: Server) -> None:
    assert (server.site / ".rectify-site.json").is_file()
    assert server.get(f"{SUBPATH}.rectify-site.json")[0] == 404


@pytest.mark.browser
def test_search_works_in_chromium_through_nginx(browser: Any, server: Server) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []  # a CSP header blocking Pagefind's WebAssembly logs an error
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(server.base + "search.html?q=营商环境")
        page.wait_for_selector(".search-results li")
        link = page.locator(".search-results a[href*='#growth-drivers']").first
        href = link.get_attribute("href")
        assert href == f"{SUBPATH}{REPORT_ID}/categories/development.html#growth-drivers"
        link.click()
        page.wait_for_url("**/reports/**#growth-drivers")
        assert page.locator("h2#growth-drivers").is_visible()
        assert errors == []
    finally:
        context.close()


# --- issue 20: what deploy/nginx.conf sets for the whole server ---------------------------

SECURITY = (
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "x-frame-options",
)
HSTS = "max-age=31536000; includeSubDomains"


def _raw(server: Server, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """An answer to bytes that http.client would not send (a request without Host)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(request)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, body


def _every_kind_of_answer(server: Server) -> dict[str, tuple[int, dict[str, str], bytes]]:
    """A page, a 304, a 404, a 403 (a folder without an index), a 301, TRACE's 405, a 400
    and a path outside the site: what each kind of response must carry."""
    page = f"{SUBPATH}{REPORT_ID}/full.html"
    etag = server.get(page)[1]["etag"]
    return {
        "200": server.get(page),
        "304": server.get(page, **{"If-None-Match": etag}),
        "404": server.get(f"{SUBPATH}nowhere.html"),
        "403": server.get(f"{SUBPATH}assets/"),
        "301": server.get(f"{SUBPATH}{REPORT_ID}"),
        "405": server.get(SUBPATH, method="TRACE"),
        "400": _raw(server, f"GET {SUBPATH} HTTP/1.1\r\n\r\n".encode()),
        "outside": server.get("/elsewhere/"),
    }


def test_every_response_carries_the_security_headers(server: Server) -> None:
    answers = _every_kind_of_answer(server)
    assert {k: v[0] for k, v in answers.items()} == {
        "200": 200,
        "304": 304,
        "404": 404,
        "403": 403,
        "301": 301,
        "405": 405,
        "400": 400,
        "outside": 404,
    }
    for what, (_, headers, _) in answers.items():
        missing = [name for name in SECURITY if name not in headers]
        assert missing == [], what
        assert headers["x-content-type-options"] == "nosniff", what


def test_no_version_is_sent(server: Server) -> None:
    """Neither the Server header nor nginx's own error pages say which nginx it is."""
    for what, (_, headers, body) in _every_kind_of_answer(server).items():
        assert headers.get("server") == "nginx", what
        assert b"nginx/" not in body, what


def test_a_forbidden_folder_gets_the_sites_own_page(server: Server) -> None:
    assert not (server.site / "assets" / "index.html").exists()
    status, headers, body = server.get(f"{SUBPATH}assets/")
    assert status == 403 and headers["content-type"] == TYPES[".html"]
    assert body == (server.site / "404.html").read_bytes()


def test_a_redirect_takes_no_host_from_the_request(server: Server) -> None:
    """``Host: evil.example`` must not come back as the redirect's host."""
    status, headers, _ = server.get(f"{SUBPATH}{REPORT_ID}", Host=f"evil.example:{server.port}")
    assert status == 301
    assert headers["location"] == f"{SUBPATH}{REPORT_ID}/"


def test_hsts_is_one_commented_line_that_covers_every_response(server: Server) -> None:
    """Commented out (it belongs on the TLS server only); uncommented, as a deployer of an
    HTTPS server does, every kind of response carries it."""
    conf = (ROOT / "deploy" / "nginx.conf").read_text("utf-8")
    lines = [ln.strip() for ln in conf.splitlines() if "Strict-Transport-Security" in ln]
    assert lines == [f'# add_header Strict-Transport-Security "{HSTS}" always;'], lines
    assert all(
        "strict-transport-security" not in h for _, h, _ in _every_kind_of_answer(server).values()
    )

    def uncomment(text: str) -> str:
        return text.replace(lines[0], lines[0].removeprefix("# "))

    tmp = Path(tempfile.mkdtemp(prefix="rectify-nginx-hsts-"))
    try:
        tmp.chmod(0o755)
        with running_nginx(tmp, server.site, uncomment) as tls:
            for what, (_, headers, _) in _every_kind_of_answer(tls).items():
                assert headers.get("strict-transport-security") == HSTS, what
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
