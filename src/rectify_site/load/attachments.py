"""What an attachment (附件) may be: its bytes are checked against the format its suffix names.

A file is served by its suffix, so the suffix is a promise about the content: HTML with a
``<script>`` named ``.pdf``, an SVG with ``onload`` named ``.png``, a shortcut or a script
renamed ``.doc`` must never reach a reader. ``FORMATS`` is the one table of what may be
published and how each format begins (its signature; for the zip packages, the members its
standard requires); anything else is refused, a program first by name.

Standard library only: the checks read a file's first bytes and, for a zip package, its
central directory, never the whole file. (filetype and puremagic guess a type from the
head and still need this table to say which guess a suffix allows; neither looks inside
a zip as OPC and GB/T 33190 define it.)
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""A Compound File Binary (Word 97-2003 .doc, Excel 97-2003 .xls)."""


@dataclass(frozen=True)
class Format:
    """A format an attachment may have: its name, the bytes it starts with, and for a zip
    package the members its standard requires (a name ending in ``/``: any member under
    that folder)."""

    name: str
    head: bytes
    members: tuple[str, ...] = ()


FORMATS: dict[str, Format] = {
    "pdf": Format("PDF", b"%PDF-"),
    "doc": Format("DOC", OLE),
    "xls": Format("XLS", OLE),
    "docx": Format("DOCX", ZIP, ("[Content_Types].xml", "word/")),  # OPC (ISO/IEC 29500-2)
    "xlsx": Format("XLSX", ZIP, ("[Content_Types].xml", "xl/")),
    "ofd": Format("OFD", ZIP, ("OFD.xml",)),  # GB/T 33190: OFD.xml is the package's entry
    "jpg": Format("JPEG", b"\xff\xd8\xff"),
    "jpeg": Format("JPEG", b"\xff\xd8\xff"),
    "png": Format("PNG", b"\x89PNG\r\n\x1a\n"),
}
"""Suffix -> the format a file of that name must be; nothing else is published."""

EXECUTABLE_MAGIC = (
    b"MZ",  # Windows programs and libraries
    b"\x7fELF",  # Linux
    b"#!",  # any script with an interpreter line
    b"\xfe\xed\xfa\xce",  # Mach-O, 32 and 64 bit, either byte order
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary (and Java classes)
    b"\xca\xfe\xba\xbf",
    b"L\0\0\0\x01\x14\x02\0",  # a Windows shortcut (LNK), which runs its target
)
"""Programs and scripts, named by what they are whatever the file is called."""

HEAD_BYTES = 16


def _members_present(path: Path, required: tuple[str, ...]) -> bool:
    """Whether ``path`` is a readable zip holding every required member."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    folders = {n[: n.index("/") + 1] for n in names if "/" in n}
    return all(m in folders if m.endswith("/") else m in names for m in required)


def content_problem(path: Path, suffix: str) -> tuple[str, dict[str, Any]] | None:
    """The message key and parameters of what is wrong with the bytes of ``path``, an
    attachment named ``.suffix`` (one of FORMATS), or None when it is that format."""
    fmt = FORMATS[suffix]
    with path.open("rb") as fh:  # the head is enough; a zip's directory is at its end
        head = fh.read(HEAD_BYTES)
    shown = {"path": str(path)}
    if head.startswith(EXECUTABLE_MAGIC):
        return "attachment.executable", shown
    if not head:
        return "attachment.empty", shown
    if not head.startswith(fmt.head) or (fmt.members and not _members_present(path, fmt.members)):
        return "attachment.content", {**shown, "format": fmt.name, "suffix": suffix}
    return None
