"""Every option and argument of the command line, declared once.

An ``Option`` names its flags, the key of its help in the message catalogue and what
argparse needs besides; the command tree (``commands.parser``) attaches the same option
to each command that takes it. Where two commands take an option of one name that means
something else (``build --out`` a folder, ``pdf --out`` a file), each is its own option;
where only the help is worded for the command, ``worded`` gives it another key.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from rectify_site._version import __version__
from rectify_site.check.formats import FORMATS
from rectify_site.commands.localised import LANGS
from rectify_site.messages import translate
from rectify_site.model.words import KINDS

CHOSEN_LANG = object()
"""The default of ``--lang``: the language the help is being built in."""


@dataclass(frozen=True)
class Option:
    """One option or positional argument: ``help`` is a key of the message catalogue
    (None: not shown); a ``path`` is a folder or a file, which completion offers as such."""

    flags: tuple[str, ...]
    help: str | None
    path: Literal["dir", "file"] | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)

    def worded(self, help: str) -> Option:
        """The same option with its help worded for one command."""
        return dataclasses.replace(self, help=help)

    def add_to(self, parser: argparse.ArgumentParser, lang: str) -> None:
        """Declare the option on ``parser``, its help in ``lang``."""
        settings = dict(self.settings)
        default = settings.get("default")
        if default is CHOSEN_LANG:
            settings["default"] = lang
        elif isinstance(default, list):  # a fresh list for each parser, as argparse expects
            settings["default"] = list(default)
        if self.path:
            settings.setdefault("metavar", "DIR" if self.path == "dir" else "FILE")
            settings["type"] = Path
        text = argparse.SUPPRESS if self.help is None else translate(self.help, {}, lang)
        action = parser.add_argument(*self.flags, help=text, **settings)
        if self.path:
            action.complete_kind = self.path  # type: ignore[attr-defined]  # for completion


def option(
    *flags: str, help: str | None, path: Literal["dir", "file"] | None = None, **settings: Any
) -> Option:
    """An ``Option`` written as ``add_argument`` is called: flags, then keywords."""
    return Option(flags, help, path, settings)


def _as_of(text: str) -> object:
    """``--as-of``: a day (2024-06-30); the error is argparse's, in the chosen language."""
    from rectify_site.model.ledger import parse_as_of

    try:
        return parse_as_of(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (write 2024-06-30)") from None


# --- the program ----------------------------------------------------------------------

VERSION = option(
    "--version", help="cli.version", action="version", version=f"rectify-site {__version__}"
)
LANG_ANYWHERE = option("--lang", help=None, choices=LANGS, default=CHOSEN_LANG)
"""``--lang`` before the command (``rectify-site --lang en build``): read, not shown."""

# --- shared by the commands that read a content folder -----------------------------------

LANG = option("--lang", help="cli.lang", choices=LANGS, default=CHOSEN_LANG)
CONTENT = option("--content", help="cli.content", path="dir", default=Path("content"))
TEMPLATES = option("--templates", help="cli.templates", path="dir", default=None)
QUIET = option("-q", "--quiet", help="cli.quiet", action="store_true")
NO_SEARCH = option("--no-search", help="cli.build.no_search", action="store_true")
REPORT = option("report", help="cli.export.report")
FILE_OUT = option("--out", help="cli.pdf.out", path="file", default=None)
"""A file to write, by default named for the report."""

SITE = (CONTENT, TEMPLATES, LANG)
"""A content folder, its theme and the language: what build, check, serve, pdf and the
ledger template read."""

# --- build ------------------------------------------------------------------------------

SITE_OUT = option("--out", help="cli.build.out", path="dir", default=Path("_site"))
BASE_URL = option("--base-url", help="cli.build.base_url", default=None, metavar="URL")
NO_COMPRESS = option(
    "--no-compress", help="cli.build.no_compress", dest="compress", action="store_false"
)
VERIFY = option("--verify", help="cli.build.verify", action="store_true")

# --- check ------------------------------------------------------------------------------

FORMAT = option("--format", help="cli.check.format", choices=FORMATS, default="text")
STRICT = option("--strict", help="cli.check.strict", action="store_true")
NO_HTML_CHECK = option(
    "--no-html-check", help="cli.check.no_html_check", dest="html_check", action="store_false"
)
AS_OF = option("--as-of", help="cli.check.as_of", type=_as_of, default=None, metavar="DATE")

# --- serve ------------------------------------------------------------------------------

HOST = option("--host", help="cli.serve.host", default="127.0.0.1")
PORT = option("--port", help="cli.serve.port", type=int, default=8000)
ALLOW_HOST = option(
    "--allow-host", help="cli.serve.allow_host", action="append", default=[], metavar="NAME"
)

# --- documents: pdf, import, export -------------------------------------------------------

PDF_REPORT = option("report", help="cli.pdf.report", nargs="?", default=None)
SOURCE = option("source", help="cli.import.source", path="file")
REPORT_ID = option("--id", help="cli.import.id", dest="report_id", default=None, metavar="ID")
FORCE = option("--force", help="cli.import.force", action="store_true")
TO = option("--to", help="cli.export.to", choices=["docx", "txt"], required=True)

# --- schema, new, ledger template ---------------------------------------------------------

SCHEMA_OUT = option("--out", help="cli.schema.out", path="dir", default=Path("schemas"))
SITE_DIR = option("dir", help="cli.new.site.dir", path="dir")
SKELETON_REPORT = option("--report", help="cli.new.site.report", default="report-1", metavar="ID")
NEW_ID = option("id", help="cli.new.report.id", metavar="ID")
KIND = option("--kind", help="cli.new.report.kind", choices=KINDS, default=KINDS[0])
FROM = option("--from", help="cli.new.report.from", path="file", dest="source", default=None)
SHELL = option("shell", help="cli.completion.shell", choices=("bash", "zsh"))
