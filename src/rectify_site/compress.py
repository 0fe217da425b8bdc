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
from collections.abc import Mapping, MutableMapping
from pathlib import Path

MIN_SIZE = 1024
"""Files this size or smaller are sent as they are: a compressed copy gains nothing."""

TEXT_SUFFIXES = frozenset({".html", ".css", ".js", ".mjs", ".json", ".xml", ".csv", ".svg", ".txt"})
"""What is compressed: text. Images, PDFs and Pagefind's index files are compressed already."""

BROTLI_QUALITY = 8
"""On the real site, quality 8 makes the .br files 14% smaller than the .gz ones;
quality 11 makes them 22% smaller but takes about 18 times as long (minutes for a cold
build of a large collection)."""

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
    into ``into`` (a build's Spool) when it is given, else into a new dict.
    """
    from .output import digest

    made: MutableMapping[str, bytes] = {} if into is None else into
    keep: dict[str, str] = {}

    def reuse(rel: str, sha: str) -> bool:
        names = [rel + s for s in SUFFIXES]
        if previous.get(rel) == sha and all(
            n in previous and (out / n).is_file() and not (out / n).is_symlink() for n in names
        ):
            keep.update({n: previous[n] for n in names})
            return True
        return False

    for rel in list(files):  # a list: the copies may go into ``files`` itself
        data = files[rel]
        if compressible(rel, len(data)) and not reuse(rel, digest(data)):
            made.update({rel + s: c for s, c in copies(data).items()})
    for rel, sha in kept.items():
        if rel in files or Path(rel).suffix.lower() not in TEXT_SUFFIXES or reuse(rel, sha):
            continue
        path = out / rel
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if compressible(rel, len(data)) and digest(data) == sha:
            made.update({rel + s: c for s, c in copies(data).items()})
    return made, keep


def _reuse(path: Path, data: bytes) -> dict[str, bytes] | None:
    try:
        if path.read_bytes() != data:
            return None
        return {s: path.with_name(path.name + s).read_bytes() for s in SUFFIXES}
    except OSError:
        return None
