"""The project as users get it: a wheel, installed (not editable) into a fresh environment.

An editable install and ``pythonpath = ["src"]`` find every module in the checkout, so a
package missing from ``pyproject.toml``'s list, or a theme or package-data file its globs
miss, would only show once someone installs the wheel. Here the wheel is built
(``pip wheel --no-deps``) from a copy of the files it is made of, installed with no
dependencies into a fresh venv that reaches this environment's packages through a
``.pth`` line (not its editable finder), and run in a folder that holds only
``content/``: its pages must equal the golden site's.

The build runs in this environment (``--no-build-isolation``, offline) where it can make a
wheel: setuptools 70.1 or later, or the ``wheel`` package beside an older one. Otherwise
(Python 3.11's venv brings setuptools 65) pip makes the isolated build environment that
``[build-system]`` asks for, from the package index pip is configured with.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import CONTENT, ROOT, TEMPLATES

pytestmark = pytest.mark.slow

SRC = ROOT / "src"
GOLDEN = ROOT / "tests" / "golden" / "site"
MADE_OF = ("pyproject.toml", "README.md", "src", "templates")
"""What the wheel is built from (pyproject.toml names the rest of the checkout nowhere)."""


def _run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SOURCE_DATE_EPOCH")}
    proc = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600
    )
    assert proc.returncode == 0, f"{args}\n{proc.stdout}\n{proc.stderr}"
    return proc


def _can_build_here() -> bool:
    """Whether this environment's setuptools can make a wheel without installing anything."""
    import setuptools

    major, minor = (int(x) for x in setuptools.__version__.split(".")[:2])
    return (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy (a build in the checkout would leave build/ behind)."""
    project = tmp_path_factory.mktemp("project")
    junk = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    for name in MADE_OF:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, project / name, ignore=junk)
        else:
            shutil.copy2(ROOT / name, project / name)
    out = tmp_path_factory.mktemp("dist")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    here = ["--no-build-isolation", "--no-index"] if _can_build_here() else []
    _run(*pip, "wheel", "--no-deps", *here, "-q", "-w", out, project)
    (found,) = out.glob("rectify_site-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel; its dependencies are the shared environment's."""
    env = tmp_path_factory.mktemp("venv")
    _run(sys.executable, "-m", "venv", "--without-pip", "--clear", env)
    python = env / "bin" / "python"
    purelib = _run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
    # a plain path line: the shared site-packages joins sys.path, but its own .pth files
    # (the editable finder that maps rectify_site to a checkout) are not run
    (Path(purelib.stdout.strip()) / "shared-env.pth").write_text(
        "".join(f"{p}\n" for p in site.getsitepackages()), "utf-8"
    )
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--python", python]
    _run(*pip, "install", "--no-deps", "--no-index", "-q", wheel)
    return env


def test_the_wheel_holds_every_module_and_theme_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    package = SRC / "rectify_site"
    modules = {
        f"rectify_site/{p.relative_to(package).as_posix()}"
        for p in package.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    theme = {
        f"rectify_site/theme/{p.relative_to(TEMPLATES).as_posix()}" for p in TEMPLATES.rglob("*")
    }
    theme = {t for t in theme if (TEMPLATES / t.removeprefix("rectify_site/theme/")).is_file()}
    assert sorted(modules - names) == [], "add the package to [tool.setuptools] packages"
    assert sorted(theme - names) == [], "add the files to [tool.setuptools.package-data]"


def test_the_installed_wheel_builds_the_default_site_as_the_checkout_does(
    venv: Path, tmp_path: Path
) -> None:
    where = _run(venv / "bin" / "python", "-c", "import rectify_site; print(rectify_site.__file__)")
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout  # not the checkout
    folder = tmp_path / "site"
    shutil.copytree(CONTENT, folder / "content")  # nothing else: the theme is the package's
    golden = ["--base-url", "https://example.org/rectify/", "--no-search", "--no-compress"]
    _run(venv / "bin" / "rectify-site", "build", *golden, "--quiet", cwd=folder)
    out = folder / "_site"
    built = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.html"))}
    expected = {p.relative_to(GOLDEN).as_posix(): p.read_bytes() for p in GOLDEN.rglob("*.html")}
    assert sorted(built) == sorted(expected)
    assert [rel for rel in built if built[rel] != expected[rel]] == []
    # and a whole build, search index and compressed copies included
    _run(venv / "bin" / "rectify-site", "build", "--out", "full", "--quiet", cwd=folder)
    assert (folder / "full" / "index.html").is_file()
    assert (folder / "full" / "pagefind").is_dir()
