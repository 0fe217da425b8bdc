"""What may be read as an input: a regular file whose resolved path is inside its folder.

One rule for every reader of content (the build's walk over every input, YAML, the
ledger, attachments): a symlink anywhere on the way (the file, or a folder such as
``attachments -> /elsewhere``) that leads out of the folder, or nowhere, is refused, and
so is a device, a FIFO or a socket (a read would follow it out, never end, or hang).

A ground-floor module: standard library only, so that a build that finds nothing changed
still has not imported pydantic or Jinja.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from rectify_site.errors import Diagnostic, diag

OTHER = ("特殊文件", "a special file")


def kind(mode: int) -> tuple[str, str] | None:
    """What a file that is not a regular one is, in the message's words (else None)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return ("管道（FIFO）", "a FIFO")
    if stat.S_ISSOCK(mode):
        return ("套接字", "a socket")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return ("设备文件", "a device")
    return OTHER


def _outside(path: str, inside: str) -> Diagnostic | None:
    """The refusal of ``path`` when what it resolves to is not in ``inside`` (resolved)."""
    target = os.path.realpath(path)
    if os.path.commonpath([target, inside]) == inside:
        return None
    return diag(path, "file.symlink_outside", target=target)


def entry_refusal(
    path: str, inside: str, *, linked: bool | None = None, listed: bool = False
) -> Diagnostic | None:
    """Why ``path`` is no input, for a path whose folders are known to lead nowhere out of
    ``inside`` (a resolved folder), else None; None as well when nothing is there (each
    reader says "missing" in its own words), unless the path was ``listed`` in its folder
    (then it is a file that cannot be read). ``linked``: whether ``path`` itself is a
    symlink, where the caller already knows."""
    if linked is None:
        linked = os.path.islink(path)
    if linked and (refused := _outside(path, inside)) is not None:
        return refused
    try:
        st = os.stat(path)  # through a symlink: what a read would reach
    except OSError:  # missing; a symlink to nothing leads out of content as surely
        if linked:
            return diag(path, "file.symlink_outside", target=os.path.realpath(path))
        return diag(path, "file.not_regular", kind=OTHER) if listed else None
    found = kind(st.st_mode)
    if found is None or stat.S_ISDIR(st.st_mode):
        return None  # a folder is no file to read: the reader says it is missing
    return diag(path, "file.not_regular", kind=found)


def refusal(path: Path | str, root: Path | str) -> Diagnostic | None:
    """Why ``path`` may not be read as an input of ``root``, or None.

    Every component below ``root`` is looked at, not only the file: a symlinked folder on
    the way leads out as surely as a symlinked file. A link that stays inside ``root`` is
    followed. None too when nothing is there: the reader reports it missing. Paths are
    resolved only where a link is met: the common case is one lstat a component.
    """
    path, top = os.fspath(path), os.fspath(root)
    head, way = os.path.join(top, ""), path
    if not path.startswith(head):  # another spelling of the way (../, absolute)
        rel = os.path.relpath(path, top)
        if rel == os.pardir or rel.startswith(os.pardir + os.sep):
            return _outside(path, os.path.realpath(top))
        way = os.path.join(top, rel)
    parts = way[len(head) :].split(os.sep)
    if os.pardir in parts:  # r/../../x: only the resolved path says where it leads
        inside = os.path.realpath(top)
        return _outside(path, inside) or entry_refusal(path, inside)
    current, mode = top, 0
    for part in parts:
        current = os.path.join(current, part)
        try:
            mode = os.lstat(current).st_mode
        except OSError:
            return None  # missing
        if stat.S_ISLNK(mode):
            inside = os.path.realpath(top)
            if (refused := _outside(path, inside)) is not None:
                return refused
            return entry_refusal(path, inside, linked=current == way or None)
    if stat.S_ISREG(mode):
        return None
    return entry_refusal(path, "", linked=False)
