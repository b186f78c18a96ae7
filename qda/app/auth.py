"""Who may use an app served beyond this machine: a password, kept only as a hash.

Serving to a team (any address other than localhost) needs a password hash in Streamlit's
secrets (`.streamlit/secrets.toml`, `[qda] password_hash = "..."`, made with
`qda app-password`); without one the app refuses to open a project. Hashes are scrypt
with a random salt, compared in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_N, _R, _P = 2**14, 8, 1  # scrypt cost: ~50 ms a check, 16 MiB of memory
LOCAL = frozenset({"localhost", "127.0.0.1", "::1"})


def hash_password(password: str) -> str:
    """A storable hash of `password`: `scrypt$N$r$p$salt$hash` (base64)."""
    if len(password) < 10:
        raise ValueError("use a password of at least 10 characters: it guards interview data")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P)
    return "$".join(["scrypt", str(_N), str(_R), str(_P), _b64(salt), _b64(digest)])


def verify_password(password: str, stored: str) -> bool:
    """True if `password` matches the `stored` hash (False for a malformed hash)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        found = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                               p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found, base64.b64decode(digest))


def needs_password(address: str | None) -> bool:
    """Served to others: bound to anything but this machine (no address means all)."""
    return (address or "").strip("[]") not in LOCAL


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
