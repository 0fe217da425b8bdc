"""The engine (issue 24), measured side by side: this tree against a baseline revision.

    python benchmarks/bench_engine.py                       # N = 1000, against fb53737
    python benchmarks/bench_engine.py --reports 200 --runs 1 --base HEAD~3
    python benchmarks/bench_engine.py --reports 10000 --runs 1 --only search

Each figure is a `rectify-site build` run as a fresh process on a generated (synthetic)
collection of N reports, the baseline's and this tree's alternating (A B A B …), three
pairs by default; the table gives the medians and the ratio of the pairs' medians. For
every run: wall time; CPU time (user + system of the whole process tree, the OS's own
accounting of the reaped children); CPU / wall (how busy the two cores were); the peak
memory of the whole process tree (build, forked workers, Pagefind), as the largest sum
over the tree of each process's proportional set size (PSS, so that the pages forked
workers share with the parent are counted once), sampled every 250 ms (reading it costs the
kernel a walk of each process's pages: more often would slow the build it measures); and the load
average when it started. Scenarios:

    cold         --no-search --no-compress, the output and its cache removed first
    search       cold, --no-compress, with the search index
    edit         after a build with search: one sentence of one report's part file
                 changed, then a fresh `build` (search on, compressed copies on); also
                 how many files it rewrote (files whose time changed, .gz/.br aside)

The baseline is checked out with ``git worktree add`` into a temporary folder and run
with PYTHONPATH pointing at its src/; both use this environment's packages.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support import generate  # noqa: E402

SCENARIOS = ("cold", "search", "edit")


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mib: float
    load: float
    rewritten: int | None = None

    @property
    def busy(self) -> float:
        return self.cpu / self.wall if self.wall else 0.0


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_pss(root: int) -> int:
    tree = _children()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _pss_kib(pid)
        stack.extend(tree.get(pid, ()))
    return total


def run_build(src: Path, args: list[str], cwd: Path) -> Run:
    """One `rectify-site build` in a fresh process, sampled from outside."""
    env = {**os.environ, "PYTHONPATH": str(src), "SOURCE_DATE_EPOCH": "1700000000"}
    load = os.getloadavg()[0]
    before = os.times()
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "rectify_site", "build", "-q", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_pss(proc.pid))
            done.wait(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    wall = time.monotonic() - start
    done.set()
    sampler.join()
    after = os.times()
    if proc.returncode not in (0,):
        raise SystemExit(f"build failed ({proc.returncode}): {err.decode()[-2000:]}")
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return Run(wall, cpu, peak / 1024, load)


def _files(out: Path) -> dict[str, int]:
    """Path -> inode: a file written again is a new file renamed into place (output.py),
    while its time follows SOURCE_DATE_EPOCH and says nothing."""
    return {
        p.relative_to(out).as_posix(): p.stat().st_ino
        for p in out.rglob("*")
        if p.is_file() and p.suffix not in (".gz", ".br")
    }


def _sentence_file(content: Path) -> Path:
    folder = sorted(p for p in content.iterdir() if p.is_dir())[len(list(content.iterdir())) // 2]
    return folder / "parts" / "leadership.yaml"


def toggle_sentence(path: Path) -> None:
    """A sentence of one part file changed, and changed back on the next call."""
    text = path.read_text("utf-8")
    mark = "（合成改动）"
    if mark in text:
        path.write_text(text.replace(mark, "", 1), "utf-8")
        return
    start = 0  # in the first paragraph (a heading would show on other pages too)
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith("text:"):
            break
        start += len(line)
    i = next(i for i in range(start, len(text)) if "\u4e00" <= text[i] <= "\u9fff")
    path.write_text(text[: i + 1] + mark + text[i + 1 :], "utf-8")


def scenario(name: str, src: Path, content: Path, work: Path, theme: Path) -> Run:
    out = work / f"_site-{name}"
    common = ["--content", str(content), "--templates", str(theme), "--out", str(out)]
    if name in ("cold", "search"):
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(work / ".rectify-cache", ignore_errors=True)  # cache_dir_for(out)
        flags = ["--no-compress"] + (["--no-search"] if name == "cold" else [])
        return run_build(src, [*common, *flags], work)
    own = work / "content"  # each side edits its own copy: its last build is its own
    if not own.is_dir():
        shutil.copytree(content, own)
    common[1] = str(own)
    if not out.is_dir():  # the edit's starting point: a whole build with search
        run_build(src, common, work)
    before = _files(out)
    toggle_sentence(_sentence_file(own))
    got = run_build(src, common, work)
    after = _files(out)
    got.rewritten = sum(1 for k, t in after.items() if before.get(k) != t)
    return got


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, default=1000, help="N (1000)")
    ap.add_argument("--runs", type=int, default=3, help="pairs per scenario (3)")
    ap.add_argument("--base", default="fb53737", help="baseline revision (fb53737)")
    ap.add_argument("--only", nargs="+", choices=SCENARIOS, default=list(SCENARIOS))
    ap.add_argument("--work", type=Path, default=Path("/tmp/rectify-bench-engine"))
    ap.add_argument("--sides", nargs="+", choices=("base", "tree"), default=["base", "tree"])
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    content = args.work / f"content-{args.reports}"
    if not content.is_dir():
        generate.generate(args.reports, content, seed=0)
    base = Path(tempfile.mkdtemp(prefix="engine-base-"))
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(base), args.base],
        check=True,
    )
    theme = ROOT / "templates"
    every = {"base": base / "src", "tree": ROOT / "src"}
    sides = {k: v for k, v in every.items() if k in args.sides}
    rows = []
    try:
        for name in args.only:
            got: dict[str, list[Run]] = {side: [] for side in sides}
            for _ in range(args.runs):
                for side, src in sides.items():
                    folder = args.work / side
                    folder.mkdir(exist_ok=True)
                    got[side].append(scenario(name, src, content, folder, theme))
            rows.append((name, got))
            _print_rows(args, rows)
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)])
    return 0


def _med(runs: list[Run], field: str) -> float:
    return statistics.median(getattr(r, field) for r in runs)


def _print_rows(args: argparse.Namespace, rows: list) -> None:
    cores = len(os.sched_getaffinity(0))
    print(f"\nN = {args.reports}, {args.runs} pair(s), {cores} cores; base {args.base}; medians")
    print("| scenario | side | wall | CPU | CPU / wall | peak PSS (tree) | load | rewritten |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, got in rows:
        for side, runs in got.items():
            rewritten = [r.rewritten for r in runs if r.rewritten is not None]
            print(
                f"| {name} | {side} | {_med(runs, 'wall'):.2f} s | {_med(runs, 'cpu'):.2f} s | "
                f"{_med(runs, 'busy'):.2f} | {_med(runs, 'peak_mib'):.0f} MiB | "
                f"{_med(runs, 'load'):.2f} | "
                f"{statistics.median(rewritten) if rewritten else ''} |"
            )
        if len(got) == 2:
            ratios = [t.wall / b.wall for b, t in zip(got["base"], got["tree"], strict=True)]
            print(f"| {name} | tree / base | {statistics.median(ratios):.2f}x | | | | | |")
    sys.stdout.flush()


if __name__ == "__main__":
    raise SystemExit(main())
