"""Links in emails: a random token, signed in the URL, stored only as a hash.

The database holds SHA-256 of the token, so a leaked database gives no working
links; the signature lets us refuse tampered links before touching the database.
"""

import hashlib
import secrets

from django.core import signing

_SALT = "peers.link"


def new_token() -> tuple[str, str]:
    """A fresh (signed token for the URL, hash to store)."""
    raw = secrets.token_urlsafe(32)
    return signing.Signer(salt=_SALT).sign(raw), hash_raw(raw)


def hash_raw(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def hash_from_url(signed: str) -> str | None:
    """The stored hash a link's token stands for, or None if the signature is wrong."""
    try:
        return hash_raw(signing.Signer(salt=_SALT).unsign(signed))
    except signing.BadSignature:
        return None
