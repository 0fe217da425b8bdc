"""What a build is made from: the code, every input file, each report's digest, each page's key.

A page's key is made from input hashes the cache has already computed (``page_keys``):
nothing in a page's context is walked. Standard library only, so that ``build`` finds
out that nothing changed before it imports pydantic or Jinja.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rectify_site._version import __version__
from rectify_site.build.cache import key_of
from rectify_site.errors import ContentError, Diagnostic, diag
from rectify_site.files import entry_refusal
from rectify_site.site.themes import theme_folders

if TYPE_CHECKING:
    from rectify_site.site.pages import Page


def code_digest() -> str:
    """The package's own code and version: a changed renderer invalidates every page."""
    h = hashlib.sha256(f"{__version__}".encode())
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        name = path.relative_to(package).as_posix()
        h.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _utf8(name: str) -> bool:
    """Whether a name read from disk was UTF-8 (Python keeps other bytes as surrogates):
    a name that is not cannot be a URL, a key of the cache or a line of a message."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _walk(root: Path, prefix: str, into: dict[str, str], refused: list[Diagnostic]) -> None:
    """Every regular file under ``root``; a symlink that leads out of it (or nowhere), a
    device, a FIFO or a socket goes to ``refused`` with its path instead (files.py: the
    rule every reader of content follows). Dot names that are no regular file (an editor's
    lock link, a socket) are not inputs: nothing reads them."""
    top = str(root)
    inside = os.path.realpath(top)
    for folder, dirs, names in os.walk(top):
        rel = os.path.relpath(folder, top)
        keep = []
        for d in sorted(dirs):
            path = os.path.join(folder, d)
            if d == "__pycache__":
                continue
            if not _utf8(d):  # nothing below it is read, nor said again
                refused.append(diag(path, "file.name_not_utf8"))
                continue
            if os.path.islink(path):  # os.walk does not enter it; the loader would
                if (refusal := entry_refusal(path, inside, linked=True)) is not None:
                    refused.append(refusal)
                continue
            keep.append(d)
        dirs[:] = keep
        for name in names:
            path = os.path.join(folder, name)
            if not _utf8(name):
                refused.append(diag(path, "file.name_not_utf8"))
                continue
            if (refusal := entry_refusal(path, inside, listed=True)) is not None:
                if not name.startswith("."):
                    refused.append(refusal)
                continue
            key = name if rel == "." else f"{rel}/{name}".replace(os.sep, "/")
            into[prefix + key] = path  # a str: thousands of them


def input_files(content: Path, theme: Path) -> dict[str, str]:
    """Every file a build can read: ``c:`` content, ``t:`` theme (templates and assets).

    The theme is the files the build uses: a site's own folder over the packaged theme
    (``themes.theme_folders``), so a change in either is seen. Every input is a regular
    file inside its folder: anything else raises ContentError naming each (the one place
    where a build enumerates what it reads; ``check`` asks it too).
    """
    files: dict[str, str] = {}
    refused: list[Diagnostic] = []
    _walk(content, "c:", files, refused)
    for folder in reversed(theme_folders(theme)):
        _walk(folder, "t:", files, refused)  # the site's own file replaces the packaged one
    if refused:
        raise ContentError(refused)
    return files


def report_digests(content: Path, hashes: Mapping[str, str]) -> dict[str, str]:
    """One digest per top-level content folder (a report): its place and every file in it."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for name, digest in hashes.items():
        if name.startswith("c:") and "/" in name:
            folder, rel = name[2:].split("/", 1)
            groups.setdefault(folder, []).append((rel, digest))
    where = str(content.resolve())
    return {name: key_of(where, name, sorted(files)) for name, files in groups.items()}


def page_keys(
    pages: list[Page],
    base: str,
    closures: Mapping[str, str],
    digests: Mapping[str, str],
    marks: Mapping[str, Any],
) -> dict[str, str]:
    """Page path -> the key of everything it is made from.

    That is: ``base`` (the code, options, site.yaml and assets), its template's closure,
    its own fields, the digests of the reports it shows and the values it declares, and
    ``marks`` (serve's placeholders) of its report. Derived from input hashes already
    made: nothing in a page's context is walked.
    """
    return {
        p.url: key_of(
            base,
            closures[p.template],
            p.url,
            p.template,
            p.title,
            p.in_sitemap,
            p.report_id,
            [(i, digests.get(i, "")) for i in p.shows],
            p.values,
            marks.get(p.report_id or "", ()),
        )
        for p in pages
    }
