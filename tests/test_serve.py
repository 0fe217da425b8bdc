"""``rectify-site serve`` as an editor uses it: edit, break, fix; the pages follow by themselves.

The server runs in a subprocess on a free port. Every wait polls with a generous deadline
(the machine is shared), and nothing asserts on how long anything took.
"""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from rectify_site.serve.preview import RELOAD_JS, Preview, inject_reload
from rectify_site.serve.server import is_loopback, make_server

from conftest import REPORT_ID, ROOT, Run, edit

pytestmark = pytest.mark.slow

DEADLINE = 90.0
SERVE = [sys.executable, "-m", "rectify_site", "serve"]
FULL = f"{REPORT_ID}/full.html"


def line_of(path: Path, text: str) -> int:
    """The line number of ``text`` in a content file, as an error message names it."""
    lines = path.read_text("utf-8").splitlines()
    return next(i for i, ln in enumerate(lines, 1) if text in ln)


class Served:
    """A ``rectify-site serve`` subprocess and what it printed."""

    def __init__(self, content: Path, *args: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        self.proc = subprocess.Popen(
            [*SERVE, "--content", str(content), "--port", "0", "--no-search", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=content.parent,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.err: list[str] = []
        self.pumps = [
            threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines.put)),
            threading.Thread(target=self._pump, args=(self.proc.stderr, self.err.append)),
        ]
        for t in self.pumps:
            t.start()
        first = self.lines.get(timeout=DEADLINE)
        assert "http://127.0.0.1:" in first, first
        self.url = first[first.index("http://") :].split("/", 3)
        self.url = "/".join(self.url[:3]) + "/"

    @staticmethod
    def _pump(stream: Any, put: Callable[[str], None]) -> None:
        for line in stream:
            put(line)

    def get(self, rel: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + rel, timeout=30) as resp:
                return resp.status, resp.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")

    def until(self, rel: str, ok: Callable[[int, str], bool]) -> tuple[int, str]:
        """Poll ``rel`` until ``ok(status, body)``; fail with the last answer after DEADLINE."""
        end = time.monotonic() + DEADLINE
        while True:
            status, body = self.get(rel)
            if ok(status, body):
                return status, body
            assert self.proc.poll() is None, "".join(self.err)
            if time.monotonic() > end:
                pytest.fail(
                    f"{rel} never matched; last {status}: {body[:500]}\n{''.join(self.err)}"
                )
            time.sleep(0.1)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise
        finally:
            for t in self.pumps:
                t.join(timeout=DEADLINE)
            for stream in (self.proc.stdout, self.proc.stderr):
                if stream:
                    stream.close()


@pytest.fixture
def served(content_copy: Path) -> Iterator[Served]:
    s = Served(content_copy)
    yield s
    code = s.stop()
    assert code == 0 and "Traceback" not in "".join(s.err), "".join(s.err)


def test_an_edit_shows_up(served: Served, content_copy: Path) -> None:
    status, body = served.get(FULL)
    assert status == 200 and "整改48项" in body
    assert RELOAD_JS in body, "the reload script is added to served pages"
    edit(content_copy / REPORT_ID / "figures.yaml", "rectified: 48", "rectified: 47")
    served.until(FULL, lambda s, b: s == 200 and "整改47项" in b)
    status, script = served.get(RELOAD_JS.lstrip("/"))
    assert status == 200 and "EventSource" in script


def test_the_reload_script_is_never_written(served: Served, content_copy: Path) -> None:
    folder = content_copy.parent / "_serve"
    served.until(FULL, lambda s, b: s == 200)
    pages = list(folder.rglob("*.html"))
    assert pages and not any(b"__rectify__" in p.read_bytes() for p in pages)
    assert not (content_copy.parent / "_site").exists(), "serve never builds into _site/"


def test_broken_content_shows_the_errors_then_the_page_returns(
    served: Served, content_copy: Path
) -> None:
    figures = content_copy / REPORT_ID / "figures.yaml"
    edit(figures, "rectified: 48", "rectified: 99")
    _, body = served.until(FULL, lambda s, b: s == 500)
    assert f"{REPORT_ID}/figures.yaml:{line_of(figures, 'rectified: 99')}:7" in body
    assert "problems.by_status.rectified" in body and "已整改数（99）大于具体问题总数（57）" in body
    assert RELOAD_JS in body, "the error page reloads by itself too"
    assert served.get("index.html")[0] == 500, "every page shows the errors"
    edit(figures, "rectified: 99", "rectified: 48")
    served.until(FULL, lambda s, b: s == 200 and "整改48项" in b)
    assert any("figures.yaml:" in ln and ": error:" in ln for ln in served.err), (
        "and in the terminal"
    )


def test_content_broken_from_the_start_shows_the_errors(content_copy: Path) -> None:
    figures = content_copy / REPORT_ID / "figures.yaml"
    edit(figures, "total: 134", "total: lots")
    s = Served(content_copy)
    try:
        status, body = s.get("index.html")
        assert status == 500 and "measures.total" in body and "应为整数" in body
        edit(figures, "total: lots", "total: 134")
        s.until("index.html", lambda st, b: st == 200)
    finally:
        assert s.stop() == 0


def test_a_template_error_names_the_template(served: Served, content_copy: Path) -> None:
    template = content_copy.parent / "templates" / "category.html"
    good = template.read_text("utf-8")
    template.write_text(good.replace("{% block", "{% blok", 1), "utf-8")
    _, body = served.until(FULL, lambda s, b: s == 500)
    assert "category.html" in body
    template.write_text(good, "utf-8")
    served.until(FULL, lambda s, b: s == 200)


def test_drafts_are_shown_with_the_banner(content_copy: Path, cli: Callable[..., Run]) -> None:
    edit(content_copy / REPORT_ID / "report.yaml", "issuer:", "draft: true\nissuer:")
    s = Served(content_copy)
    try:
        status, body = s.get(f"{REPORT_ID}/index.html")
        assert status == 200 and "草稿" in body and "draft-banner" in body
    finally:
        assert s.stop() == 0
    run = cli(
        "build", "--content", content_copy, "--out", content_copy.parent / "out", "--no-search"
    )
    assert f"另有 1 份草稿未发布：{REPORT_ID}" in run.out
    assert not (content_copy.parent / "out" / REPORT_ID).exists()


def test_ctrl_c_stops_cleanly(content_copy: Path) -> None:
    s = Served(content_copy)
    assert s.get("index.html")[0] == 200
    assert s.stop() == 0
    assert "Traceback" not in "".join(s.err)
    with pytest.raises(OSError):
        urllib.request.urlopen(s.url, timeout=5)


def test_busy_port_is_a_clear_error(cli: Callable[..., Run], content_copy: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        run = cli("serve", "--content", content_copy, "--port", port, "--no-search", timeout=60)
    assert run.code == 2, run.err
    assert f"端口 {port} 已被占用" in run.err and "Traceback" not in run.err


def test_a_second_preview_of_the_same_content_is_refused(
    served: Served, cli: Callable[..., Run], content_copy: Path
) -> None:
    run = cli("serve", "--content", content_copy, "--port", "0", "--no-search", timeout=60)
    assert run.code == 2 and "另一个构建正在写入该目录" in run.err, run.err


def test_loopback_by_default() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")


def test_reload_script_passes_a_content_security_policy() -> None:
    page = (
        b'<html><head><meta http-equiv="Content-Security-Policy" '
        b"content=\"default-src 'none'; script-src 'sha256-abc'\"></head>"
        b"<body><p>x</p></body></html>"
    )
    out = inject_reload(page, 7).decode()
    assert f'<script src="{RELOAD_JS}" data-generation="7"></script>\n</body>' in out
    assert "script-src 'sha256-abc' 'self'" in out and "connect-src 'self'" in out


def test_requests_during_rebuilds_see_a_whole_site(content_copy: Path) -> None:
    """Hammer the server while it rebuilds: every answer is a complete page, old or new."""
    preview = Preview(
        content_copy, content_copy.parent / "_serve", search=False, log=lambda s: None
    )
    preview.build()
    server = make_server(preview, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/{FULL}"
    answers: list[str] = []
    stop = threading.Event()

    def hammer() -> None:
        while not stop.is_set():
            with urllib.request.urlopen(url, timeout=30) as resp:
                answers.append(resp.read().decode("utf-8"))

    reader = threading.Thread(target=hammer, daemon=True)
    reader.start()
    figures = content_copy / REPORT_ID / "figures.yaml"
    try:
        for old, new in [("48", "47"), ("47", "46"), ("46", "48")]:
            edit(figures, f"rectified: {old}", f"rectified: {new}")
            preview.build()
    finally:
        stop.set()
        reader.join(timeout=60)
        preview.stop()
        server.shutdown()
        server.server_close()
    assert answers
    for body in answers:
        assert body.rstrip().endswith("</html>")
        assert sum(f"整改{n}项" in body for n in (46, 47, 48)) == 1


@pytest.mark.browser
def test_an_open_page_reloads_by_itself(browser: Any, served: Served, content_copy: Path) -> None:
    from playwright.sync_api import expect

    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(served.url + FULL)
    assert "整改48项" in page.inner_text("main")
    page.evaluate("window.stillTheSamePage = true")
    figures = content_copy / REPORT_ID / "figures.yaml"
    wait = DEADLINE * 1000

    edit(figures, "rectified: 48", "rectified: 47")
    expect(page.locator("body")).to_contain_text("整改47项", timeout=wait)
    assert page.evaluate("window.stillTheSamePage") is None, "the page was loaded again"
    assert problems == [], "the reload script runs under the site's CSP"

    edit(figures, "rectified: 47", "rectified: 99")  # a mistake shows in the open page
    where = f"figures.yaml:{line_of(figures, 'rectified: 99')}:7"
    expect(page.locator("body")).to_contain_text(where, timeout=wait)
    edit(figures, "rectified: 99", "rectified: 48")  # and the page comes back by itself
    expect(page.locator("body")).to_contain_text("整改48项", timeout=wait)
    page.close()


# --- the import review page: the source beside the result, for every imported draft -----


@pytest.fixture
def imported_draft(tmp_path: Path) -> Path:
    """A project whose content is the seed, imported (a draft, its source kept)."""
    from conftest import SEED

    content = tmp_path / "project" / "content"
    run = subprocess.run(
        [*IMPORT, str(SEED), "--content", str(content), "--id", "imported"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        timeout=DEADLINE,
    )
    assert run.returncode == 0, run.stderr
    assert "/__rectify__/review/" in run.stdout
    return content


REVIEW = "__rectify__/review/imported.html"
IMPORT = [sys.executable, "-m", "rectify_site", "import"]


def test_the_review_page_shows_the_source_beside_the_result(imported_draft: Path) -> None:
    import re

    from conftest import SEED
    from htmltext import visible_text

    copy = imported_draft.parent / ".rectify-cache" / ".import-review" / "imported.json"
    assert copy.is_file()  # in the cache: never in content/ or the output
    assert not list(imported_draft.rglob("*.json"))
    s = Served(imported_draft)
    try:
        status, index = s.get("__rectify__/review/")
        assert status == 200 and 'href="imported.html"' in index
        status, body = s.get(REVIEW)
        assert status == 200
        source, result = body.split('id="source-h"')[1].split('id="result-h"')
        # the source: every line of it, in order
        lines = [ln for ln in SEED.read_text("utf-8").splitlines() if ln.strip()]
        items = re.findall(r"<li[^>]*>(.*?)</li>", source, re.S)
        assert [visible_text(f"<main>{i}</main>") for i in items] == lines
        # every extracted figure highlighted in its sentence, on both sides
        for side in (source, result):
            figures = re.findall(r'<mark class="figure">(.*?)</mark>', side)
            assert figures == [
                *("六", "16", "57个", "134条"),  # 六大类16方面, 57个具体问题 (counts)
                *("57项", "48项", "134条", "120条", "43件", "1人", "7人", "8人", "12人"),
                *("130.98万元", "152项", "201项", "9项", "6项", "20条", "15条"),
                *("2项", "2项", "2项", "7条", "7条"),
            ]
            plain = re.findall(r'<mark class="plain">(.*?)</mark>', side)
            assert "1882个" in plain and "46079条" in plain and len(plain) == 29
        assert '巡视反馈的<mark class="figure">57项</mark>具体问题已经整改' in result
        assert 'class="unplaced"' not in source  # every line is in the result
        # the draft's pages link to it
        status, page = s.get("imported/index.html")
        assert status == 200 and f'href="/{REVIEW}"' in page
        # it follows an edit: a figure changed in figures.yaml
        edit(imported_draft / "imported" / "figures.yaml", "48", "47")
        s.until(REVIEW, lambda c, b: c == 200 and '<mark class="figure">47项</mark>' in b)
        # a report published (no draft) has no review page
        edit(imported_draft / "imported" / "report.yaml", "draft: true", "draft: false")
        s.until(REVIEW, lambda c, b: c == 404)
        assert 'href="imported.html"' not in s.get("__rectify__/review/")[1]
    finally:
        assert s.stop() == 0, "".join(s.err)


def test_the_review_copy_is_no_input_of_the_build(imported_draft: Path, tmp_path: Path) -> None:
    from rectify_site.build.pipeline import build_site

    from importdocs import publish

    publish(imported_draft, "imported")
    out = imported_draft.parent / "_site"
    build_site(imported_draft, out, search=False)
    copy = imported_draft.parent / ".rectify-cache" / ".import-review" / "imported.json"
    copy.write_text(copy.read_text("utf-8").replace("57项", "58项"), "utf-8")
    again = build_site(imported_draft, out, search=False)
    assert again.stats is None or again.stats.written == []
    assert not [p for p in out.rglob("*") if p.name == "imported.json"]
    assert "58项" not in "".join(p.read_text("utf-8") for p in out.rglob("*.html"))


def test_the_review_page_in_chromium(browser: Any, imported_draft: Path) -> None:
    """Side by side on a desktop, one column on a phone without sideways scrolling, and
    no axe-core violation."""
    from conftest import SIDEWAYS, axe_violations

    s = Served(imported_draft)
    try:
        s.until(REVIEW, lambda c, _b: c == 200)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(s.url + REVIEW)
        left = page.locator("#source-h").bounding_box()
        right = page.locator("#result-h").bounding_box()
        assert left and right and abs(left["y"] - right["y"]) < 2 and right["x"] > left["x"] + 300
        mark = page.locator("ol.lines mark.figure").nth(4)
        assert mark.inner_text() == "57项"
        colour = mark.evaluate("m => getComputedStyle(m).backgroundColor")
        plain = page.locator("ol.lines mark.plain").first.evaluate(
            "m => getComputedStyle(m).backgroundColor"
        )
        assert colour != plain  # the two kinds are told apart
        assert axe_violations(page) == []
        page.set_viewport_size({"width": 375, "height": 800})
        assert page.evaluate(SIDEWAYS) is False
        left = page.locator("#source-h").bounding_box()
        right = page.locator("#result-h").bounding_box()
        assert left and right and right["y"] > left["y"]  # one column: the result below
        page.close()
    finally:
        assert s.stop() == 0, "".join(s.err)
