"""argparse in the editors' language: its fixed words and its error messages in Chinese.

argparse's gettext has no Chinese, and the language is chosen on the command line
(``--lang en``), never by the environment: ``lang_of`` finds it before anything is parsed,
so that the help is built in that language.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from typing import Any

from rectify_site.messages import translate

LANGS = ("zh", "en")

_ARGPARSE_ZH: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"argument (?P<a>\S+): invalid choice: '?(?P<v>[^' ]*)'? \(choose from (?P<c>.*)\)"
        ),
        "参数 {a}：无效的取值“{v}”，可选 {c}",
    ),
    (
        re.compile(r"argument (?P<a>\S+): invalid \w+ value: '(?P<v>.*)'"),
        "参数 {a}：“{v}”不是有效的值",
    ),
    (re.compile(r"argument (?P<a>\S+): expected one argument"), "参数 {a} 后须写一个值"),
    (
        re.compile(r"argument (?P<a>\S+): not a date: '(?P<v>.*)' \(write (?P<e>.*)\)"),
        "参数 {a}：“{v}”不是日期，请写作 {e}",
    ),
    (re.compile(r"the following arguments are required: (?P<a>.*)"), "缺少必需的参数：{a}"),
    (re.compile(r"unrecognized arguments: (?P<a>.*)"), "无法识别的参数：{a}"),
]
"""argparse's own error messages, in Chinese (argparse's gettext has no Chinese)."""


def _argparse_zh(message: str) -> str:
    for pattern, template in _ARGPARSE_ZH:
        m = pattern.fullmatch(message)
        if m:
            return template.format(**m.groupdict())
    return message


def lang_of(argv: Sequence[str]) -> str:
    """The language asked for anywhere on the command line (``--lang en``), else Chinese.

    The help is built in that language before parsing; the environment's LANG is ignored.
    """
    lang = "zh"
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
    return lang if lang in LANGS else "zh"


class Parser(argparse.ArgumentParser):
    """argparse in the chosen language; usage errors exit 2 with one line, as every other
    error does."""

    def __init__(self, *args: Any, lang: str = "zh", **kwargs: Any) -> None:
        self.lang = lang
        kwargs.setdefault("formatter_class", _formatter(lang))
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = translate("cli.positionals", {}, lang)
        self._optionals.title = translate("cli.options", {}, lang)
        self.add_argument("-h", "--help", action="help", help=translate("cli.help", {}, lang))

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        if self.lang != "en":
            message = _argparse_zh(message)
        sys.stderr.write(f"rectify-site: error: {message}\n")
        raise SystemExit(2)


def _formatter(lang: str) -> type[argparse.HelpFormatter]:
    """Help in ``lang``: argparse's fixed words (usage, section colons) translated too."""
    en = lang == "en"
    word = translate("cli.usage", {}, lang)  # "usage: "

    class Formatter(argparse.HelpFormatter):
        def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: Any = None) -> None:
            super().add_usage(usage, actions, groups, word if prefix is None else prefix)

        def format_help(self) -> str:
            text = super().format_help()
            # argparse ends each section title with an ASCII colon; Chinese takes "："
            return text if en else re.sub(r"(?m)^(\S[^\n:]*):$", r"\1：", text)

    return Formatter
