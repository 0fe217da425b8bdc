"""``rectify-site new``: a skeleton that checks its structure, previews as a draft with its
placeholders marked, and can never be published while a placeholder is left."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from rectify_site.errors import ContentError
from rectify_site.pipeline import build_site, check_site

from conftest import REPORT_ID, Run


def _with_placeholder(content: Path, *, draft: bool) -> Path:
    report = content / REPORT_ID / "report.yaml"
    text = report.read_text("utf-8")
    text = re.sub(r"(?m)^issuer: .*$", "issuer: 【未填写】", text, count=1)
    if draft:
        text = re.sub(r"(?m)^(title: .*)$", r"\1\ndraft: true", text, count=1)
    report.write_text(text, "utf-8")
    return report


def test_check_and_build_refuse_a_placeholder_at_its_line(
    content_copy: Path, tmp_path: Path
) -> None:
    report = _with_placeholder(content_copy, draft=True)
    line = report.read_text("utf-8").splitlines().index("issuer: 【未填写】") + 1
    for run in (
        lambda: check_site(content_copy, html=False),
        lambda: build_site(content_copy, tmp_path / "out", search=False),
    ):
        with pytest.raises(ContentError) as refused:
            run()
        found = [d.format() for d in refused.value.diagnostics]
        assert (
            f"{report}:{line}:1: error: issuer: 未填写：请把“【未填写】”换成实际内容，或删去这一项"
            in found
        )
    assert not (tmp_path / "out").exists()


def test_serve_shows_a_draft_with_its_placeholders_marked_and_listed(
    content_copy: Path, tmp_path: Path
) -> None:
    _with_placeholder(content_copy, draft=True)
    result = build_site(
        content_copy, tmp_path / "serve", search=False, include_drafts=True, serving=True
    )
    assert any(d.key == "placeholder.unfilled" for d in result.warnings)
    page = (tmp_path / "serve" / REPORT_ID / "index.html").read_text("utf-8")
    assert '<mark class="placeholder" title="未填写">【未填写】</mark>' in page
    banner = page[page.index('class="draft-banner"') :]
    assert "尚未填写" in banner and "report.yaml:" in banner and "issuer" in banner
    assert "<title>" in page and "<mark" not in page[: page.index("<body")]


def test_serve_refuses_a_placeholder_outside_a_draft(content_copy: Path, tmp_path: Path) -> None:
    _with_placeholder(content_copy, draft=False)
    with pytest.raises(ContentError):
        build_site(
            content_copy, tmp_path / "serve", search=False, include_drafts=True, serving=True
        )


def test_new_refuses_to_overwrite(cli: Callable[..., Run], tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "taken").mkdir(parents=True)
    run = cli("new", "report", "taken", "--content", content)
    assert run.code == 2 and "已存在，不会覆盖" in run.err
    run = cli("new", "report", "Bad_Id", "--content", content)
    assert run.code == 2 and "不可用于网址" in run.err
