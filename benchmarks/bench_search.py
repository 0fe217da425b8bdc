#!/usr/bin/env python3
"""Sharded search, measured: ``build`` with search against ``build --no-search``.

    python benchmarks/bench_search.py [--reports 100 1000] [--runs 3] [--shards 16]
    python benchmarks/bench_search.py --edit 200       # one-sentence edit, search on
    python benchmarks/bench_search.py --files          # files one edit rewrites, default site
    python benchmarks/bench_search.py --compare BASE --reports 1000   # issue 22: before/after
    python benchmarks/bench_search.py --latency --compare BASE --reports 1000

Every build is a fresh ``rectify-site build`` process under ``/usr/bin/time -v``: wall
time, and peak memory as the largest resident set of any one process of the build
(Pagefind's runs included: they are children of the build). Runs are paired: one
``--no-search`` build, then one with search, on the same synthetic corpus
(benchmarks/generate.py), cold (no output, no cache); the table gives medians. With
``--shards`` the shard count is set for the run (site.shards.SHARDS) to compare choices.
Not a test: nothing here asserts. Work files go to benchmarks/_search/ (git-ignored).

``--compare BASE`` (issue 22) builds the same corpus with search, alternately with
BASE's code (another checkout, e.g. a worktree of the commit before the bigram index)
and this checkout's, A B A B: the search bundle's bytes and files (``pagefind/``), the
build's index stage timed inside the build process (``pipeline.index``, wrapped; of it,
Pagefind's own time and, after, the bigram copy's CPU), wall and peak memory; medians and
after/before ratios against the issue's targets. ``--latency`` serves each built site on
127.0.0.1 and opens its search page in Debian's Chromium (playwright, a test extra; the
build never needs it) with the CPU throttled 4x over CDP; for each of the fixed
``QUERIES`` it types the query and times, inside the page, from the Enter key to the
first result link (median, p90): first on a fresh page (Pagefind loads) and then
again on that page with the next query (Pagefind loaded).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import http.server
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "_search"
GENERATE = ROOT / "benchmarks" / "generate.py"


# Run in the build's own process: the index stage, Pagefind and the bigram copy timed
# by wrapping them (whichever of them the checkout has), the figures written as JSON.
# The stage's CPU is the build process's (all threads) and that of the children reaped
# meanwhile: the Pagefind services, closed within the stage (the render workers' pool
# has ended before it, the compression's starts after it).
_CHILD = """
import json, sys, threading, time
sys.path.insert(0, {src!r})
import rectify_site.site.shards as s
s.SHARDS = {shards}
import rectify_site.build.pipeline as pipeline
import rectify_site.build.search as search
import resource
got = {{"index": 0.0, "index_cpu": 0.0, "pagefind": 0.0, "copy_cpu": 0.0, "copy_in": 0,
       "copy_out": 0}}
lock = threading.Lock()
def cpu():
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime
def timed(name, fn, cpu=False):
    clock = time.thread_time if cpu else time.perf_counter
    def wrapper(*a, **k):
        start = clock()
        try:
            return fn(*a, **k)
        finally:
            with lock:
                got[name] += clock() - start
    return wrapper
stage = pipeline.index
def index(*a, **k):
    start = cpu()
    try:
        return stage(*a, **k)
    finally:
        got["index_cpu"] = cpu() - start
pipeline.index = timed("index", index)
search.run_pagefind = timed("pagefind", search.run_pagefind)
# the copy is imported by name (before the engine) or looked up when called (after it,
# also by the workers, whose time is theirs: this counts the parent's only)
try:
    from rectify_site.build import bigrams
except ImportError:
    bigrams = None
owner = search if hasattr(search, "indexed_copy") else bigrams
if owner is not None and hasattr(owner, "indexed_copy"):
    copy = timed("copy_cpu", owner.indexed_copy, cpu=True)
    def counted(page):
        out = copy(page)
        with lock:
            got["copy_in"] += len(page)
            got["copy_out"] += len(out)
        return out
    owner.indexed_copy = counted
from rectify_site.commands.cli import main
try:
    code = main(sys.argv[1:])
finally:
    with open({timing!r}, "w") as f:
        json.dump(got, f)
sys.exit(code)
"""


def build_cmd(
    content: Path,
    out: Path,
    shards: int,
    *extra: str,
    root: Path = ROOT,
    timing: Path | None = None,
) -> list[str]:
    """A ``build`` in a fresh process with ``root``'s code; with ``timing``, the index
    stage's figures go to that file."""
    src = str(root / "src")
    args = ["build", "--content", str(content), "--out", str(out), *extra]
    if timing is not None:
        code = _CHILD.format(src=src, shards=shards, timing=str(timing))
        return [sys.executable, "-c", code, *args]
    code = (
        f"import sys; sys.path.insert(0, {src!r}); import rectify_site.site.shards as s; "
        f"s.SHARDS = {shards}; from rectify_site.commands.cli import main; "
        "sys.exit(main(sys.argv[1:]))"
    )
    return [sys.executable, "-c", code, *args]


def time_v(cmd: list[str]) -> dict[str, float]:
    """Wall and CPU seconds (user + system, reaped children included) and peak RSS (MiB)
    of the largest process, from /usr/bin/time -v."""
    proc = subprocess.run(
        ["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-2000:])
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", proc.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    user = re.search(r"User time \(seconds\): ([\d.]+)", proc.stderr)
    system = re.search(r"System time \(seconds\): ([\d.]+)", proc.stderr)
    assert wall and rss and user and system
    h, m, s = wall.groups()
    return {
        "wall": int(h or 0) * 3600 + int(m) * 60 + float(s),
        "rss": int(rss.group(1)) / 1024,
        "cpu": float(user.group(1)) + float(system.group(1)),
    }


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of the largest process, from /usr/bin/time -v."""
    got = time_v(cmd)
    return got["wall"], got["rss"]


def clean(out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(out.parent / ".rectify-cache", ignore_errors=True)


def corpus(n: int) -> Path:
    content = WORK / f"corpus-{n}"
    if not content.is_dir():
        subprocess.run(
            [sys.executable, str(GENERATE), "--reports", str(n), "--out", str(content)],
            check=True,
            capture_output=True,
        )
    return content


def paired(n: int, runs: int, shards: int) -> None:
    content = corpus(n)
    out = WORK / "out" / "_site"
    rows: dict[str, list[tuple[float, float]]] = {"no-search": [], "search": []}
    for _ in range(runs):
        for name, extra in (("no-search", ["--no-search"]), ("search", [])):
            clean(out)
            rows[name].append(timed(build_cmd(content, out, shards, *extra)))
    clean(out)
    base = statistics.median(w for w, _ in rows["no-search"])
    for name, values in rows.items():
        wall = statistics.median(w for w, _ in values)
        rss = statistics.median(r for _, r in values)
        print(
            f"| {n} | {shards} | {name} | {wall:.2f} s | {rss:.0f} MiB | {wall / base:.2f}x |"
            f" {' '.join(f'{w:.1f}' for w, _ in values)} |"
        )


def toggle(path: Path) -> None:
    text = path.read_text("utf-8")
    extra = "，切实巩固整改成效。"
    text = text.replace(extra, "。", 1) if extra in text else text.replace("。", extra, 1)
    path.write_text(text, "utf-8")


def edit(n: int, runs: int, shards: int) -> None:
    """A one-sentence edit with search on, fresh process, as % of a cold build."""
    content = WORK / f"edit-{n}"
    shutil.rmtree(content, ignore_errors=True)
    shutil.copytree(corpus(n), content)
    category = sorted(
        (content / sorted(p.name for p in content.iterdir() if p.is_dir())[0] / "categories").glob(
            "*.yaml"
        )
    )[0]
    out = WORK / "out" / "_site"
    colds, edits = [], []
    for _ in range(runs):
        clean(out)
        colds.append(timed(build_cmd(content, out, shards))[0])
        toggle(category)
        edits.append(timed(build_cmd(content, out, shards))[0])
    clean(out)
    cold, one = statistics.median(colds), statistics.median(edits)
    print(
        f"N={n}, shards={shards}: cold {cold:.2f} s, one-sentence edit {one:.2f} s"
        f" = {100 * one / cold:.1f} % of cold (edits: {' '.join(f'{e:.2f}' for e in edits)})"
    )


def files() -> None:
    """Files a one-sentence edit rewrites on the default site, search on."""
    sys.path.insert(0, str(ROOT / "src"))
    from rectify_site.build.pipeline import build_site

    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        shutil.copytree(ROOT / "content", content)
        out = Path(tmp) / "_site"
        build_site(content, out)
        toggle(next((content / "huangpu-12-2" / "categories").glob("development.yaml")))
        stats = build_site(content, out).stats
        assert stats
        plain = [f for f in stats.written if not f.endswith((".gz", ".br"))]
        total = len(stats.written) + len(stats.unchanged)
        print(
            f"default site: {len(plain)} files rewritten (+{len(stats.written) - len(plain)}"
            f" .gz/.br, + the manifest) of {total}; removed {len(stats.removed)}"
        )
        for f in plain:
            print("  ", f)


# --- issue 22: before and after the bigram index ---------------------------------------

QUERIES = (
    "整改",
    "孵化器",
    "改成果",
    "营商环境",
    "主体责任",
    "负面清单",
    "廉政风险",
    "管控不严",
    "第九巡察组",
    "全面从严治党",
)
"""Ten fixed queries of two to six Han characters from the generated corpus's text:
words, phrases, and substrings across word boundaries (改成果 from 整改成果)."""

TARGET = 1.3
"""The issue's bound on index bytes and index time, after/before."""

LATENCY_TARGET_MS = 300.0


def checkouts(base: Path | None) -> list[tuple[str, Path]]:
    """(label, checkout root): BASE's code before, this checkout's after."""
    return ([("before", base.resolve())] if base else []) + [("after", ROOT)]


def revision(root: Path) -> str:
    proc = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.stdout.strip() or "?"


def code_state(root: Path) -> str:
    """What ``root`` builds with: the last commit of src/ and templates/, and any
    uncommitted change to them (so that ``--latency`` rebuilds a site made by other code)."""
    git = ["git", "-C", str(root)]
    last = subprocess.run(
        [*git, "log", "-1", "--format=%H", "--", "src", "templates"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(
        [*git, "diff", "HEAD", "--", "src", "templates"], capture_output=True, check=False
    ).stdout
    return f"{root.resolve()} {last} {hashlib.sha256(dirty).hexdigest()[:12]}"


def bundle_size(out: Path) -> dict[str, int]:
    """Bytes and files of ``pagefind/``: as Pagefind made them (and their bytes by kind:
    ``kind.pf_index``…), and with the build's ``.gz``/``.br`` copies beside them."""
    got = {"bytes": 0, "files": 0, "bytes_all": 0, "files_all": 0}
    for f in (out / "pagefind").rglob("*"):
        if f.is_file():
            size = f.stat().st_size
            got["bytes_all"] += size
            got["files_all"] += 1
            if not f.name.endswith((".gz", ".br")):
                got["bytes"] += size
                got["files"] += 1
                got[f"kind{f.suffix}"] = got.get(f"kind{f.suffix}", 0) + size
    return got


def site_dir(label: str, n: int) -> Path:
    return WORK / f"{label}-{n}" / "_site"


def build_once(label: str, root: Path, content: Path, n: int, shards: int) -> dict[str, float]:
    """One cold build with search by ``root``'s code; its figures. The site stays in
    ``site_dir`` (with a stamp of the code and shards) for ``--latency``."""
    out = site_dir(label, n)
    clean(out)
    timing = out.parent / "timing.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    row = time_v(build_cmd(content, out, shards, root=root, timing=timing))
    row.update(json.loads(timing.read_text()))
    row.update(bundle_size(out))
    stamp = {"code": code_state(root), "shards": shards}
    (out.parent / "stamp.json").write_text(json.dumps(stamp))
    return row


def med(rows: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def compare(n: int, runs: int, shards: int, base: Path) -> None:
    """Paired cold builds with search, before and after, alternately; medians, ratios."""
    content = corpus(n)
    pairs = checkouts(base)
    rows: dict[str, list[dict[str, float]]] = {label: [] for label, _ in pairs}
    for i in range(runs):
        for label, root in pairs:
            rows[label].append(build_once(label, root, content, n, shards))
            r = rows[label][-1]
            print(
                f"  run {i + 1} {label}: index stage {r['index']:.2f} s"
                f" ({r['index_cpu']:.2f} s CPU), build {r['wall']:.2f} s,"
                f" pagefind/ {r['bytes'] / 2**20:.2f} MiB in {r['files']:.0f} files",
                file=sys.stderr,
                flush=True,
            )
    print(f"\nN={n}, shards={shards}, {runs} pairs (medians; runs in brackets)\n")
    print(
        "| code | index stage | index CPU | of it Pagefind (2 lanes, summed) | bigram copy CPU"
        " | build wall | build CPU | peak RSS | pagefind/ bytes | files | with .gz/.br |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, root in pairs:
        rs = rows[label]
        runs_text = " ".join(f"{r['index']:.1f}" for r in rs)
        copy = f"{med(rs, 'copy_cpu'):.2f} s" if med(rs, "copy_in") else "-"
        print(
            f"| {label} ({revision(root)}) | {med(rs, 'index'):.2f} s [{runs_text}]"
            f" | {med(rs, 'index_cpu'):.2f} s | {med(rs, 'pagefind'):.2f} s | {copy}"
            f" | {med(rs, 'wall'):.2f} s | {med(rs, 'cpu'):.2f} s | {med(rs, 'rss'):.0f} MiB"
            f" | {med(rs, 'bytes') / 2**20:.2f} MiB"
            f" | {med(rs, 'files'):.0f} | {med(rs, 'bytes_all') / 2**20:.2f} MiB"
            f" in {med(rs, 'files_all'):.0f} |"
        )
    after = rows["after"]
    copied = med(after, "copy_in")
    if copied:
        print(
            f"\nbigram copies: {copied / 2**20:.1f} MiB of pages in,"
            f" {med(after, 'copy_out') / 2**20:.1f} MiB staged for Pagefind"
            f" ({med(after, 'copy_out') / copied:.2f}x)"
        )
    kinds = sorted({k for r in rows["after"] for k in r if k.startswith("kind")})
    print("\n| pagefind/ by kind, MiB | " + " | ".join(k[4:] for k in kinds) + " |")
    print("| --- |" + " ---: |" * len(kinds))
    for label, _ in pairs:
        sizes = [statistics.median(r.get(k, 0) for r in rows[label]) / 2**20 for k in kinds]
        print(f"| {label} | " + " | ".join(f"{v:.2f}" for v in sizes) + " |")
    if "before" not in rows:
        return
    before = rows["before"]
    print("\n| after/before | ratio | target | met? |")
    print("| --- | ---: | ---: | --- |")
    for key, name, target in (
        ("bytes", "index bytes (pagefind/)", TARGET),
        ("files", "index files", None),
        ("bytes_all", "index bytes with .gz/.br", None),
        ("index", "index time (index stage, wall)", TARGET),
        ("index_cpu", "index CPU (index stage)", TARGET),
        ("pagefind", "Pagefind's own time", None),
        ("wall", "build wall", None),
        ("cpu", "build CPU", None),
        ("rss", "peak RSS", None),
    ):
        ratio = med(after, key) / med(before, key)
        verdict = "-" if target is None else ("yes" if ratio <= target else "**no**")
        limit = f"{target:.1f}x" if target else "-"
        print(f"| {name} | {ratio:.2f}x | {limit} | {verdict} |")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """``folder`` over http on 127.0.0.1 (Pagefind's ES module does not load from file:)."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# In the page from its start: the time of the Enter key in the search box, and of the
# first result link added to the results (or of the "nothing found" status), in the
# page's own clock, so that playwright's round trips are not counted.
PROBE = """
window.__bench = { t0: null, first: null, none: null };
document.addEventListener("keydown", (e) => {
  if (e.key === "Enter") window.__bench = { t0: performance.now(), first: null, none: null };
}, true);
new MutationObserver((records) => {
  const b = window.__bench;
  if (b.t0 === null || b.first !== null) return;
  for (const r of records) {
    for (const node of r.addedNodes) {
      if (node.nodeType === 1 && node.closest(".search-results")
          && (node.matches("a") || node.querySelector("a"))) {
        b.first = performance.now();
        return;
      }
    }
  }
  const status = document.querySelector(".search-status");
  if (b.none === null && status && /没有找到|暂不可用/.test(status.textContent))
    b.none = performance.now();
}).observe(document, { subtree: true, childList: true, characterData: true });
"""

DONE = "() => window.__bench.first !== null || window.__bench.none !== null"


def search_once(page: Any, query: str) -> dict[str, Any]:
    """Type ``query`` into the search page's box and press Enter: ms to the first result
    (None when nothing was found), the status line once the search has finished, and
    the epoch ms of the Enter key and of the first result (or of "nothing found")."""
    box = page.locator(".search-page-form input[name=q]")
    box.fill(query)
    box.press("Enter")
    page.wait_for_function(DONE, timeout=120_000)
    got = page.evaluate("({...window.__bench, origin: performance.timeOrigin})")
    page.wait_for_function(
        "() => !/正在搜索/.test(document.querySelector('.search-status').textContent)",
        timeout=120_000,
    )
    first = got["first"] - got["t0"] if got["first"] is not None else None
    status = page.locator(".search-status").inner_text()
    shown = got["first"] if got["first"] is not None else got["none"]
    t0, t1 = got["origin"] + got["t0"], got["origin"] + shown
    return {"ms": first, "status": status, "t0": t0, "t1": t1}


def fetched(requests: list[Any], site: Path, t0: float, t1: float) -> dict[str, float]:
    """What the search fetched from the bundles between the Enter key (``t0``) and the
    first result (``t1``), epoch ms, Pagefind's worker included: requests, KiB (the
    files' sizes: the test server sends them as they are), and when the last index file
    (not a fragment: those are each hit's text) and the last fragment had arrived."""
    got = {"requests": 0.0, "kib": 0.0, "index_end": 0.0, "fragments_end": 0.0}
    for r in requests:
        path = r.url.split("?")[0].split("/", 3)[-1]
        timing = r.timing
        begin = timing["startTime"]
        finish = begin + max(timing["responseEnd"], 0)
        if not path.startswith("pagefind/") or begin < t0 - 1 or finish > t1 + 1:
            continue
        got["requests"] += 1
        file = site / path
        got["kib"] += file.stat().st_size / 1024 if file.is_file() else 0
        key = "fragments_end" if path.endswith(".pf_fragment") else "index_end"
        got[key] = max(got[key], finish - t0)
    return got


def pct(values: list[float], q: int) -> float:
    """The q-th percentile (statistics' inclusive method; the median at 50)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


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
"""As tests/conftest.py launches Debian's chromium (see /work/shared/CHECKERS.md)."""

KINDS = ("first on the page", "next on the page")


def ensure_site(label: str, root: Path, n: int, shards: int) -> Path:
    """The site ``root``'s code builds from the corpus of ``n``: the one ``--compare``
    left, if made by the same commit and shards, else built now."""
    out = site_dir(label, n)
    stamp = out.parent / "stamp.json"
    want = {"code": code_state(root), "shards": shards}
    if (
        not (out / "pagefind").is_dir()
        or not stamp.is_file()
        or json.loads(stamp.read_text()) != want
    ):
        print(f"building the {label} site (N={n})", file=sys.stderr, flush=True)
        build_once(label, root, corpus(n), n, shards)
    return out


def first_shard(site: Path) -> str:
    """The first shard the search page lists (its form's data-shards)."""
    found = re.search(r'data-shards="([^"]*)"', (site / "search.html").read_text("utf-8"))
    return found.group(1).split()[0] if found and found.group(1).split() else ""


def visit(
    browser: Any, url: str, site: Path, rate: float, queries: tuple[str, str]
) -> list[dict[str, Any]]:
    """A fresh browser context (an empty HTTP cache), the CPU throttled ``rate`` x, the
    search page at ``url``; the first query, then the second on the same page."""
    context = browser.new_context()
    requests: list[Any] = []
    context.on("requestfinished", lambda r: requests.append(r))  # the page's and workers'
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
        page.add_init_script(PROBE)
        page.goto(url, wait_until="load")
        rows = [search_once(page, query) for query in queries]
        return [{**row, **fetched(requests, site, row["t0"], row["t1"])} for row in rows]
    finally:
        context.close()


def latency(n: int, shards: int, base: Path | None, rounds: int, rate: float) -> None:
    """First-result latency in Chromium, CPU throttled ``rate`` x, before and after: the
    search page opened on its own (every shard) and from a report (its shard first)."""
    chromium = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise SystemExit("--latency needs playwright: pip install -e '.[test]'") from None
    if not chromium.exists():
        raise SystemExit(f"{chromium} is missing: apt-get install chromium fonts-noto-cjk")
    pairs = checkouts(base)
    sites = {label: ensure_site(label, root, n, shards) for label, root in pairs}
    shard = first_shard(sites["after"])
    scopes = (
        ("every shard", "search.html"),
        (f"shard {shard} first", f"search.html?shard={shard}"),
    )
    got: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    with sync_playwright() as p, ExitStack() as stack:
        browser = p.chromium.launch(
            executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS
        )
        stack.callback(browser.close)
        urls = {label: stack.enter_context(serving(sites[label])) for label, _ in pairs}
        for r in range(rounds):
            for i, query in enumerate(QUERIES):
                queries = (query, QUERIES[(i + 1) % len(QUERIES)])
                for scope, path in scopes:
                    order = pairs if (r + i) % 2 == 0 else pairs[::-1]  # A B, then B A
                    for label, _ in order:
                        for kind, row in zip(
                            KINDS,
                            visit(browser, urls[label] + path, sites[label], rate, queries),
                            strict=True,
                        ):
                            got.setdefault((label, scope, kind), []).append(row)
            print(f"  round {r + 1} of {rounds} done", file=sys.stderr, flush=True)
    print(
        f"\nN={n}, shards={shards}, CPU throttled {rate:g}x, {rounds} round(s) of"
        f" {len(QUERIES)} queries: {' '.join(QUERIES)}\n"
    )
    print(
        "| code | opened | search | first result, median | p90 | max | index in, median"
        " | fragments in, median | bundle requests, KiB (median) | found nothing"
        " | p90 < 300 ms? |"
    )
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for label, root in pairs:
        for scope, _ in scopes:
            for kind in KINDS:
                rows = got[(label, scope, kind)]
                values = [row["ms"] for row in rows if row["ms"] is not None]
                none = len(rows) - len(values)
                req = statistics.median(row["requests"] for row in rows)
                kib = statistics.median(row["kib"] for row in rows)
                end = statistics.median(row["index_end"] for row in rows)
                frag = statistics.median(row["fragments_end"] for row in rows)
                head = f"| {label} ({revision(root)}) | {scope} | {kind}"
                net = f"{end:.0f} ms | {frag:.0f} ms | {req:.0f}, {kib:.0f} | {none}"
                if not values:
                    print(f"{head} | - | - | - | {net} | - |")
                    continue
                p90 = pct(values, 90)
                print(
                    f"{head} | {statistics.median(values):.0f} ms | {p90:.0f} ms"
                    f" | {max(values):.0f} ms | {net}"
                    f" | {'yes' if p90 < LATENCY_TARGET_MS else '**no**'} |"
                )
    for label, _ in pairs:
        nothing = sorted(
            {
                row["status"]
                for k, rows in got.items()
                if k[0] == label
                for row in rows
                if row["ms"] is None
            }
        )
        for status in nothing:
            print(f"{label}, found nothing: {status}")
    if base is not None:
        print()
        for scope, _ in scopes:
            for kind in KINDS:
                medians = []
                for label in ("before", "after"):
                    values = [r["ms"] for r in got[(label, scope, kind)] if r["ms"] is not None]
                    medians.append(statistics.median(values) if values else float("nan"))
                print(f"after/before, {scope}, {kind}: {medians[1] / medians[0]:.2f}x (medians)")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--reports", type=int, nargs="*", default=[100, 1000])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--shards", type=int, default=16)
    p.add_argument("--edit", type=int, help="measure a one-sentence edit at this N instead")
    p.add_argument("--files", action="store_true", help="count files one edit rewrites")
    p.add_argument(
        "--compare",
        type=Path,
        metavar="BASE_CHECKOUT",
        help="before/after: builds with search by BASE's code and this checkout's, paired",
    )
    p.add_argument(
        "--latency",
        action="store_true",
        help="first-result latency in Chromium (with --compare: both checkouts' sites)",
    )
    p.add_argument("--rounds", type=int, default=3, help="--latency: rounds of QUERIES")
    p.add_argument("--throttle", type=float, default=4, help="--latency: CPU slowdown")
    args = p.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    if args.compare and not (args.compare / "src" / "rectify_site").is_dir():
        p.error(f"--compare: {args.compare} is no rectify-site checkout (no src/rectify_site)")
    if args.files:
        files()
    elif args.edit:
        edit(args.edit, args.runs, args.shards)
    elif args.latency:
        for n in args.reports:
            latency(n, args.shards, args.compare, args.rounds, args.throttle)
    elif args.compare:
        for n in args.reports:
            compare(n, args.runs, args.shards, args.compare)
    else:
        print("| N | shards | build | wall (median) | peak RSS (median) | vs --no-search | runs |")
        print("| ---: | ---: | --- | ---: | ---: | ---: | --- |")
        for n in args.reports:
            paired(n, args.runs, args.shards)
    return 0


if __name__ == "__main__":
    sys.exit(main())
