#!/usr/bin/env python3
"""Screenshots of the home page and a category page at 375 and 1280 px, for review.

Not a test: a person looks at the PNGs. Builds the real content (with search) into a
temporary folder, serves it on 127.0.0.1, and drives Debian's Chromium::

    python scripts/screenshots.py [--out screenshots] [--chromium /usr/bin/chromium]

Writes home-375.png, home-1280.png, category-375.png, category-1280.png, and the search
page with results (search-375.png) into the output folder.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from rectify_site.build.pipeline import build_site  # noqa: E402
from rectify_site.load.collection import load_collection  # noqa: E402

from conftest import CHROMIUM_ARGS, serve_folder  # noqa: E402 - after the path is set

WIDTHS = (375, 1280)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "screenshots")
    ap.add_argument("--content", type=Path, default=ROOT / "content")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    report = load_collection(args.content).reports[0]
    category = report.categories()[0]
    shots = {
        "home": "index.html",
        "category": f"{report.id}/categories/{category.id}.html",
    }
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "_site"
        build_site(args.content, site, templates=ROOT / "templates")
        with serve_folder(site) as url, sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=args.chromium, headless=True, args=CHROMIUM_ARGS
            )
            for width in WIDTHS:
                context = browser.new_context(viewport={"width": width, "height": 900})
                page = context.new_page()
                for name, rel in shots.items():
                    page.goto(url + rel, wait_until="networkidle")
                    path = args.out / f"{name}-{width}.png"
                    page.screenshot(path=str(path), full_page=True)
                    print(path)
                if width == 375:
                    page.goto(url + "search.html?q=营商环境")
                    page.wait_for_selector(".search-results li")
                    path = args.out / "search-375.png"
                    page.screenshot(path=str(path), full_page=True)
                    print(path)
                context.close()
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
