#!/usr/bin/env python3
"""What the shard count costs a reader: built sites side by side, searched in Chromium.

    python benchmarks/bench_shards.py shards16=A/_site shards64=B/_site [--runs 3]
    python benchmarks/bench_shards.py a=SITE --queries 整改 --runs 1 --networks loopback

Each site (a folder built with search, e.g. by ``bench_engine.py --only search`` on two
checkouts) is served on 127.0.0.1 and opened in Debian's chromium (playwright, a test
extra), a fresh browser context per load, the sites alternating A B for each query and
run. Two searches are timed from navigation: one over every shard (``search.html?q=``,
what the search page does by default: until the status line no longer says 部分) and one
from a report (``&shard=`` of the site's first report: until the first status line).
``slow4g`` throttles the network over the DevTools protocol (1.6 Mbit/s down, 150 ms).
Prints medians, the requests each load made and the ratio of each site to the first.
Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench_search import CHROMIUM_ARGS, serving

CHROMIUM = Path("/usr/bin/chromium")
QUERIES = ("整改", "营商环境", "形式主义")
NETWORKS: dict[str, dict[str, Any] | None] = {
    "loopback": None,
    "slow4g": {
        "offline": False,
        "latency": 150,
        "downloadThroughput": 1.6e6 / 8,
        "uploadThroughput": 0.75e6 / 8,
    },
}
WAIT_MS = 180_000


def report_shard(site: Path) -> str:
    """The shard of the site's first report, as its pages name it."""
    for folder in sorted(p for p in site.iterdir() if p.is_dir()):
        page = folder / "full.html"
        if page.is_file():
            found = re.search(r'name="shard" value="([^"]+)"', page.read_text("utf-8"))
            if found:
                return found.group(1)
    raise SystemExit(f"{site}: no report page names its shard (built with search?)")


def search_once(
    browser: Any, url: str, network: dict[str, Any] | None, *, every: bool
) -> tuple[float, int, str]:
    """Seconds from navigation to the answer (with ``every``, once all shards are merged),
    the requests made, the status line."""
    context = browser.new_context()
    page = context.new_page()
    if network:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", network)
    requests: list[Any] = []
    page.on("request", lambda request: requests.append(request))
    start = time.monotonic()
    page.goto(url)
    page.locator(".search-status", has_text="找到").wait_for(timeout=WAIT_MS)
    if every:
        page.wait_for_function(
            "!document.querySelector('.search-status').textContent.includes('部分')",
            timeout=WAIT_MS,
        )
    took = time.monotonic() - start
    status = page.locator(".search-status").inner_text()
    context.close()
    return took, len(requests), status


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sites", nargs="+", metavar="NAME=FOLDER")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--queries", nargs="+", default=list(QUERIES))
    ap.add_argument("--networks", nargs="+", choices=list(NETWORKS), default=list(NETWORKS))
    args = ap.parse_args(argv)
    sites = dict(s.split("=", 1) for s in args.sites if "=" in s)
    if len(sites) != len(args.sites) or not all(Path(f).is_dir() for f in sites.values()):
        ap.error("each site is NAME=FOLDER, the folder a built site")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise SystemExit("playwright is missing: pip install -e '.[test]'") from None
    with contextlib.ExitStack() as stack:
        urls = {name: stack.enter_context(serving(Path(f))) for name, f in sites.items()}
        shards = {name: report_shard(Path(f)) for name, f in sites.items()}
        p = stack.enter_context(sync_playwright())
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        print(f"{args.runs} run(s) of {len(args.queries)} queries: {' '.join(args.queries)}")
        print("| search | network | site | median | min-max | requests | status, first query |")
        print("| --- | --- | --- | ---: | ---: | ---: | --- |")
        for kind in ("every shard", "from a report"):
            for net in args.networks:
                took: dict[str, list[float]] = {n: [] for n in sites}
                asked: dict[str, list[int]] = {n: [] for n in sites}
                said: dict[str, str] = {}
                for _ in range(args.runs):
                    for query in args.queries:
                        for name, base in urls.items():
                            url = f"{base}search.html?q={query}"
                            if kind == "from a report":
                                url += f"&shard={shards[name]}"
                            every = kind == "every shard"
                            t, n, status = search_once(browser, url, NETWORKS[net], every=every)
                            took[name].append(t)
                            asked[name].append(n)
                            said.setdefault(name, status)
                first = statistics.median(took[next(iter(sites))])
                for name in sites:
                    m = statistics.median(took[name])
                    print(
                        f"| {kind} | {net} | {name} | {m:.2f} s ({m / first:.2f}x)"
                        f" | {min(took[name]):.2f}-{max(took[name]):.2f} s"
                        f" | {statistics.median(asked[name]):.0f} | {said[name]} |"
                    )
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
