"""What the site tells crawlers: sitemap.xml (with a base URL) and robots.txt."""

from __future__ import annotations

from xml.sax.saxutils import escape


def sitemap(base_url: str, urls: list[str]) -> bytes:
    """sitemap.xml: absolute URLs, so only written when a base URL is known."""
    base = base_url.rstrip("/") + "/"
    body = "".join(f"  <url><loc>{escape(base + u)}</loc></url>\n" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{body}</urlset>\n"
    ).encode()


def robots(base_url: str | None) -> bytes:
    """robots.txt: everything may be crawled; points at the sitemap when there is one."""
    text = "User-agent: *\nAllow: /\n"
    if base_url:
        text += f"Sitemap: {base_url.rstrip('/')}/sitemap.xml\n"
    return text.encode()
