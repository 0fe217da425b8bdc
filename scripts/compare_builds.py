"""Build the same inputs with two code revisions and report every output file that differs.

Why: a change to the engine (how the build runs, not what it makes) must change no output
byte (issue 24). This builds the default site, the four synthetic shapes (tests/shapes/) and
a generated collection of N synthetic reports with the code of ``--base`` (a git revision,
checked out with ``git worktree add`` into a temporary folder) and with the working tree,
every build cold, with SOURCE_DATE_EPOCH fixed, and compares every file of each output
folder (search bundles, manifests and .gz/.br copies included).

    python scripts/compare_builds.py                  # HEAD against the working tree, N = 200
    python scripts/compare_builds.py --base main --reports 20 --no-search

The inputs (content, shapes, the generated collection) are the working tree's, so only the
code and the theme (templates/) differ between the two sides. Exit status 0 when every
output is byte-identical, 1 when any file differs.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1700000000"


@dataclass(frozen=True)
class Difference:
    """One output file that is not the same on both sides."""

    path: str
    why: str  # "only in base", "only in tree", "content differs"

    def format(self) -> str:
        return f"{self.path}: {self.why}"


def _files(folder: Path) -> dict[str, Path]:
    return {
        p.relative_to(folder).as_posix(): p
        for p in sorted(folder.rglob("*"))
        if p.is_file() or p.is_symlink()
    }


def compare_folders(base: Path, tree: Path) -> list[Difference]:
    """Every file present on one side only, or whose bytes differ, sorted by path."""
    left, right = _files(base), _files(tree)
    found: list[Difference] = []
    for rel in sorted(left.keys() | right.keys()):
        if rel not in right:
            found.append(Difference(rel, "only in base"))
        elif rel not in left:
            found.append(Difference(rel, "only in tree"))
        elif left[rel].read_bytes() != right[rel].read_bytes():
            found.append(Difference(rel, "content differs"))
    return found


@dataclass(frozen=True)
class Case:
    """One site to build: its content folder and whether it uses the checkout's theme."""

    name: str
    content: Path
    theme: bool  # True: --templates <checkout>/templates (the default site, the shapes)


def cases(work: Path, reports: int, seed: int) -> list[Case]:
    """The default site, the four shapes and a generated collection (written into work)."""
    found = [Case("default", ROOT / "content", True)]
    shapes = ROOT / "tests" / "shapes"
    for shape in sorted(p for p in shapes.iterdir() if (p / "content").is_dir()):
        found.append(Case(f"shape-{shape.name}", shape / "content", True))
    if reports > 0:
        corpus = work / "inputs" / f"generated-{reports}"
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "generate.py"),
                "--reports",
                str(reports),
                "--out",
                str(corpus),
                "--seed",
                str(seed),
            ],
            check=True,
            capture_output=True,
        )
        found.append(Case(f"generated-{reports}", corpus, False))
    return found


def build(checkout: Path, case: Case, out: Path, search: bool) -> None:
    """A cold build of case with the code of checkout (its src/ first on PYTHONPATH)."""
    env = dict(os.environ, PYTHONPATH=str(checkout / "src"), SOURCE_DATE_EPOCH=EPOCH)
    env.pop("RECTIFY_SITE_WORKERS", None)
    command = [sys.executable, "-m", "rectify_site", "build", "-q"]
    command += ["--content", str(case.content), "--out", str(out)]
    if case.theme:
        command += ["--templates", str(checkout / "templates")]
    if not search:
        command.append("--no-search")
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=out.parent)
    if done.returncode != 0:
        raise SystemExit(
            f"build of {case.name} with {checkout} failed ({done.returncode}):\n"
            f"{done.stdout}{done.stderr}"
        )


def checkout_of(rev: str, into: Path) -> Path:
    """A detached worktree of rev in into (removed by remove_checkout)."""
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(into), rev],
        check=True,
    )
    return into


def remove_checkout(path: Path) -> None:
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)], check=False
    )


def compare(base: Path, tree: Path, work: Path, reports: int, seed: int, search: bool) -> int:
    """Build every case with both checkouts; print the differences; their count."""
    total = 0
    for case in cases(work, reports, seed):
        sides = []
        for label, checkout in (("base", base), ("tree", tree)):
            folder = work / case.name / label
            folder.mkdir(parents=True)
            out = folder / "_site"
            build(checkout, case, out, search)
            sides.append(out)
        found = compare_folders(*sides)
        count = len(_files(sides[1]))
        state = "identical" if not found else f"{len(found)} differ"
        print(f"{case.name}: {count} files, {state}")
        for difference in found[:50]:
            print(f"  {difference.format()}")
        total += len(found)
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="HEAD", help="git revision to compare against")
    parser.add_argument("--reports", type=int, default=200, help="generated reports (0: none)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-search", action="store_true", help="build without Pagefind")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="compare-builds-") as temp:
        work = args.keep or Path(temp)
        work.mkdir(parents=True, exist_ok=True)
        base = checkout_of(args.base, Path(temp) / "base-checkout")
        try:
            total = compare(base, ROOT, work, args.reports, args.seed, not args.no_search)
        finally:
            remove_checkout(base)
    print("byte-identical" if total == 0 else f"{total} file(s) differ")
    return 0 if total == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
