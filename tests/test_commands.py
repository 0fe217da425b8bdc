"""The command line's parts fit: every command runs, every help is in the catalogue, and
``--version`` and ``--help`` start without the pipeline's heavy imports."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from rectify_site.commands.cli import RUN
from rectify_site.commands.parser import PROGRAM, Command, leaves
from rectify_site.messages import MESSAGES

from conftest import ROOT

HEAVY = ("pydantic", "jinja2", "markdown_it", "yaml", "openpyxl", "shtab", "rectify_site.build")
"""What a quick start must not import: the models, templates, Markdown, YAML, the pipeline."""


def test_every_command_is_run_and_nothing_else() -> None:
    assert sorted(RUN) == sorted(leaves())


def _commands(command: Command = PROGRAM) -> list[Command]:
    return [command, *(c for sub in command.subcommands for c in _commands(sub))]


def test_every_help_is_in_the_catalogue() -> None:
    keys: list[str | None] = []
    for command in _commands():
        keys += [command.help, command.title, command.description]
        keys += [option.help for option in command.options]
    missing = sorted({k for k in keys if k and k not in MESSAGES})
    assert missing == []


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["build", "--help"]])
def test_a_quick_start_imports_nothing_heavy(argv: list[str]) -> None:
    probe = (
        "import sys\n"
        "from rectify_site.commands.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    loaded = done.stderr.split()
    heavy = [m for m in loaded if m.startswith(HEAVY)]
    assert heavy == []
