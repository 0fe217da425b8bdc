"""A folder of deliberately broken content, each case with the exact messages it must give.

``tests/broken/<case>/case.yaml`` says what to break in a copy of a small synthetic report
of the tests' own (``tests/broken/_base/``, not the real content, which may then change
freely) by text edits, or whole-file changes that git would mangle if committed: GBK, a
BOM, CRLF, a symlink, a 1 MB file; ``expected.txt`` holds every line ``check`` must print,
with paths relative to the folder it runs in (``expected.en.txt``: the same with
``--lang en``).
Every case must fail with exit 1 and no traceback, and ``build`` must then write nothing;
the ``*-accepted`` cases are editors' habits that must keep working.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from rectify_site.commands.cli import main

from conftest import TEMPLATES, edit

BROKEN = Path(__file__).resolve().parent / "broken"
BASE = BROKEN / "_base" / "content"
"""The synthetic content every case starts from (see _base/README.md)."""
BASE_REPORT = "synthetic"
"""The one report of that content."""
CASES = sorted(p.name for p in BROKEN.iterdir() if (p / "case.yaml").is_file())


def make_case(name: str, root: Path) -> dict[str, Any]:
    """Copy the synthetic content (and the theme) into ``root``; break it as the case says."""
    content = root / "content"
    shutil.copytree(BASE, content)
    shutil.copytree(TEMPLATES, root / "templates")
    spec: dict[str, Any] = yaml.safe_load((BROKEN / name / "case.yaml").read_text("utf-8"))
    for op in spec.get("edits", []):
        path = content / op["file"]
        if "old" in op:
            edit(path, op["old"], op["new"])
        elif "write" in op:
            path.parent.mkdir(parents=True, exist_ok=True)  # attachments/ is not in _base
            path.write_text(op["write"], "utf-8")
        elif "repeat" in op:
            r = op["repeat"]
            text = r["head"] + r["unit"] * r["count"] + r["tail"]
            with path.open("a" if op.get("append") else "w", encoding="utf-8") as fh:
                fh.write(text)
        elif op.get("delete"):
            path.unlink()
        elif "rename" in op:
            path.rename(path.with_name(op["rename"]))
        elif "encode" in op:
            path.write_bytes(path.read_text("utf-8").encode(op["encode"]))
        elif op.get("bom"):
            path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
        elif op.get("crlf"):
            path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
        elif "symlink" in op:
            outside = root / op["symlink"]
            shutil.copy(path, outside)
            path.unlink()
            path.symlink_to(outside)
        else:
            raise ValueError(f"{name}: unknown edit {op}")
    return spec


def expected(name: str, root: Path, lang: str = "zh") -> list[str] | None:
    suffix = ".en.txt" if lang == "en" else ".txt"
    path = BROKEN / name / f"expected{suffix}"
    if not path.is_file():
        return None
    lines = path.read_text("utf-8").splitlines()
    return [ln.replace("{root}", str(root)) for ln in lines if ln and not ln.startswith("#")]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    """``rectify-site argv`` in this process: exit code, diagnostic lines, stdout."""
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    lines = [ln for ln in err.splitlines() if ": error: " in ln or ": warning: " in ln]
    return code, lines, out


def test_every_case_has_expected_messages() -> None:
    assert len(CASES) >= 30
    for name in CASES:
        assert (BROKEN / name / "expected.txt").is_file(), name


@pytest.mark.parametrize("name", CASES)
def test_check_gives_the_expected_messages(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = make_case(name, tmp_path)
    monkeypatch.chdir(tmp_path)
    args = ["check", "--no-html-check", *spec.get("args", [])]
    code, lines, _ = run(capsys, *args)
    assert lines == expected(name, tmp_path)
    assert code == spec.get("exit", 1)
    english = expected(name, tmp_path, "en")
    if english is not None:
        assert run(capsys, *args, "--lang", "en")[1] == english


@pytest.mark.parametrize("name", CASES)
def test_build_writes_nothing_on_broken_content(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_case(name, tmp_path)
    monkeypatch.chdir(tmp_path)
    errors = [ln for ln in expected(name, tmp_path) or [] if ": error: " in ln]
    code, lines, _ = run(capsys, "build", "--content", "content", "--out", "out")
    if errors:
        assert code == 1
        assert [ln for ln in lines if ": error: " in ln] == errors
        assert not (tmp_path / "out").exists()
    else:  # an accepted editor's habit, or warnings only: the site is built
        assert code == 0, lines
        assert (tmp_path / "out" / BASE_REPORT / "full.html").is_file()


def test_json_format_carries_path_line_and_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_case("figures-over-total", tmp_path)
    monkeypatch.chdir(tmp_path)
    code, _, out = run(capsys, "check", "--format", "json")
    assert code == 1
    assert json.loads(out) == [
        {
            "path": f"content/{BASE_REPORT}/figures.yaml",
            "line": 13,
            "column": 7,
            "severity": "error",
            "field": "problems.by_status.rectified",
            "message": "已整改数（58）大于具体问题总数（57）：请核对",
        }
    ]


def test_github_format_is_workflow_annotations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_case("figures-over-total", tmp_path)
    monkeypatch.chdir(tmp_path)
    code, _, out = run(capsys, "check", "--format", "github", "--lang", "en")
    assert code == 1
    assert out.splitlines() == [
        f"::error file=content/{BASE_REPORT}/figures.yaml,line=13,col=7,"
        "title=problems.by_status.rectified::已整改 count (58) exceeds the total of "
        "具体问题 (57): check the figures"
    ]


@pytest.mark.parametrize("name", ["gbk", "alias-bomb", "duplicate-key", "tab-indent"])
def test_real_cli_never_shows_a_traceback(name: str, tmp_path: Path, cli: Any) -> None:
    """The same through ``python -m rectify_site``, as editors and CI run it."""
    make_case(name, tmp_path)
    result = cli("check", "--content", "content", cwd=tmp_path)
    assert result.code == 1
    assert "Traceback" not in result.err
    assert [ln for ln in result.err.splitlines() if ": error: " in ln] == expected(name, tmp_path)
