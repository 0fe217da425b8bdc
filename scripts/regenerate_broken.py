"""Rewrite ``tests/broken/*/expected*.txt`` from what ``check`` prints now.

For a deliberate change of wording (a message in messages.py): run it, then read the diff
(``git diff tests/broken``) line by line before committing; the test exists to catch
changes nobody meant. Comment lines (``# …``) are kept at the top.

    .venv/bin/python scripts/regenerate_broken.py [CASE …]
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"
sys.path[:0] = [str(TESTS.parent / "src"), str(TESTS)]

from rectify_site.commands.cli import main  # noqa: E402
from test_broken import BROKEN, CASES, make_case  # noqa: E402


def lines_of(root: Path, argv: list[str]) -> list[str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        main(argv)
    found = [ln for ln in err.getvalue().splitlines() if ": error: " in ln or ": warning: " in ln]
    return [ln.replace(str(root), "{root}") for ln in found]


def regenerate(name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        spec = make_case(name, root)
        here = Path.cwd()
        os.chdir(root)
        try:
            args = ["check", "--no-html-check", *spec.get("args", [])]
            for suffix, extra in ((".txt", []), (".en.txt", ["--lang", "en"])):
                path = BROKEN / name / f"expected{suffix}"
                if suffix == ".en.txt" and not path.is_file():
                    continue
                old = path.read_text("utf-8").splitlines() if path.is_file() else []
                comments = [ln for ln in old if ln.startswith("#")]
                body = lines_of(root, args + extra)
                path.write_text("".join(f"{ln}\n" for ln in comments + body), "utf-8")
        finally:
            os.chdir(here)


if __name__ == "__main__":
    for case in sys.argv[1:] or CASES:
        regenerate(case)
