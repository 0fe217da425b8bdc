"""Fixtures that chain: the content folder -> a loaded collection -> a built site.

The real site is built once per test run; tests that change content work on a copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from rectify_site.collection import Collection, load_collection
from rectify_site.pipeline import build_site

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
TEMPLATES = ROOT / "templates"
REPORT_ID = "huangpu-12-2"
SEED = Path(__file__).resolve().parent / "data" / "seed.txt"


@pytest.fixture(scope="session")
def seed_lines() -> list[str]:
    """The 51 lines of the published report, as the seed file has them."""
    lines = SEED.read_text("utf-8").split("\n")
    return [ln for ln in lines if ln.strip()]


@pytest.fixture(scope="session")
def collection() -> Collection:
    return load_collection(CONTENT)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real content built once, with a base URL so that every file is written."""
    out = tmp_path_factory.mktemp("site") / "_site"
    build_site(CONTENT, out, templates=TEMPLATES, base_url="https://example.org/rectify/")
    return out


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the real content, with the theme beside it as in the project."""
    dst = tmp_path / "content"
    shutil.copytree(CONTENT, dst)
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    return dst


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a content file, failing loudly when the text is not there."""
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), "utf-8")


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli() -> Callable[..., Run]:
    """Run ``python -m rectify_site`` in a subprocess, as an editor would."""

    def run(*args: str | Path, cwd: Path | None = None, timeout: float = 120) -> Run:
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        proc = subprocess.run(
            [sys.executable, "-m", "rectify_site", *map(str, args)],
            capture_output=True,
            text=True,
            cwd=cwd or ROOT,
            env=env,
            timeout=timeout,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    return run
