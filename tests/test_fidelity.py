"""The full report page carries every line of the published report, in order."""

from __future__ import annotations

from pathlib import Path

from conftest import REPORT_ID
from htmltext import squash, visible_text


def test_every_seed_line_is_on_the_full_page_in_order(
    built_site: Path, seed_lines: list[str]
) -> None:
    page = squash(visible_text((built_site / REPORT_ID / "full.html").read_text("utf-8")))
    assert len(seed_lines) == 51
    position = 0
    for number, line in enumerate(seed_lines, start=1):
        wanted = squash(line)
        found = page.find(wanted, position)
        assert found >= 0, f"seed line {number} is missing or out of order: {line[:40]}…"
        position = found + len(wanted)


def test_numbering_is_generated_not_typed() -> None:
    """No content file types 一、 (一) 1. or 一是 at the start of a value."""
    import re

    from conftest import CONTENT

    n = "[一二三四五六七八九十]+"
    typed = re.compile(rf":\s*(?:{n}、|[（(]{n}[）)]|\d+\.(?!\d)|{n}是)")
    for path in sorted(CONTENT.rglob("*.yaml")):
        for lineno, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            assert not typed.search(line), f"{path}:{lineno} types its own number: {line[:60]}"
