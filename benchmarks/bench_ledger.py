"""The ledger's cost: a 2,000-row ledger.xlsx read, checked and rolled up.

    python benchmarks/bench_ledger.py [--rows 2000] [--runs 5]

Prints figures, not a pass or a fail (the target is under 0.5 s on a 2-core machine).
The ledger is synthetic (tests/support/ledger_data.py), spread over 16 aspects in six
categories as the default report's are; merged cells, as offices lay ledgers out.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from rectify_site.load.xlsx import read_ledger
from rectify_site.model.ledger import AspectRef, StatusRef

from support.ledger_data import big, write_ledger

ASPECTS = [
    AspectRef(
        f"aspect-{i}", f"针对第{i}方面的问题（合成）", category=f"cat-{i % 6}", number=f"{i}."
    )
    for i in range(1, 17)
]
STATUSES = {"rectified": StatusRef("已整改", True), "completed": StatusRef("已完成", True)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=2000, help="measure rows (default 2000)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs (default 5)")
    ap.add_argument(
        "--incremental",
        action="store_true",
        help="also build the real content with the ledger, then again with nothing changed",
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = write_ledger(Path(tmp) / "ledger.xlsx", big(args.rows, [a.id for a in ASPECTS]))
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            ledger, found = read_ledger(path, ASPECTS, STATUSES)
            assert ledger is not None and not found, [d.format() for d in found]
            rollup = [ledger.count(role) for role in ("problem", "measure")]
            per_category = {
                cat: ledger.count("measure", [a.id for a in ASPECTS if a.category == cat])
                for cat in sorted({a.category or "" for a in ASPECTS})
            }
            times.append(time.perf_counter() - start)
        size = path.stat().st_size
    problems, measures = rollup
    print(f"ledger.xlsx: {args.rows} measure rows, {problems.total} problems, {size:,} bytes")
    print(f"problems by status: {problems.by_status}; measures by status: {measures.by_status}")
    each = [c.total for c in per_category.values()]
    print(f"categories: {len(per_category)}, measures in each: {each}")
    print(
        f"read + check + roll-up: median {statistics.median(times):.3f} s, "
        f"best {min(times):.3f} s, first {times[0]:.3f} s ({args.runs} runs; target < 0.5 s)"
    )
    if args.incremental:
        incremental(args.rows)
    return 0


def incremental(rows: int) -> None:
    """A copy of the real content with a published ledger of ``rows`` rows: a cold build,
    then a rebuild with nothing changed (the ledger is not read again)."""
    import shutil

    import rectify_site.load.collection as ledger_module
    from rectify_site.build.pipeline import build_site
    from rectify_site.load.collection import load_collection

    root = Path(__file__).resolve().parent.parent
    reads = []
    real = ledger_module.read_ledger

    def counted(*a: object, **k: object) -> object:
        reads.append(1)
        return real(*a, **k)  # type: ignore[arg-type]

    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        shutil.copytree(root / "content", content)
        shutil.copytree(root / "templates", Path(tmp) / "templates")
        report = load_collection(content).reports[0]
        ids = [n.id or n.anchor for n in report.nodes() if n.role == "aspect"]
        folder = content / report.id
        write_ledger(folder / "ledger.xlsx", big(rows, ids))
        yaml = folder / "report.yaml"
        yaml.write_text(yaml.read_text("utf-8") + "ledger:\n  publish: true\n", "utf-8")
        ledger_module.read_ledger = counted  # type: ignore[assignment]
        out = Path(tmp) / "_site"
        start = time.perf_counter()
        cold = build_site(content, out, search=False)
        cold_s = time.perf_counter() - start
        cold_reads = len(reads)
        start = time.perf_counter()
        warm = build_site(content, out, search=False)
        warm_s = time.perf_counter() - start
        ledger_module.read_ledger = real
    assert cold.stats is not None and warm.stats is not None
    print(
        f"build with a published {rows}-row ledger: cold {cold_s:.2f} s "
        f"({len(cold.stats.written)} files, ledger read {cold_reads}x); "
        f"nothing changed {warm_s:.2f} s ({len(warm.stats.written)} files written, "
        f"ledger read {len(reads) - cold_reads}x)"
    )


if __name__ == "__main__":
    sys.exit(main())
