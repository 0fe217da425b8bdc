"""What the cache keeps is sealed with a key kept outside it, so a planted file runs nothing.

The cache keeps loaded reports as pickles, and unpickling runs whatever a pickle says. A
file in ``.rectify-cache/`` may have been written by anyone who could write there (a
shared checkout, a restored backup, a CI cache), so every value is written with an
HMAC-SHA256 over its slot, its key and its bytes, made with a secret that lives outside
the cache folder: ``$RECTIFY_SITE_CACHE_KEY`` (the key file's path), else
``$XDG_STATE_HOME/rectify-site/cache.key``, else ``~/.local/state/rectify-site/cache.key``,
made at first use (32 random bytes, mode 0600). A file whose seal does not match is
never unpickled: the value is made afresh (a cold build). Where no key can be kept (no
writable home), a key of this process alone is used, so nothing from disk is ever trusted.

Standard library only (the cache imports it before anything heavy).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
from pathlib import Path

MAGIC = b"RSCACHE1"
"""The first bytes of a sealed file; then the 32-byte seal, then the value's bytes."""
KEY_ENV = "RECTIFY_SITE_CACHE_KEY"
KEY_BYTES = 32


def key_path() -> Path:
    """Where the key is kept: outside any cache folder, in the user's state folder."""
    given = os.environ.get(KEY_ENV)
    if given:
        return Path(given)
    state = os.environ.get("XDG_STATE_HOME") or os.path.join(
        os.path.expanduser("~"), ".local", "state"
    )
    return Path(state) / "rectify-site" / "cache.key"


@functools.cache
def _key_at(path: Path) -> bytes:
    try:
        data = path.read_bytes()
        if len(data) >= KEY_BYTES:
            return data
    except OSError:
        pass
    new = secrets.token_bytes(KEY_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another build made it meanwhile (or a short file stands there)
        try:
            data = path.read_bytes()
        except OSError:
            return new
        return data if len(data) >= KEY_BYTES else new
    except OSError:
        return new  # nowhere to keep it: this process's own key, nothing from disk trusted
    with os.fdopen(fd, "wb") as fh:
        fh.write(new)
    return new


def key() -> bytes:
    """The secret the cache's files are sealed with (made and kept at first use)."""
    return _key_at(key_path())


def _mac(slot: str, data: bytes) -> bytes:
    return hmac.new(key(), slot.encode() + b"\0" + data, hashlib.sha256).digest()


def seal(slot: str, data: bytes) -> bytes:
    """``data`` as written to the cache for ``slot``: the magic, its seal, the bytes."""
    return MAGIC + _mac(slot, data) + data


def unseal(slot: str, blob: bytes) -> bytes | None:
    """The bytes sealed for ``slot`` with our key, or None for anything else."""
    head = len(MAGIC) + hashlib.sha256().digest_size
    if len(blob) < head or not blob.startswith(MAGIC):
        return None
    mac, data = blob[len(MAGIC) : head], blob[head:]
    return data if hmac.compare_digest(mac, _mac(slot, data)) else None
