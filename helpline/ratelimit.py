"""Rate limits for the public "Ask a nurse" form: the counter is portal.ratelimit, shared by every public form."""

from portal.ratelimit import hit

__all__ = ["hit", "normalise_address"]


def normalise_address(*, email: str = "", phone: str = "") -> list[str]:
    """The addresses one submission uses: email lower-cased, phone reduced to its digits."""
    addresses = []
    if email:
        addresses.append("e:" + email.strip().lower())
    digits = "".join(c for c in phone if c.isdigit())
    if digits:
        addresses.append("p:" + digits[-10:])
    return addresses
