"""``rectify-site completion bash|zsh``: a completion script made by shtab from the parser."""

from __future__ import annotations

import argparse
import sys

from rectify_site.commands.parser import make_parser


def completion(args: argparse.Namespace) -> int:
    """A completion script from shtab, with folders and files completed where expected."""
    import shtab

    parser = make_parser(args.lang)
    kinds = {"dir": shtab.DIRECTORY, "file": shtab.FILE}
    stack = [parser]
    while stack:
        for action in stack.pop()._actions:
            kind = getattr(action, "complete_kind", None)
            if kind:
                action.complete = kinds[kind]  # type: ignore[attr-defined]
            if isinstance(action, argparse._SubParsersAction):
                stack.extend(action.choices.values())
    sys.stdout.write(shtab.complete(parser, shell=args.shell))
    return 0
