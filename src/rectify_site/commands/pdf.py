"""``rectify-site pdf``: the full report as an A4 PDF, printed by Chromium.

The print stylesheet does the layout (GB/T 9704 margins, 16 pt body, page numbers), so
the PDF is what a reader gets from the browser's own print. The site is rendered into a
temporary folder and opened from disk: the full report needs no script and no server.
Chromium and playwright are optional (the ``pdf`` extra); without them this exits 2 and
says what to install.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from rectify_site.errors import UsageError, diag

INSTALL = (
    "请安装 Chromium 与 playwright：apt-get install chromium fonts-noto-cjk，"
    "然后 pip install 'rectify-site[pdf]'（或设置环境变量 CHROMIUM 指向浏览器）",
    "install Chromium and playwright: apt-get install chromium fonts-noto-cjk, then "
    "pip install 'rectify-site[pdf]' (or point the CHROMIUM environment variable at a browser)",
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def find_chromium() -> Path | None:
    """``$CHROMIUM`` when set (and only it), else the first Chromium on PATH."""
    env = os.environ.get("CHROMIUM")
    if env:
        return Path(env) if Path(env).is_file() else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def _missing(tool: str) -> UsageError:
    return UsageError([diag(tool, "tool.missing", tool=tool, hint=INSTALL)])


def write_pdf(
    content: Path,
    out: Path | None,
    *,
    report_id: str | None = None,
    templates: Path | None = None,
) -> Path:
    """Print ``report_id`` (the only report when omitted) to ``out`` (``<id>.pdf``)."""
    chromium = find_chromium()
    if chromium is None:
        raise _missing("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise _missing("playwright") from None

    from rectify_site.build.output import write_site
    from rectify_site.build.pipeline import load_site, render_site
    from rectify_site.site.themes import find_theme

    collection = load_site(content)
    ids = [r.id for r in collection.reports]
    if report_id is None and len(ids) == 1:
        report_id = ids[0]
    if report_id not in ids:
        key = "pdf.report_needed" if report_id is None else "pdf.report_unknown"
        raise UsageError([diag(content, key, value=report_id, choices=", ".join(ids))])
    out = out or Path(f"{report_id}.pdf")
    files, _ = render_site(collection, theme=find_theme(content, templates))
    with tempfile.TemporaryDirectory(prefix="rectify-pdf-") as tmp:
        write_site(Path(tmp), files)
        page_url = (Path(tmp) / str(report_id) / "full.html").as_uri()
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS
            )
            try:
                page = browser.new_page()
                page.goto(page_url, wait_until="load")
                pdf = page.pdf(format="A4", prefer_css_page_size=True)
            finally:
                browser.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf)
    return out
