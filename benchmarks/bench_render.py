#!/usr/bin/env python3
"""What rendering the report's nodes costs, and whether sharing or compiling them would pay.

    python benchmarks/bench_render.py --base ../engine3-base [--reports 200 1000] [--pairs 3]
    python benchmarks/bench_render.py --quick          # N = 20, one pair, no baseline

Issue 24 item 3 asked for each node to be rendered once: the full text (full.html) and the
category pages (categories/<id>.html) both render every node below a category, through
recursive Jinja macros. This measures, on generated collections (benchmarks/generate.py,
labelled synthetic reports):

- the render stage (every HTML page, in one process, caches cold), in a fresh process per
  run, paired A B A B between a baseline checkout (``--base``) and this one; medians;
- the count of template renders: pages by template, and node macro calls (``node`` for the
  full text, ``block`` for a category page);
- how many nodes a per-build memo keyed by the node's content could serve twice: the
  nodes whose markup is byte-identical on the two pages, and repeated content keys;
- the node macros against a compiled renderer: a Python function that writes the same
  bytes as the ``node`` macro (checked on every node), per node, medians of alternating
  runs.

Not a test: nothing here asserts but the compiled renderer's byte identity. Work files go
to benchmarks/_render/ (git-ignored) unless ``--work`` says otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GENERATE = ROOT / "benchmarks" / "generate.py"


# --- in a child process: one checkout's code (PYTHONPATH) over one corpus ----------------


def _pages(content: Path) -> tuple[Any, list[Any]]:
    """The derive stage's result for ``content``, loaded without a cache."""
    from rectify_site.build.stages import Build, Loaded, derive
    from rectify_site.load.collection import load_collection

    derived = derive(Build(content), Loaded(load_collection(content, None, {}), [], {}))
    return derived, derived.pages


def _env(derived: Any) -> Any:
    from rectify_site.site.render import load_assets, make_env
    from rectify_site.site.themes import default_theme

    theme = default_theme()
    return make_env(theme, site=derived.site, assets=load_assets(theme), base_url=None)


def child(content: Path) -> dict[str, Any]:
    """Time one cold render of every page (one process), then count what it rendered."""
    from jinja2.runtime import Macro

    from rectify_site.site.render import render_pages

    derived, pages = _pages(content)
    env = _env(derived)
    for name in sorted({p.template for p in pages}):
        env.get_template(name)  # compiling is not rendering
    start = time.perf_counter()
    render_pages(env, pages, jobs=1)
    seconds = time.perf_counter() - start

    calls: Counter[str] = Counter()
    invoke = Macro._invoke

    def counted(self: Macro, arguments: list[Any], autoescape: bool) -> Any:
        calls[self.name] += 1
        return invoke(self, arguments, autoescape)

    Macro._invoke = counted  # type: ignore[method-assign]
    try:
        render_pages(_env(derived), pages, jobs=1)
    finally:
        Macro._invoke = invoke  # type: ignore[method-assign]
    return {
        "render_s": seconds,
        "pages": len(pages),
        "by_template": dict(Counter(p.template for p in pages)),
        "node_calls": calls["node"],
        "block_calls": calls["block"],
        "all_macro_calls": sum(calls.values()),
    }


# --- in this process: sharing, and a compiled renderer ----------------------------------


def _digest(node: Any, report: Any) -> str:
    """A node's content key: its fields, subtree included, and the report's status words."""
    data = node.model_dump_json() + (report.status_line or "")
    return hashlib.sha256(data.encode()).hexdigest()


def sharing(content: Path) -> dict[str, Any]:
    """Nodes below a category whose ``node`` (full text) and ``block`` (category page)
    markup is the same; content keys that occur more than once in the build."""
    derived, _ = _pages(content)
    env = _env(derived)
    keys: Counter[str] = Counter()
    same = below = 0
    for report in derived.reports:
        macros = env.get_template("macros.html").make_module({"report": report})
        for node in (n for p in report.parts for n in p.walk()):
            keys[_digest(node, report)] += 1
        for cat in report.categories():
            for level, child_node in [(2, c) for c in cat.children]:
                below += 1
                same += str(macros.node(child_node, report)) == str(
                    macros.block(child_node, report, level)
                )
    return {
        "nodes": sum(keys.values()),
        "repeated_keys": sum(n - 1 for n in keys.values() if n > 1),
        "children_of_categories": below,
        "same_markup": same,
    }


@functools.cache
def _helpers() -> tuple[Any, Any, Any, Any]:
    """escape, md, unbroken_tail and run_in_stop, imported once (the checkout's own)."""
    from markupsafe import Markup, escape

    from rectify_site.model.markdown import render_inline
    from rectify_site.site.linebreaks import unbroken_tail
    from rectify_site.site.render import run_in_stop

    def md(text: str | None) -> Markup:
        return Markup(render_inline(text)) if text else Markup("")

    return escape, md, unbroken_tail, run_in_stop


def _actions(n: Any) -> str:
    escape, md, _, _ = _helpers()
    return "".join(
        f'<span class="action"><span class="action-no">{escape(a.number)}</span>{md(a.text)}</span>'
        for a in n.actions
    )


def _rest(n: Any, report: Any, out: list[str], tables: Any) -> None:
    """A node's tables, status line and children, as the macro ends both its forms."""
    escape = _helpers()[0]
    if n.tables:
        out.append(str(tables(n.tables)))
    if n.status and report.status_line:
        out.append(
            f'<p class="status-line">{escape(report.status_line)}：<span class="status">'
            f"{escape(report.status_label(n.status))}</span></p>\n"
        )
    for c in n.children:
        compiled_node(c, report, out, tables)
        out.append("\n")


def compiled_node(n: Any, report: Any, out: list[str], tables: Any) -> None:
    """The ``node`` macro of templates/macros.html written as Python: the same bytes.

    ``tables`` renders a node's tables (the theme's ``tables_of`` macro; rare)."""
    escape, md, unbroken_tail, run_in_stop = _helpers()
    anchor = escape(n.anchor)
    paragraphs = n.paragraphs
    if n.heading and not n.run_in:
        level = min(n.depth + 1, 6)
        role = f" {escape(n.role)}" if n.role else ""
        ignore = ' data-pagefind-ignore="all"' if n.role == "category" else ""
        out.append(
            f'<section class="node depth-{n.depth}{role}" aria-labelledby="{anchor}"{ignore}>\n'
            f'<h{level} id="{anchor}">{unbroken_tail(escape(n.number) + md(n.heading))}'
            f"</h{level}>\n"
        )
        last = len(paragraphs) - 1
        for i, p in enumerate(paragraphs):
            tail = _actions(n) if i == last and n.actions else ""
            out.append(f'<p class="body">{md(p)}{tail}</p>\n')
        if not paragraphs and n.actions:
            out.append(f'<p class="body">{_actions(n)}</p>')
        _rest(n, report, out, tables)
        out.append("</section>\n")
        return
    out.append(f'<p class="item" id="{anchor}">{escape(n.number)}')
    if n.heading:
        out.append(
            f'<strong class="item-heading">{md(n.heading)}{escape(run_in_stop(n.heading))}</strong>'
        )
    if paragraphs:
        out.append(md(paragraphs[0]))
    if n.actions and len(paragraphs) <= 1:
        out.append(_actions(n))
    out.append("</p>\n")
    for i, p in enumerate(paragraphs[1:]):
        tail = _actions(n) if i == len(paragraphs) - 2 and n.actions else ""
        out.append(f'<p class="body">{md(p)}{tail}</p>\n')
    _rest(n, report, out, tables)


def macros_against_compiled(content: Path, runs: int) -> dict[str, Any]:
    """Every part of every report through the ``node`` macro and through ``compiled_node``:
    the bytes compared once, then each timed ``runs`` times, alternating with a render of
    every page (the stage they are part of); µs per node, seconds for the pages."""
    from rectify_site.site.render import render_pages

    derived, pages = _pages(content)
    env = _env(derived)
    reports = derived.reports
    modules = {r.id: env.get_template("macros.html").make_module({"report": r}) for r in reports}

    def by_macro() -> list[str]:
        return [str(modules[r.id].node(p, r)) for r in reports for p in r.parts]

    def by_python() -> list[str]:
        made = []
        for r in reports:
            tables = modules[r.id].tables_of
            for p in r.parts:
                out: list[str] = []
                compiled_node(p, r, out, tables)
                made.append("".join(out))
        return made

    expected, got = by_macro(), by_python()
    differ = sum(a != b for a, b in zip(expected, got, strict=True))
    if differ:
        raise SystemExit(f"compiled renderer differs from the macro on {differ} part(s)")
    nodes = sum(1 for r in reports for p in r.parts for _ in p.walk())

    def every_page() -> None:
        render_pages(env, pages, jobs=1)

    times: dict[str, list[float]] = {"macro": [], "compiled": [], "pages": []}
    for _ in range(runs):
        for name, make in (("macro", by_macro), ("compiled", by_python), ("pages", every_page)):
            start = time.perf_counter()
            make()
            times[name].append(time.perf_counter() - start)
    medians = {k: statistics.median(v) for k, v in times.items()}
    return {
        "nodes": nodes,
        "parts_identical": len(expected),
        "macro_us": medians["macro"] / nodes * 1e6,
        "compiled_us": medians["compiled"] / nodes * 1e6,
        "macro_s": medians["macro"],
        "compiled_s": medians["compiled"],
        "pages_s": medians["pages"],
    }


# --- the parent: corpora, pairs, the table ------------------------------------------------


def corpus(work: Path, reports: int) -> Path:
    folder = work / f"generated-{reports}"
    if not (folder / "site.yaml").exists():
        command = [sys.executable, str(GENERATE), "--reports", str(reports), "--out"]
        subprocess.run([*command, str(folder)], check=True, capture_output=True)
    return folder


def run_child(checkout: Path, content: Path) -> dict[str, Any]:
    """``child`` in a fresh process with ``checkout``'s code first on the path."""
    env = {**os.environ, "PYTHONPATH": str(checkout / "src")}
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(content)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{checkout}: {done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def load() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def paired(sides: dict[str, Path], content: Path, pairs: int) -> dict[str, list[dict[str, Any]]]:
    """A B A B …: each side's child run ``pairs`` times, interleaved."""
    found: dict[str, list[dict[str, Any]]] = {name: [] for name in sides}
    for _ in range(pairs):
        for name, checkout in sides.items():
            found[name].append(run_child(checkout, content))
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--base", type=Path, help="a baseline checkout to pair against")
    ap.add_argument("--reports", type=int, nargs="+", default=[200, 1000])
    ap.add_argument("--pairs", type=int, default=3, help="A B pairs per size (3)")
    ap.add_argument("--runs", type=int, default=5, help="macro/compiled alternations (5)")
    ap.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "_render")
    ap.add_argument("--quick", action="store_true", help="N = 20, one pair")
    args = ap.parse_args(argv)
    if args.child is not None:
        print(json.dumps(child(args.child)))
        return 0
    sys.path.insert(0, str(ROOT / "src"))
    if args.quick:
        args.reports, args.pairs, args.runs = [20], 1, 1
    args.work.mkdir(parents=True, exist_ok=True)
    sides = {"tree": ROOT} if args.base is None else {"base": args.base, "tree": ROOT}
    print(f"date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {machine()}; load average at start {load():.1f}")
    print()
    print("| N | side | pages | node calls | block calls | macro calls | render (median) |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    shares = []
    for n in args.reports:
        content = corpus(args.work, n)
        results = paired(sides, content, args.pairs)
        for name, runs in results.items():
            r = runs[0]
            median = statistics.median(x["render_s"] for x in runs)
            print(
                f"| {n} | {name} | {r['pages']} | {r['node_calls']} | {r['block_calls']} "
                f"| {r['all_macro_calls']} | {median:.2f} s |"
            )
        shares.append((n, sharing(content), macros_against_compiled(content, args.runs)))
    print()
    for n, share, speed in shares:
        print(
            f"- N={n}: {share['nodes']} nodes, {share['repeated_keys']} repeated content "
            f"keys; {share['same_markup']} of {share['children_of_categories']} nodes below "
            "a category have the same markup on the full text and the category page"
        )
        print(
            f"- N={n}: node macro {speed['macro_us']:.1f} µs/node, compiled renderer "
            f"{speed['compiled_us']:.1f} µs/node ({speed['parts_identical']} parts "
            f"byte-identical); the full text's nodes {speed['macro_s']:.2f} s by macro, "
            f"{speed['compiled_s']:.2f} s compiled, in a render of every page of "
            f"{speed['pages_s']:.2f} s (same process, medians)"
        )
    print(f"\nload average at end {load():.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
