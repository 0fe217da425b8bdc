"""References from prose to data: ``{{ figures.problems.total }}`` becomes 57.

Prose can only read data. A reference is parsed by Jinja, then checked against a short
list of allowed syntax (names, attribute and item lookups, constants and the ``zh`` and
``date`` filters); no loops, calls or arithmetic. What remains is rendered in Jinja's
immutable sandbox with StrictUndefined, on plain data (never the models and their
methods), so a missing name is an error, not a blank. Each distinct string is compiled
once.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, UndefinedError, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from rectify_site.model.counting import JINJA_RE
from rectify_site.model.dates import Month
from rectify_site.model.limits import REFUSED_CHARS, code_point, first_refused, refused_char_key
from rectify_site.model.markdown import has_raw_html, remote_images, render_inline, unsafe_links
from rectify_site.model.numbering import zh_date, zh_numeral

_ALLOWED_NODES = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Getattr,
    nodes.Getitem,
    nodes.Const,
    nodes.Filter,
    nodes.Keyword,
)


def _date(value: dt.date | Month, year: bool = True) -> str:
    return zh_date(value, year=year)


def _finalize(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date | Month):
        return zh_date(value)
    return value


def _make_env() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        finalize=_finalize,
        keep_trailing_newline=True,
    )
    env.filters = {"zh": zh_numeral, "date": _date}
    env.tests = {}
    env.globals = {}
    return env


_ENV = _make_env()


@lru_cache(maxsize=8192)
def _compile(source: str) -> Template | tuple[str, dict[str, Any]]:
    """The sandboxed template of one prose string, or the problem with it.

    The string is parsed, checked against the allowed syntax, then compiled by the
    immutable sandbox. Cached: reports repeat their boilerplate (the intro, the closing
    figures), so each distinct string is compiled once however many reports use it.
    """
    try:
        ast = _ENV.parse(source)
    except TemplateSyntaxError as exc:
        return ("prose.syntax", {"problem": exc.message or str(exc), "line": exc.lineno})
    for node in ast.find_all(nodes.Node):
        if not isinstance(node, _ALLOWED_NODES):
            return ("prose.unsafe", {"problem": _construct(node)})
        if isinstance(node, nodes.Filter) and (
            node.name not in _ENV.filters or node.dyn_args or node.dyn_kwargs or node.node is None
        ):
            problem = (f"过滤器 {node.name}", f"the filter {node.name}")
            return ("prose.unsafe", {"problem": problem})
        if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            return ("prose.unsafe", {"problem": ("内部属性", "internal attributes")})
    return _ENV.from_string(ast)


def expand(source: str, data: dict[str, Any]) -> tuple[str, tuple[str, dict[str, Any]] | None]:
    """Render the references in one prose string: (text, None) or (source, (key, params))."""
    if "{" not in source:
        return source, None
    template = _compile(source)
    if isinstance(template, tuple):
        return source, template
    try:
        return template.render(data), None
    except SecurityError:  # internals such as __class__, refused by the sandbox
        return source, ("prose.unsafe", {"problem": ("内部属性", "internal attributes")})
    except UndefinedError:
        ast = _ENV.parse(source)
        return source, ("prose.undefined", {"name": _first_missing(ast, data)})
    except (TypeError, ValueError, AttributeError) as exc:
        return source, ("prose.syntax", {"problem": str(exc)})


def _construct(node: nodes.Node) -> tuple[str, str]:
    """What a refused piece of template syntax is, in the editor's words."""
    if isinstance(node, nodes.Call):
        return ("函数调用", "calls")
    if isinstance(node, nodes.BinExpr | nodes.UnaryExpr | nodes.Compare):
        return ("运算", "arithmetic or comparisons")
    if isinstance(node, nodes.For):
        return ("循环", "loops")
    if isinstance(node, nodes.If | nodes.CondExpr):
        return ("条件", "conditions")
    return (f"{type(node).__name__} 语法", f"{type(node).__name__} syntax")


def _dotted(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return f"{_dotted(node.node)}[{node.arg.value!r}]"
    return "?"


def _resolves(node: nodes.Node, data: Any) -> tuple[bool, Any]:
    if isinstance(node, nodes.Name):
        return (node.name in data, data.get(node.name))
    if isinstance(node, nodes.Getattr | nodes.Getitem):
        ok, parent = _resolves(node.node, data)
        if not ok:
            return False, None
        key = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
        if isinstance(parent, dict) and key in parent:
            return True, parent[key]
        return False, None
    return True, None


def _first_missing(ast: nodes.Template, data: dict[str, Any]) -> str:
    for node in ast.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
        if not _resolves(node, data)[0]:
            # report the shortest chain that fails: walk down to it
            inner = node
            while (
                isinstance(inner, nodes.Getattr | nodes.Getitem)
                and not _resolves(inner.node, data)[0]
            ):
                inner = inner.node
            return _dotted(inner)
    return "?"


Problem = tuple[str, dict[str, Any]]
"""A message key and its parameters, for the caller to place at a file and line."""


_CHAR_REF = re.compile(r"&(?:#[xX][0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);")
"""A Markdown (HTML) character reference: markdown-it publishes the character it names."""

_WHAT = {
    "text.control": ("控制字符", "the control character"),
    "text.bidi": ("双向文本控制符", "the bidirectional control"),
    "text.noncharacter": ("非文本字符", "the noncharacter"),
}


def _rendered(out: str) -> str:
    """What pages publish of expanded prose, as far as characters go: markdown-it turns
    character references into the characters; nothing else makes a new one."""
    return render_inline(out) if "&" in out else out


def _refused_escapes(source: str, out: str, data: dict[str, Any]) -> list[Problem]:
    """Each character no text may hold that only rendering makes (``&#x202E;``,
    ``{{ '\\u2066' }}``), once: the loader saw none typed, so the escape is named."""
    rendered = _rendered(out)
    if first_refused(rendered) is None:
        return []
    found: list[Problem] = []
    for ch in dict.fromkeys(m.group() for m in REFUSED_CHARS.finditer(rendered)):
        escape = code_point(ch)
        for m in itertools.chain(JINJA_RE.finditer(source), _CHAR_REF.finditer(source)):
            written = m.group()
            if ch in _rendered(written if written[0] == "&" else expand(written, data)[0]):
                escape = written
                break
        what = _WHAT[refused_char_key(ch)]
        found.append(("text.escaped", {"escape": escape, "what": what, "char": code_point(ch)}))
    return found


def expand_checked(source: str, data: dict[str, Any]) -> tuple[str, list[Problem]]:
    """Expand one prose string and check what it would publish: characters, links and
    raw HTML."""
    out, problem = expand(source, data)
    if problem is not None:
        return source, [problem]
    if "{" in source or "&" in source:  # else the loader has checked every character
        refused = _refused_escapes(source, out, data)
        if refused:
            return source, refused
    if "<" not in out and "](" not in out:  # no link and no tag: most prose, checked at once
        return out, []
    problems: list[Problem] = [("link.unsafe", {"url": url}) for url in unsafe_links(out)]
    if "!" in out:  # an image: only from the site itself (no request to another host)
        problems += [("prose.remote_image", {"url": u}) for u in remote_images(render_inline(out))]
    if has_raw_html(out):
        problems.append(("prose.html", {}))
    return out, problems
