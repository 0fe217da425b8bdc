"""Interrupted builds (issue 14, hole 8): a Ctrl-C at any moment keeps the README's promise;
and one during start-up (issue 20, item 8) exits 130 from every entry point.

Builds of a small generated collection are interrupted with SIGINT at evenly spread
moments, from the moment ``build`` has put its signal handlers in place (before that, the
signal meets argparse or an import, which exit 130 without touching anything; and before
the interpreter runs our code at all, it is the interpreter's) to after the build has
finished. After each one: a build that exited 130 left exactly the last good site; one that exited 0
(the signal came once the new site was in place) left exactly the new one; and no staging
folder is left in either case. Every file's bytes and every folder are compared.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rectify_site.build.output import STAGING_PREFIX

from conftest import ROOT, need
from support import generate

BUILDS = 40
REPORTS = 12
SIGTERM_BIT = 1 << (signal.SIGTERM - 1)


def handlers_installed(pid: int) -> bool:
    """Whether the process catches SIGTERM: ``build`` installs its handlers together."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True  # it has exited already
    caught = next(ln for ln in status.splitlines() if ln.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) & SIGTERM_BIT)


def started(proc: subprocess.Popen[str]) -> float:
    """Wait until ``proc`` runs our code with its handlers in place; the time it was."""
    deadline = time.monotonic() + 60
    while not handlers_installed(proc.pid) and proc.poll() is None:
        assert time.monotonic() < deadline, "the build never started"
        time.sleep(0.001)
    return time.monotonic()


def site_tree(folder: Path) -> dict[str, bytes]:
    """Every file (its bytes) and every folder (``/``) below ``folder``."""
    return {
        str(p.relative_to(folder)): (b"/" if p.is_dir() else p.read_bytes())
        for p in sorted(folder.rglob("*"))
    }


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs /proc (Linux)")
@pytest.mark.parametrize(
    ("search", "builds"), [(False, BUILDS), (True, 12)], ids=["pages", "search"]
)
def test_an_interrupted_build_leaves_the_last_good_site_or_the_new_one(
    tmp_path: Path, search: bool, builds: int
) -> None:
    """With search on, the interruptions fall in Pagefind's run and its bundle's swap too."""
    if search:
        from rectify_site.build.search import available

        need(available(), "pagefind[extended] is missing: pip install -e '.[test]'")
    content = tmp_path / "content"
    generate.generate(REPORTS, content, seed=3)
    site_yaml = content / "site.yaml"
    original = site_yaml.read_text("utf-8")

    def state(i: int) -> None:  # two versions of the collection: every page differs
        site_yaml.write_text(
            original.replace("巡视整改进展情况", f"巡视整改进展情况{'甲乙'[i]}"), "utf-8"
        )
        drop = content / "syn-0001-1"
        hidden = tmp_path / "hidden-report"
        if i == 1 and drop.exists():  # and one report less: stale files and folders
            drop.rename(hidden)
        elif i == 0 and hidden.exists():
            hidden.rename(drop)

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}

    def command(out: Path) -> list[str]:
        return [
            sys.executable,
            "-m",
            "rectify_site",
            "build",
            "--content",
            str(content),
            "--out",
            str(out),
            "--base-url",
            "https://example.org/",
            *([] if search else ["--no-search"]),
        ]

    def build(out: Path) -> float:
        """Build without interruption; how long it ran once its handlers were in place."""
        proc = subprocess.Popen(
            command(out), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        start = started(proc)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        return time.monotonic() - start

    expected = {}
    for i in (0, 1):
        state(i)
        build(tmp_path / f"expected-{i}" / "_site")
        expected[i] = site_tree(tmp_path / f"expected-{i}" / "_site")
    assert expected[0] != expected[1]

    out = tmp_path / "site" / "_site"
    state(0)
    build(out)
    state(1)
    took = build(out)  # how long a build that changes every page takes here (for a start)
    state(0)
    build(out)
    assert site_tree(out) == expected[0]

    current, outcomes = 0, []
    for k in range(builds):
        target = 1 - current
        state(target)
        proc = subprocess.Popen(
            command(out), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        fraction = 1.3 * k / (builds - 1)  # of a build's time: 0 to past its end
        delay = took * fraction
        time.sleep(max(0.0, started(proc) + delay - time.monotonic()))
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=120)
        code = proc.returncode
        outcomes.append(code)
        if code == 130 and fraction >= 1:  # the machine is busier than when it was timed
            took = delay * 1.3
        assert not list(out.glob(STAGING_PREFIX + "*")), f"build {k}: a staging folder is left"
        assert "Traceback" not in stderr, f"build {k}: {stderr}"
        after = site_tree(out)
        if code == 130:
            assert after == expected[current], f"build {k} exited {code}: not the last good site"
        else:
            assert code == 0, f"build {k} exited {code}: {stderr}"
            assert after == expected[target], f"build {k} exited 0: not exactly the new site"
            current = target
    assert 130 in outcomes and 0 in outcomes, f"{took} {outcomes}"  # both sides were hit


# --- Ctrl-C during start-up: at a named import, through a hook, never by timing ----------

INTERRUPT_AT_IMPORT = """\
import os, signal, sys


class InterruptAt:
    \"\"\"Ctrl-C (a real SIGINT to this process) as the named module is about to be imported.\"\"\"

    def find_spec(self, name, path=None, target=None):
        if name == os.environ["INTERRUPT_AT_IMPORT"]:
            sys.meta_path.remove(self)
            signal.raise_signal(signal.SIGINT)
        return None


sys.meta_path.insert(0, InterruptAt())
"""
"""A ``sitecustomize`` for the interpreter under test: it runs before any of our code."""

STARTUP_IMPORTS = [
    "rectify_site.commands",
    "argparse",
    "rectify_site.messages",
    "rectify_site.interrupts",
    "rectify_site.commands.parser",
]
"""Modules imported on every start, before a command runs: from the first to the last."""


def _script() -> list[str]:
    """The ``rectify-site`` script as pip writes it from pyproject.toml's entry point."""
    import tomllib

    entry = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    module, attr = entry["rectify-site"].split(":")
    code = (
        f"import re\nimport sys\nfrom {module} import {attr}\n"
        "if __name__ == '__main__':\n"
        "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
        f"    sys.exit({attr}())\n"
    )
    return [sys.executable, "-c", code, "--version"]


ENTRY_POINTS = {
    "the rectify-site script": _script,
    "python -m rectify_site": lambda: [sys.executable, "-m", "rectify_site", "--version"],
    "build.py": lambda: [sys.executable, str(ROOT / "build.py"), "--help"],
}


@pytest.mark.parametrize("module", STARTUP_IMPORTS)
@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_ctrl_c_while_starting_up_exits_130_without_a_traceback(
    tmp_path: Path, entry: str, module: str
) -> None:
    from rectify_site.interrupts import INTERRUPTED

    (tmp_path / "sitecustomize.py").write_text(INTERRUPT_AT_IMPORT, "utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT / "src")]),
        "INTERRUPT_AT_IMPORT": module,
    }
    proc = subprocess.run(
        ENTRY_POINTS[entry](), env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert proc.returncode == 130, (proc.returncode, proc.stderr)
    assert proc.stderr.splitlines() == [INTERRUPTED], proc.stderr
    assert proc.stdout == ""
