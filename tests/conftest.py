"""Fixtures that chain: the content folder -> a loaded collection -> a built site.

The real site is built once per test run; tests that change content work on a copy.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from rectify_site.build.pipeline import build_site
from rectify_site.load.collection import load_collection
from rectify_site.model.collection import Collection
from rectify_site.workers import FORK_SAFE

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
TEMPLATES = ROOT / "templates"
REPORT_ID = "huangpu-12-2"
SEED = Path(__file__).resolve().parent / "data" / "seed.txt"


def _ignored_at_c_level() -> set[int]:
    """The signals this process ignores (SIG_IGN), as the kernel says (/proc): a library
    can set that with sigaction, unseen by ``signal.getsignal``."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            mask = next(int(line.split()[1], 16) for line in fh if line.startswith("SigIgn:"))
    except (OSError, StopIteration, ValueError):
        return set()
    return {n for n in range(1, 64) if mask >> (n - 1) & 1}


@pytest.fixture(autouse=True)
def _interruptible_children() -> None:
    """Every child a test starts can be interrupted: SIGINT and SIGQUIT at their defaults.

    A disposition of SIG_IGN is inherited across exec, and in the full suite this process
    was once found ignoring both (seen in /proc, SigIgn), so that ``serve`` children
    never stopped on Ctrl-C and the start-up interrupt tests saw no interrupt at all.
    """
    import signal

    ignored = _ignored_at_c_level()
    if signal.SIGINT in ignored:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if signal.SIGQUIT in ignored:
        signal.signal(signal.SIGQUIT, signal.SIG_DFL)


@pytest.fixture(scope="session")
def seed_lines() -> list[str]:
    """The 51 lines of the published report, as the seed file has them."""
    lines = SEED.read_text("utf-8").split("\n")
    return [ln for ln in lines if ln.strip()]


@pytest.fixture(scope="session")
def collection() -> Collection:
    return load_collection(CONTENT)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real content built once, with a base URL so that every file is written."""
    out = tmp_path_factory.mktemp("site") / "_site"
    build_site(CONTENT, out, templates=TEMPLATES, base_url="https://example.org/rectify/")
    return out


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the real content, with the theme beside it as in the project."""
    dst = tmp_path / "content"
    shutil.copytree(CONTENT, dst)
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    return dst


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a content file, failing loudly when the text is not there."""
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), "utf-8")


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli() -> Callable[..., Run]:
    """Run ``python -m rectify_site`` in a subprocess, as an editor would."""

    def run(*args: str | Path, cwd: Path | None = None, timeout: float = 120) -> Run:
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        proc = subprocess.run(
            [sys.executable, "-m", "rectify_site", *map(str, args)],
            capture_output=True,
            text=True,
            cwd=cwd or ROOT,
            env=env,
            timeout=timeout,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    return run


# --- real tools: Chromium (through playwright), the Nu HTML Checker, a loopback server ---

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
IN_CI = os.environ.get("CI") == "true"


def need(condition: bool, reason: str) -> None:
    """Skip with ``reason`` where a tool is missing, but fail under CI=true."""
    if not condition:
        if IN_CI:
            pytest.fail(f"CI=true and {reason}")
        pytest.skip(reason)


@contextlib.contextmanager
def harness_threads() -> Iterator[Callable[[], None]]:
    """Threads the test harness starts before ``mark()`` are safe to fork beside, until the
    block ends.

    The loopback server's thread waits in select and playwright's in waitpid: neither holds a
    lock a build's worker takes. Unmarked, they would keep every in-process build after the
    first browser test in one process, and the tests of the workers would test nothing.
    """
    before = {t.ident for t in threading.enumerate()}
    started: set[int] = set()

    def mark() -> None:
        started.update(t.ident for t in threading.enumerate() if t.ident not in before and t.ident)
        FORK_SAFE.update(started)

    try:
        yield mark
    finally:
        FORK_SAFE.difference_update(started)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, driven by playwright (never a downloaded browser)."""
    need(CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "playwright is missing: pip install -e '.[test]'")
        raise
    with harness_threads() as mark, sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        mark()
        yield b
        b.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _HarnessServer(http.server.ThreadingHTTPServer):
    """Each request's thread only reads files and writes a socket: safe to fork beside."""

    daemon_threads = True

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        FORK_SAFE.add(threading.get_ident())
        try:
            super().process_request_thread(request, client_address)
        finally:
            FORK_SAFE.discard(threading.get_ident())


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 at a free port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = _HarnessServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    with harness_threads() as mark:
        thread.start()
        mark()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/"
        finally:
            server.shutdown()
            server.server_close()


AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
"""What axe-core checks on every page: WCAG 2.2 AA and its best practices."""


def axe_violations(page: Any) -> list[str]:
    """axe-core's violations on the page open in ``page``, each as id and first targets."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    return [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in found]


SIDEWAYS = "document.documentElement.scrollWidth > document.documentElement.clientWidth"
"""True where the page itself scrolls sideways (a wide table scrolls in its own box)."""


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The real site, built once, served over http on loopback."""
    with serve_folder(built_site) as url:
        yield url


def find_vnu() -> Path | None:
    """The Nu HTML Checker jar from npm's vnu-jar, if installed (see CHECKERS in README)."""
    env = os.environ.get("VNU_JAR")
    candidates = [Path(env)] if env else []
    candidates.append(ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar")
    return next((c for c in candidates if c.is_file()), None)
