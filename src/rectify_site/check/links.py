"""Links in the rendered site, checked in memory: nothing needs to be written first.

Every internal ``href``/``src`` must lead to a file of the site, every ``#fragment`` to
an ``id`` on the target page, and no page may load anything (a script, a style sheet, an
image, a font) from another host: the site must work offline and leak no visits. Links
that only navigate (``<a href="https://…">``, ``rel=canonical``) may point anywhere.
"""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from rectify_site.errors import Diagnostic, diag

NAVIGATION_RELS = frozenset(
    {"canonical", "alternate", "author", "license", "help", "next", "prev", "search", "me"}
)
"""``<link rel>`` values that name a page rather than load it."""

_LOADING_ATTRS = {"src", "srcset", "poster", "data"}
_CSS_URL_RE = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


class _Page(HTMLParser):
    """Collects the ids of one page and every URL it refers to, with line and column."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[int, int, str, str, bool]] = []
        """(line, col, attribute, url, loads) for every reference."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        line, col = self.getpos()
        for key in ("id", "name") if tag in ("a", "map") else ("id",):
            if a.get(key):
                self.ids.add(a[key])
        if "style" in a:
            for url in css_urls(a["style"]):
                self.refs.append((line, col + 1, "style", url, True))
        for key, value in a.items():
            if key == "href" and tag in ("a", "area"):
                self.refs.append((line, col + 1, key, value, False))
            elif key == "href" and tag == "link":
                rels = set(a.get("rel", "").lower().split())
                loads = not rels or not rels <= NAVIGATION_RELS
                self.refs.append((line, col + 1, key, value, loads))
            elif key in _LOADING_ATTRS and tag != "param":
                urls = [u.strip().split(" ")[0] for u in value.split(",")]
                urls = urls if key == "srcset" else [value]
                for url in urls:
                    self.refs.append((line, col + 1, key, url, True))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def css_urls(css: str) -> list[str]:
    """Every ``url(…)`` and ``@import`` in a style sheet or a style attribute."""
    return [m.group(1) or m.group(2) for m in _CSS_URL_RE.finditer(css)]


def _is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) or url.startswith("//")


def _resolve(page: str, url: str, root_path: str) -> str | None:
    """The site path a relative or root-relative URL leads to, or None if it leaves the site."""
    path = unquote(urlsplit(url).path)
    if not path:  # "#anchor" or "?query": this page
        return page
    if path.startswith("/"):
        if not path.startswith(root_path):
            return None
        path = path[len(root_path) :]
    else:
        path = posixpath.join(posixpath.dirname(page), path)
    norm = posixpath.normpath(path)
    if norm.startswith(("..", "/")):
        return None
    if path.endswith("/") or norm == ".":
        norm = posixpath.normpath(posixpath.join(norm, "index.html"))
    return norm


def check_links(
    files: dict[str, bytes], *, root_path: str = "/", label: str = "_site"
) -> list[Diagnostic]:
    """Broken internal links and anchors, and loads from other hosts, over every page.

    ``files`` maps site paths to bytes, as the renderer makes them; ``root_path`` is the
    path of the base URL, which root-relative links (on the 404 page) start with; each
    diagnostic names the page as ``label/<path>``.
    """
    pages: dict[str, _Page] = {}
    for path in sorted(files):
        if path.endswith(".html"):
            parser = _Page()
            parser.feed(files[path].decode("utf-8", "replace"))
            parser.close()
            pages[path] = parser
    out: list[Diagnostic] = []
    for path, parser in pages.items():
        where = f"{label}/{path}"
        for line, col, attr, url, loads in parser.refs:
            out += _check_one(files, pages, path, where, line, col, attr, url, loads, root_path)
    for path in sorted(files):
        if path.endswith(".css"):
            css = files[path].decode("utf-8", "replace")
            for url in css_urls(css):
                if _is_external(url):
                    out.append(diag(f"{label}/{path}", "link.external_load", field="url", url=url))
    return out


def _check_one(
    files: dict[str, bytes],
    pages: dict[str, _Page],
    path: str,
    where: str,
    line: int,
    col: int,
    attr: str,
    url: str,
    loads: bool,
    root_path: str,
) -> list[Diagnostic]:
    url = url.strip()
    scheme = urlsplit(url).scheme.lower()

    def found(key: str, anchor: str = "") -> list[Diagnostic]:
        return [diag(where, key, line=line, col=col, field=attr, url=url, anchor=anchor)]

    if scheme in ("javascript", "vbscript"):
        return found("link.unsafe")
    if scheme in ("mailto", "tel", "data") or not url:
        return []
    if scheme or _is_external(url):
        return found("link.external_load") if loads else []
    target = _resolve(path, url, root_path)
    if target is None or target not in files:
        return found("link.broken")
    fragment = unquote(urlsplit(url).fragment)
    if fragment and fragment != "top" and target in pages and fragment not in pages[target].ids:
        return found("link.anchor", anchor=fragment)
    return []
