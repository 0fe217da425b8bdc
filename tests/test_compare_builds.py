"""The byte-identity comparison (scripts/compare_builds.py): a differing byte, a missing or
an extra file is found; identical folders pass; HEAD against the tree builds and compares."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

SCRIPT = ROOT / "scripts" / "compare_builds.py"


def _module():
    spec = importlib.util.spec_from_file_location("compare_builds", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["compare_builds"] = module
    spec.loader.exec_module(module)
    return module


def _folder(root: Path, files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


SITE = {"index.html": b"<p>a</p>", "r/full.html": b"<p>b</p>", "pagefind/x.pf_meta": b"\x00\x01"}


def test_identical_folders_pass(tmp_path: Path) -> None:
    compare = _module().compare_folders
    assert compare(_folder(tmp_path / "a", SITE), _folder(tmp_path / "b", SITE)) == []


def test_one_differing_byte_is_found(tmp_path: Path) -> None:
    compare = _module().compare_folders
    other = dict(SITE, **{"pagefind/x.pf_meta": b"\x00\x02"})
    found = compare(_folder(tmp_path / "a", SITE), _folder(tmp_path / "b", other))
    assert [d.format() for d in found] == ["pagefind/x.pf_meta: content differs"]


def test_missing_and_extra_files_are_found(tmp_path: Path) -> None:
    compare = _module().compare_folders
    fewer = {k: v for k, v in SITE.items() if k != "r/full.html"}
    more = dict(SITE, **{"r/new.html": b""})
    found = compare(_folder(tmp_path / "a", fewer), _folder(tmp_path / "b", more))
    assert [d.format() for d in found] == [
        "r/full.html: only in tree",
        "r/new.html: only in tree",
    ]


@pytest.mark.slow
def test_head_against_the_tree_is_byte_identical(tmp_path: Path) -> None:
    """Run as a user would: HEAD checked out beside the tree, both sides built, the verdict
    printed; a change that only moves how the build runs keeps it byte-identical."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--reports", "3", "--no-search", "--keep", str(tmp_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "byte-identical" in done.stdout
    assert "generated-3: " in done.stdout and "shape-city: " in done.stdout
