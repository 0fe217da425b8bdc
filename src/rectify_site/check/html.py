"""HTML validity by the Nu HTML Checker (vnu), the W3C's own validator.

The rendered pages go to a temporary folder (never the project or the output), vnu runs
over it once, and its findings are mapped back to the pages' site paths. When java or
the vnu jar is missing the check says what to install, as a warning: ``--strict`` (CI)
turns that into a failure, so CI can never pass without having validated the HTML.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from rectify_site.errors import Diagnostic, diag

VNU_TIMEOUT = 600
"""Seconds; vnu takes a few seconds for a whole site, but CI machines can be slow."""

_GNU_RE = re.compile(
    r'^"?(?:file:)?(?P<file>[^"]+?)"?:(?P<line>\d+)\.(?P<col>\d+)(?:-\S+)?: '
    r"(?P<kind>error|fatal|info|warning)[^:]*: (?P<msg>.*)$"
)


def find_vnu(project: Path) -> Path | None:
    """``$VNU_JAR``, else npm's ``node_modules/vnu-jar`` in the project or the current folder."""
    env = os.environ.get("VNU_JAR")
    candidates = [Path(env)] if env else []
    for base in (project, Path.cwd()):
        candidates.append(base / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar")
    return next((c for c in candidates if c.is_file()), None)


def check_html(
    files: dict[str, bytes], *, project: Path, where: Path, label: str = "_site"
) -> list[Diagnostic]:
    """vnu's errors for every HTML page, each at ``label/<page>:line:col``.

    ``where`` names the location for a missing-tool warning (the content folder).
    """
    java = shutil.which("java")
    jar = find_vnu(project)
    if java is None or jar is None:
        tool, hint = (
            ("java", ("apt-get install default-jre-headless",) * 2)
            if java is None
            else (
                "vnu",
                (
                    "在项目目录运行 npm install --ignore-scripts vnu-jar，或设置 VNU_JAR",
                    "run npm install --ignore-scripts vnu-jar in the project, or set VNU_JAR",
                ),
            )
        )
        return [diag(where, "tool.missing", severity="warning", tool=tool, hint=hint)]
    pages = {p: data for p, data in files.items() if p.endswith(".html")}
    with tempfile.TemporaryDirectory(prefix="rectify-vnu-") as tmp:
        root = Path(tmp)
        for rel, data in pages.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
        cmd = [java, "-Xss8m", "-jar", str(jar), "--skip-non-html", "--errors-only"]
        cmd += ["--format", "gnu", "--stdout", str(root)]
        try:
            proc = subprocess.run(
                cmd, capture_output=True, text=True, timeout=VNU_TIMEOUT, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return [diag(where, "tool.failed", tool="vnu", problem=str(exc))]
        return _parse(proc.stdout + proc.stderr, root.resolve(), label, where, proc.returncode)


def _parse(output: str, root: Path, label: str, where: Path, returncode: int) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for raw in output.splitlines():
        m = _GNU_RE.match(raw.strip())
        if m is None:
            continue
        path = Path(m["file"]).resolve()
        rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else m["file"]
        found.append(
            diag(
                f"{label}/{rel}",
                "html.invalid",
                line=int(m["line"]),
                col=int(m["col"]),
                problem=m["msg"].strip(),
            )
        )
    if returncode not in (0, 1) or (returncode == 1 and not found):
        tail = output.strip().splitlines()[-1:] or [f"exit {returncode}"]
        found.append(diag(where, "tool.failed", tool="vnu", problem=tail[0]))
    return found
