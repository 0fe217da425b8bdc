"""assemble() on its own: a report's YAML in, the expected report.json out, a folder a case.

Each ``tests/fixtures/assemble/<case>/`` holds the files of one small synthetic report
(``report.yaml``, ``figures.yaml``, the node files it refers to) and what ``assemble()``
makes of them: ``report.json``, the Report as the site's open data has it (indented here,
to read in a diff), and ``findings.txt`` where it finds anything, one finding a line (file,
loc, severity, key, params). The files are read with the loader's YAML reader and
validated into the content models, and the drafts are made here as the loader makes them
(following ``{file: …}``), so that nothing but ``assemble()`` is under test; the loader,
rendering and writing are tested elsewhere.

As markdown-it-py's fixtures: after a deliberate change, rewrite the expectations with

    .venv/bin/python tests/test_assemble.py --regenerate [CASE …]

then read ``git diff tests/fixtures/assemble`` line by line before committing.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path, PurePosixPath
from typing import Any

if __name__ == "__main__":  # this checkout's code, as pytest's pythonpath gives it
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import pytest

from rectify_site.errors import Loc
from rectify_site.load.collection import load_collection
from rectify_site.load.sources import load_yaml
from rectify_site.model.assemble import Draft, assemble
from rectify_site.model.checks import Finding
from rectify_site.model.content import FiguresFile, NodeFile, ReportFile
from rectify_site.model.report import Report

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "assemble"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "report.yaml").is_file())


class _Drafts:
    """The drafts of one report folder, made as the loader makes them (load/collection.py)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def read(self, rel: str) -> Any:
        return load_yaml(self.folder / rel, self.folder).data

    def nodes(self, entries: list[NodeFile], file: str, at: Loc) -> list[Draft]:
        out = []
        for i, node in enumerate(entries):
            loc: Loc = (*at, i)
            if node.file is None:
                draft = Draft(node, file, loc)
                draft.children = self.nodes(node.children, file, (*loc, "children"))
            else:  # a node in a file of its own takes the file's name as its id
                ref: Loc = loc if file == "report.yaml" and at[:1] == ("parts",) else (*loc, "file")
                own = NodeFile.model_validate(self.read(node.file))
                stem = PurePosixPath(node.file).stem
                draft = Draft(own, node.file, (), default_id=stem, ref=(file, ref))
                draft.children = self.nodes(own.children, node.file, ("children",))
            out.append(draft)
        return out


def run(case: str) -> tuple[Report | None, list[Finding]]:
    """``assemble()`` on the files of ``case``."""
    drafts = _Drafts(FIXTURES / case)
    report = ReportFile.model_validate(drafts.read("report.yaml"))
    figures = FiguresFile()
    if (FIXTURES / case / "figures.yaml").is_file():
        figures = FiguresFile.model_validate(drafts.read("figures.yaml"))
    parts = drafts.nodes(list(report.parts), "report.yaml", ("parts",))
    return assemble(case, report, parts, figures)


def as_json(report: Report) -> str:
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def as_lines(findings: list[Finding]) -> str:
    def line(f: Finding) -> str:
        loc = ".".join(map(str, f.loc)) or "-"
        params = json.dumps(f.params, ensure_ascii=False, sort_keys=True, default=str)
        return f"{f.file} {loc} {f.severity} {f.key} {params}\n"

    return "".join(map(line, findings))


def test_there_are_cases() -> None:
    assert len(CASES) >= 8


@pytest.mark.parametrize("case", CASES)
def test_assemble_gives_the_expected_report(case: str) -> None:
    report, findings = run(case)
    folder = FIXTURES / case
    expected_json = folder / "report.json"
    expected_findings = folder / "findings.txt"
    assert as_lines(findings) == (
        expected_findings.read_text("utf-8") if expected_findings.is_file() else ""
    )
    if report is None:
        assert not expected_json.is_file(), f"{case}: assemble refused it"
    else:
        assert as_json(report) == expected_json.read_text("utf-8")


@pytest.mark.parametrize("case", [c for c in CASES if (FIXTURES / c / "report.json").is_file()])
def test_the_loader_makes_the_same_drafts(case: str, tmp_path: Path) -> None:
    """The drafts made here are the loader's: the whole loader gives the same report."""
    shutil.copytree(FIXTURES / case, tmp_path / "content" / case)
    (loaded,) = load_collection(tmp_path / "content").reports
    assert as_json(loaded) == (FIXTURES / case / "report.json").read_text("utf-8")


def regenerate(case: str) -> None:
    """Write what ``assemble()`` gives now as the case's expectations."""
    report, findings = run(case)
    folder = FIXTURES / case
    for name, text in (
        ("report.json", as_json(report) if report is not None else ""),
        ("findings.txt", as_lines(findings)),
    ):
        path = folder / name
        if text:
            path.write_text(text, "utf-8")
        elif path.is_file():
            path.unlink()


if __name__ == "__main__":
    if sys.argv[1:2] != ["--regenerate"]:
        sys.exit(f"usage: {sys.argv[0]} --regenerate [CASE …]")
    for name in sys.argv[2:] or CASES:
        regenerate(name)
        print(f"regenerated {FIXTURES.name}/{name}", file=sys.stderr)
