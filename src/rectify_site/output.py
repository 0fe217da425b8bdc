"""Writing the site: inside the output folder only, atomically, and only what changed.

The output folder carries a manifest (``.rectify-site.json``) that marks it as ours and
lists the files we wrote, so that stale files can be removed and a folder we did not
make is never written into. Every file is written to a temporary name beside it and
renamed into place, so a reader (or an interrupted build) never sees half a file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
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


FILE_MODE = 0o644
DIR_MODE = 0o755
"""Every file and folder of the site is readable by all (a web server runs as its own
user), whatever the umask: modes are set explicitly, never left to the umask."""


def make_dir(folder: Path) -> None:
    """``mkdir -p`` whose new folders get DIR_MODE, whatever the umask."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for f in reversed(missing):
        with contextlib.suppress(FileExistsError):
            f.mkdir()
        os.chmod(f, DIR_MODE)


def fix_modes(root: Path) -> None:
    """Give ``root`` and everything below it DIR_MODE or FILE_MODE (for Pagefind's bundle)."""
    os.chmod(root, DIR_MODE)
    for folder, dirs, names in os.walk(root):
        for d in dirs:
            p = os.path.join(folder, d)
            if not os.path.islink(p):
                os.chmod(p, DIR_MODE)
        for n in names:
            p = os.path.join(folder, n)
            if not os.path.islink(p):
                os.chmod(p, FILE_MODE)


def _atomic_write(path: Path, data: bytes) -> None:
    make_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        _stamp(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _stamp(path: Path) -> None:
    """Give a written file the time SOURCE_DATE_EPOCH names, for reproducible archives."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        os.utime(path, (int(epoch), int(epoch)))


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


STAGING_PREFIX = ".rectify-staging-"
"""Staging folders live inside the output folder: same file system, so renames are atomic."""


def write_site(
    out: Path, files: dict[str, bytes], *, keep: dict[str, str] | None = None
) -> WriteStats:
    """Make ``out`` hold exactly ``files`` (and ``keep``), all or nothing (see ``writing``)."""
    with writing(out, files, keep=keep) as stats:
        pass
    return stats


@contextlib.contextmanager
def writing(
    out: Path, files: dict[str, bytes], *, keep: dict[str, str] | None = None
) -> Iterator[WriteStats]:
    """Make ``out`` hold exactly ``files``, all or nothing, including the caller's block.

    Phase 1 writes every changed file into a staging folder inside ``out``; a failure
    there leaves the site untouched. Phase 2 renames each staged file into place, keeping
    a hard link to the file it replaces and moving stale files aside. Then the caller's
    block runs on the new site (the search index is made there); if anything fails or is
    interrupted (Ctrl-C, SIGTERM) up to the block's end, every file is put back as it was.
    Unchanged files are not rewritten. The manifest goes last, so it only ever describes
    a complete site, and is rewritten only when it changes.

    ``keep`` (path -> sha256) names files an incremental build did not render again
    because their inputs did not change; they stay as they are (the caller has checked
    that the manifest and the disk hold them).
    """
    created = not out.exists()
    make_dir(out)
    for leftover in out.glob(STAGING_PREFIX + "*"):  # from a build that was killed
        shutil.rmtree(leftover, ignore_errors=True)
    previous = read_manifest(out)
    stats = WriteStats()
    hashes: dict[str, str] = {}
    for rel, h in (keep or {}).items():
        if rel not in files:
            hashes[rel] = h
            stats.unchanged.append(rel)
    changed: list[tuple[str, bytes]] = []
    for rel in sorted(files):
        data = files[rel]
        hashes[rel] = h = digest(data)
        path = out / rel
        if previous.get(rel) == h and path.is_file() and path.stat().st_size == len(data):
            stats.unchanged.append(rel)
        else:
            changed.append((rel, data))
            stats.written.append(rel)
    stale = [
        rel
        for rel in sorted(set(previous) - set(hashes))
        if (out / rel).is_file() and not (out / rel).is_symlink()
    ]
    stats.unchanged.sort()
    manifest = {"tool": "rectify-site", "files": dict(sorted(hashes.items()))}
    manifest_bytes = (json.dumps(manifest, indent=1) + "\n").encode()
    if changed or stale or _read_bytes(out / MANIFEST) != manifest_bytes:
        changed.append((MANIFEST, manifest_bytes))
    if not changed:  # nothing to write: not even a staging folder (mtimes stay as they are)
        yield stats
        return
    stage = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    undo = _Undo()
    try:
        _swap(out, stage, changed, stale, undo)
        yield stats
    except BaseException as exc:
        undo.run()
        if created:
            shutil.rmtree(out, ignore_errors=True)
        if isinstance(exc, OSError):
            raise UsageError([diag(out, "output.failed", problem=str(exc))]) from None
        raise
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    for rel in stale:
        stats.removed.append(rel)
        _prune_empty((out / rel).parent, out)


@dataclass
class _Undo:
    """What phase 2 changed, newest last, so that it can be put back."""

    done: list[tuple[Path, Path | None]] = field(default_factory=list)
    """(target, backup of what it was, or None where there was nothing)."""
    made: list[Path] = field(default_factory=list)
    """Folders created for new files."""

    def run(self) -> None:
        for target, backup in reversed(self.done):
            if backup is None:
                target.unlink(missing_ok=True)
            else:
                os.replace(backup, target)
        for folder in reversed(self.made):
            with contextlib.suppress(OSError):
                folder.rmdir()


def _swap(
    out: Path, stage: Path, changed: list[tuple[str, bytes]], stale: list[str], undo: _Undo
) -> None:
    """Stage every file, then rename them all into place, recording how to undo each."""
    staged: list[tuple[Path, Path]] = []
    for i, (rel, data) in enumerate(changed):
        tmp = stage / f"new-{i}"
        tmp.write_bytes(data)
        os.chmod(tmp, 0o644)
        _stamp(tmp)
        staged.append((tmp, out / rel))
    for i, (tmp, target) in enumerate(staged):
        undo.made += _make_parents(target.parent, out)
        backup = None
        if target.is_file():
            backup = stage / f"old-{i}"
            _keep(target, backup)
        undo.done.append((target, backup))
        os.replace(tmp, target)
    for j, rel in enumerate(stale):
        backup = stage / f"stale-{j}"
        os.replace(out / rel, backup)
        undo.done.append((out / rel, backup))


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _keep(target: Path, backup: Path) -> None:
    """A second name for the current file, so a rollback can put it back."""
    try:
        os.link(target, backup)
    except OSError:  # a file system without hard links
        shutil.copy2(target, backup)


def _make_parents(folder: Path, root: Path) -> list[Path]:
    """Create ``folder`` and its missing parents below ``root``; return the ones made."""
    missing = []
    while folder != root and not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for f in reversed(missing):
        f.mkdir()
        os.chmod(f, DIR_MODE)
    return list(reversed(missing))


def _prune_empty(folder: Path, root: Path) -> None:
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
