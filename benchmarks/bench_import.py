"""The importer's cost on large Word documents, paired against a baseline checkout.

    python benchmarks/bench_import.py [--baseline PATH] [--runs 3] [--only NAME ...]

Each document is imported by ``python -m rectify_site import`` in a fresh process under
``/usr/bin/time -v`` (wall, user + system CPU, peak RSS), once with this checkout's
``src`` and, with ``--baseline``, once with that checkout's, alternately, so that a burst
of load from other processes hits both alike. Prints medians, the exit status, and the
bytes written into the report folder. The documents are synthetic (tests/importdocs.py):

- ``styles``: the probe's 225 KiB docx, 6,000 styles and 60,000 paragraphs naming one;
- ``outline``: 99 MiB unpacked, Word's run markup around 1.9 M characters of parts,
  aspects and problems (imports whole);
- ``paragraph``: 99 MiB unpacked, one paragraph of 30 M characters (refused);
- ``tables``: 99 MiB unpacked, 3,000 tables of three columns (refused: figures.yaml
  would be over the 1 MB a content file may hold).

Prints figures, not a pass or a fail (the target: the 99 MiB one under 30 s and 1 GiB).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(HERE / "src"), str(HERE / "tests")]

from importdocs import write_large_docx, write_many_styles_docx  # noqa: E402

MiB = 1024 * 1024
DOCUMENTS: dict[str, Callable[[Path], object]] = {
    "styles": lambda p: write_many_styles_docx(p, styles=6000, paragraphs=60000),
    "outline": lambda p: write_large_docx(p, unpacked=99 * MiB, runs=60),
    "paragraph": lambda p: write_large_docx(p, unpacked=99 * MiB, kind="paragraph"),
    "tables": lambda p: write_large_docx(p, unpacked=99 * MiB, kind="tables"),
}


def measure(src: Path, document: Path, work: Path) -> dict[str, float]:
    """One import of ``document`` with the code in ``src``: wall s, CPU s, peak MiB."""
    content = work / "content"
    shutil.rmtree(content, ignore_errors=True)
    argv = ["/usr/bin/time", "-v", sys.executable, "-m", "rectify_site", "import"]
    argv += [str(document), "--content", str(content), "--id", "bench"]
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=work)
    err = done.stderr

    def field(label: str) -> str:
        found = re.search(rf"^\s*{re.escape(label)}: (.+)$", err, re.M)
        assert found, err[-2000:]
        return found.group(1).strip()

    minutes, _, seconds = field("Elapsed (wall clock) time (h:mm:ss or m:ss)").rpartition(":")
    wall = float(seconds) + 60 * float(minutes.split(":")[-1] or 0)
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    folder = content / "bench"
    written = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    return {
        "wall": wall,
        "cpu": cpu,
        "rss": int(field("Maximum resident set size (kbytes)")) / 1024,
        "code": done.returncode,
        "written": written / MiB,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--baseline", type=Path, help="a checkout to compare (its src/ is used)")
    ap.add_argument("--runs", type=int, default=3, help="runs of each (default 3)")
    ap.add_argument("--only", nargs="*", choices=sorted(DOCUMENTS), help="these documents")
    args = ap.parse_args()
    if not Path("/usr/bin/time").exists():
        print("needs /usr/bin/time (Debian: apt-get install time)", file=sys.stderr)
        return 2
    sides = {"this": HERE / "src"}
    if args.baseline is not None:
        sides = {"baseline": args.baseline.resolve() / "src", **sides}
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} cores, load average at start {load:.1f}; medians of {args.runs}")
    print("| document | unpacked | code | exit | wall | CPU | peak RSS | written |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name in args.only or list(DOCUMENTS):
            document = work / f"{name}.docx"
            DOCUMENTS[name](document)
            with zipfile.ZipFile(document) as zf:
                unpacked = sum(i.file_size for i in zf.infolist()) / MiB
            runs: dict[str, list[dict[str, float]]] = {side: [] for side in sides}
            for _ in range(args.runs):
                for side, src in sides.items():  # alternated: load hits both alike
                    runs[side].append(measure(src, document, work))
            for side, found in runs.items():

                def med(key: str, found: list[dict[str, float]] = found) -> float:
                    return statistics.median(r[key] for r in found)

                print(
                    f"| {name} | {unpacked:.1f} MiB | {side} | {int(med('code'))} "
                    f"| {med('wall'):.1f} s | {med('cpu'):.1f} s | {med('rss'):.0f} MiB "
                    f"| {med('written'):.1f} MiB |"
                )
    print(f"load average at end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
