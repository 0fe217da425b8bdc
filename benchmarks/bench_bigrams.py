#!/usr/bin/env python3
"""The bigram copy of a page (issue 22), measured: html.parser before, one regex after.

    python benchmarks/bench_bigrams.py [--reports 50] [--runs 7] [--seed 0]

Builds a synthetic collection (benchmarks/generate.py) without a search index, reads
every built page into memory, then times ``indexed_copy`` over all of them, alternately
with the html.parser version kept as the reference (tests/support/bigram_reference.py)
and this checkout's (A B A B, paired, process CPU time), and checks on the way that the
two copies are byte-identical. Prints MiB/s of each as medians and their ratio. Not a
test: nothing here asserts but the identity. Work files go to benchmarks/_bigrams/
(git-ignored).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from rectify_site.build.bigrams import indexed_copy  # noqa: E402
from rectify_site.build.pipeline import build_site  # noqa: E402

from support import generate  # noqa: E402
from support.bigram_reference import indexed_copy_reference  # noqa: E402

WORK = ROOT / "benchmarks" / "_bigrams"


def pages(n: int, seed: int) -> list[bytes]:
    """Every page of a built synthetic collection of ``n`` reports."""
    out = WORK / f"site-{n}-{seed}"
    if not out.exists():
        generate.generate(n, WORK / "content", seed=seed)
        build_site(WORK / "content", out, templates=ROOT / "templates", search=False)
        shutil.rmtree(WORK / "content")
    return [p.read_bytes() for p in sorted(out.rglob("*.html"))]


def timed(fn: Callable[[bytes], bytes], data: list[bytes]) -> tuple[float, list[bytes]]:
    """CPU seconds to copy every page, and the copies."""
    t0 = time.process_time()
    got = [fn(d) for d in data]
    return time.process_time() - t0, got


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", type=int, default=50)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    data = pages(args.reports, args.seed)
    mib = sum(map(len, data)) / 2**20
    print(f"{len(data)} pages, {mib:.1f} MiB, {args.runs} paired runs (CPU time)")
    old: list[float] = []
    new: list[float] = []
    for _ in range(args.runs):
        t_old, a = timed(indexed_copy_reference, data)
        t_new, b = timed(indexed_copy, data)
        if a != b:
            print("the copies differ", file=sys.stderr)
            return 1
        old.append(t_old)
        new.append(t_new)
    ratios = [o / n for o, n in zip(old, new, strict=True)]
    print(f"html.parser  {mib / statistics.median(old):6.1f} MiB/s")
    print(f"regex        {mib / statistics.median(new):6.1f} MiB/s")
    print(f"speed-up     {statistics.median(ratios):6.2f}x (median of paired ratios)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
