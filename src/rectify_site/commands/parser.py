"""The command tree, and the parser made from it in the chosen language.

Each command is a name, the key of its help and the options it takes (from
``commands.options``), in the order ``--help`` lists them; a group (``ledger``, ``new``)
holds commands of its own. ``path_of`` says which command a parsed line chose, and the
command line (``commands.cli``) runs it.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass

from rectify_site.commands import options as o
from rectify_site.commands.localised import Parser
from rectify_site.messages import translate


@dataclass(frozen=True)
class Command:
    """A command, or a group of commands (``subcommands``, chosen into ``dest``)."""

    name: str
    help: str
    """Key of the one line ``rectify-site --help`` shows for it."""
    options: tuple[o.Option, ...] = ()
    description: str | None = None
    subcommands: tuple[Command, ...] = ()
    dest: str = ""
    title: str = "cli.commands"

    def add_to(self, parser: argparse.ArgumentParser, lang: str) -> None:
        """Declare the options and the subcommands on ``parser``, in ``lang``."""
        for option in self.options:
            option.add_to(parser, lang)
        if not self.subcommands:
            return
        sub = parser.add_subparsers(
            dest=self.dest,
            required=True,
            parser_class=Parser,
            title=translate(self.title, {}, lang),
        )
        for command in self.subcommands:
            child = sub.add_parser(
                command.name,
                lang=lang,
                help=translate(command.help, {}, lang),
                description=command.description and translate(command.description, {}, lang),
            )
            command.add_to(child, lang)


PROGRAM = Command(
    "rectify-site",
    help="cli.description",
    options=(o.VERSION, o.LANG_ANYWHERE),
    dest="command",
    subcommands=(
        Command(
            "build",
            help="cli.build",
            options=(
                *o.SITE,
                o.SITE_OUT,
                o.BASE_URL,
                o.NO_SEARCH,
                o.NO_COMPRESS,
                o.VERIFY,
                o.QUIET,
            ),
        ),
        Command(
            "check",
            help="cli.check",
            options=(*o.SITE, o.BASE_URL, o.FORMAT, o.STRICT, o.NO_HTML_CHECK, o.AS_OF, o.QUIET),
        ),
        Command(
            "ledger",
            help="cli.ledger",
            options=(o.LANG,),
            dest="ledger_command",
            subcommands=(
                Command(
                    "template",
                    help="cli.ledger.template",
                    options=(
                        *o.SITE,
                        o.REPORT.worded("cli.ledger.report"),
                        o.FILE_OUT.worded("cli.ledger.out"),
                    ),
                ),
            ),
        ),
        Command(
            "serve",
            help="cli.serve",
            options=(
                *o.SITE,
                o.HOST,
                o.PORT,
                o.NO_SEARCH.worded("cli.serve.no_search"),
                o.ALLOW_HOST,
            ),
        ),
        Command("pdf", help="cli.pdf", options=(*o.SITE, o.PDF_REPORT, o.FILE_OUT)),
        Command(
            "import",
            help="cli.import",
            options=(
                o.SOURCE,
                o.CONTENT.worded("cli.content.short"),
                o.REPORT_ID,
                o.FORCE,
                o.LANG,
            ),
        ),
        Command(
            "export",
            help="cli.export",
            options=(
                o.REPORT,
                o.TO,
                o.CONTENT.worded("cli.content.short"),
                o.FILE_OUT.worded("cli.export.out"),
                o.LANG,
            ),
        ),
        Command("schema", help="cli.schema", options=(o.SCHEMA_OUT, o.LANG)),
        Command(
            "new",
            help="cli.new",
            options=(o.LANG,),
            dest="what",
            title="cli.new.what",
            subcommands=(
                Command(
                    "site",
                    help="cli.new.site",
                    options=(o.SITE_DIR, o.SKELETON_REPORT, o.KIND, o.LANG),
                ),
                Command(
                    "report",
                    help="cli.new.report",
                    options=(
                        o.NEW_ID,
                        o.KIND,
                        o.CONTENT.worded("cli.new.report.content"),
                        o.FROM,
                        o.LANG,
                    ),
                ),
            ),
        ),
        Command(
            "completion",
            help="cli.completion",
            description="cli.completion.description",
            options=(o.SHELL, o.LANG),
        ),
    ),
)
"""Every command, in the order ``rectify-site --help`` lists them."""


def make_parser(lang: str = "zh") -> argparse.ArgumentParser:
    """The command line in ``lang``: every description and option help in that language."""
    parser = Parser(prog=PROGRAM.name, lang=lang, description=translate(PROGRAM.help, {}, lang))
    PROGRAM.add_to(parser, lang)
    return parser


def path_of(args: argparse.Namespace) -> tuple[str, ...]:
    """The command that ``args`` chose: ``("build",)``, ``("ledger", "template")``."""
    path: list[str] = []
    command = PROGRAM
    while command.subcommands:
        name = getattr(args, command.dest)
        path.append(name)
        command = next(c for c in command.subcommands if c.name == name)
    return tuple(path)


def leaves(command: Command = PROGRAM) -> Sequence[tuple[str, ...]]:
    """Every command that runs (not a group), as ``path_of`` names it."""
    if not command.subcommands:
        return [()]
    return [(c.name, *rest) for c in command.subcommands for rest in leaves(c)]
