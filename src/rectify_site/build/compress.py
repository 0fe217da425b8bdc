"""Precompressed copies (``.gz``, ``.br``) of the site's text files, for ``gzip_static``.

A web server that serves ``page.html.gz`` for ``page.html`` (nginx's ``gzip_static``,
``brotli_static``) sends the smallest bytes without compressing on every request. Every
text file over 1 KB gets both copies, made deterministically: gzip at level 9 with no
file name and a zero time in its header, brotli at quality 8 (see BROTLI_QUALITY), so
that two builds of the same input stay byte-identical.

The copies go through the same atomic, incremental write as the pages (output.py): a
copy is made again only when its file's bytes changed, and a copy whose file is gone is
removed with it. Pagefind's bundle is compressed where it is made (search.py).
"""

from __future__ import annotations

import gzip
import os
import stat
from collections.abc import Callable, Mapping, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from rectify_site.workers import jobs_for

MIN_SIZE = 1024
"""Files this size or smaller are sent as they are: a compressed copy gains nothing."""

TEXT_SUFFIXES = frozenset({".html", ".css", ".js", ".mjs", ".json", ".xml", ".csv", ".svg", ".txt"})
"""What is compressed: text. Images, PDFs and Pagefind's index files are compressed already."""

BROTLI_QUALITY = 8
"""On the real site, quality 8 makes the .br files 14% smaller than the .gz ones;
quality 11 makes them 22% smaller but takes about 18 times as long (minutes for a cold
build of a large collection)."""

PARALLEL_MIN_FILES = 200
"""Below this many files one thread compresses them all."""

SUFFIXES = (".gz", ".br")
"""The copies beside each file, in the order they are made."""


def compressible(rel: str, size: int) -> bool:
    """Whether the file at ``rel`` (a path inside the site) gets compressed copies."""
    return size > MIN_SIZE and Path(rel).suffix.lower() in TEXT_SUFFIXES


def gzip_bytes(data: bytes) -> bytes:
    """gzip at level 9, the same bytes on every machine: no file name, time zero."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def brotli_bytes(data: bytes) -> bytes:
    """brotli with the text mode hint (the same bytes for one brotli version)."""
    import brotli  # type: ignore[import-untyped]

    return bytes(brotli.compress(data, mode=brotli.MODE_TEXT, quality=BROTLI_QUALITY))


def copies(data: bytes) -> dict[str, bytes]:
    """The compressed copies of ``data``, by suffix."""
    return {".gz": gzip_bytes(data), ".br": brotli_bytes(data)}


def precompressed(
    out: Path,
    files: Mapping[str, bytes],
    kept: Mapping[str, str],
    previous: Mapping[str, str],
    into: MutableMapping[str, bytes] | None = None,
) -> tuple[MutableMapping[str, bytes], dict[str, str]]:
    """The copies to write, and the copies to keep as they are, for one build of ``out``.

    ``files`` are the files this build rendered, ``kept`` those it left as they were
    (path -> sha256) and ``previous`` the manifest of the last write. A copy is kept when
    its file's bytes are the ones the last write compressed and the copy is still there;
    otherwise it is made again (for a kept file, from the bytes on disk). The copies go
    into ``into`` (a build's outputs, output.Outputs) when it is given, else a new dict.
    """
    from rectify_site.build.output import digest

    made: MutableMapping[str, bytes] = {} if into is None else into
    keep: dict[str, str] = {}

    def same(rel: str, sha: str) -> list[str] | None:
        """The copies of ``rel`` the last write made from these very bytes, if still there."""
        names = [rel + s for s in SUFFIXES]
        if previous.get(rel) == sha and all(
            n in previous and _regular(os.path.join(out, n)) for n in names
        ):
            return names
        return None

    def made_from(rel: str) -> tuple[str, list[str] | dict[str, bytes] | None]:
        """In a thread: the copies kept, the copies made, or None (nothing to compress)."""
        data = files[rel]
        if not compressible(rel, len(data)):
            return rel, None
        return rel, same(rel, digest(data)) or copies(data)

    def made_again(rel: str, sha: str) -> tuple[str, list[str] | dict[str, bytes] | None]:
        """A kept file's copies: kept, or made again from the bytes on disk."""
        found = same(rel, sha)
        if found is not None:
            return rel, found
        try:
            data = (out / rel).read_bytes()
        except OSError:
            return rel, None
        if compressible(rel, len(data)) and digest(data) == sha:
            return rel, copies(data)
        return rel, None

    text = [rel for rel in files if Path(rel).suffix.lower() in TEXT_SUFFIXES]
    again = [
        (rel, sha)
        for rel, sha in kept.items()
        if rel not in files and Path(rel).suffix.lower() in TEXT_SUFFIXES
    ]
    jobs = jobs_for(len(text) + len(again), PARALLEL_MIN_FILES)
    tasks: list[Callable[[], tuple[str, list[str] | dict[str, bytes] | None]]] = [
        *(partial(made_from, rel) for rel in text),
        *(partial(made_again, rel, sha) for rel, sha in again),
    ]
    # zlib and brotli let go of the GIL while they compress: threads use every core. In
    # batches, so that a spooled build's copies are never all in memory at once.
    with ThreadPoolExecutor(jobs) as pool:
        for start in range(0, len(tasks), 256):
            for rel, result in pool.map(lambda task: task(), tasks[start : start + 256]):
                if isinstance(result, list):
                    keep.update({n: previous[n] for n in result})
                elif result is not None:
                    made.update({rel + s: c for s, c in result.items()})
    return made, keep


def _regular(path: str) -> bool:
    """A regular file, not a symlink (one lstat: a kept file's copies are many)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except (OSError, ValueError):
        return False


def _reuse(path: Path, data: bytes) -> dict[str, bytes] | None:
    try:
        if path.read_bytes() != data:
            return None
        return {s: path.with_name(path.name + s).read_bytes() for s in SUFFIXES}
    except OSError:
        return None
