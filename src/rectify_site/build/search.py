"""Search: Pagefind (the extended build, which segments Chinese), in shards.

The collection is indexed in ``SHARDS`` shards, each its own Pagefind bundle under
``pagefind/<shard>/``; a report belongs to the shard that a stable hash of its id
names (``shard_of``), so adding, editing or removing a report touches one shard only.
Only pages marked ``data-pagefind-body`` are indexed (a report's full text, its
category pages and its figures; headings with an id become sub-results, so a hit
inside an aspect points at its anchor); the collection's own pages (home page,
listings, search) carry no such mark and are left out.

A build (``search_files``) works out, for every shard, a digest of the pages it would
index; a shard whose digest is the one recorded for the bundle on disk is kept as it is,
the others are indexed again, each over a staging folder holding just that shard's
pages, by one of two Pagefind services (``--service``, one per core) that index shard
after shard, so Pagefind starts twice, not once per shard (in a cold build, a shard may
have been indexed already while the other reports rendered: ``EarlyIndex``, whose
bundle is taken only if the shard's pages are still the ones it read). The bundles come
back as bytes (never written by Pagefind itself) and go through the same atomic,
incremental writer as the pages (output.py), so only the files whose bytes changed are
written, with the same modes and the same ``.gz``/``.br`` copies (compress.py).

The search page (templates/search.html, static/search.js) searches the shard of the
report it was opened from first and every shard on demand, merged in the browser with
Pagefind's ``mergeIndex``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rectify_site.errors import UsageError, diag
from rectify_site.site import shards as sharding
from rectify_site.site.shards import shard_of
from rectify_site.workers import FORK_SAFE

BUNDLE = "pagefind"
"""The folder of the search bundles inside the output folder: one subfolder per shard."""

MARK = b"data-pagefind-body"
"""Pages without it are not indexed (Pagefind's own rule, once any page has it)."""

UNUSED = frozenset(
    {
        "pagefind-ui.js",
        "pagefind-ui.css",
        "pagefind-modular-ui.js",
        "pagefind-modular-ui.css",
        "pagefind-component-ui.js",
        "pagefind-component-ui.css",
        "pagefind-highlight.js",
    }
)
"""Pagefind's ready-made interfaces, which the site does not use (search.js calls its
API): left out of every bundle, so they are neither written nor compressed."""

"""In the build cache's folder: the digest each shard's bundle on disk was made from."""

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


def _command() -> list[str]:
    """The extended binary itself (no Python start-up per shard), else ``-m pagefind``."""
    try:
        from pagefind_bin_extended import get_executable  # type: ignore[import-untyped]

        exe = Path(get_executable())
        if exe.is_file():
            return [str(exe)]
    except (ImportError, OSError):  # pragma: no cover - a broken install
        pass
    return [sys.executable, "-m", "pagefind"]


class Service:
    """One Pagefind process in service mode (``--service``), indexing shard after shard.

    Pagefind spends about 0.35 s of CPU starting (the Chinese segmenter's dictionary); a
    service pays it once, then each further shard costs what its pages cost. The protocol
    is the one Pagefind's own Python and Node APIs speak: base64 JSON messages, each ended
    by a comma, one request answered at a time.
    """

    def __init__(self, *, idle: bool = False) -> None:
        self.proc = subprocess.Popen(
            [*_command(), "--service"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.message = 0
        if idle:  # the lowest priority: it takes only a core nothing else wants
            with contextlib.suppress(OSError, AttributeError):
                os.setpriority(os.PRIO_PROCESS, self.proc.pid, 19)

    def send(self, payload: dict[str, object]) -> dict[str, object]:
        import base64

        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.message += 1
        request = {"message_id": self.message, "payload": payload}
        try:
            self.proc.stdin.write(base64.b64encode(json.dumps(request).encode()) + b",")
            self.proc.stdin.flush()
            buf = bytearray()
            while not buf.endswith(b","):
                chunk = os.read(self.proc.stdout.fileno(), 1 << 16)
                if not chunk:
                    raise OSError(f"pagefind --service ended (exit {self.proc.poll()})")
                buf += chunk
            answer = json.loads(base64.b64decode(bytes(buf[:-1])))["payload"]
        except (OSError, ValueError, KeyError) as exc:
            raise UsageError([diag("pagefind", "search.failed", problem=str(exc))]) from None
        if not isinstance(answer, dict) or answer.get("type") == "Error":
            problem = answer.get("message") if isinstance(answer, dict) else answer
            raise UsageError([diag("pagefind", "search.failed", problem=str(problem))])
        return answer

    def index(self, site: Path) -> dict[str, bytes]:
        """The bundle of the HTML below ``site`` (path in the bundle -> bytes), as
        ``pagefind --site`` writes it; read from the service, never from a folder."""
        import base64

        made = self.send({"type": "NewIndex", "config": {"keep_index_url": True}})
        index = made["index_id"]
        self.send({"type": "AddDir", "index_id": index, "path": str(site)})
        got = self.send({"type": "GetFiles", "index_id": index})["files"]
        self.send({"type": "DeleteIndex", "index_id": index})  # frees its memory
        assert isinstance(got, list)
        return {str(f["path"]): base64.b64decode(f["content"]) for f in got}

    def close(self) -> None:
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - a hung Pagefind
            self.proc.kill()
            self.proc.wait()


def run_pagefind(site: Path, bundle: Path, service: Service | None = None) -> dict[str, bytes]:
    """The bundle of the HTML below ``site`` (path in the bundle -> bytes), without the
    interfaces the site does not use; UsageError when Pagefind fails.

    Through ``service`` where one is running, else with a ``pagefind`` run of its own
    that writes into ``bundle``.
    """
    if service is not None:
        got = service.index(site)
        return {rel: data for rel, data in got.items() if Path(rel).name not in UNUSED}
    proc = subprocess.run(
        [
            *_command(),
            "--site",
            str(site),
            "--output-path",
            str(bundle),
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
    return {
        path.relative_to(bundle).as_posix(): path.read_bytes()
        for path in sorted(bundle.rglob("*"))
        if path.is_file() and not path.is_symlink() and path.name not in UNUSED
    }


STAGE_PREFIX = "search-"
"""The staging folders' names (in the cache's spool folder, or the system's temporary)."""


def new_stage(folder: Path) -> Path:
    """A staging folder for this build's search pages, in ``folder`` (the cache's spool):
    a killed build's are removed first."""
    for old in folder.glob(f"{STAGE_PREFIX}*"):
        shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=folder))


def stage_page(stage: Path, rel: str, data: bytes) -> None:
    """Where a page carries the search mark, its copy for Pagefind (bigrams.indexed_copy)
    into its shard's staging folder: done by the worker that rendered it, while the
    others render, instead of by the parent before Pagefind starts."""
    if not rel.endswith(".html") or MARK not in data:
        return
    from rectify_site.build.bigrams import indexed_copy  # its tables: only with search

    path = stage / shard_of(rel.partition("/")[0]) / "site" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(indexed_copy(data))


def index_shards(
    pages: Mapping[str, Mapping[str, bytes]],
    stage: Path | None = None,
    *,
    early: EarlyIndex | None = None,
    into: MutableMapping[str, bytes] | None = None,
) -> dict[str, bytes]:
    """Index each shard's pages (shard -> site path -> HTML) into its bundle, as bytes.

    Each shard's pages go into a staging folder of their own, indexed by one of two
    Pagefind services (one per core), shard after shard, the largest first, each service
    taking the next as it is free: each index is dropped once written, so memory is
    bounded by the largest shards, not by the collection. With ``stage``, some pages are
    staged already (``stage_page``): those in ``pages`` join them, and each shard's
    folder goes once indexed (the rest is the caller's); without, the folder made for
    them goes at the end. With ``early``, its service is one of them, once it has
    finished the shard it is indexing: one service fewer starts. With ``into`` (a
    build's outputs), each shard's files go there as it is done, and {} is returned: at
    10,000 reports the bundles are about 0.9 GB, which need not be held until the end.
    """
    if not pages:
        return {}
    require_pagefind()
    import threading

    own = stage is None
    root = stage or Path(tempfile.mkdtemp(prefix="rectify-search-"))
    # the largest first (by the number of pages: their bytes are read only when staged)
    size = {s: len(getattr(pages[s], "rels", pages[s])) for s in pages}
    pending = sorted(pages, key=lambda s: (-size[s], s))
    lock = threading.Lock()
    many = len(pending) > 1
    made: MutableMapping[str, bytes] = {} if into is None else into

    def sink(files: dict[str, bytes]) -> None:
        with lock:  # an Outputs' spool names its files one after the other
            made.update(files)

    from rectify_site.build.bigrams import indexed_copy

    def take() -> str | None:
        with lock:
            return pending.pop(0) if pending else None

    def one(shard: str, service: Service | None) -> None:
        site = root / shard / "site"
        staged = 0
        chosen = pages[shard]
        entries = chosen.marked() if isinstance(chosen, _ShardPages) else chosen.items()
        for rel, data in entries:
            path = site / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(indexed_copy(data))
            staged += 1
        if not staged and not site.is_dir():  # no page of the shard is marked
            return
        got = run_pagefind(site, root / shard / "bundle", service)
        shutil.rmtree(root / shard, ignore_errors=True)
        sink({f"{BUNDLE}/{shard}/{rel}": data for rel, data in got.items()})

    def lane(_: int) -> None:
        service = None
        try:
            while (shard := take()) is not None:
                if service is None and many:
                    service = Service()
                one(shard, service)
        finally:
            if service is not None:
                service.close()

    helping = early is not None and early.help(take, one)
    cores = (os.cpu_count() or 1) - int(helping)
    try:
        with ThreadPoolExecutor(max_workers=max(1, min(len(pending), cores))) as pool:
            list(pool.map(lane, range(max(1, min(len(pending), cores)))))
        if early is not None:
            early.join()
        return {} if into is not None else dict(sorted(made.items()))
    finally:
        if own:
            shutil.rmtree(root, ignore_errors=True)


Signature = tuple[tuple[str, int, int], ...]
"""A staged shard's pages as the file system sees them: (path, size, mtime_ns) each."""


def _signature(site: Path) -> Signature:
    found = []
    for path in site.rglob("*"):
        st = path.lstat()
        if stat.S_ISREG(st.st_mode):
            found.append((path.relative_to(site).as_posix(), st.st_size, st.st_mtime_ns))
    return tuple(sorted(found))


class EarlyIndex:
    """Shards indexed while the other reports still render (stream.py, a cold build).

    A shard is handed over (``submit``) once every report of it has been rendered and
    its pages staged; one Pagefind service, in a thread, indexes the shards in that order
    beside the workers, and keeps each bundle with the signature of the pages it was made
    from. Nothing is trusted yet: ``search_files`` takes a bundle only for a shard it
    finds stale whose staged pages are still exactly those (no page staged since, none
    to add from the output), else indexes it again. So the bundles are the bytes the
    indexing after rendering would make, with one core's idle time put to use.
    """

    def __init__(self, stage: Path) -> None:
        import queue
        import threading

        self.stage = stage
        self.made: dict[str, tuple[Signature, dict[str, bytes]]] = {}
        self._todo: queue.SimpleQueue[str | Callable[[Service], None] | None]
        self._todo = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._stopping = False
        self._busy: str | None = None
        self._service: Service | None = None
        self._failed: BaseException | None = None
        self._alive = True
        self._thread = threading.Thread(target=self._run, name="early-index", daemon=True)
        self._thread.start()
        FORK_SAFE.add(self._thread.ident or 0)  # the workers still fork beside it

    def submit(self, shard: str) -> None:
        """Index ``shard`` when the service is free: its pages are all staged."""
        self._todo.put(shard)

    def _run(self) -> None:
        try:
            while (item := self._todo.get()) is not None:
                if callable(item):  # the indexing after rendering: no speculation
                    if self._service is not None:  # at the lowest priority: a new one
                        self._service.close()
                    self._service = Service()
                    item(self._service)
                    return
                with self._lock:
                    if self._stopping:
                        continue
                    self._busy = item
                try:
                    self.index(item)
                except Exception:  # a speculation: the indexing after redoes the shard
                    self._busy = None
                    return  # its service is gone; the others index the rest
                self._busy = None
        except BaseException as exc:  # raised by join, in the build's thread
            self._failed = exc
        finally:
            self._alive = False
            if self._service is not None:
                self._service.close()
            FORK_SAFE.discard(threading.get_ident())  # (a new thread may take its ident)

    def index(self, shard: str) -> None:
        """Index ``shard``'s staged pages, noting what they were as they were read."""
        site = self.stage / shard / "site"
        if not site.is_dir():
            return
        before = _signature(site)
        if self._service is None:
            self._service = Service(idle=True)
        got = run_pagefind(site, self.stage / shard / "bundle", self._service)
        if _signature(site) == before:  # nothing staged while it was read
            self.made[shard] = (before, got)

    def stop(self) -> tuple[set[str], bool]:
        """Start no other shard: the shards made, and the one being indexed, if any
        (``join`` waits for it), so that the rest can be indexed meanwhile; and whether
        one is being indexed."""
        with self._lock:
            self._stopping = True
            busy = self._busy
            later = {*self.made, *([busy] if busy else [])}
        return later, busy is not None

    def help(
        self,
        take: Callable[[], str | None],
        one: Callable[[str, Service | None], None],
    ) -> bool:
        """Once its shard is done, its thread indexes shards ``take`` hands out with
        ``one``, as the other lanes do (``index_shards``), through a service at the
        usual priority (the early one, at the lowest, ends first: a Pagefind per core
        still); False if it is gone."""
        if not self._alive:
            return False

        def work(service: Service) -> None:
            while (shard := take()) is not None:
                one(shard, service)

        self._todo.put(work)
        return True

    def join(self) -> None:
        """Wait for the service's last shard; what failed there is raised here."""
        self._todo.put(None)
        self._thread.join()
        if self._failed is not None:
            raise self._failed

    def close(self) -> None:
        """Stop at once (a failed or interrupted build): the service is ended."""
        self._stopping = True
        self._todo.put(None)
        service = self._service
        if service is not None and service.proc.poll() is None:
            service.proc.kill()
        self._thread.join()

    def valid(self, shard: str, pages: _ShardPages) -> dict[str, bytes] | None:
        """``shard``'s early bundle, if its staged pages are the ones it was made from and
        no page of the shard is still to be staged (``join`` first)."""
        hit = self.made.get(shard)
        site = self.stage / shard / "site"
        if hit is None or next(pages.marked(), None) is not None:
            return None
        return hit[1] if site.is_dir() and _signature(site) == hit[0] else None


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("pagefind_bin_extended")
    except Exception:  # pragma: no cover - not installed as a distribution
        return "?"


def _is_copy(rel: str) -> bool:
    return rel.endswith((".gz", ".br"))


def search_files(
    out: Path,
    files: Mapping[str, bytes],
    kept: Mapping[str, str],
    report_ids: Iterable[str],
    *,
    previous: Mapping[str, str],
    recorded: Mapping[str, str],
    staged: Path | None = None,
    hashed: Mapping[str, str] | None = None,
    early: EarlyIndex | None = None,
    into: MutableMapping[str, bytes] | None = None,
) -> tuple[dict[str, bytes], dict[str, str], dict[str, str]]:
    """The search bundles of this build: (files to write, files kept, digests to record).

    ``files`` are the files this build made and ``kept`` those it left as they were
    (path -> sha256); ``previous`` is the manifest of the last write and ``recorded`` the
    digests saved with it (``read_state``). A shard is indexed again when the digest of
    its pages changed or its bundle is not all there; otherwise its files are kept.
    With ``staged`` (stream.py), the workers staged every page they made already: only
    the kept pages of a shard indexed again are staged here. The folder goes at the end.
    ``hashed`` (path -> sha256 of a file in ``files``) spares reading those back;
    ``early`` holds shards indexed while the reports rendered, taken where still valid.
    With ``into`` (the build's outputs), the files to write go there as each shard is
    indexed, not into the first dict returned (then empty).
    """
    try:
        from rectify_site.build.output import digest

        ids = set(report_ids)
        hashes: dict[str, dict[str, str]] = {}
        for rel in sorted(set(files) | set(kept)):
            head, sep, _ = rel.partition("/")
            if rel.endswith(".html") and sep and head in ids:
                known = kept.get(rel) if rel not in files else (hashed or {}).get(rel)
                sha = known or digest(files[rel])
                hashes.setdefault(shard_of(head), {})[rel] = sha
        salt = [_version(), sharding.SHARDS, sorted(UNUSED), "bigrams-1"]
        digests = {
            shard: digest(json.dumps([salt, sorted(pages.items())]).encode())
            for shard, pages in hashes.items()
        }
        keep: dict[str, str] = {}
        stale: dict[str, _ShardPages] = {}
        for shard, d in sorted(digests.items()):
            prefix = f"{BUNDLE}/{shard}/"
            old = {r: h for r, h in previous.items() if r.startswith(prefix) and not _is_copy(r)}
            entry = f"{prefix}pagefind-entry.json"
            if recorded.get(shard) == d and entry in old and all((out / r).is_file() for r in old):
                keep.update(old)
                continue
            skip = files if staged is not None else {}
            stale[shard] = _ShardPages(list(hashes[shard]), files, out, skip)
        made: MutableMapping[str, bytes] = {} if into is None else into
        later = early.stop()[0] & set(stale) if early is not None else set()
        # the others first, the early service joining once its shard is done
        now = {s: p for s, p in stale.items() if s not in later}
        made.update(index_shards(now, staged, early=early, into=into))
        if early is not None:
            early.join()  # (index_shards joined it where there was anything to index)
            again: dict[str, _ShardPages] = {}
            for shard in sorted(later):
                got = early.valid(shard, stale[shard])
                early.made.pop(shard, None)
                if got is None:
                    again[shard] = stale[shard]
                else:
                    made.update({f"{BUNDLE}/{shard}/{rel}": data for rel, data in got.items()})
            made.update(index_shards(again, staged, into=into))
        return ({} if into is not None else dict(sorted(made.items()))), keep, digests
    finally:
        if early is not None:
            early.close()
        if staged is not None:
            shutil.rmtree(staged, ignore_errors=True)


class _ShardPages(Mapping[str, bytes]):
    """A shard's pages that carry the search mark, read one at a time as they are staged
    for Pagefind: a cold build of 10,000 reports does not hold every indexed page twice."""

    def __init__(
        self,
        rels: list[str],
        files: Mapping[str, bytes],
        out: Path,
        skip: Mapping[str, bytes] | None = None,
    ) -> None:
        self.rels, self.files, self.out = rels, files, out
        self.skip = skip or {}
        """Pages staged already (the workers'): ``marked`` leaves them out."""

    def _data(self, rel: str) -> bytes | None:
        data = self.files[rel] if rel in self.files else _read(self.out / rel)
        return data if data is not None and MARK in data else None

    def __getitem__(self, rel: str) -> bytes:
        data = self._data(rel) if rel in self.rels else None
        if data is None:
            raise KeyError(rel)
        return data

    def __iter__(self) -> Iterator[str]:
        return (rel for rel in self.rels if self._data(rel) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def marked(self) -> Iterator[tuple[str, bytes]]:
        """(path, bytes) of each marked page not staged already, each read once."""
        for rel in self.rels:
            if rel in self.skip:
                continue
            data = self._data(rel)
            if data is not None:
                yield rel, data


def kept_bundles(out: Path, previous: Mapping[str, str]) -> dict[str, str]:
    """A build without search leaves the bundles as they are (stale, until the next
    build with search makes the shards whose pages changed again)."""
    return {
        rel: sha
        for rel, sha in previous.items()
        if rel.startswith(f"{BUNDLE}/") and not _is_copy(rel) and (out / rel).is_file()
    }


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
