"""Consent for follow-up (non-essential) email: the suppression list and unsubscribe links.

An unsubscribe link carries a signed keyed hash of the address, never the
address itself, so it works without signing in and reveals nothing if it is
forwarded or logged. The suppression list stores the same hash. The key is
derived from SECRET_KEY: rotating SECRET_KEY without keeping the old one in
SECRET_KEY_FALLBACKS would orphan the list (the hash must stay stable), so
`address_hash` uses the current key only and rotation needs a re-hash plan.
"""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import salted_hmac

from ..audit import audit_record
from ..models import EmailSuppression

_HASH_SALT = "portal.outbox.suppression"
_TOKEN_SALT = "portal.outbox.unsubscribe"


def normalise_address(address: str) -> str:
    return address.strip().lower()


def address_hash(address: str) -> str:
    return salted_hmac(_HASH_SALT, normalise_address(address), algorithm="sha256").hexdigest()


def unsubscribe_token(address: str) -> str:
    # Plain (untimed) signature: the link must keep working for as long as the email is
    # kept, and the same address always gets the same link (body and header agree).
    return signing.Signer(salt=_TOKEN_SALT).sign(address_hash(address))


def unsubscribe_url(address: str) -> str:
    return settings.SITE_URL + reverse("portal:email-unsubscribe", args=[unsubscribe_token(address)])


def hash_from_token(token: str) -> str | None:
    """The address hash a token was issued for, or None if the token is not ours or was altered."""
    try:
        value = signing.Signer(salt=_TOKEN_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return value if len(value) == 64 else None


def is_suppressed(address: str) -> bool:
    return EmailSuppression.objects.filter(address_hash=address_hash(address)).exists()


def suppression_add(*, address_hash: str, request=None) -> bool:
    """Stop follow-up email to the address behind this hash. Returns False if it was already stopped.

    Withdrawing consent leaves an audit row (the suppression's id, never the
    address). Follow-ups already queued for the address are left to the
    send-time check, which cancels them with a reason the nurse can see.
    """
    with transaction.atomic():
        suppression, created = EmailSuppression.objects.get_or_create(address_hash=address_hash)
        if created:
            audit_record(action="email.unsubscribed", target=suppression, request=request)
    return created


def suppression_erase(*, address: str) -> int:
    """Forget that an address unsubscribed (erasure request, or the person opts in again)."""
    deleted, _ = EmailSuppression.objects.filter(address_hash=address_hash(address)).delete()
    return deleted
