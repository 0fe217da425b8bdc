"""The README's two commands are the ones that work, and CI runs the test command."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import CONTENT, ROOT, TEMPLATES, Run


def _commands() -> list[str]:
    readme = (ROOT / "README.md").read_text("utf-8")
    return re.findall(r"```bash\n(.+?)\n```", readme)[:2]


def test_readme_opens_with_build_and_test_commands() -> None:
    build, test = _commands()
    assert build.endswith("python build.py")
    assert "pytest" in test


def test_ci_runs_exactly_the_readme_test_command() -> None:
    _, test = _commands()
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert test in ci.splitlines()


def test_the_sample_output_is_what_the_first_build_prints(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    """The default content's first build, as a newcomer runs it: no warning, a hint."""
    readme = (ROOT / "README.md").read_text("utf-8")
    sample = re.search(r"<!-- first-build[^>]*-->\n```text\n(.+?)\n```", readme, re.S)
    assert sample is not None
    shutil.copytree(CONTENT, tmp_path / "content")
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    run = cli("build", cwd=tmp_path, timeout=300)
    assert run.code == 0 and run.err == "", run.err
    assert run.out.splitlines() == sample.group(1).splitlines()


@pytest.mark.parametrize("command", ["new", "import", "serve", "check", "build"])
def test_the_editors_section_comes_right_after_the_set_up_commands(command: str) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    second = readme.index("```", readme.index("```bash", readme.index("```bash") + 1) + 7)
    section = readme.index("## 给编写通报的同志")
    assert readme.index("## ", second) == section
    assert f"rectify-site {command}" in readme[section : readme.index("---", section)]
