"""How much of what the corpus states the importer's parsers read right (issue 21).

    python benchmarks/import_accuracy.py [--segmenter rjieba|jieba|both]

Runs the statistics parser (rectify_site.importing.stated) and the inspection parser
(rectify_site.importing.inspection) over tests/data/import_corpus/ and prints, as
Markdown, recall and invented figures per form and per script, the misses, and, with
``--segmenter both``, the same recall with jieba's tagger in place of rjieba's and the
time each takes. The scoring is tests/support/accuracy.py (the test asserts the targets).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from rectify_site.importing import language

from support import accuracy, corpus


def _table(title: str, rows: dict[str, accuracy.Tally]) -> list[str]:
    out = [f"| {title} | right | of | recall | invented |", "| --- | ---: | ---: | ---: | ---: |"]
    for key in sorted(rows, key=lambda k: (k == "all", k)):
        t = rows[key]
        out.append(f"| {key} | {t.right} | {t.total} | {t.recall:.1%} | {t.invented} |")
    return out


def _jieba_tag(text: str) -> list[tuple[str, str]]:
    import jieba.posseg

    return [(w.word, w.flag) for w in jieba.posseg.cut(text)]


def _segmenters(which: str) -> list[str]:
    return ["rjieba", "jieba"] if which == "both" else [which]


def run(segmenter: str) -> tuple[dict[str, Any], dict[str, Any], float, float]:
    """Scores with ``segmenter``'s tagger, its load time and the parse time."""
    original = language.tag
    if segmenter == "jieba":
        started = time.perf_counter()
        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()
        load = time.perf_counter() - started
        language.tag = _jieba_tag  # type: ignore[assignment]
    else:
        started = time.perf_counter()
        language.tag("预热")
        load = time.perf_counter() - started
    try:
        started = time.perf_counter()
        stats = accuracy.score_statistics()
        found = accuracy.score_inspection()
        spent = time.perf_counter() - started
    finally:
        language.tag = original  # type: ignore[assignment]
    return stats, found, load, spent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segmenter", choices=["rjieba", "jieba", "both"], default="rjieba")
    args = parser.parse_args(argv)
    language.jionlp()  # its import is not the parsers' time
    n_stats = len(corpus.statistics())
    n_open = len(corpus.inspection())
    lines: list[str] = []
    for seg in _segmenters(args.segmenter):
        stats, found, load, spent = run(seg)
        lines += [f"## {seg}", ""]
        lines.append(
            f"{n_stats} statistics sentences and {n_open} openings; tagger loaded in "
            f"{load * 1000:.0f} ms; all parsed in {spent:.2f} s."
        )
        lines += ["", "### Statistics (value, unit and label right)", ""]
        lines += [*_table("form", stats["form"]), "", *_table("script", stats["script"])]
        for what in ("dates", "teams", "round"):
            lines += ["", f"### Inspection: {what}", "", *_table("form", found[what])]
        misses = stats["script"]["all"].misses + [
            m for what in ("dates", "teams", "round") for m in found[what]["all"].misses
        ]
        lines += ["", "### Misses", ""] + [f"- {m}" for m in misses] or ["- none"]
        lines.append("")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
