"""A real browser opens the built site: the pages render with no console errors."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import REPORT_ID

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_pages_load_without_console_errors(browser: Any, site_url: str) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    for rel in ("index.html", f"{REPORT_ID}/full.html", f"{REPORT_ID}/figures.html"):
        response = page.goto(site_url + rel, wait_until="networkidle")
        assert response is not None and response.ok
        assert page.locator("h1").count() == 1
        page.wait_for_load_state("networkidle")  # the favicon too, before moving on
    assert errors == [] and failed == []
    page.close()
