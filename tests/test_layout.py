"""The package is laid out by job, and every import points down the floors.

A module may import its own package and any package on a lower floor; the ground floor
(errors, messages, interrupts, workers, progress, files, _version) imports nothing of the
project but itself. ``__init__`` and ``__main__`` of the top package stand above everything.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "rectify_site"

FLOORS = [
    "ground",
    "model",
    "load",
    "site",
    "check",
    "build",
    "editor",
    "serve",
    "importing",
    "commands",
    "top",
]
"""Bottom to top; a module may import its own floor and the floors below it."""

GROUND = {"errors", "messages", "workers", "progress", "interrupts", "files", "_version"}


def floor_of(module: str) -> str:
    """``rectify_site.model.report`` -> ``model``; ``rectify_site.errors`` -> ``ground``."""
    parts = module.split(".")
    assert parts[0] == "rectify_site", module
    if len(parts) == 1 or parts[1] in ("__init__", "__main__"):
        return "top"
    if parts[1] in GROUND:
        return "ground"
    assert parts[1] in FLOORS, f"{module}: a package outside the layout"
    return parts[1]


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__" and len(parts) > 2:
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[int, str]]:
    """Every project module that ``path`` imports (at the top or inside a function)."""
    tree = ast.parse(path.read_text("utf-8"))
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("rectify_site")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, *([node.module] if node.module else [])])
            else:
                name = node.module or ""
            if name.startswith("rectify_site"):
                out.append((node.lineno, name))
    return out


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_is_on_a_floor() -> None:
    for path in MODULES:
        floor_of(module_name(path))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    mine = FLOORS.index(floor_of(module_name(path)))
    up = [
        f"{path.relative_to(PACKAGE)}:{line}: imports {name} ({floor_of(name)})"
        for line, name in imports_of(path)
        if FLOORS.index(floor_of(name)) > mine
    ]
    assert not up, "imports that run back up:\n" + "\n".join(up)


def test_the_ground_floor_imports_only_itself() -> None:
    for path in MODULES:
        if floor_of(module_name(path)) == "ground":
            for line, name in imports_of(path):
                assert floor_of(name) == "ground", f"{path.name}:{line}: {name}"


def test_the_floors_hold_no_cycle_of_packages() -> None:
    """Inside one floor modules may import each other, but never in a circle."""
    graph: dict[str, set[str]] = {}
    for path in MODULES:
        me = module_name(path)
        graph[me] = {n for _, n in imports_of(path) if n != me}
    seen: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        if seen.get(node) == 2 or node not in graph:
            return
        assert seen.get(node) != 1, "import cycle: " + " -> ".join([*trail, node])
        seen[node] = 1
        for nxt in sorted(graph[node]):
            if nxt.startswith("rectify_site") and not nxt.endswith("__init__"):
                visit(nxt, [*trail, node])
        seen[node] = 2

    for start in sorted(graph):
        visit(start, [])


def test_a_module_defined_upstairs_is_not_reached_by_a_private_name() -> None:
    """No module imports another module's private name (``_check_slug``)."""
    found = []
    for path in MODULES:
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("rectify_site"):
                found += [
                    f"{path.relative_to(PACKAGE)}:{node.lineno}: {a.name}"
                    for a in node.names
                    if a.name.startswith("_") and not a.name.startswith("__")
                ]
    assert not found, "\n".join(found)


def test_the_readme_module_map_names_every_module() -> None:
    """README.md's "Code" section lists every module, by folder, so a newcomer finds it."""
    readme = (PACKAGE.parent.parent / "README.md").read_text("utf-8")
    block = readme[readme.index("## Code") :]
    block = block[block.index("```text") : block.index("```", block.index("```text") + 7)]
    folders: dict[str, str] = {}
    folder = ""
    for line in block.splitlines()[1:]:
        head = line.split()[0] if line.strip() else ""
        if head.endswith("/") and not line.startswith(" "):
            folder = head.rstrip("/")
        elif head == "(ground)":
            folder = ""
        folders[folder] = folders.get(folder, "") + " " + line
    missing = []
    for path in MODULES:
        rel = path.relative_to(PACKAGE)
        where = rel.parts[0] if len(rel.parts) > 1 else ""
        if rel.name == "__init__.py" and where:
            continue  # a package is named by its folder
        if where == "importing":
            continue  # named as a whole, with its stages
        words = re.findall(r"[\w.]+\.py|[\w]+/", folders.get(where, ""))
        if rel.name not in words:
            missing.append(str(rel))
    assert missing == [], "README.md's module map does not name: " + ", ".join(missing)
