"""The site's base URL, validated as a whole: it goes into robots.txt, sitemap.xml, the feed
and every canonical link, so one stray newline or quote would rewrite those files.

A base URL is ``http`` or ``https``, a host (a DNS name, an IDN, or an IP address, IPv6 in
brackets), an optional port and path, and nothing else: no user or password, query or
fragment, no whitespace, control or format character, and none of the characters that
RFC 3986 never allows in a URL (``<>"\\^`{|}``).
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import urlsplit

_NEVER = frozenset('<>"\\^`{|}')
_LABEL = re.compile(r"^(?!-)[^\W_](?:[^\W_]|-){0,62}(?<!-)$")
"""One label of a host name: letters (any script, for IDNs), digits and inner hyphens."""


def valid_base_url(value: str) -> bool:
    """Whether ``value`` is an absolute http(s) URL fit to be the site's base URL."""
    if not isinstance(value, str) or not value or len(value) > 2000:
        return False
    for ch in value:
        if ch.isspace() or ch in _NEVER or unicodedata.category(ch)[0] == "C":
            return False
    if "?" in value or "#" in value:
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError:
        return False
    if parts.scheme.lower() not in ("http", "https") or not value.lower().startswith(
        f"{parts.scheme.lower()}://"
    ):
        return False
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return False
    host = parts.hostname or ""
    if not host:
        return False
    if parts.netloc.startswith("["):
        try:
            return isinstance(ipaddress.ip_address(host), ipaddress.IPv6Address)
        except ValueError:
            return False
    labels = host[:-1].split(".") if host.endswith(".") else host.split(".")
    return len(host) <= 253 and all(_LABEL.match(label) for label in labels)


def check_base_url(value: str) -> str:
    """A pydantic AfterValidator: ``value`` if it is a valid base URL, else the error."""
    if not valid_base_url(value):
        from pydantic_core import PydanticCustomError

        raise PydanticCustomError("base_url.invalid", "invalid base URL {value}", {"value": value})
    return value
