"""The import review page: the source as read beside the result, for an editor to check.

``import`` keeps a copy of the source text as it read it (its lines) in the cache folder,
``<project>/.rectify-cache/.import-review/<report id>.json``: never in ``content/`` or
the output, and not an input of any build. ``serve`` then shows, for every draft with
such a copy, ``/__rectify__/review/<id>.html``: on the left the source, on the right the
report as now written (it follows every edit); in both, each figure the import
extracted is highlighted in its sentence (``<mark class="figure">``) and each number it
left as plain text is marked (``<mark class="plain">``); a source line found nowhere in
the result is flagged. The page is made in memory for the preview, never written.
"""

from __future__ import annotations

import html
import json
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rectify_site.build.cache import CACHE_DIRNAME, TAG, TAG_NAME
from rectify_site.errors import SiteError
from rectify_site.model.counting import JINJA_RE, MARK_RE, UNITS

FOLDER = ".import-review"
"""The review copies' folder inside the cache (a dot: no output folder is named so)."""

PAGE_PREFIX = "__rectify__/review/"
"""Where the review pages are served (never a path of the built site)."""

FORMAT = 1

_FIG_OPEN, _FIG_CLOSE, _TXT_OPEN, _TXT_CLOSE = "\ue001", "\ue002", "\ue003", "\ue004"
_UNIT_AFTER = re.compile(
    "(?:[万亿]?(?:余|多)?(?:" + "|".join(sorted(UNITS, key=len, reverse=True)) + ")|%)"
)
PROSE_FIELDS = ("intro", "heading", "text", "actions", "invitation")


def folder_for(content: Path) -> Path:
    """The review copies of the reports in ``content``: beside it, in the cache."""
    return content.resolve().parent / CACHE_DIRNAME / FOLDER


def save(content: Path, report_id: str, source: str, lines: list[str]) -> Path | None:
    """Keep the source's lines for the review page; None (nothing written) when the
    cache folder exists but is not this tool's (no CACHEDIR.TAG of ours)."""
    cache = content.resolve().parent / CACHE_DIRNAME
    tag = cache / TAG_NAME
    if cache.is_dir() and not (tag.is_file() and tag.read_text("utf-8", "replace") == TAG):
        return None
    if cache.is_symlink() or (cache.exists() and not cache.is_dir()):
        return None
    where = cache / FOLDER
    where.mkdir(parents=True, exist_ok=True)
    if not tag.is_file():
        tag.write_text(TAG, "utf-8")
    data = {"format": FORMAT, "report": report_id, "source": source, "lines": lines}
    path = where / f"{report_id}.json"
    fd, tmp = tempfile.mkstemp(dir=where, prefix=".review-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def copies(content: Path) -> dict[str, dict[str, Any]]:
    """Report id -> its review copy, for every readable copy."""
    where = folder_for(content)
    out: dict[str, dict[str, Any]] = {}
    if not where.is_dir() or where.is_symlink():
        return out
    for path in sorted(where.glob("*.json")):
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        if (
            isinstance(data, dict)
            and data.get("format") == FORMAT
            and data.get("report") == path.stem
            and isinstance(data.get("lines"), list)
            and all(isinstance(x, str) for x in data["lines"])
        ):
            out[path.stem] = data
    return out


# --- the result: the report's prose, each figure and plain number marked --------------


Spans = list[tuple[int, int, str]]
"""(start, end, "figure" | "plain") in a text."""


@dataclass
class Piece:
    """One prose string of the report, rendered, with its marked spans."""

    where: str
    html: str
    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    """(start, end, "figure" | "plain") in ``text``."""


def _sentinels(raw: str) -> str:
    """``raw`` with each figure reference (and the unit after it) and each plain-text mark
    between private-use characters, which rendering passes through."""
    out, last = [], 0
    for m in JINJA_RE.finditer(raw):
        out.append(raw[last : m.start()])
        last = m.end()
        if MARK_RE.fullmatch(m.group(0)):
            out.append(_TXT_OPEN + m.group(0) + _TXT_CLOSE)
        elif "figures." in m.group(0) or "counts." in m.group(0):
            unit = _UNIT_AFTER.match(raw, m.end())
            tail = unit.group(0) if unit else ""
            last += len(tail)
            out.append(_FIG_OPEN + m.group(0) + tail + _FIG_CLOSE)
        else:
            out.append(m.group(0))
    out.append(raw[last:])
    return "".join(out)


_SENTINEL_RE = re.compile(f"[{_FIG_OPEN}{_FIG_CLOSE}{_TXT_OPEN}{_TXT_CLOSE}]")


def piece(raw: str, data: dict[str, Any], where: str) -> Piece:
    """One prose string as the page shows it, and as text with the marked spans."""
    from rectify_site.model.markdown import render_inline
    from rectify_site.model.prose import expand

    text, problem = expand(_sentinels(raw), data)
    if problem is not None:
        text = raw
    shown = render_inline(text)
    shown = (
        shown.replace(_FIG_OPEN, '<mark class="figure">')
        .replace(_TXT_OPEN, '<mark class="plain">')
        .replace(_FIG_CLOSE, "</mark>")
        .replace(_TXT_CLOSE, "</mark>")
    )
    plain: list[str] = []
    spans: Spans = []
    opened: tuple[int, str] | None = None
    for ch in text:
        if ch in (_FIG_OPEN, _TXT_OPEN):
            opened = (len(plain), "figure" if ch == _FIG_OPEN else "plain")
        elif ch in (_FIG_CLOSE, _TXT_CLOSE) and opened is not None:
            spans.append((opened[0], len(plain), opened[1]))
            opened = None
        else:
            plain.append(ch)
    return Piece(where, shown, _unescape("".join(plain)), spans)


_ESCAPED_RE = re.compile(r"\\([\\`*_\[\]&~])")


def _unescape(text: str) -> str:
    """The text as a reader sees it (Markdown's backslash escapes undone, ＜ as typed)."""
    return _ESCAPED_RE.sub(r"\1", text)


def _prose_strings(data: Any, follow: Any, where: str = "") -> list[tuple[str, str]]:
    """(field, raw prose) of a content file's data in file order, ``file:`` followed."""
    out: list[tuple[str, str]] = []
    if isinstance(data, list):
        for i, item in enumerate(data):
            out += _prose_strings(item, follow, f"{where}[{i}]")
    elif isinstance(data, dict):
        ref = data.get("file")
        if isinstance(ref, str) and ref.endswith(".yaml") and ".." not in ref:
            return _prose_strings(follow(ref), follow, ref)
        for key, value in data.items():
            name = f"{where}.{key}" if where else str(key)
            if key in PROSE_FIELDS and isinstance(value, str):
                out.append((name, value))
            elif key in PROSE_FIELDS and isinstance(value, list):
                out += [(f"{name}[{i}]", v) for i, v in enumerate(value) if isinstance(v, str)]
            elif key in ("children", "contact"):
                out += _prose_strings(value, follow, name)
    return out


def result(folder: Path, data: dict[str, Any]) -> list[Piece]:
    """Every prose string of the report in ``folder``, in reading order."""
    import yaml

    def load(rel: str) -> Any:
        path = folder / rel
        if path.is_symlink() or not path.resolve().is_relative_to(folder.resolve()):
            return None
        try:
            return yaml.safe_load(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            return None

    report = load("report.yaml")
    if not isinstance(report, dict):
        return []
    plain = [
        (name, str(report[name])) for name in ("issuer", "title", "recipients") if report.get(name)
    ]
    contact = report["contact"] if isinstance(report.get("contact"), dict) else {}
    tail = [
        (f"contact.{k}", str(v))
        for k, v in contact.items()
        if k not in ("invitation", "labels") and isinstance(v, (str, int))
    ]
    if report.get("status_line"):
        plain.append(("status_line", str(report["status_line"])))
    out = [Piece(where, html.escape(text), text) for where, text in plain]
    end = [Piece(where, html.escape(text), text) for where, text in tail]
    strings = [(k, v) for k, v in _prose_strings({"intro": report.get("intro")}, load)]
    for part in report.get("parts") or []:
        if isinstance(part, str):
            strings += _prose_strings(load(f"parts/{part}.yaml"), load, f"parts/{part}.yaml")
    strings += _prose_strings({"contact": report.get("contact")}, load)
    return out + [piece(raw, data, where) for where, raw in strings] + end


# --- the source, with the spans found in it ------------------------------------------


def _fold(text: str) -> str:
    """``text`` with each full-width character as its half-width form, one for one (so
    offsets hold): import writes the full-width punctuation a source may type as ASCII."""
    out = []
    for ch in text.replace("＜", "<"):
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


def _located(lines: list[str], pieces: list[Piece]) -> tuple[list[Spans], list[bool]]:
    """For each source line, the marked spans of the pieces found in it, and whether any
    piece was found in it at all."""
    spans: list[Spans] = [[] for _ in lines]
    placed = [False] * len(lines)
    cursor = 0
    folded = [_fold(line) for line in lines]
    for p in pieces:
        wanted = _fold(p.text)
        if not wanted.strip():
            continue
        order = list(range(cursor, len(lines))) + list(range(0, cursor))
        for i in order:
            at = folded[i].find(wanted)
            if at >= 0:
                placed[i] = True
                spans[i] += [(at + s, at + e, kind) for s, e, kind in p.spans]
                cursor = i
                break
    return spans, placed


def _marked(line: str, spans: list[tuple[int, int, str]]) -> str:
    out, last = [], 0
    for start, end, kind in sorted(set(spans)):
        if start < last:
            continue
        out += [html.escape(line[last:start]), f'<mark class="{kind}">']
        out += [html.escape(line[start:end]), "</mark>"]
        last = end
    out.append(html.escape(line[last:]))
    return "".join(out)


STYLE_FILE = "review.css"
"""Beside the review pages: a file, as ``style-src 'self'`` refuses inline styles."""
STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:0;padding:1rem;
line-height:1.7;color:#1a1a1a;background:#fff}
h1{font-size:1.3rem;margin:.2rem 0 .6rem}
.legend{margin:.4rem 0 1rem}
.columns{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1.5rem}
@media (max-width:48rem){.columns{grid-template-columns:minmax(0,1fr)}}
section{min-width:0}
ol.lines{padding-left:3.2em;margin:0}
ol.lines li{overflow-wrap:anywhere;padding:.1rem 0}
li.unplaced{background:#fdecea;outline:1px dashed #a12a1f}
.where{display:block;font-size:.8rem;color:#555;font-family:ui-monospace,monospace}
p.piece{margin:.2rem 0 .7rem;overflow-wrap:anywhere}
mark.figure{background:#ffe08a;color:#1a1a1a;border-bottom:2px solid #8a5a00}
mark.plain{background:#d7e9ff;color:#1a1a1a;border-bottom:2px dotted #1f4e8c}
"""


def page(report_id: str, copy: dict[str, Any], pieces: list[Piece], title: str) -> bytes:
    """The review page of one draft (HTML, every text escaped)."""
    lines = [str(x) for x in copy["lines"]]
    spans, placed = _located(lines, pieces)
    figures = sum(1 for p in pieces for s in p.spans if s[2] == "figure")
    plain = sum(1 for p in pieces for s in p.spans if s[2] == "plain")
    unplaced = placed.count(False)
    flag = ' class="unplaced"'
    note = '<span class="where">未见于导入结果，请核对</span>'
    source_items = "\n".join(
        f"<li{'' if ok else flag}>{_marked(line, found)}{'' if ok else note}</li>"
        for line, found, ok in zip(lines, spans, placed, strict=True)
    )
    result_items = "\n".join(
        f'<p class="piece"><span class="where">{html.escape(p.where)}</span>{p.html}</p>'
        for p in pieces
    )
    e = html.escape
    body = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>导入审核：{e(title)}</title><link rel="stylesheet" href="{STYLE_FILE}"></head>
<body><main>
<h1>导入审核：{e(title)}</h1>
<p>草稿 <code>{e(report_id)}</code>，导入自 <code>{e(str(copy.get("source", "")))}</code>。
逐项核对后，在 report.yaml 中改为 <code>draft: false</code> 再发布。</p>
<p class="legend"><mark class="figure">统计数字</mark>：
导入登记在 figures.yaml 的数字（{figures} 处）；
<mark class="plain">正文数字</mark>：留作正文、未登记的数字（{plain} 处）；
未见于导入结果的原文行：{unplaced} 行。</p>
<div class="columns">
<section aria-labelledby="source-h"><h2 id="source-h">原文</h2>
<ol class="lines">
{source_items}
</ol></section>
<section aria-labelledby="result-h"><h2 id="result-h">导入结果</h2>
{result_items}
</section>
</div></main></body></html>
"""
    return body.encode("utf-8")


def index(entries: list[tuple[str, str]]) -> bytes:
    """The list of review pages: (report id, title)."""
    items = "\n".join(
        f'<li><a href="{html.escape(rid)}.html">{html.escape(title)}</a></li>'
        for rid, title in entries
    )
    empty = "" if entries else "<p>没有待审核的导入。</p>"
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>导入审核</title><link rel="stylesheet" href="{STYLE_FILE}"></head>
<body><main><h1>导入审核</h1>{empty}<ul>
{items}
</ul></main></body></html>
""".encode()


_BANNER_RE = re.compile(rb'(<p class="draft-banner"[^>]*>.*?</p>)', re.S)


def link(page: bytes, report_id: str) -> bytes:
    """A draft's page with a link to its review page after the draft banner."""
    href = f"/{PAGE_PREFIX}{report_id}.html".encode()
    tag = (
        b'\n<p class="draft-review"><a href="'
        + href
        + '">导入审核：原文与导入结果对照</a></p>'.encode()
    )
    return _BANNER_RE.sub(lambda m: m.group(1) + tag, page, count=1)


def pages(content: Path) -> dict[str, bytes]:
    """Path under the preview -> bytes: a review page for every draft with a review copy,
    and their index. A report that no longer loads, or is no draft, has none."""
    from rectify_site.load.collection import load_report
    from rectify_site.model.assemble import prose_data

    out: dict[str, bytes] = {}
    entries = []
    for rid, copy in copies(content).items():
        folder = content / rid
        if not (folder / "report.yaml").is_file() or folder.is_symlink():
            continue
        try:
            loaded = load_report(folder, content)
        except SiteError:  # the build reports it; no review page meanwhile
            continue
        report = loaded.report
        if report is None or not report.draft:
            continue
        pieces = result(folder, prose_data(report))
        out[f"{PAGE_PREFIX}{rid}.html"] = page(rid, copy, pieces, report.title)
        entries.append((rid, report.title))
    out[f"{PAGE_PREFIX}index.html"] = index(entries)
    out[f"{PAGE_PREFIX}{STYLE_FILE}"] = STYLE.encode("utf-8")
    return out
