"""The command line: thin over the pipeline; prints user errors without a traceback.

Exit status: 0 success, 1 content errors or failed checks, 2 usage or environment errors.
Heavy modules are imported inside each command, so ``--version`` and ``--help`` are quick.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from rectify_site._version import __version__
from rectify_site.check.formats import FORMATS
from rectify_site.model.words import KINDS

if TYPE_CHECKING:
    pass


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


class _Parser(argparse.ArgumentParser):
    """argparse in the chosen language; usage errors exit 2 with one line, as every other
    error does."""

    def __init__(self, *args: Any, lang: str = "zh", **kwargs: Any) -> None:
        self.lang = lang
        en = lang == "en"
        kwargs.setdefault("formatter_class", _formatter(lang))
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "positional arguments" if en else "位置参数"
        self._optionals.title = "options" if en else "选项"
        self.add_argument(
            "-h",
            "--help",
            action="help",
            help="show this help and exit" if en else "显示本帮助并退出",
        )

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        if self.lang != "en":
            message = _argparse_zh(message)
        sys.stderr.write(f"rectify-site: error: {message}\n")
        raise SystemExit(2)


def _formatter(lang: str) -> type[argparse.HelpFormatter]:
    """Help in ``lang``: argparse's fixed words (usage, section colons) translated too."""
    en = lang == "en"

    class Formatter(argparse.HelpFormatter):
        def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: Any = None) -> None:
            if prefix is None:
                prefix = "usage: " if en else "用法："
            super().add_usage(usage, actions, groups, prefix)

        def format_help(self) -> str:
            text = super().format_help()
            # argparse ends each section title with an ASCII colon; Chinese takes "："
            return text if en else re.sub(r"(?m)^(\S[^\n:]*):$", r"\1：", text)

    return Formatter


def _lang_of(argv: Sequence[str]) -> str:
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


def _parser(lang: str = "zh") -> argparse.ArgumentParser:
    """The command line in ``lang``: every description and option help in that language."""
    en = lang == "en"

    def t(zh: str, english: str) -> str:
        return english if en else zh

    p = _Parser(
        prog="rectify-site",
        lang=lang,
        description=t(
            "巡视巡察整改进展情况通报的静态网站生成器",
            "a static site generator for rectification reports (巡视整改进展情况的通报)",
        ),
    )
    p.add_argument(
        "--version",
        action="version",
        version=f"rectify-site {__version__}",
        help=t("显示版本号并退出", "show the version and exit"),
    )
    p.add_argument("--lang", choices=LANGS, default=lang, help=argparse.SUPPRESS)
    sub = p.add_subparsers(
        dest="command", required=True, parser_class=_Parser, title=t("命令", "commands")
    )

    def path(sp: argparse.ArgumentParser, *names: str, kind: str, **kw: Any) -> None:
        kw.setdefault("metavar", "DIR" if kind == "dir" else "FILE")
        action = sp.add_argument(*names, type=Path, **kw)
        action.complete_kind = kind  # type: ignore[attr-defined]  # for completion

    def language(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "--lang",
            choices=LANGS,
            default=lang,
            help=t(
                "提示信息和帮助的语言（默认：zh）", "language of messages and help (default: zh)"
            ),
        )

    def common(sp: argparse.ArgumentParser) -> None:
        path(
            sp,
            "--content",
            kind="dir",
            default=Path("content"),
            help=t(
                "内容目录，每份通报一个文件夹（默认：content）",
                "collection root, one folder per report (default: content)",
            ),
        )
        path(
            sp,
            "--templates",
            kind="dir",
            default=None,
            help=t(
                "主题目录，可只放要改动的模板，其余取自内置主题（默认：content 旁的 templates）",
                "theme folder; it may hold only the templates it changes, the rest come from "
                "the built-in theme (default: templates/ beside content/)",
            ),
        )
        language(sp)

    def quiet(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "-q",
            "--quiet",
            action="store_true",
            help=t(
                "不显示进度（不在终端时本就不显示）",
                "show no progress (never shown off a terminal)",
            ),
        )

    b = sub.add_parser("build", lang=lang, help=t("生成网站", "build the site"))
    common(b)
    path(
        b,
        "--out",
        kind="dir",
        default=Path("_site"),
        help=t("输出目录（默认：_site）", "output folder (default: _site)"),
    )
    b.add_argument(
        "--base-url",
        default=None,
        metavar="URL",
        help=t("网站发布地址（绝对网址）", "absolute URL the site is published at"),
    )
    b.add_argument(
        "--no-search",
        action="store_true",
        help=t("不生成 Pagefind 搜索索引（更快）", "skip the Pagefind search index (faster)"),
    )
    b.add_argument(
        "--no-compress",
        dest="compress",
        action="store_false",
        help=t(
            "不为超过 1 KB 的文本文件另写 .gz 和 .br 副本",
            "do not write .gz and .br copies of text files over 1 KB",
        ),
    )
    b.add_argument(
        "--verify",
        action="store_true",
        help=t(
            "核对输出目录中每个文件的内容，而不只是大小或时间有变的文件",
            "hash every file already in the output, not only those whose size or time changed",
        ),
    )
    quiet(b)

    c = sub.add_parser(
        "check",
        lang=lang,
        help=t(
            "检查内容及其生成的网站，不写入任何文件",
            "validate content and the site it makes; writes nothing",
        ),
    )
    common(c)
    c.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help=t(
            "输出格式：text（路径、行、列和说明）、json 或 github（GitHub Actions 注解）",
            "text (path:line:col: …), json, or github (workflow annotations)",
        ),
    )
    c.add_argument(
        "--strict", action="store_true", help=t("警告也算不通过", "warnings fail the check too")
    )
    c.add_argument(
        "--no-html-check",
        dest="html_check",
        action="store_false",
        help=t(
            "跳过 Nu HTML Checker（更快；CI 不应使用）",
            "skip the Nu HTML Checker (faster; CI should not use this)",
        ),
    )
    c.add_argument(
        "--as-of",
        type=_as_of,
        default=None,
        metavar="DATE",
        help=t(
            "检查台账整改时限所依据的日期（默认：SOURCE_DATE_EPOCH 的日期，否则为今天）",
            "the day ledger deadlines are checked against (default: SOURCE_DATE_EPOCH, else today)",
        ),
    )
    quiet(c)

    lg = sub.add_parser(
        "ledger",
        lang=lang,
        help=t("通报的整改台账（ledger.xlsx）", "the ledger (ledger.xlsx) of a report"),
    )
    language(lg)
    lsub = lg.add_subparsers(
        dest="ledger_command", required=True, parser_class=_Parser, title=t("命令", "commands")
    )
    lt = lsub.add_parser(
        "template",
        lang=lang,
        help=t(
            "生成一份空白 ledger.xlsx，列好通报的各方面和状态",
            "write an empty ledger.xlsx with the report's aspects and statuses",
        ),
    )
    common(lt)
    lt.add_argument(
        "report",
        help=t("通报编号（content 下的文件夹名）", "report id (its folder under content/)"),
    )
    path(
        lt,
        "--out",
        kind="file",
        default=None,
        help=t(
            "要写入的文件（默认：ledger-<通报编号>.xlsx）",
            "file to write (default: ledger-<report>.xlsx)",
        ),
    )

    s = sub.add_parser(
        "serve",
        lang=lang,
        help=t(
            "编辑时预览，保存即刷新（显示草稿）",
            "preview with live reload while editing (drafts shown)",
        ),
    )
    common(s)
    s.add_argument(
        "--host",
        default="127.0.0.1",
        help=t(
            "监听地址（默认：127.0.0.1，仅本机可访问）",
            "address to listen on (default: 127.0.0.1, this machine only)",
        ),
    )
    s.add_argument(
        "--port",
        type=int,
        default=8000,
        help=t("端口（默认：8000；0 表示自动选择）", "port (default: 8000; 0 picks a free one)"),
    )
    s.add_argument(
        "--no-search",
        action="store_true",
        help=t("不更新搜索索引", "do not refresh the search index"),
    )
    s.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help=t(
            "除 localhost 外，预览还可通过的主机名（可重复）",
            "a host name the preview may be reached by, besides localhost (repeatable)",
        ),
    )

    d = sub.add_parser(
        "pdf",
        lang=lang,
        help=t("用 Chromium 把通报打印为 A4 PDF", "print a report to an A4 PDF through Chromium"),
    )
    common(d)
    d.add_argument(
        "report",
        nargs="?",
        default=None,
        help=t("通报编号（默认：唯一的那份通报）", "report id (default: the only one)"),
    )
    path(
        d,
        "--out",
        kind="file",
        default=None,
        help=t("PDF 文件（默认：<通报编号>.pdf）", "PDF file (default: <report-id>.pdf)"),
    )

    im = sub.add_parser(
        "import",
        lang=lang,
        help=t(
            "从 Word 文档、文本或网页导入为一份已检查的通报",
            "a Word document, text or saved web page -> one checked report folder",
        ),
    )
    path(
        im,
        "source",
        kind="file",
        help=t(".docx、.txt、.html 或 .htm", ".docx, .txt, .html or .htm"),
    )
    path(
        im,
        "--content",
        kind="dir",
        default=Path("content"),
        help=t("内容目录（默认：content）", "collection root (default: content)"),
    )
    im.add_argument(
        "--id",
        dest="report_id",
        default=None,
        metavar="ID",
        help=t("通报编号（文件夹名）", "report id (the folder name)"),
    )
    im.add_argument(
        "--force",
        action="store_true",
        help=t(
            "替换已有的通报文件夹（保留其中的 ledger.xlsx 和 attachments/）",
            "replace an existing report folder (its ledger.xlsx and attachments/ are kept)",
        ),
    )
    language(im)

    ex = sub.add_parser(
        "export",
        lang=lang,
        help=t("把通报导出为上报用的文档", "write a report as the document an office sends upward"),
    )
    ex.add_argument("report", help=t("通报编号", "report id"))
    ex.add_argument(
        "--to", choices=["docx", "txt"], required=True, help=t("docx 或 txt", "docx or txt")
    )
    path(
        ex,
        "--content",
        kind="dir",
        default=Path("content"),
        help=t("内容目录（默认：content）", "collection root (default: content)"),
    )
    path(
        ex,
        "--out",
        kind="file",
        default=None,
        help=t("输出文件（默认：<通报编号>.<格式>）", "file (default: <report-id>.<to>)"),
    )
    language(ex)

    sc = sub.add_parser(
        "schema",
        lang=lang,
        help=t("写出每类内容文件的 JSON Schema", "write the JSON Schema of each content file kind"),
    )
    path(
        sc,
        "--out",
        kind="dir",
        default=Path("schemas"),
        help=t("输出目录（默认：schemas）", "folder to write (default: schemas)"),
    )
    language(sc)

    nw = sub.add_parser(
        "new",
        lang=lang,
        help=t("新建网站或通报的骨架", "start a new site or report from a skeleton"),
    )
    language(nw)
    what = nw.add_subparsers(
        dest="what", required=True, parser_class=_Parser, title=t("新建", "what to start")
    )
    ns = what.add_parser(
        "site",
        lang=lang,
        help=t(
            "新建网站：content/（含 site.yaml 和一份通报骨架）、schemas/ 和 .gitignore",
            "a new site: content/ (site.yaml and one report skeleton), schemas/, .gitignore",
        ),
    )
    path(ns, "dir", kind="dir", help=t("新网站的文件夹", "the new site's folder"))
    ns.add_argument(
        "--report",
        default="report-1",
        metavar="ID",
        help=t("通报编号（默认：report-1）", "the report's id (default: report-1)"),
    )
    language(ns)
    nr = what.add_parser(
        "report",
        lang=lang,
        help=t(
            "新建一份通报：每个文件带 schema 行和逐项说明，以草稿开始",
            "a new report: each file with its schema line and a comment per field; a draft",
        ),
    )
    nr.add_argument(
        "id",
        metavar="ID",
        help=t(
            "通报编号，即网址：小写字母、数字和连字符", "the report's id, its URL: a-z, 0-9 and -"
        ),
    )
    nr.add_argument("--kind", choices=KINDS, default=KINDS[0], help=t("巡视或巡察", "巡视 or 巡察"))
    path(
        nr,
        "--content",
        kind="dir",
        default=Path("content"),
        help=t("内容目录（默认：content）", "the content folder (default: content)"),
    )
    path(
        nr,
        "--from",
        dest="source",
        kind="file",
        default=None,
        help=t("从 Word 文档、文本或网页导入", "import from a Word document, text or web page"),
    )
    language(nr)

    co = sub.add_parser(
        "completion",
        lang=lang,
        help=t(
            "输出 shell 自动补全脚本（bash 或 zsh）",
            "print a shell completion script (bash or zsh)",
        ),
        description=t(
            "输出 shell 自动补全脚本。bash：在 ~/.bashrc 中加入 "
            'eval "$(rectify-site completion bash)"；zsh：把 rectify-site completion zsh '
            "的输出存为 fpath 中的 _rectify-site",
            "print a shell completion script. bash: add "
            'eval "$(rectify-site completion bash)" to ~/.bashrc; zsh: save the output of '
            "rectify-site completion zsh as _rectify-site in a folder on your fpath",
        ),
    )
    co.add_argument("shell", choices=("bash", "zsh"), help=t("shell 的种类", "the shell"))
    language(co)
    return p


def _as_of(text: str) -> object:
    from rectify_site.model.ledger import parse_as_of

    try:
        return parse_as_of(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (write 2024-06-30)") from None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``rectify-site`` script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser(_lang_of(argv)).parse_args(argv)
    from rectify_site.errors import SiteError

    try:
        if args.command == "build":
            return _interruptible(_build, args)
        if args.command == "check":
            return _check(args)
        if args.command == "serve":
            from rectify_site.serve.server import serve

            return serve(
                args.content,
                templates=args.templates,
                host=args.host,
                port=args.port,
                search=not args.no_search,
                lang=args.lang,
                allow_hosts=args.allow_host,
            )
        if args.command == "pdf":
            return _pdf(args)
        if args.command == "schema":
            return _schema(args)
        if args.command == "completion":
            return _completion(args)
        if args.command == "new":
            return _new(args)
        if args.command == "ledger":
            return _ledger_template(args)
        if args.command == "import":
            from rectify_site.importing.command import run_import

            return run_import(
                args.source,
                args.content,
                report_id=args.report_id,
                force=args.force,
                lang=args.lang,
            )
        if args.command == "export":
            return _export(args)
    except SiteError as exc:
        for d in exc.diagnostics:
            print(d.format(args.lang), file=sys.stderr)
        errors = sum(d.severity == "error" for d in exc.diagnostics)
        summary = f"{errors} error(s)" if args.lang == "en" else f"共 {errors} 个错误"
        print(summary, file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        from rectify_site.interrupts import HOLD

        HOLD.active = _ENTRY_POINT  # put back; from the script nothing may interrupt the exit
        print("rectify-site: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # the file system refused something no check foresaw: no traceback
        from rectify_site.errors import diag

        where = exc.filename or getattr(args, "out", None) or "."
        print(
            diag(where, "output.failed", problem=exc.strerror or str(exc)).format(args.lang),
            file=sys.stderr,
        )
        return 2
    return 2  # pragma: no cover - argparse requires a command


def run(argv: Sequence[str] | None = None) -> NoReturn:
    """The ``rectify-site`` script, ``python -m rectify_site`` and build.py: ``main``, then
    exit with its status.

    Once ``main`` has returned, SIGINT and SIGTERM are blocked: the interpreter restores
    their default action while it shuts down, and a signal then would kill a process whose
    work is done (status -2 for a build that is complete). After an interrupt (130) the
    process leaves at once: CPython marks a KeyboardInterrupt raised while an extension
    module ran Python code through ``PyRun_*`` as unhandled even once it is caught, and at
    exit would kill the process with SIGINT. Everything was put back and printed by then.
    """
    import os
    import signal

    global _ENTRY_POINT
    _ENTRY_POINT = True
    try:
        code = main(argv)
    except KeyboardInterrupt:  # before main's own handler was reached
        print("rectify-site: interrupted", file=sys.stderr)
        code = 130
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    if code == 130:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)
    sys.exit(code)


_ENTRY_POINT = False
"""True when ``run`` (the script, ``python -m``) called ``main``: the process ends with it."""


def _interruptible(build: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run ``build`` with SIGINT and SIGTERM (a CI job cancelled, a service stopped) under
    output.interrupt: before the new site is complete they unwind the build, which puts
    the last good site back (exit 130); once it is complete they are held, and the build
    finishes with exit 0 and exactly the new site.

    From the script the handlers stay until the process exits (``run`` then blocks both
    signals): a signal that arrived just before a restore would be run by the restored
    handler (Python runs handlers late, between bytecodes) and turn a complete build into
    an exit 130. Called in-process (``main([...])``), the previous handlers come back.
    """
    import signal

    from rectify_site.interrupts import HOLD, interrupt

    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    HOLD.active, HOLD.caught = False, []
    for s in previous:
        signal.signal(s, interrupt)
    unraisable = sys.unraisablehook

    def again(info: Any) -> None:
        """An interrupt raised where it cannot propagate (a weakref callback, a __del__)
        would be printed and lost: ask for it again, to arrive where it can unwind."""
        if isinstance(info.exc_value, KeyboardInterrupt):
            import _thread
            import threading

            try:
                _thread.interrupt_main()
            except KeyboardInterrupt:
                # its handler ran at once, here in the hook, where it cannot unwind
                # either: ask again from a thread, to arrive once the hook has returned
                threading.Timer(0.01, _thread.interrupt_main).start()
        else:
            unraisable(info)

    sys.unraisablehook = again
    try:
        code = build(args)
        if HOLD.caught and code == 0:
            note = (
                "rectify-site: interrupted after the new site was complete; it is in place"
                if args.lang == "en"
                else "rectify-site：中断信号到达时新站点已写好，已完整发布"
            )
            print(note, file=sys.stderr)
        return code
    finally:
        if not _ENTRY_POINT:
            for s, handler in previous.items():
                signal.signal(s, handler)
            sys.unraisablehook = unraisable
            HOLD.active, HOLD.caught = False, []


def _build(args: argparse.Namespace) -> int:
    from rectify_site.build.pipeline import build_site
    from rectify_site.progress import for_terminal

    result = build_site(
        args.content,
        args.out,
        templates=args.templates,
        base_url=args.base_url,
        search=not args.no_search,
        compress=args.compress,
        verify=args.verify,
        progress=for_terminal(quiet=args.quiet, lang=args.lang),
    )
    warnings, n, stats = result.warnings, result.reports, result.stats
    for d in warnings:
        print(d.format(args.lang), file=sys.stderr)
    assert stats is not None
    if args.lang == "en":
        print(
            f"built {n} report(s) into {args.out}: {len(stats.written)} written, "
            f"{len(stats.unchanged)} unchanged, {len(stats.removed)} removed"
        )
    else:
        print(
            f"已构建 {n} 份通报到 {args.out}：写入 {len(stats.written)} 个文件，"
            f"未变 {len(stats.unchanged)} 个，删除 {len(stats.removed)} 个"
        )
    return 0


def _check(args: argparse.Namespace) -> int:
    """Load, render and check everything; print findings in the chosen format.

    Exit 0 when clean, 1 on errors (or warnings with --strict), 2 on usage errors.
    """
    from rectify_site.build.pipeline import check_site
    from rectify_site.check.formats import render
    from rectify_site.errors import SiteError, UsageError
    from rectify_site.progress import for_terminal

    progress = for_terminal(quiet=args.quiet, lang=args.lang)
    try:
        found = check_site(
            args.content,
            templates=args.templates,
            html=args.html_check,
            trace=args.format != "text",  # annotations need a file of the repository
            as_of=args.as_of,
            progress=progress,
        )
    except SiteError as exc:
        found = exc.diagnostics
        if isinstance(exc, UsageError):
            sys.stderr.write(render(found, "text", args.lang))
            return exc.exit_code
    found = sorted(
        set(found), key=lambda d: (d.path, d.line or 0, d.col or 0, d.field, d.message())
    )
    errors = sum(d.severity == "error" for d in found)
    warnings = len(found) - errors
    stream = sys.stderr if args.format == "text" else sys.stdout
    stream.write(render(found, args.format, args.lang))
    failed = errors > 0 or (args.strict and warnings > 0)
    if args.format == "text":
        if not found:
            summary = "checked: no errors" if args.lang == "en" else "检查完毕：没有错误"
        elif args.lang == "en":
            summary = f"checked: {errors} error(s), {warnings} warning(s)"
        else:
            summary = f"检查完毕：{errors} 个错误，{warnings} 个警告"
        print(summary, file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0


def _new(args: argparse.Namespace) -> int:
    """``new site DIR`` and ``new report ID``: write a skeleton, say what to do next."""
    from rectify_site.editor.scaffold import new_report, new_site

    en = args.lang == "en"
    if args.what == "site":
        new_site(args.dir, report_id=args.report)
        content = args.dir / "content"
        report = content / args.report
    elif args.source is not None:
        return _import(args)
    else:
        new_report(args.content, args.id, kind=args.kind)
        content, report = args.content, args.content / args.id
    preview = f"rectify-site serve --content {content}"
    if en:
        print(f"created {report} (a draft); fill in each placeholder 未填写 and preview: {preview}")
    else:
        print(f"已创建 {report}（草稿）：把每个【未填写】换成原文内容；预览：{preview}")
    return 0


def _import(args: argparse.Namespace) -> int:
    """``new report ID --from FILE``: the importer (``rectify-site import FILE --id ID``)."""
    from rectify_site.importing.command import run_import

    return run_import(args.source, args.content, report_id=args.id, lang=args.lang)


def _completion(args: argparse.Namespace) -> int:
    """A completion script from shtab, with folders and files completed where expected."""
    import shtab

    parser = _parser(args.lang)
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


def _schema(args: argparse.Namespace) -> int:
    """Write schemas/<kind>.schema.json; content files name them on their first line."""
    from rectify_site.editor.schema import schema_files, write_schemas

    changed = write_schemas(args.out)
    total = len(schema_files())
    if args.lang == "en":
        print(f"wrote {len(changed)} of {total} schema(s) into {args.out}")
    else:
        print(f"已写入 {args.out}：{total} 个 JSON Schema，其中 {len(changed)} 个有变化")
    return 0


def _ledger_template(args: argparse.Namespace) -> int:
    """Write an empty ledger.xlsx for one report; never over an existing file."""
    from rectify_site.errors import UsageError, diag
    from rectify_site.load.collection import load_collection
    from rectify_site.site.ledger_downloads import template_xlsx
    from rectify_site.site.ledger_pages import aspect_refs, status_refs

    collection = load_collection(args.content)
    reports = {r.id: r for r in collection.reports + collection.drafts}
    report = reports.get(args.report)
    if report is None:
        choices = "、".join(sorted(reports))
        raise UsageError(
            [diag(args.content, "pdf.report_unknown", value=args.report, choices=choices)]
        )
    out: Path = args.out or Path(f"ledger-{report.id}.xlsx")
    if out.exists():
        raise UsageError([diag(out, "ledger.exists")])
    data = template_xlsx(aspect_refs(report), status_refs(report))
    try:
        with open(out, "xb") as fh:  # exclusive: never over a file made meanwhile
            fh.write(data)
    except FileExistsError:
        raise UsageError([diag(out, "ledger.exists")]) from None
    except OSError as exc:
        raise UsageError([diag(out, "output.failed", problem=exc.strerror or str(exc))]) from None
    print(f"wrote {out}" if args.lang == "en" else f"已生成 {out}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from rectify_site.commands.export import export_report
    from rectify_site.messages import translate

    out = export_report(args.content, args.report, args.to, args.out)
    print(translate("export.written", {"path": out}, args.lang))
    return 0


def _pdf(args: argparse.Namespace) -> int:
    from rectify_site.commands.pdf import write_pdf

    out = write_pdf(args.content, args.out, report_id=args.report, templates=args.templates)
    print(f"wrote {out}" if args.lang == "en" else f"已生成 {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
