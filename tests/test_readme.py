"""The README's two commands are the ones that work, and CI runs the test command."""

from __future__ import annotations

import re

from conftest import ROOT


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
