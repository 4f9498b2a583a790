"""The signed, dated links emailed to her (her booked call, her feedback after closing): one way to read them."""

from datetime import timedelta

from django.core import signing


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


def link_data(token: str, *, salt: str, max_age: timedelta):
    """What the link was signed with; LinkExpired when too old, LinkInvalid when tampered with."""
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise LinkInvalid from None
