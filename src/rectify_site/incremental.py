"""Incremental builds: what each output depends on, and a cache keyed by content hashes.

The dependency graph is derived afresh on every build, from hashes alone::

    content/<report>/**     -> report digest ----+
    a template + the ones it extends, includes,  +-> page key -> render the page again?
      imports               -> template digest --+
    site.yaml, package code and version, base_url, drafts, serving, SOURCE_DATE_EPOCH,
      asset names           -> global key: part of every page's and data file's key
    one report's digest     -> its report.json and figures.csv
    every report's digest   -> data/reports.json and the schema
    an HTML page written or removed -> the search index (Pagefind) is made again

A page depends on the reports its context holds (the index holds all of them, a
category page its own report) and on its template's closure. A model in a context that
belongs to a report stands for that report's digest; anything else in a context is
hashed by value. A page is rendered again only when its key changed; otherwise its bytes
stay where the last build wrote them (the manifest and the file's size vouch for them).

Where the cache lives: beside the output folder, never inside it, so it is never
published: ``<parent>/.rectify-cache/`` holds ``CACHEDIR.TAG`` (marks the folder as ours;
backup tools skip it) and, per output folder, ``<output name>/`` with ``state.json``
(input hashes, page keys, the output manifest), ``reports/<id>.pickle`` (loaded
reports), ``jinja/`` (compiled templates) and ``lock``. Deleting it makes the next build
a cold one. A ``.rectify-cache`` folder without our tag is refused. Pickles and compiled
templates are only ever read back by the same code version that wrote them.

This module imports only the standard library at the top, so that ``build`` can find
out that nothing changed without importing pydantic or Jinja.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import pickle
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import Diagnostic, UsageError, diag
from .output import MANIFEST, WriteStats, file_intact, read_manifest

if TYPE_CHECKING:
    from filelock import BaseFileLock
    from jinja2 import Environment

    from .collection import Collection
    from .pages import Page
    from .report import Report

FORMAT = 2
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


def cache_dir_for(out: Path) -> Path:
    """``<parent>/.rectify-cache/<name>/``: beside the output, so it is never published."""
    out = out.resolve()
    return out.parent / CACHE_DIRNAME / out.name


def code_digest() -> str:
    """The package's own code and version: a changed renderer invalidates every page."""
    h = hashlib.sha256(f"{FORMAT}:{__version__}".encode())
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _key(*parts: object) -> str:
    return _sha(json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False).encode())


# --- inputs: stamps and hashes --------------------------------------------------------


def _walk(root: Path, prefix: str, into: dict[str, Path]) -> None:
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        rel = os.path.relpath(folder, root)
        for name in names:
            key = name if rel == "." else f"{rel}/{name}".replace(os.sep, "/")
            into[prefix + key] = Path(folder, name)


def input_files(content: Path, theme: Path) -> dict[str, Path]:
    """Every file a build can read: ``c:`` content, ``t:`` theme (templates and assets).

    The theme is the files the build uses: a site's own folder over the packaged theme
    (``themes.theme_folders``), so a change in either is seen.
    """
    from .themes import theme_folders

    files: dict[str, Path] = {}
    _walk(content, "c:", files)
    for folder in reversed(theme_folders(theme)):
        _walk(folder, "t:", files)  # the site's own file replaces the packaged one
    return files


def hash_inputs(
    files: dict[str, Path], previous: dict[str, list[Any]], saved_ns: int
) -> dict[str, list[Any]]:
    """``key -> [size, mtime_ns, sha256]``, reusing the previous hash when the stamp agrees."""
    out: dict[str, list[Any]] = {}
    for key in sorted(files):
        path = files[key]
        try:
            st = path.stat()
        except OSError:
            continue  # vanished while we looked: the loader will report what is missing
        old = previous.get(key)
        if (
            old is not None
            and old[0] == st.st_size
            and old[1] == st.st_mtime_ns
            and st.st_mtime_ns < saved_ns - RACY_NS
        ):
            out[key] = old
            continue
        try:
            out[key] = [st.st_size, st.st_mtime_ns, _sha(path.read_bytes())]
        except OSError:
            continue
    return out


def report_digests(content: Path, inputs: dict[str, list[Any]]) -> dict[str, str]:
    """One digest per top-level content folder: its place and every file in it."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for key, stamp in inputs.items():
        if key.startswith("c:") and "/" in key:
            folder, rel = key[2:].split("/", 1)
            groups.setdefault(folder, []).append((rel, stamp[2]))
    where = str(content.resolve())
    return {name: _key(where, name, sorted(files)) for name, files in groups.items()}


def _theme_guess(content: Path, templates: Path | None) -> Path | None:
    """render.find_theme without importing Jinja; None where only it can tell (packaged)."""
    if templates is not None:
        return templates
    beside = content.resolve().parent / "templates"
    return beside if beside.is_dir() else None


# --- the state of the last build -------------------------------------------------------


@dataclass
class State:
    """What the last successful build read and wrote; saved as ``state.json``."""

    code: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    saved_ns: int = 0
    inputs: dict[str, list[Any]] = field(default_factory=dict)
    reports: dict[str, str] = field(default_factory=dict)
    """Report folder -> the digest its pickle was loaded from."""
    templates: dict[str, list[str]] = field(default_factory=dict)
    """Template sha -> the templates it refers to (None-free), so it is parsed once."""
    outputs: dict[str, list[str]] = field(default_factory=dict)
    """Rendered or derived file -> [input key, sha256 of its bytes]."""
    files: dict[str, list[Any]] = field(default_factory=dict)
    """The output manifest after the build: path -> [sha256, size, mtime_ns]."""
    warnings: list[dict[str, Any]] = field(default_factory=list)
    reports_built: int = 0
    indexed: bool = False
    """The search index in the output was made from the HTML that is there now."""

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


def _row(*checks: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """A JSON list of exactly these kinds, in order."""
    return lambda v: (
        isinstance(v, list)
        and len(v) == len(checks)
        and all(c(x) for c, x in zip(checks, v, strict=True))
    )


def _map_of(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, dict) and all(_is_str(k) and check(x) for k, x in v.items())


def _list_of(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, list) and all(check(x) for x in v)


def _warning_ok(rec: Any) -> bool:
    return (
        isinstance(rec, dict)
        and _is_str(rec.get("path"))
        and (rec.get("line") is None or _is_int(rec.get("line")))
        and (rec.get("col") is None or _is_int(rec.get("col")))
        and rec.get("severity") in ("error", "warning")
        and _is_str(rec.get("field"))
        and _is_str(rec.get("key"))
        and _list_of(lambda kv: isinstance(kv, list) and len(kv) == 2 and _is_str(kv[0]))(
            rec.get("params")
        )
        and set(rec) == {"path", "line", "col", "severity", "field", "key", "params"}
    )


_STATE_SHAPE: dict[str, Callable[[Any], bool]] = {
    "format": lambda v: v == FORMAT,
    "code": _is_str,
    "options": lambda v: isinstance(v, dict),
    "saved_ns": _is_int,
    "inputs": _map_of(_row(_is_int, _is_int, _is_str)),
    "reports": _map_of(_is_str),
    "templates": _map_of(_list_of(_is_str)),
    "outputs": _map_of(_row(_is_str, _is_str)),
    "files": _map_of(_row(_is_str, _is_int, _is_int)),
    "warnings": _list_of(_warning_ok),
    "reports_built": _is_int,
    "indexed": lambda v: isinstance(v, bool),
}
"""What ``state.json`` must hold, field by field: the cache is trusted only in this shape."""


def _state_shape_ok(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and set(data) == set(_STATE_SHAPE)
        and all(check(data[name]) for name, check in _STATE_SHAPE.items())
    )


def _warning_record(d: Diagnostic) -> dict[str, Any]:
    return {
        "path": d.path,
        "line": d.line,
        "col": d.col,
        "severity": d.severity,
        "field": d.field,
        "key": d.key,
        "params": [[k, list(v) if isinstance(v, tuple) else v] for k, v in d.params],
    }


def _warning_from(rec: dict[str, Any]) -> Diagnostic:
    params = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in rec["params"])
    return Diagnostic(
        path=rec["path"],
        line=rec["line"],
        col=rec["col"],
        severity=rec["severity"],
        field=rec["field"],
        key=rec["key"],
        params=params,
    )


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- the cache ----------------------------------------------------------------------


class BuildCache:
    """The cache of one output folder, and its lock.

    A build calls, in order: ``begin`` (hash the inputs), the loader's ``lookup`` and
    ``store``, ``plan_pages`` and ``stage`` while rendering, then ``commit`` once the
    output is written. ``serve`` keeps one instance for its whole session, so loaded
    reports stay in memory and nothing is unpickled between rebuilds.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.dir = cache_dir_for(out)
        self.state = State.read(self.dir / "state.json") if self.dir.is_dir() else State()
        self._lock: BaseFileLock | None = None
        self.verify = False
        """Hash every output file rather than trust its size and time (``build --verify``)."""
        self._reports: dict[str, tuple[str, Report, list[Diagnostic], list[Path]]] = {}
        self._dirty_reports: set[str] = set()
        self.last_collection: Collection | None = None
        self._held: dict[str, tuple[Report, dict[int, str]]] = {}
        self._env: tuple[str, Environment] | None = None
        self._bytecode: Any = None
        self._pages: dict[str, tuple[list[Any], str]] = {}
        """Per page: what its digest was made from, and the digest (see _page_digest)."""
        """The collection of the last build through this instance (serve keeps one)."""
        self._reset()

    def _reset(self) -> None:
        self.inputs: dict[str, list[Any]] = {}
        self.digests: dict[str, str] = {}
        self.options: dict[str, Any] = {}
        self.code = ""
        self.kept: dict[str, str] = {}
        self.outputs: dict[str, list[str]] = {}
        self.rendered: list[str] = []
        self._manifest: dict[str, str] | None = None
        self._owners: dict[int, str] | None = None
        self._all_reports: list[Report] = []
        self._by_key: dict[str, dict[str, list[str]]] | None = None
        self.memo: dict[int, tuple[Any, str]] = {}
        """Digests of the containers and dataclasses in page contexts, by identity, for one
        build: the contexts are made before planning and not changed while it runs."""

    # -- lock --

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
        for name, folder in (("reports", True), ("jinja", True), ("state.json", False)):
            path = self.dir / name
            if path.is_symlink() or (path.exists() and path.is_dir() != folder):
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
        lock = self.dir / "lock"
        if lock.is_dir() and not lock.is_symlink():
            shutil.rmtree(lock)
        (self.dir / "reports").mkdir(parents=True, exist_ok=True)
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
    def locked(self) -> Iterator[BuildCache]:
        self.lock()
        try:
            yield self
        finally:
            self.unlock()

    # -- inputs --

    def begin(self, content: Path, theme: Path, **options: Any) -> None:
        """Hash every input (reusing hashes whose file stamp is unchanged)."""
        self._reset()
        self.code = code_digest()
        self.options = {
            "content": str(content.resolve()),
            "theme": str(theme.resolve()),
            # dates in the feed and the files' times follow it
            "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH"),
            **options,
        }
        same = self.state.code == self.code
        previous = self.state.inputs if same else {}
        self.inputs = hash_inputs(input_files(content, theme), previous, self.state.saved_ns)
        self.digests = report_digests(content, self.inputs)
        if not same:  # another version of the code: nothing cached can be trusted
            self.state = State()
            self._reports.clear()

    def unchanged(self) -> bool:
        """Nothing to do: same code, options and inputs, and the output is as we left it."""
        st = self.state
        if st.code != self.code or st.options != self.options or not st.files:
            return False
        if {k: v[2] for k, v in st.inputs.items()} != {k: v[2] for k, v in self.inputs.items()}:
            return False
        return self._outputs_intact({k: v[0] for k, v in st.files.items()}, st.files)

    def _outputs_intact(self, wanted: dict[str, str], files: dict[str, list[Any]]) -> bool:
        if self.manifest() != wanted:
            return False
        return all(self._valid(rel, v[0]) for rel, v in files.items())

    def stamps(self) -> dict[str, list[int]]:
        """Path -> [size, mtime_ns] of each output file as the last build left it."""
        return {rel: v[1:] for rel, v in self.state.files.items()}

    def manifest(self) -> dict[str, str]:
        if self._manifest is None:
            refused: list[str] = []
            self._manifest = read_manifest(self.out, refused)
            if refused:  # tampered with: nothing in it is vouched for; the build says so
                self._manifest = {}
        return self._manifest

    # -- reports (collection.ReportCache) --

    def lookup(self, folder: Path) -> tuple[Report, list[Diagnostic], list[Path]] | None:
        digest = self.digests.get(folder.name)
        if digest is None:
            return None
        hit = self._reports.get(folder.name)
        if hit is not None and hit[0] == digest:
            return hit[1], hit[2], hit[3]
        if self.state.reports.get(folder.name) != digest:
            return None
        try:
            with open(self.dir / "reports" / f"{folder.name}.pickle", "rb") as fh:
                saved = pickle.load(fh)  # our own file, written by this very code version
        except Exception:  # missing, truncated or garbage: load the report afresh
            return None
        if not (isinstance(saved, tuple) and len(saved) == 4 and saved[0] == digest):
            return None
        self._reports[folder.name] = saved
        return saved[1], saved[2], saved[3]

    def store(
        self, folder: Path, report: Report, problems: list[Diagnostic], files: list[Path]
    ) -> None:
        digest = self.digests.get(folder.name)
        if digest is not None:
            self._reports[folder.name] = (digest, report, list(problems), list(files))
            self._dirty_reports.add(folder.name)

    # -- pages and derived files --

    def _valid(self, rel: str, sha: str) -> bool:
        """The output still holds the bytes we recorded for ``rel``.

        Its size and modification time as the last build left them are the fast path;
        when they disagree (a file edited by hand, even to the same size), or with
        ``verify``, the file is hashed and compared with the manifest.
        """
        if self.manifest().get(rel) != sha:
            return False
        recorded = self.state.files.get(rel)
        if recorded is None or recorded[0] != sha:
            return False
        return file_intact(self.out / rel, None, sha, recorded[1:], verify=self.verify)

    def plan_pages(
        self, env: Environment, pages: list[Page], salt: Any, reports: list[Report]
    ) -> list[Page]:
        """The pages whose key changed (to render); the others go into ``self.kept``."""
        self._all_reports = reports
        closures = self._closures(env, pages)
        base = _key(self.code, self.options, salt, self._site_digest())
        todo: list[Page] = []
        for page in pages:
            key = _key(base, closures[page.template], self._page_digest(page))
            old = self.state.outputs.get(page.url)
            self.outputs[page.url] = [key, ""]
            if old is not None and old[0] == key and self._valid(page.url, old[1]):
                self.kept[page.url] = old[1]
                self.outputs[page.url][1] = old[1]
            else:
                todo.append(page)
        return todo

    def _page_digest(self, page: Page) -> str:
        """page_digest, or the last build's when the page is made of the very same objects.

        Loaded reports and their models are never changed after loading, and ``serve``
        keeps those of unchanged reports from one build to the next: a page whose fields
        and context values are the same objects (or equal plain values) as last time has
        the same digest. The memo holds those objects, so their ids cannot be reused.
        """
        values = [getattr(page, f) for f in _field_names(type(page)) if f != "context"]
        values += [x for kv in page.context.items() for x in kv]
        old = self._pages.get(page.url)
        if (
            old is not None
            and len(old[0]) == len(values)
            and all(
                a is b or (type(a) in _PLAIN and type(a) is type(b) and a == b)
                for a, b in zip(old[0], values, strict=True)
            )
        ):
            return old[1]
        digest = page_digest(page, self)
        self._pages[page.url] = (values, digest)
        return digest

    def stage(
        self, name: str, inputs: Any, produce: Callable[[], dict[str, bytes]]
    ) -> dict[str, bytes]:
        """Derived files (``name``) made by ``produce`` from ``inputs``: reused if unchanged."""
        key = _key(name, self.code, self.options, inputs, self._site_digest())
        if self._by_key is None:
            self._by_key = {}
            for rel, v in self.state.outputs.items():
                self._by_key.setdefault(v[0], {})[rel] = v
        old = self._by_key.get(key, {})
        if old and all(self._valid(rel, v[1]) for rel, v in old.items()):
            for rel, v in old.items():
                self.kept[rel] = v[1]
                self.outputs[rel] = list(v)
            return {}
        files = produce()
        for rel, data in files.items():
            self.outputs[rel] = [key, _sha(data)]
        return files

    def record(self, files: dict[str, bytes]) -> None:
        """Note the hashes of the pages just rendered."""
        for rel, data in files.items():
            if rel in self.outputs:
                self.outputs[rel][1] = _sha(data)
                self.rendered.append(rel)

    def report_digest(self, report_id: str) -> str | None:
        return self.digests.get(report_id)

    def owner(self, obj: Any) -> str | None:
        """The id of the report that holds model ``obj``, by identity (None if none)."""
        if self._owners is None:
            self._owners = {}
            known, self._held = self._held, {}
            for report in self._all_reports:
                held = known.get(report.id)
                if held is None or held[0] is not report:  # a report loaded afresh
                    ids: dict[int, str] = {}
                    _own(report, report.id, ids)
                    held = (report, ids)
                self._held[report.id] = held  # holds the report, so its ids stay its own
                self._owners.update(held[1])
        return self._owners.get(id(obj))

    def bytecode_cache(self) -> Any:
        """Compiled templates on disk, so that ``build`` in a new process skips compiling.

        Jinja keys them by template name and source checksum and checks the Python
        version; the folder is per code version, since our Environment's options matter.
        New ones are saved by ``commit``, once the site is written, never before.
        """
        self._ensure_dir()
        folder = self.dir / "jinja" / self.code[:16]
        try:
            if not folder.is_dir() or folder.is_symlink():
                for old in folder.parent.glob("*"):  # compiled by another version of the code
                    if old.is_dir() and not old.is_symlink():
                        shutil.rmtree(old, ignore_errors=True)
                    else:
                        old.unlink()
                folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            problem = f"{exc.strerror or exc}: {exc.filename or folder}"
            raise UsageError([diag(self.dir, "cache.unwritable", problem=problem)]) from None
        self._bytecode = _deferred_bytecode_cache(folder)
        return self._bytecode

    def environment(self, key: Any, make: Callable[[], Environment]) -> Environment:
        """The Jinja environment of the last build if theme, site and options are the same.

        Its compiled templates are then reused: ``serve`` does not compile them again on
        every save. A fresh process (``build``) always makes a new one.
        """
        theme = sorted((k, v[2]) for k, v in self.inputs.items() if k.startswith("t:"))
        full = _key(self.code, theme, self._site_digest(), key)
        if self._env is None or self._env[0] != full:
            env = make()
            env.bytecode_cache = self.bytecode_cache()
            self._env = (full, env)
        return self._env[1]

    def _site_digest(self) -> str:
        stamp = self.inputs.get("c:site.yaml")
        return stamp[2] if stamp else ""

    def _closures(self, env: Environment, pages: list[Page]) -> dict[str, str]:
        """Template -> digest of it and everything it extends, includes or imports."""
        from jinja2 import TemplateError, meta

        theme = {k[2:]: v[2] for k, v in self.inputs.items() if k.startswith("t:")}
        refs: dict[str, list[str]] = {}

        def deps(name: str) -> list[str]:
            if name not in refs:
                sha = theme.get(name, "")
                known = self.state.templates.get(sha)
                if known is None:
                    try:
                        source = env.loader.get_source(env, name)[0] if env.loader else ""
                        found = list(meta.find_referenced_templates(env.parse(source)))
                    except TemplateError:  # rendering reports it, with file and line
                        found = [None]
                    # a name computed at render time could be any template
                    named = {t for t in found if t is not None}
                    known = sorted(theme) if None in found else sorted(named)
                self.state.templates[sha] = known
                refs[name] = known
            return refs[name]

        out: dict[str, str] = {}
        for name in sorted({p.template for p in pages}):
            seen: set[str] = set()
            stack = [name]
            while stack:
                t = stack.pop()
                if t not in seen:
                    seen.add(t)
                    stack.extend(deps(t))
            out[name] = _key(sorted((t, theme.get(t, "")) for t in seen))
        return out

    # -- after writing --

    def commit(
        self,
        stats: WriteStats,
        warnings: list[Diagnostic],
        reports_built: int,
        *,
        indexed: bool = False,
    ) -> None:
        """Save what this build read and wrote; called only once the output is written."""
        try:
            self._commit(stats, warnings, reports_built, indexed=indexed)
        except (OSError, UsageError):  # a cache: losing it only makes the next build cold
            with contextlib.suppress(OSError):
                (self.dir / "state.json").unlink()
            self.state = State()

    def _commit(
        self,
        stats: WriteStats,
        warnings: list[Diagnostic],
        reports_built: int,
        *,
        indexed: bool,
    ) -> None:
        self._ensure_dir()
        manifest = read_manifest(self.out)
        files: dict[str, list[Any]] = {}
        for rel, sha in manifest.items():
            try:
                st = os.lstat(self.out / rel)
            except OSError:
                continue  # gone already: the next build writes it again
            files[rel] = [sha, st.st_size, st.st_mtime_ns]
        for rel, sha in self.kept.items():
            self.outputs.setdefault(rel, ["", sha])
        live = {k for k in self.digests}
        for name in sorted(self._dirty_reports & live):
            entry = self._reports[name]
            _atomic_write(
                self.dir / "reports" / f"{name}.pickle",
                pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL),
            )
            self.state.reports[name] = entry[0]
        for name in list(self.state.reports):
            if name not in live:
                del self.state.reports[name]
                (self.dir / "reports" / f"{name}.pickle").unlink(missing_ok=True)
                self._reports.pop(name, None)
        self._dirty_reports.clear()
        if self._bytecode is not None:
            self._bytecode.flush()
        shas = {v[2] for k, v in self.inputs.items() if k.startswith("t:")}
        templates = {k: v for k, v in self.state.templates.items() if k in shas}
        new = State(
            code=self.code,
            options=self.options,
            saved_ns=self.state.saved_ns,
            inputs=self.inputs,
            reports=dict(sorted(self.state.reports.items())),
            templates=dict(sorted(templates.items())),
            outputs=dict(sorted(self.outputs.items())),
            files=files,
            warnings=[_warning_record(w) for w in warnings],
            reports_built=reports_built,
            indexed=indexed,
        )
        if new.as_dict() != self.state.as_dict():  # a build that changed nothing writes nothing
            new.saved_ns = time.time_ns()
            _atomic_write(self.dir / "state.json", new.dump())
        self.state = new

    def saved_warnings(self) -> list[Diagnostic]:
        return [_warning_from(r) for r in self.state.warnings]


def _ours(tag: Path) -> bool:
    """Whether ``tag`` is the CACHEDIR.TAG this tool writes (any other bytes: not ours)."""
    try:
        return tag.is_file() and b"rectify-site" in tag.read_bytes()
    except OSError:
        return False


def _deferred_bytecode_cache(folder: Path) -> Any:
    """A Jinja bytecode cache that reads from ``folder`` and writes there on ``flush``."""
    import io

    from jinja2.bccache import Bucket, BytecodeCache

    class Deferred(BytecodeCache):
        def __init__(self) -> None:
            self.pending: dict[str, bytes] = {}

        def load_bytecode(self, bucket: Bucket) -> None:
            try:
                with open(folder / f"{bucket.key}.cache", "rb") as fh:
                    bucket.load_bytecode(fh)
            except Exception:  # missing or garbage: compile the template again
                bucket.reset()

        def dump_bytecode(self, bucket: Bucket) -> None:
            buf = io.BytesIO()
            bucket.write_bytecode(buf)
            self.pending[bucket.key] = buf.getvalue()

        def flush(self) -> None:
            for key, data in sorted(self.pending.items()):
                with contextlib.suppress(OSError):  # a cache: losing it only costs time
                    _atomic_write(folder / f"{key}.cache", data)
            self.pending.clear()

    return Deferred()


def _own(obj: Any, owner: str, into: dict[int, str]) -> None:
    """Map every model reachable from ``obj`` (through fields, lists, dicts) to ``owner``."""
    from pydantic import BaseModel

    stack = [obj]
    while stack:
        v = stack.pop()
        if isinstance(v, BaseModel):
            if id(v) in into:
                continue
            into[id(v)] = owner
            stack.extend(v.__dict__.values())
        elif isinstance(v, list | tuple):
            stack.extend(x for x in v if isinstance(x, BaseModel | list | tuple | dict))
        elif isinstance(v, dict):
            stack.extend(x for x in v.values() if isinstance(x, BaseModel | list | tuple | dict))


def page_digest(page: Page, cache: BuildCache) -> str:
    """What a page is made from: its fields and context, with reports by their digest.

    Reports stand for the hash of their files; a model that belongs to a report stands
    for that report; dataclasses, containers and plain values are hashed by value. The
    digest of a dataclass is kept for the whole build (contexts share a collection view).
    """
    memo = cache.memo

    def remembered(v: Any, make: Callable[[], str]) -> str:
        # keyed by identity; the entry holds the object, so that its id is never reused
        hit = memo.get(id(v))
        if hit is None:
            memo[id(v)] = (v, f"cycle:{type(v).__name__}")  # a self-reference stops here
            hit = memo[id(v)] = (v, make())
        return hit[1]

    def encode_fields(v: Any) -> str:
        values = [getattr(v, name) for name in _field_names(type(v))]
        if all(type(x) in _PLAIN for x in values):  # the common case: a row of figures
            return repr(values)
        return "(" + ",".join(enc(x) for x in values) + ")"

    def enc(v: Any) -> str:
        kind = _KINDS.get(type(v)) or _kind(type(v))
        if kind == "plain":
            return f"{type(v).__name__}:{v!r}"
        if kind == "report":
            return f"R:{v.id}:{cache.report_digest(v.id) or _pickle_sha(v)}"
        if kind == "model":
            owner = cache.owner(v)
            digest = cache.report_digest(owner) if owner else None
            # not part of a loaded report: hash it by value
            return f"M:{owner}:{digest}" if digest else f"V:{_pickle_sha(v)}"
        if kind == "dict":  # contexts share big maps and lists (all the reports)
            return remembered(
                v, lambda: _short("{" + ",".join(f"{enc(k)}={enc(x)}" for k, x in v.items()))
            )
        if kind == "seq":
            return remembered(v, lambda: _short("[" + ",".join(enc(x) for x in v)))
        if kind == "dataclass":
            return remembered(v, lambda: _short(f"D:{type(v).__name__}{encode_fields(v)}"))
        return f"{type(v).__name__}:{v!r}"  # dates, decimals, paths and the like

    return _sha(
        "|".join(
            f"{f.name}={enc(getattr(page, f.name))}" for f in dataclasses.fields(page)
        ).encode()
    )


_KINDS: dict[type, str] = {}
"""How page_digest treats each type it meets, found once per type (isinstance on pydantic
models is slow enough to matter across thousands of pages)."""


def _kind(t: type) -> str:
    from pydantic import BaseModel

    from .report import Report

    if issubclass(t, str | int | float | bool | type(None)):
        kind = "plain"
    elif issubclass(t, Report):
        kind = "report"
    elif issubclass(t, BaseModel):
        kind = "model"
    elif issubclass(t, dict):
        kind = "dict"
    elif issubclass(t, list | tuple):
        kind = "seq"
    elif dataclasses.is_dataclass(t):
        kind = "dataclass"
    else:
        kind = "other"
    _KINDS[t] = kind
    return kind


_PLAIN = frozenset({str, int, float, bool, type(None), Decimal, dt.date, dt.datetime})
"""Types whose repr is their value: a dataclass of these is hashed by its repr alone."""

_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(t: type) -> tuple[str, ...]:
    names = _FIELDS.get(t)
    if names is None:
        names = _FIELDS[t] = tuple(f.name for f in dataclasses.fields(t))
    return names


def _short(text: str) -> str:
    return text if len(text) < 200 else f"H:{_sha(text.encode())}"


def _pickle_sha(v: Any) -> str:
    return _sha(pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL))


# --- the quick path for ``build`` --------------------------------------------------------


@dataclass
class NoChange:
    """What ``build`` prints when nothing changed: the saved warnings and the counts."""

    warnings: list[Diagnostic]
    reports: int
    stats: WriteStats


def pages_changed(stats: WriteStats) -> bool:
    """Some HTML page was written or removed: the search index must be made again.

    Pagefind has no incremental mode, so this is the one question that decides its cost.
    """
    return any(f.endswith(".html") for f in stats.written + stats.removed)


def nothing_to_do(
    content: Path,
    out: Path,
    *,
    templates: Path | None,
    search: bool,
    verify: bool = False,
    **options: Any,
) -> NoChange | None:
    """Whether the last build of ``out`` already is this build; checked with the stdlib only.

    Takes the lock too, so that it never reports "nothing changed" while another build is
    halfway through writing. With ``verify`` every output file is hashed, not only those
    whose size or time changed.
    """
    if not content.is_dir() or not (out / MANIFEST).is_file():
        return None
    if search:
        from .search import BUNDLE, available

        if not available() or not (out / BUNDLE).is_dir():
            return None  # the full build says what is missing, or makes the index
    cache = BuildCache(out)
    if not cache.state.files:
        return None
    theme = _theme_guess(content, templates)
    if theme is None:  # the packaged theme: only valid if the last build used it too
        theme = Path(cache.state.options.get("theme", "/nonexistent"))
        if (content.resolve().parent / "templates").exists() or not theme.is_dir():
            return None
    if not theme.is_dir():
        return None
    cache.verify = verify
    with cache.locked():
        cache.begin(content, theme, **options)
        if not cache.unchanged() or (search and not cache.state.indexed):
            return None
        stats = WriteStats(unchanged=sorted(cache.state.files))
        return NoChange(cache.saved_warnings(), cache.state.reports_built, stats)
