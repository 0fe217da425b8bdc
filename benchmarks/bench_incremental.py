#!/usr/bin/env python3
"""Incremental builds and the editors' loop, measured: medians, and each one's ratio to cold.

    python benchmarks/bench_incremental.py [--reports 200] [--runs 5] [--no-browser]

For the default site (content/) and a large synthetic collection (benchmarks/generate.py,
labelled synthetic reports), it times:

- cold build (no output, no cache), a no-op rebuild, a one-sentence edit (one category
  file), a one-figure edit (a total in figures.yaml that prose cites), a template edit
  (category.html);
- each two ways: ``rectify-site build`` in a fresh process (what an editor or CI runs;
  includes starting Python) and a warm ``serve`` process (``Preview.build``, what happens
  after each save while previewing);
- the Pagefind index on its own line (it has no incremental mode: builds run it only when
  a page changed, and ``serve`` runs it after the reload);
- on the default site, the time from writing a file to an open Chromium page showing the
  new text (``serve`` with search on).

Not a test: nothing here asserts. Work files go to benchmarks/_incremental/ (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from rectify_site.build.cache import cache_dir_for  # noqa: E402 - after the path is set
from rectify_site.serve.preview import Preview  # noqa: E402

GENERATE = ROOT / "benchmarks" / "generate.py"
"""The scale issue's generator of labelled synthetic reports."""
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
BUILD = [sys.executable, "-m", "rectify_site", "build", "--no-search", "--no-compress"]
SCENARIOS = ["cold", "no-op", "one sentence", "one figure", "template"]


# --- edits that toggle, so every run really changes something ---------------------------


def toggle_sentence(path: Path) -> None:
    """Add a clause to the first sentence of a category file, or take it out again."""
    text = path.read_text("utf-8")
    extra = "，切实巩固整改成效。"
    text = text.replace(extra, "。", 1) if extra in text else text.replace("。", extra, 1)
    path.write_text(text, "utf-8")


FIGURE_RE = re.compile(r"^(\s+total:\s*)(\d+)$|(value:\s*)(\d+)\b", re.M)
"""The first tally's total in figures.yaml, else the first whole value."""


def first_figure(text: str) -> str:
    m = FIGURE_RE.search(text)
    assert m, "no figure to edit"
    return m.group(2) or m.group(4)


def toggle_figure(path: Path) -> None:
    """The first total (or value) one up, or back down (counts by status stay within it)."""
    text = path.read_text("utf-8")
    m = FIGURE_RE.search(text)
    assert m, f"no figure in {path}"
    head, digits = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    n = int(digits)
    flag = "# bench: +1\n"
    if text.startswith(flag):
        text, n = text[len(flag) :], n - 1
    else:
        text, n = flag + text, n + 1
    text = FIGURE_RE.sub(lambda _: f"{head}{n}", text, count=1)
    path.write_text(text, "utf-8")


def toggle_template(path: Path) -> None:
    text = path.read_text("utf-8")
    mark = "{# bench #}\n"
    path.write_text(text[len(mark) :] if text.startswith(mark) else mark + text, "utf-8")


# --- the two ways of building -----------------------------------------------------------


def cli_build(content: Path, out: Path) -> float:
    templates = content.parent / "templates"
    start = time.perf_counter()
    proc = subprocess.run(
        [*BUILD, "--content", str(content), "--out", str(out), "--templates", str(templates)],
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
    )
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{proc.stderr}")
    return took


def clean(out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache_dir_for(out), ignore_errors=True)


def measure(site: Path, runs: int, cold_runs: int) -> dict[str, dict[str, float]]:
    """Median seconds per scenario, for the CLI and for a warm serve process."""
    content, templates = site / "content", site / "templates"
    reports = sorted(p for p in content.iterdir() if (p / "report.yaml").is_file())
    report = reports[len(reports) // 2]
    category = sorted((report / "categories").glob("*.yaml"))[0]
    edits: dict[str, Callable[[], None]] = {
        "no-op": lambda: None,
        "one sentence": lambda: toggle_sentence(category),
        "one figure": lambda: toggle_figure(report / "figures.yaml"),
        "template": lambda: toggle_template(templates / "category.html"),
    }
    result: dict[str, dict[str, float]] = {}

    out = site / "out-cli"
    times = []
    for _ in range(cold_runs):
        clean(out)
        times.append(cli_build(content, out))
    result["cold"] = {"cli": statistics.median(times)}
    for name, change in edits.items():
        times = []
        for _ in range(runs):
            change()
            times.append(cli_build(content, out))
        result[name] = {"cli": statistics.median(times)}

    out = site / "out-serve"
    times = []
    preview = None
    for _ in range(cold_runs):
        clean(out)
        preview = Preview(content, out, templates=templates, search=False, log=lambda s: None)
        start = time.perf_counter()
        preview.build()
        times.append(time.perf_counter() - start)
        assert not preview.snapshot.errors, preview.snapshot.errors
    result["cold"]["serve"] = statistics.median(times)
    assert preview is not None
    for name, change in edits.items():
        times = []
        for _ in range(runs):
            change()
            start = time.perf_counter()
            preview.build()
            times.append(time.perf_counter() - start)
            assert not preview.snapshot.errors, preview.snapshot.errors
        result[name]["serve"] = statistics.median(times)
    return result


def serve_with_search(site: Path, runs: int, cold_runs: int) -> tuple[float, float, float] | None:
    """serve with search on: a cold start (pages, then every shard indexed), and after a
    one-sentence edit the pages going live and the search refresh that follows
    (``Preview.build(search=True)``, the index loop's build). Medians, seconds."""
    from rectify_site.build.search import available

    if not available():
        return None
    content, templates = site / "content", site / "templates"
    reports = sorted(p for p in content.iterdir() if (p / "report.yaml").is_file())
    category = sorted((reports[len(reports) // 2] / "categories").glob("*.yaml"))[0]
    out = site / "out-serve-search"
    colds, lives, refreshes = [], [], []
    preview = None
    for _ in range(cold_runs):
        clean(out)
        preview = Preview(content, out, templates=templates, search=True, log=lambda s: None)
        start = time.perf_counter()
        preview.build()
        preview.build(search=True)
        colds.append(time.perf_counter() - start)
    assert preview is not None
    for _ in range(runs):
        toggle_sentence(category)
        start = time.perf_counter()
        preview.build()
        lives.append(time.perf_counter() - start)
        start = time.perf_counter()
        preview.build(search=True)
        refreshes.append(time.perf_counter() - start)
        assert not preview.snapshot.errors, preview.snapshot.errors
    return statistics.median(colds), statistics.median(lives), statistics.median(refreshes)


def pagefind_cost(site: Path, runs: int) -> float | None:
    from rectify_site.build.search import MARK, available, index_shards, shard_of

    if not available():
        return None
    out = site / "out-cli"
    pages: dict[str, dict[str, bytes]] = {}  # every shard's pages, as a cold build indexes them
    for path in sorted(out.glob("*/**/*.html")):
        rel = path.relative_to(out)
        data = path.read_bytes()
        if rel.parts[0] != "pagefind" and MARK in data:
            pages.setdefault(shard_of(rel.parts[0]), {})[rel.as_posix()] = data
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        index_shards(pages)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def browser_latency(site: Path, runs: int) -> float | None:
    """Seconds from writing a file to an open page showing the new text (serve, search on)."""
    chromium = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not chromium.exists():
        return None
    content = site / "content"
    report = sorted(p for p in content.iterdir() if (p / "report.yaml").is_file())[0]
    figures = report / "figures.yaml"
    proc = subprocess.Popen(
        [sys.executable, "-m", "rectify_site", "serve", "--content", str(content), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=ENV,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = re.search(r"http://\S+?/", line)
        assert url, line
        times = []
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(chromium),
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            )
            page = browser.new_page()
            page.goto(url.group(0) + f"{report.name}/full.html")
            for _ in range(runs):
                time.sleep(0.5)  # let the last reload settle, as between two saves
                with page.expect_event("load", timeout=60_000):
                    start = time.perf_counter()
                    toggle_figure(figures)
                # the text is checked after the stopwatch: it is already there on "load"
                times.append(time.perf_counter() - start)
                assert first_figure(figures.read_text("utf-8")) in page.inner_text("main")
            browser.close()
        return statistics.median(times)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        if proc.stdout:
            proc.stdout.close()


# --- setup and report -------------------------------------------------------------------


def make_site(folder: Path, reports: int | None) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    content = folder / "content"
    if reports is None:
        shutil.copytree(ROOT / "content", content)
    else:
        subprocess.run(
            [sys.executable, str(GENERATE), "--reports", str(reports), "--out", str(content)],
            check=True,
            capture_output=True,
        )
    shutil.copytree(ROOT / "templates", folder / "templates")
    return folder


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", type=int, default=200, help="large collection size (200)")
    ap.add_argument("--runs", type=int, default=5, help="runs per figure (median; 5)")
    ap.add_argument("--cold-runs", type=int, default=3, help="cold builds per site (3)")
    ap.add_argument("--no-browser", action="store_true", help="skip the browser latency")
    ap.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "_incremental")
    args = ap.parse_args(argv)

    print(f"machine: {machine()}")
    print(f"date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"medians of {args.runs} runs ({args.cold_runs} for cold builds); ratio = / cold")
    print()
    print("| site | figure | build (new process) | ratio | serve (warm) | ratio |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    sites = [("default (1 report)", None), (f"synthetic ({args.reports} reports)", args.reports)]
    search: list[str] = []
    for label, n in sites:
        site = make_site(args.work / ("default" if n is None else f"large-{n}"), n)
        result = measure(site, args.runs, args.cold_runs)
        cold = result["cold"]
        for name in SCENARIOS:
            r = result[name]
            print(
                f"| {label} | {name} | {r['cli']:.3f} s | {r['cli'] / cold['cli']:.1%} "
                f"| {r['serve']:.3f} s | {r['serve'] / cold['serve']:.1%} |",
                flush=True,
            )
        served = serve_with_search(site, args.runs, args.cold_runs)
        if served is not None:
            cold_s, live, refresh = served
            search.append(
                f"serve with search on ({label}): cold {cold_s:.3f} s; one sentence: pages"
                f" live in {live:.3f} s ({live / cold_s:.1%}), search refreshed"
                f" {refresh:.3f} s later ({(live + refresh) / cold_s:.1%} in all)"
            )
        cost = pagefind_cost(site, max(1, args.runs // 2))
        if cost is not None:
            search.append(
                f"search index (Pagefind, {label}): {cost:.3f} s "
                f"= {cost / cold['cli']:.0%} of a cold build; run only when a page changed"
            )
    print()
    for line in search:
        print(line)
    if not args.no_browser:
        latency = browser_latency(args.work / "default", args.runs)
        if latency is None:
            print("edit visible in the browser: skipped (no chromium or playwright)")
        else:
            print(f"edit visible in an open browser page (default site, serve): {latency:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
