"""Search: Pagefind (the extended build, which segments Chinese) over the written site.

Pagefind reads the HTML that ``write_site`` left in the output folder and writes its
bundle to ``<out>/pagefind/``. Only regions marked ``data-pagefind-body`` are indexed, and
headings with an id become sub-results, so a hit inside an aspect points at its anchor.

The bundle is written beside the old one and swapped in with two renames, so a failed
run leaves the last good index in place.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path

from .errors import UsageError, diag
from .output import Rollback, fix_modes, held_signals

BUNDLE = "pagefind"
"""The search bundle's folder inside the output folder."""

INSTALL_HINT = (
    "请安装 pip install 'pagefind[extended]'（或用 --no-search 跳过搜索索引）",
    "install it with pip install 'pagefind[extended]' (or skip the index with --no-search)",
)


def available() -> bool:
    """Whether the extended Pagefind binary (the one that segments Chinese) is installed."""
    spec = importlib.util.find_spec
    return spec("pagefind") is not None and spec("pagefind_bin_extended") is not None


def require_pagefind() -> None:
    """Raise UsageError (exit 2) saying what to install when Pagefind is missing."""
    if not available():
        raise UsageError(
            [diag("pagefind", "tool.missing", tool="pagefind[extended]", hint=INSTALL_HINT)]
        )


def bundle_compressed(out: Path) -> bool:
    """Whether the bundle in ``out`` carries compressed copies (pagefind.js always has one)."""
    return (out / BUNDLE / "pagefind.js.gz").is_file()


def index_site(out: Path, rollback: Rollback | None = None, *, compress: bool = False) -> None:
    """Index the HTML in ``out`` into ``out/pagefind/``; UsageError when Pagefind is missing.

    The bundle's folders get mode 0755 and its files 0644, whatever the umask (a web
    server reads them as its own user); with ``compress``, its text files also get their
    ``.gz`` and ``.br`` copies (compress.py), taken from the old bundle where unchanged.
    With ``rollback`` (the build's, see output.write_site) the old bundle is kept until the
    build commits, and put back if it does not; the swap itself is never left half done.
    """
    require_pagefind()
    out = out.resolve()
    tmp = Path(tempfile.mkdtemp(prefix=".pagefind.", dir=out))
    try:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pagefind",
                "--site",
                str(out),
                "--output-path",
                str(tmp),
                "--keep-index-url",
                "--silent",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            problem = (proc.stderr or proc.stdout).strip() or f"exit {proc.returncode}"
            raise UsageError([diag("pagefind", "search.failed", problem=problem)])
        old = out / BUNDLE
        if compress:
            from .compress import compress_tree

            compress_tree(tmp, old if old.is_dir() else None)
        fix_modes(tmp)
        trash = out / f".{BUNDLE}.old"
        with held_signals():  # two renames, never one alone
            shutil.rmtree(trash, ignore_errors=True)
            had_old = old.exists()
            if had_old:
                old.rename(trash)
            tmp.rename(old)
            if rollback is not None:
                rollback.on_undo(partial(_put_back, old, trash, had_old))
                rollback.on_commit(partial(shutil.rmtree, trash, ignore_errors=True))
        if rollback is None:
            shutil.rmtree(trash, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _put_back(bundle: Path, trash: Path, had_old: bool) -> None:
    """Undo the swap: the bundle the build made goes, the one before comes back."""
    shutil.rmtree(bundle, ignore_errors=True)
    if had_old and trash.is_dir():
        trash.rename(bundle)
