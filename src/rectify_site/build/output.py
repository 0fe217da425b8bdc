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
import stat
import tempfile
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rectify_site.errors import Diagnostic, UsageError, diag
from rectify_site.interrupts import held_signals, hold

MANIFEST = ".rectify-site.json"
"""Marks a folder as rectify-site output and lists the files it holds."""


@dataclass
class WriteStats:
    """What a write changed: for the summary line and for the incremental tests."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    manifest: dict[str, str] = field(default_factory=dict)
    """What the output holds after the write (path -> sha256), as its manifest says."""
    """Manifest entries outside the output folder: ignored, never touched."""

    def warnings(self, out: Path) -> list[Diagnostic]:
        """A warning for each manifest entry that was ignored because it leaves ``out``."""
        return [
            diag(out / MANIFEST, "output.manifest_outside", severity="warning", entry=rel)
            for rel in self.refused
        ]


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
                        "该文件夹非空且不是本工具生成的站点；请换一个输出目录或先清空它",
                        "the folder is not empty and was not written by rectify-site; "
                        "choose another or empty it first",
                    ),
                )
            ]
        )


def read_manifest(out: Path, refused: list[str] | None = None) -> dict[str, str]:
    """The files (path -> sha256) that the last write left in ``out``; empty if none.

    Entries that would lead out of ``out`` (``..``, absolute paths, a folder that is a
    symlink to elsewhere) are left out, and listed in ``refused`` when it is given: a
    tampered manifest can never make a build touch anything outside the output.
    """
    try:
        data = json.loads((out / MANIFEST).read_bytes().decode("utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    inside = Confinement(out)
    kept: dict[str, str] = {}
    for rel, sha in files.items():
        if isinstance(rel, str) and isinstance(sha, str) and inside(rel):
            kept[rel] = sha
        elif refused is not None:
            refused.append(str(rel))
    return kept


class Confinement:
    """Whether a relative path names a place inside ``root``, checked on resolved paths.

    Lexically (no ``..``, no absolute path, no backslash or NUL), then by resolving its
    folder, so that a folder replaced by a symlink to elsewhere is outside too. Folders
    are resolved once each: a site has thousands of files in a few hundred folders.
    """

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._folders: dict[str, bool] = {}

    def __call__(self, rel: str) -> bool:
        if not rel or "\\" in rel or "\0" in rel or rel.startswith("/") or os.path.isabs(rel):
            return False
        parts = rel.split("/")
        if any(p in ("", ".", "..") for p in parts):
            return False
        folder = "/".join(parts[:-1])
        ok = self._folders.get(folder)
        if ok is None:
            try:
                ok = (self.root / folder).resolve().is_relative_to(self.root)
            except (OSError, RuntimeError, ValueError):
                ok = False
            self._folders[folder] = ok
        return ok


def file_intact(
    path: Path | str, data: bytes | None, sha: str, stamp: Any, *, verify: bool
) -> bool:
    """Whether ``path`` still holds what was written there (``data``, or bytes hashing to
    ``sha``). Size and modification time as the last build saw them (``stamp``, a
    ``[size, mtime_ns]`` pair or None) are the fast path; when they disagree, or with
    ``verify``, the bytes themselves are compared.
    """
    try:
        st = os.lstat(path)
    except (OSError, ValueError):
        return False
    if not stat.S_ISREG(st.st_mode):
        return False
    size = len(data) if data is not None else None
    if isinstance(stamp, list | tuple) and len(stamp) == 2:
        if size is None and isinstance(stamp[0], int):
            size = stamp[0]
        if not verify and list(stamp) == [st.st_size, st.st_mtime_ns] and st.st_size == size:
            return True
    if size is not None and st.st_size != size:
        return False
    try:
        with open(path, "rb") as fh:
            on_disk = fh.read()
    except OSError:
        return False
    return on_disk == data if data is not None else digest(on_disk) == sha


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


def atomic_write(path: Path, data: bytes) -> None:
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
    out: Path,
    files: Mapping[str, bytes],
    *,
    keep: dict[str, str] | None = None,
    stamps: dict[str, Any] | None = None,
    verify: bool = False,
    then: Callable[[WriteStats, Rollback], None] | None = None,
    previous: tuple[dict[str, str], list[str]] | None = None,
    digests: Mapping[str, str] | None = None,
) -> WriteStats:
    """Make ``out`` hold exactly ``files``, all or nothing, including ``then``.

    Phase 1 writes every changed file into a staging folder inside ``out``; a failure
    there leaves the site untouched. Phase 2 renames each staged file into place, keeping
    a hard link to the file it replaces and moving stale files aside. Then ``then`` runs
    on the new site (the search index is made there); if anything fails or is
    interrupted (Ctrl-C, SIGTERM) up to its end, every file is put back as it was. Once
    it has returned the new site is committed: with ``interrupts.interrupt`` as the signal
    handler, signals from then on are held. Unchanged files are not rewritten. The
    manifest goes last, so it only ever describes a complete site, and is rewritten only
    when it changes. No staging folder is left behind, whatever happens.

    ``keep`` (path -> sha256) names files an incremental build did not render again
    because their inputs did not change; they stay as they are (the caller has checked
    that the manifest and the disk hold them). A rendered file whose hash the manifest
    already has is left alone only if the disk still holds its bytes: ``stamps`` (path ->
    [size, mtime_ns] as the last build left them) spares reading it back, unless
    ``verify``.

    Nothing outside ``out`` is ever written or removed: manifest entries that lead out
    of it are ignored (``stats.refused``), and a folder of the site that is a symlink to
    elsewhere is refused. ``digests`` (path -> sha256 of the bytes in ``files``, hashed
    by the workers that made them) spares hashing those again here.
    """
    created = not out.exists()
    try:
        make_dir(out)
        for leftover in out.glob(STAGING_PREFIX + "*"):  # from a build that was killed
            _remove_tree(leftover)
    except OSError as exc:
        raise UsageError([diag(out, "output.failed", problem=_problem(exc))]) from None
    stats = WriteStats()
    if previous is None:
        last = read_manifest(out, stats.refused)
    else:  # read already by the caller (the cache), with the entries it refused
        last, refused = previous
        stats.refused.extend(refused)
    inside = Confinement(out)
    for rel in files:
        if not inside(rel):
            raise UsageError([diag(out / rel, "output.refused", reason=_OUTSIDE)])
    hashes: dict[str, str] = {}
    for rel, h in (keep or {}).items():
        if rel not in files:
            hashes[rel] = h
            stats.unchanged.append(rel)
    changed: list[str] = []  # by name: a spool's bytes are read again only to be staged
    known = digests or {}
    for rel in sorted(files):
        data = None if rel in known else files[rel]  # a hashed file is not read back
        hashes[rel] = h = known.get(rel) or digest(files[rel] if data is None else data)
        stamp = (stamps or {}).get(rel)
        if last.get(rel) == h and file_intact(out / rel, data, h, stamp, verify=verify):
            stats.unchanged.append(rel)
        else:
            changed.append(rel)
            stats.written.append(rel)
        del data
    stale = [rel for rel in sorted(set(last) - set(hashes)) if _regular(out / rel)]
    stats.unchanged.sort()
    stats.manifest = dict(sorted(hashes.items()))
    manifest = {"tool": "rectify-site", "files": stats.manifest}
    manifest_bytes = (json.dumps(manifest, indent=1) + "\n").encode()
    if changed or stale or _read_bytes(out / MANIFEST) != manifest_bytes:
        changed.append(MANIFEST)
    contents = _With(files, {MANIFEST: manifest_bytes})
    stage: Path | None = None
    undo = Rollback()
    try:
        if changed:  # else nothing to write: not even a staging folder (mtimes stay as they are)
            stage = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
            _swap(out, stage, [(rel, contents) for rel in changed], stale, undo)
        if then is not None:
            then(stats, undo)
        hold()  # committed: the new site is in place; signals are held from here
    except BaseException as exc:
        with held_signals():  # a second Ctrl-C cannot break the rollback
            undo.run()
            if created:
                shutil.rmtree(out, ignore_errors=True)
            elif stage is None and changed:  # interrupted inside mkdtemp: what it made goes
                for leftover in out.glob(STAGING_PREFIX + "*"):
                    _remove_tree(leftover)
            elif stage is not None:
                _remove_tree(stage)
        if isinstance(exc, OSError):
            raise UsageError([diag(out, "output.failed", problem=_problem(exc))]) from None
        raise
    undo.committed()
    if stage is not None:
        _remove_tree(stage)
    for rel in stale:
        stats.removed.append(rel)
        _prune_empty((out / rel).parent, out)
    return stats


_OUTSIDE = (
    "该路径经由符号链接通向输出目录之外",
    "the path leads out of the output folder through a symlink",
)


def _problem(exc: OSError) -> str:
    """An OSError in words, with the file it names: no traceback for a file system's refusal."""
    return str(exc)  # "[Errno 30] Read-only file system: '…/index.html'"


def _regular(path: Path) -> bool:
    """A regular file, not a symlink (a stale symlink is never followed, nor removed)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except (OSError, ValueError):
        return False


def _remove_tree(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Rollback:
    """What a write changed, newest last, so that it can be put back; and what ``then``
    adds: steps that undo its own changes (``on_undo``) and steps that may only run once
    the new site is committed (``on_commit``, such as removing the old search index)."""

    done: list[tuple[Path, Path | None]] = field(default_factory=list)
    """(target, backup of what it was, or None where there was nothing)."""
    made: list[Path] = field(default_factory=list)
    """Folders created for new files."""
    undo_steps: list[Callable[[], None]] = field(default_factory=list)
    commit_steps: list[Callable[[], None]] = field(default_factory=list)

    def on_undo(self, step: Callable[[], None]) -> None:
        self.undo_steps.append(step)

    def on_commit(self, step: Callable[[], None]) -> None:
        self.commit_steps.append(step)

    def run(self) -> None:
        for step in reversed(self.undo_steps):
            step()
        for target, backup in reversed(self.done):
            if backup is None:
                target.unlink(missing_ok=True)
            elif backup.exists():  # recorded before the move: it may not have happened
                os.replace(backup, target)
        for folder in reversed(self.made):
            with contextlib.suppress(OSError):
                folder.rmdir()

    def committed(self) -> None:
        for step in self.commit_steps:
            step()


def _swap(
    out: Path,
    stage: Path,
    changed: list[tuple[str, Mapping[str, bytes]]],
    stale: list[str],
    undo: Rollback,
) -> None:
    """Stage every file, then rename them all into place, recording how to undo each."""
    staged: list[tuple[Path, Path]] = []
    for i, (rel, source) in enumerate(changed):
        tmp = stage / f"new-{i}"
        spooled = source.file_of(rel) if isinstance(source, _With | Outputs) else None
        if spooled is None or not _linked(spooled, tmp):
            tmp.write_bytes(source[rel])
        os.chmod(tmp, 0o644)
        _stamp(tmp)
        staged.append((tmp, out / rel))
    for i, (tmp, target) in enumerate(staged):
        _make_parents(target.parent, out, undo.made)
        backup = None
        if target.is_file():
            backup = stage / f"old-{i}"
            _keep(target, backup)
        undo.done.append((target, backup))
        os.replace(tmp, target)
    for j, rel in enumerate(stale):
        backup = stage / f"stale-{j}"
        undo.done.append((out / rel, backup))  # first, so an interrupt cannot lose it
        os.replace(out / rel, backup)


def _linked(source: Path, tmp: Path) -> bool:
    """``tmp`` made a second name of the spooled file ``source`` (its bytes not read nor
    written again), where the file system allows: else False, and the caller copies."""
    try:
        os.link(source, tmp)
    except OSError:  # another file system, or one without hard links
        return False
    return True


class _With(Mapping[str, bytes]):
    """``files`` with a few more (the manifest), without copying ``files``."""

    def __init__(self, files: Mapping[str, bytes], more: dict[str, bytes]) -> None:
        self.files, self.more = files, more

    def file_of(self, rel: str) -> Path | None:
        """Where a spooled file's bytes are (``Outputs.file_of``)."""
        if rel in self.more or not isinstance(self.files, Outputs):
            return None
        return self.files.file_of(rel)

    def __getitem__(self, rel: str) -> bytes:
        return self.more[rel] if rel in self.more else self.files[rel]

    def __iter__(self) -> Iterator[str]:
        yield from self.more
        yield from (rel for rel in self.files if rel not in self.more)

    def __len__(self) -> int:
        return len(self.more) + sum(1 for rel in self.files if rel not in self.more)


class Outputs(MutableMapping[str, bytes]):
    """The files a build makes (path -> bytes) until they are written: one type for all.

    In memory, or, for a build too large for that (``spooled``), in a folder: at 10,000
    reports a build makes about 90,000 pages and as many compressed copies, several GiB
    that need not all be held at once, so each file is written there as it is made and
    read back when the writer stages it. The folder is the caller's (in the build's
    cache, beside the output, never inside it) and goes with ``close``, with every file
    in it: a closed spool is empty. Used as a context manager, it closes at the end.
    """

    def __init__(self, spool: Path | None = None) -> None:
        self.spool = spool
        """The folder the files are kept in; None: in memory."""
        self._memory: dict[str, bytes] = {}
        self._where: dict[str, str] = {}
        self._names = SpoolNames(spool) if spool is not None else None
        if spool is not None:
            spool.mkdir(parents=True, exist_ok=True)

    def __setitem__(self, rel: str, data: bytes) -> None:
        if self.spool is None or self._names is None:
            self._memory[rel] = data
            return
        self.adopt(rel, self._names.put(data))

    def adopt(self, rel: str, name: str) -> None:
        """``rel``'s bytes are the spool's file ``name``, written there by a worker
        (``SpoolNames``) that did not send them here. A file is never written over in
        place: one that the output may share (a hard link, ``_swap``) never changes."""
        assert self.spool is not None
        old = self._where.get(rel)
        self._where[rel] = name
        if old is not None and old != name:
            (self.spool / old).unlink(missing_ok=True)

    def file_of(self, rel: str) -> Path | None:
        """The spooled file holding ``rel``'s bytes; None in memory."""
        return None if self.spool is None else self.spool / self._where[rel]

    def __getitem__(self, rel: str) -> bytes:
        if self.spool is None:
            return self._memory[rel]
        return (self.spool / self._where[rel]).read_bytes()

    def __delitem__(self, rel: str) -> None:
        if self.spool is None:
            del self._memory[rel]
        else:
            del self._where[rel]  # its file goes with the folder

    def __contains__(self, rel: object) -> bool:
        return rel in (self._memory if self.spool is None else self._where)

    def __iter__(self) -> Iterator[str]:
        return iter(self._memory if self.spool is None else self._where)

    def __len__(self) -> int:
        return len(self._memory if self.spool is None else self._where)

    def close(self) -> None:
        """A spool's folder goes, and its files with it; files in memory stay."""
        if self.spool is not None:
            shutil.rmtree(self.spool, ignore_errors=True)
            self._where.clear()

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SpoolNames:
    """New files in a spool, each under a name never used before in it: 4,096 to a
    folder, below ``tag`` (a worker's own, so that processes never share a name)."""

    def __init__(self, spool: Path, tag: str = "") -> None:
        self.spool, self.tag, self.count = spool, tag, 0

    def put(self, data: bytes) -> str:
        """Write ``data`` to a new file of the spool: its name there."""
        n = self.count
        self.count += 1
        folder = f"{self.tag}/{n // 4096}" if self.tag else str(n // 4096)
        if n % 4096 == 0:
            (self.spool / folder).mkdir(parents=True, exist_ok=True)
        name = f"{folder}/{n % 4096}"
        (self.spool / name).write_bytes(data)
        return name


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


def _make_parents(folder: Path, root: Path, made: list[Path]) -> None:
    """Create ``folder`` and its missing parents below ``root``, noting each in ``made``
    before it is made (so that an interrupt between the two leaves nothing unnoted)."""
    missing = []
    while folder != root and not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for f in reversed(missing):
        made.append(f)
        f.mkdir()
        os.chmod(f, DIR_MODE)  # readable by a web server whatever the umask


def _prune_empty(folder: Path, root: Path) -> None:
    """Remove ``folder`` and its parents while empty, never ``root`` or anything outside."""
    root = root.resolve()
    try:
        folder = folder.resolve()
    except (OSError, RuntimeError):
        return
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
