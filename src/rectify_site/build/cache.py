"""The build's cache: artifacts and values kept by the key of the inputs they were made from.

A stage of the build declares what it is made from and asks ``get_or_make(key, make)``
(as lektor's ``BuildState.check_artifact_is_current`` checks recorded dependencies):
when the last build made files from the very same key, and the output still holds
them, nothing is made and they are kept; otherwise ``make`` runs and its files are
recorded under the key. The cache knows nothing of reports, pages or templates: the
keys come from the build's stages, which hash what each page shows (stages.py), and
the notes it keeps for them are theirs to read (notes.py).

Where it lives: beside the output folder, never inside it, so it is never published:
``<parent>/.rectify-cache/`` holds ``CACHEDIR.TAG`` (marks the folder as ours; backup
tools skip it) and, per output folder, ``<output name>/`` with ``state.json`` (input
hashes, artifact keys, the output's stamps, notes), ``<group>/<name>.pickle`` (values
kept with ``recall``/``remember``, such as loaded reports), folders asked for with
``folder`` (compiled templates) and ``lock``. Deleting it makes the next build a cold
one. A ``.rectify-cache`` folder without our tag is refused. Pickles are only ever read
back by the same code version that wrote them, and only when sealed with the key kept
outside the cache (signing.py): a planted pickle is never loaded, the build is cold.

Standard library only at the top, so that ``build`` finds out that nothing changed
without importing pydantic or Jinja.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import pickle
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rectify_site.build.output import MANIFEST, STAGING_PREFIX, file_intact, read_manifest
from rectify_site.build.signing import seal, unseal
from rectify_site.errors import UsageError, diag

if TYPE_CHECKING:
    from filelock import BaseFileLock

FORMAT = 4
"""Bump when the state's layout changes: an old cache is then ignored."""

CACHE_DIRNAME = ".rectify-cache"
TAG_NAME = "CACHEDIR.TAG"
TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# rectify-site build cache (https://bford.info/cachedir/); safe to delete.\n"
)
RACY_NS = 2_000_000_000
"""A file changed this close before the state was saved is hashed again, whatever its stamp
says (git's "racily clean" rule: a same-size edit within the clock's granularity)."""

GROUPS = ("reports", "summaries", "jinja", "spool")
"""The sub-folders a build uses (loaded reports, their summaries, compiled templates, a
large build's files): each is cleared if something else stands where it should be."""


def cache_dir_for(out: Path) -> Path:
    """``<parent>/.rectify-cache/<name>/``: beside the output, so it is never published."""
    out = out.resolve()
    return out.parent / CACHE_DIRNAME / out.name


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def key_of(*parts: object) -> str:
    """One key for any JSON-able parts (a dict's order does not matter)."""
    return sha(json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False).encode())


def hash_inputs(
    files: Mapping[str, str | Path], previous: Mapping[str, list[Any]], saved_ns: int
) -> dict[str, list[Any]]:
    """``name -> [size, mtime_ns, sha256]``, reusing the previous hash when the stamp agrees."""
    out: dict[str, list[Any]] = {}
    for name in sorted(files):
        path = files[name]
        try:
            st = os.stat(path)
        except OSError:
            continue  # vanished while we looked: the loader will report what is missing
        old = previous.get(name)
        if (
            old is not None
            and old[0] == st.st_size
            and old[1] == st.st_mtime_ns
            and st.st_mtime_ns < saved_ns - RACY_NS
        ):
            out[name] = old
            continue
        try:
            out[name] = [st.st_size, st.st_mtime_ns, _hash_file(path)]
        except OSError:
            continue
    return out


def _hash_file(path: str | Path) -> str:
    """sha256 of a regular file, read in bounded chunks; anything else (a FIFO or a device
    put there since the inputs were listed) is an OSError, never a hang or a read for ever."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"not a regular file: {path}")
        return hashlib.file_digest(fh, "sha256").hexdigest()


# --- the state of the last build -------------------------------------------------------


@dataclass
class State:
    """What the last successful build read and wrote; saved as ``state.json``."""

    code: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    saved_ns: int = 0
    inputs: dict[str, list[Any]] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    """``group/name`` -> the key its pickle was made from."""
    outputs: dict[str, list[str]] = field(default_factory=dict)
    """Output file -> [the key it was made from, sha256 of its bytes]."""
    files: dict[str, list[Any]] = field(default_factory=dict)
    """The output manifest after the build: path -> [sha256, size, mtime_ns]."""
    notes: dict[str, Any] = field(default_factory=dict)
    """What the build wants back next time (its warnings, the search shards' digests), as
    JSON: the build checks their shape (notes.Notes)."""

    @classmethod
    def read(cls, path: Path) -> State:
        """The saved state, or an empty one (a cold build) if it is missing or malformed."""
        try:
            data = json.loads(path.read_bytes().decode("utf-8"))
        except (OSError, ValueError, RecursionError):
            return cls()
        if not _state_shape_ok(data):  # any other shape, however it came about: start cold
            return cls()
        data.pop("format")
        return cls(**data)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            **{f.name: getattr(self, f.name) for f in dataclasses.fields(self)},
        }

    def dump(self) -> bytes:
        return json.dumps(self.as_dict(), ensure_ascii=False, separators=(",", ":")).encode()


def _is_str(v: Any) -> bool:
    return isinstance(v, str)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _rows_of(*kinds: type) -> Callable[[Any], bool]:
    """A JSON object of lists of exactly these kinds, in order (an int is no bool).

    One loop over the rows, by type: a state of 90,000 files is checked in milliseconds.
    """
    n = len(kinds)

    def check(v: Any) -> bool:
        if not isinstance(v, dict):
            return False
        for k, row in v.items():
            if type(k) is not str or type(row) is not list or len(row) != n:
                return False
            for x, kind in zip(row, kinds, strict=True):
                if type(x) is not kind:
                    return False
        return True

    return check


def _map_of(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, dict) and all(_is_str(k) and check(x) for k, x in v.items())


_STATE_SHAPE: dict[str, Callable[[Any], bool]] = {
    "format": lambda v: v == FORMAT,
    "code": _is_str,
    "options": lambda v: isinstance(v, dict),
    "saved_ns": _is_int,
    "inputs": _rows_of(int, int, str),
    "values": _map_of(_is_str),
    "outputs": _rows_of(str, str),
    "files": _rows_of(str, int, int),
    "notes": lambda v: isinstance(v, dict),
}
"""What ``state.json`` must hold, field by field: the cache is trusted only in this shape."""


def _state_shape_ok(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and set(data) == set(_STATE_SHAPE)
        and all(check(data[name]) for name, check in _STATE_SHAPE.items())
    )


def atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- the cache ------------------------------------------------------------------------


class Cache:
    """The cache of one output folder, and its lock.

    A build calls, in order: ``begin`` (hash the inputs, with this build's options), then
    ``get_or_make`` (or ``current`` and ``record`` around a batch) for what it makes,
    ``recall`` and ``remember`` for values, and ``commit`` once the output is written.
    ``serve`` keeps one Cache for its whole session, so remembered values stay in memory.
    Nothing sets its attributes from outside: what a build wants of it goes to ``begin``.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.dir = cache_dir_for(out)
        self.state = State.read(self.dir / "state.json") if self.dir.is_dir() else State()
        self.verify = False
        """Hash every output file rather than trust its size and time (``build --verify``):
        set by ``begin`` for one build."""
        self._lock: BaseFileLock | None = None
        self._values: dict[str, tuple[str, Any]] = {}
        self._dirty: set[str] = set()
        self._reset()

    def _reset(self) -> None:
        self.inputs: dict[str, list[Any]] = {}
        self.options: dict[str, Any] = {}
        self.code = ""
        self.kept: dict[str, str] = {}
        """Files kept from the last build (path -> sha256): not made, so not written."""
        self.outputs: dict[str, list[str]] = {}
        self.live: set[str] = set()
        self._stored: dict[str, str] = {}
        """``group/name`` -> the key a worker stored its value with in this build."""
        self._manifest: tuple[dict[str, str], list[str]] | None = None
        self._by_key: dict[str, dict[str, list[str]]] | None = None

    # -- the folder and the lock --

    def _ensure_dir(self) -> None:
        try:
            self._make_dir()
        except OSError as exc:  # a read-only or full disk, a file where a folder should be
            problem = exc.strerror or str(exc)
            if exc.filename:
                problem = f"{problem}: {exc.filename}"
            raise UsageError([diag(self.dir, "cache.unwritable", problem=problem)]) from None

    def _make_dir(self) -> None:
        tag = self.dir.parent / TAG_NAME
        if self.dir.parent.is_dir() and not _ours(tag):
            raise UsageError(
                [
                    diag(
                        self.dir.parent,
                        "output.refused",
                        reason=(
                            f"{CACHE_DIRNAME} 已存在但不是本工具的缓存目录（缺少 {TAG_NAME}）",
                            f"{CACHE_DIRNAME} exists but is not rectify-site's cache "
                            f"(no {TAG_NAME})",
                        ),
                    )
                ]
            )
        if self.dir.exists() and not self.dir.is_dir():
            self.dir.unlink()  # inside our own tagged folder: whatever it is, it is ours
        # each name where the cache wants a folder or a file, cleared if it is the other
        wanted = [(name, True) for name in GROUPS] + [("state.json", False)]
        for name, folder in wanted:
            path = self.dir / name
            if path.is_symlink() or (path.exists() and path.is_dir() != folder):
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
        lock = self.dir / "lock"
        if lock.is_dir() and not lock.is_symlink():
            shutil.rmtree(lock)
        self.dir.mkdir(parents=True, exist_ok=True)
        if not tag.is_file():
            tag.write_text(TAG)

    def lock(self) -> None:
        """Take the output folder's lock, or fail at once with a clear message (exit 2)."""
        if self._lock is not None:
            return
        self._ensure_dir()
        path = self.dir / "lock"
        # filelock: flock on POSIX, msvcrt.locking on Windows; released if the process dies
        from filelock import FileLock, Timeout

        lock = FileLock(path, timeout=0, thread_local=False, is_singleton=False)
        try:
            lock.acquire()
        except Timeout:
            raise UsageError([diag(self.out, "output.locked", lock=str(path))]) from None
        except OSError as exc:
            problem = f"{exc.strerror or exc}: {path}"
            raise UsageError([diag(self.dir, "cache.unwritable", problem=problem)]) from None
        self._lock = lock

    def unlock(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    @contextlib.contextmanager
    def locked(self) -> Iterator[Cache]:
        """Hold the lock for a build; a lock already held (``serve``'s) stays held."""
        held = self._lock is not None
        self.lock()
        try:
            yield self
        finally:
            if not held:
                self.unlock()

    def folder(self, name: str) -> Path:
        """A sub-folder of the cache for a step's own files (one of GROUPS), made if need be."""
        self._ensure_dir()
        path = self.dir / name
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            problem = f"{exc.strerror or exc}: {exc.filename or path}"
            raise UsageError([diag(self.dir, "cache.unwritable", problem=problem)]) from None
        return path

    # -- inputs --

    def begin(
        self,
        code: str,
        options: Mapping[str, Any],
        inputs: Mapping[str, str | Path],
        *,
        incremental: bool = True,
        verify: bool = False,
    ) -> dict[str, Any]:
        """Hash every input (reusing hashes whose file stamp is unchanged); return the notes
        the last build left, or {} when nothing of it is trusted.

        With ``incremental=False`` nothing of the last build is trusted (every artifact is
        made again), but the lock is taken and the state saved all the same. ``verify``
        hashes every output file instead of trusting its size and time.
        """
        self._reset()
        self.code = code
        self.options = dict(options)
        self.verify = verify
        same = self.state.code == code
        previous = self.state.inputs if same else {}
        self.inputs = hash_inputs(inputs, previous, self.state.saved_ns)
        if not same or not incremental:  # other code, or told so: trust nothing cached
            self.forget()
        return self.state.notes

    def forget(self) -> None:
        """Trust nothing of the last build: every artifact and value is made again (the
        inputs' hashes stay; they are this build's)."""
        self.state = dataclasses.replace(State(), saved_ns=self.state.saved_ns)
        self._values.clear()

    def hashes(self, prefix: str = "") -> dict[str, str]:
        """Input name -> sha256, for the inputs whose name starts with ``prefix``."""
        return {k: v[2] for k, v in self.inputs.items() if k.startswith(prefix)}

    def unchanged(self) -> bool:
        """Nothing to do: same code, options and inputs, and the output is as we left it."""
        st = self.state
        if st.code != self.code or st.options != self.options or not st.files:
            return False
        if {k: v[2] for k, v in st.inputs.items()} != self.hashes():
            return False
        written = {k: v for k, v in st.files.items() if k != MANIFEST}
        if self.manifest() != {k: v[0] for k, v in written.items()}:
            return False
        mark = st.files.get(MANIFEST)  # the manifest itself, byte for byte as written
        if mark is None or not file_intact(
            self.out / MANIFEST, None, mark[0], mark[1:], verify=True
        ):
            return False
        if any(p.name.startswith(STAGING_PREFIX) for p in self.out.iterdir()):
            return False  # a killed build's leftovers: the write step clears them
        return all(self._valid(rel, v[0]) for rel, v in written.items())

    def last_output(self) -> dict[str, str]:
        """Path -> sha256 of every file the last build left in the output."""
        return {rel: v[0] for rel, v in self.state.files.items() if rel != MANIFEST}

    def stamps(self) -> dict[str, list[int]]:
        """Path -> [size, mtime_ns] of each output file as the last build left it."""
        return {rel: v[1:] for rel, v in self.state.files.items() if rel != MANIFEST}

    def manifest(self) -> dict[str, str]:
        """The output's manifest as the last write left it, read once per build; empty
        when it was tampered with (nothing in it is vouched for; the write says so)."""
        previous, refused = self.written()
        return {} if refused else previous

    def written(self) -> tuple[dict[str, str], list[str]]:
        """The manifest's entries inside the output, and those refused (output.read_manifest)."""
        if self._manifest is None:
            refused: list[str] = []
            self._manifest = (read_manifest(self.out, refused), refused)
        return self._manifest

    def _valid(self, rel: str, digest: str) -> bool:
        """The output still holds the bytes we recorded for ``rel``.

        Its size and modification time as the last build left them are the fast path;
        when they disagree (a file edited by hand, even to the same size), or with
        ``verify``, the file is hashed and compared with the manifest.
        """
        if self.manifest().get(rel) != digest:
            return False
        recorded = self.state.files.get(rel)
        if recorded is None or recorded[0] != digest:
            return False
        path = os.path.join(self.out, rel)  # a str: pathlib costs more than the stat
        return file_intact(path, None, digest, recorded[1:], verify=self.verify)

    # -- artifacts --

    def current(self, key: str) -> bool:
        """Whether the last build made files from ``key`` that the output still holds;
        if so they are kept (``self.kept``) and recorded for this build."""
        if not self.holds(key):
            return False
        self.keep(key)
        return True

    def holds(self, key: str) -> bool:
        """Whether the output still holds the files the last build made from ``key``,
        nothing noted (a worker asks; the parent then calls ``keep``)."""
        old = self._made_from().get(key)
        return bool(old) and all(self._valid(rel, v[1]) for rel, v in old.items())

    def keep(self, key: str) -> None:
        """Keep and record the last build's files from ``key`` (``holds`` said so)."""
        for rel, v in self._made_from().get(key, {}).items():
            self.kept[rel] = v[1]
            self.outputs[rel] = list(v)

    def _made_from(self) -> dict[str, dict[str, list[Any]]]:
        if self._by_key is None:
            self._by_key = {}
            for rel, v in self.state.outputs.items():
                self._by_key.setdefault(v[0], {})[rel] = v
        return self._by_key

    def record(self, key: str, files: Mapping[str, bytes]) -> None:
        """Note that ``files`` were made from ``key`` by this build."""
        for rel, data in files.items():
            self.outputs[rel] = [key, sha(data)]

    def record_digests(self, key: str, digests: Mapping[str, str]) -> None:
        """``record``, for files a worker made and hashed (path -> sha256)."""
        for rel, digest in digests.items():
            self.outputs[rel] = [key, digest]

    def get_or_make(self, key: str, make: Callable[[], dict[str, bytes]]) -> dict[str, bytes]:
        """The files ``make`` makes from ``key``: {} when the last build's are still there."""
        if self.current(key):
            return {}
        files = make()
        self.record(key, files)
        return files

    # -- values --

    def recall(self, group: str, name: str, key: str, *, keep: bool = True) -> Any | None:
        """The value remembered as ``group/name`` from ``key``, or None; held in memory
        for the next question unless ``keep`` is off (a worker's whole model)."""
        slot = f"{group}/{name}"
        self.live.add(slot)
        hit = self._values.get(slot)
        if hit is not None and hit[0] == key:
            return hit[1]
        if self.state.values.get(slot) != key and self._stored.get(slot) != key:
            return None
        try:
            with open(self.dir / group / f"{name}.pickle", "rb") as fh:
                data = unseal(slot, fh.read())
        except OSError:
            return None
        if data is None:  # not sealed with our key: never unpickled, made afresh
            return None
        try:
            saved = pickle.loads(data)  # sealed by us: written by this very code version
        except Exception:  # sealed but unreadable (a class changed meanwhile): afresh
            return None
        if not (isinstance(saved, tuple) and len(saved) == 2 and saved[0] == key):
            return None
        if keep:
            self._values[slot] = saved
        return saved[1]

    def remember(self, group: str, name: str, key: str, value: Any) -> None:
        """Keep ``value`` (pickled at commit) for the next build that asks with ``key``."""
        slot = f"{group}/{name}"
        self.live.add(slot)
        self._values[slot] = (key, value)
        self._dirty.add(slot)

    def store(self, group: str, name: str, key: str, value: Any) -> None:
        """Write ``value`` at once, from a worker, which holds it; the parent, which does
        not, notes it with ``stored``. Safe before the build has succeeded: the key is
        sealed inside the file, and ``recall`` trusts only the key state.json names or
        the one this build stored."""
        slot = f"{group}/{name}"
        data = seal(slot, pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL))
        atomic_write(self.folder(group) / f"{name}.pickle", data)

    def retain(self, group: str, name: str) -> None:
        """Keep the value the last build left as ``group/name`` for the next, unread (an
        unchanged report's whole model, while this build reads only its summary)."""
        self.live.add(f"{group}/{name}")

    def stored(self, group: str, name: str, key: str) -> None:
        """Note a value a worker wrote (``store``): recalled by this build's next stages
        (forked after this) and, once the build commits, by the next build."""
        slot = f"{group}/{name}"
        self.live.add(slot)
        self._stored[slot] = key
        self._values.pop(slot, None)
        self._dirty.discard(slot)

    # -- after writing --

    def commit(self, notes: Mapping[str, Any], manifest: Mapping[str, str]) -> None:
        """Save what this build read and made; called only once the output is written,
        with the ``manifest`` the write left (path -> sha256)."""
        try:
            self._commit(notes, manifest)
        except (OSError, UsageError):  # a cache: losing it only makes the next build cold
            with contextlib.suppress(OSError):
                (self.dir / "state.json").unlink()
            self.state = State()

    def _commit(self, notes: Mapping[str, Any], manifest: Mapping[str, str]) -> None:
        self._ensure_dir()
        files: dict[str, list[Any]] = {}
        for rel, digest in manifest.items():
            try:
                st = os.lstat(self.out / rel)
            except OSError:
                continue  # gone already: the next build writes it again
            files[rel] = [digest, st.st_size, st.st_mtime_ns]
        with contextlib.suppress(OSError):
            st = os.lstat(self.out / MANIFEST)
            data = (self.out / MANIFEST).read_bytes()
            files[MANIFEST] = [sha(data), st.st_size, st.st_mtime_ns]
        values = dict(self.state.values)
        for slot in sorted(self._dirty & self.live):
            group, name = slot.split("/", 1)
            self.folder(group)
            entry = self._values[slot]
            atomic_write(
                self.dir / group / f"{name}.pickle",
                seal(slot, pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)),
            )
            values[slot] = entry[0]
        for slot, key in self._stored.items():
            if slot in self.live:
                values[slot] = key
        for slot in list(values):
            if slot not in self.live:  # a report removed: its value goes with it
                del values[slot]
                group, name = slot.split("/", 1)
                (self.dir / group / f"{name}.pickle").unlink(missing_ok=True)
                self._values.pop(slot, None)
        self._dirty.clear()
        self._stored.clear()
        new = State(
            code=self.code,
            options=self.options,
            saved_ns=self.state.saved_ns,
            inputs=self.inputs,
            values=dict(sorted(values.items())),
            outputs=dict(sorted(self.outputs.items())),
            files=files,
            notes=json.loads(json.dumps(dict(notes), sort_keys=True, default=str)),
        )
        if new.as_dict() != self.state.as_dict():  # a build that changed nothing writes nothing
            new.saved_ns = time.time_ns()
            atomic_write(self.dir / "state.json", new.dump())
        self.state = new


def _ours(tag: Path) -> bool:
    """Whether ``tag`` is the CACHEDIR.TAG this tool writes (any other bytes: not ours)."""
    try:
        return tag.is_file() and b"rectify-site" in tag.read_bytes()
    except OSError:
        return False
