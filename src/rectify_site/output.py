"""Writing the site: inside the output folder only, atomically, and only what changed.

The output folder carries a manifest (``.rectify-site.json``) that marks it as ours and
lists the files we wrote, so that stale files can be removed and a folder we did not
make is never written into. Every file is written to a temporary name beside it and
renamed into place, so a reader (or an interrupted build) never sees half a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageError, diag

MANIFEST = ".rectify-site.json"
"""Marks a folder as rectify-site output and lists the files it holds."""


@dataclass
class WriteStats:
    """What a write changed: for the summary line and for the incremental tests."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def check_output_dir(out: Path, *, sources: list[Path], project: Path) -> None:
    """Refuse an output folder that could hold anything but a site this tool wrote.

    ``sources`` (content, templates) may neither be the output, contain it, nor lie
    inside it; ``project`` may not be the output or lie inside it.
    """
    target = out.resolve()
    for p in [*sources, project]:
        p = p.resolve()
        if target == p or p.is_relative_to(target):
            raise UsageError(
                [
                    diag(
                        out,
                        "output.refused",
                        reason=(
                            f"输出目录不能是 {p} 或其上级目录",
                            f"the output cannot be {p} or a parent of it",
                        ),
                    )
                ]
            )
    for p in sources:
        if target.is_relative_to(p.resolve()):
            raise UsageError(
                [
                    diag(
                        out,
                        "output.refused",
                        reason=(f"输出目录不能位于 {p} 之内", f"the output cannot lie inside {p}"),
                    )
                ]
            )
    if target.exists() and not target.is_dir():
        raise UsageError([diag(out, "output.refused", reason=("不是文件夹", "not a folder"))])
    if target.is_dir() and any(target.iterdir()) and not (target / MANIFEST).is_file():
        raise UsageError(
            [
                diag(
                    out,
                    "output.refused",
                    reason=(
                        "该文件夹非空且不是本工具生成的站点;请换一个输出目录或先清空它",
                        "the folder is not empty and was not written by rectify-site; "
                        "choose another or empty it first",
                    ),
                )
            ]
        )


def read_manifest(out: Path) -> dict[str, str]:
    """The files (path -> sha256) that the last write left in ``out``; empty if none."""
    try:
        data = json.loads((out / MANIFEST).read_text("utf-8"))
        files = data.get("files", {})
        return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}
    except (OSError, ValueError):
        return {}


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_site(
    out: Path, files: dict[str, bytes], *, keep: dict[str, str] | None = None
) -> WriteStats:
    """Make ``out`` hold exactly ``files``: write changed ones, remove stale ones we made.

    ``keep`` (path -> sha256) names files an incremental build did not render again
    because their inputs did not change; they stay as they are (the caller has checked
    that the manifest and the disk hold them). The manifest is rewritten only when it
    changes, so a build that changes nothing writes nothing.
    """
    stats = WriteStats()
    out.mkdir(parents=True, exist_ok=True)
    previous = read_manifest(out)
    hashes: dict[str, str] = {}
    for rel, h in (keep or {}).items():
        if rel not in files:
            hashes[rel] = h
            stats.unchanged.append(rel)
    try:
        for rel in sorted(files):
            data = files[rel]
            h = digest(data)
            hashes[rel] = h
            path = out / rel
            if previous.get(rel) == h and path.is_file() and path.stat().st_size == len(data):
                stats.unchanged.append(rel)
                continue
            _atomic_write(path, data)
            stats.written.append(rel)
        for rel in sorted(set(previous) - set(files) - set(hashes)):
            path = out / rel
            if path.is_file() and not path.is_symlink():
                path.unlink()
                stats.removed.append(rel)
                _prune_empty(path.parent, out)
    except OSError as exc:
        raise UsageError([diag(out, "output.failed", problem=str(exc))]) from None
    manifest = {"tool": "rectify-site", "files": dict(sorted(hashes.items()))}
    data = (json.dumps(manifest, indent=1) + "\n").encode()
    if stats.written or stats.removed or hashes != previous or not (out / MANIFEST).is_file():
        _atomic_write(out / MANIFEST, data)
    stats.unchanged.sort()
    return stats


def _prune_empty(folder: Path, root: Path) -> None:
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
