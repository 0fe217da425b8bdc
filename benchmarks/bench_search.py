#!/usr/bin/env python3
"""Sharded search, measured: ``build`` with search against ``build --no-search``.

    python benchmarks/bench_search.py [--reports 100 1000] [--runs 3] [--shards 16]
    python benchmarks/bench_search.py --edit 200       # one-sentence edit, search on
    python benchmarks/bench_search.py --files          # files one edit rewrites, default site

Every build is a fresh ``rectify-site build`` process under ``/usr/bin/time -v``: wall
time, and peak memory as the largest resident set of any one process of the build
(Pagefind's runs included: they are children of the build). Runs are paired: one
``--no-search`` build, then one with search, on the same synthetic corpus
(benchmarks/generate.py), cold (no output, no cache); the table gives medians. With
``--shards`` the shard count is set for the run (site.shards.SHARDS) to compare choices.
Not a test: nothing here asserts. Work files go to benchmarks/_search/ (git-ignored).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "_search"
GENERATE = ROOT / "benchmarks" / "generate.py"


def build_cmd(content: Path, out: Path, shards: int, *extra: str) -> list[str]:
    src = str(ROOT / "src")
    code = (
        f"import sys; sys.path.insert(0, {src!r}); import rectify_site.site.shards as s; "
        f"s.SHARDS = {shards}; from rectify_site.commands.cli import main; "
        "sys.exit(main(sys.argv[1:]))"
    )
    args = ["build", "--content", str(content), "--out", str(out), *extra]
    return [sys.executable, "-c", code, *args]


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of the largest process, from /usr/bin/time -v."""
    proc = subprocess.run(
        ["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-2000:])
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", proc.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    assert wall and rss
    h, m, s = wall.groups()
    return int(h or 0) * 3600 + int(m) * 60 + float(s), int(rss.group(1)) / 1024


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


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--reports", type=int, nargs="*", default=[100, 1000])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--shards", type=int, default=16)
    p.add_argument("--edit", type=int, help="measure a one-sentence edit at this N instead")
    p.add_argument("--files", action="store_true", help="count files one edit rewrites")
    args = p.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    if args.files:
        files()
    elif args.edit:
        edit(args.edit, args.runs, args.shards)
    else:
        print("| N | shards | build | wall (median) | peak RSS (median) | vs --no-search | runs |")
        print("| ---: | ---: | --- | ---: | ---: | ---: | --- |")
        for n in args.reports:
            paired(n, args.runs, args.shards)
    return 0


if __name__ == "__main__":
    sys.exit(main())
