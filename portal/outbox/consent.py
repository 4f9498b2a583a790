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
from ..models import EmailBounce, EmailSuppression
from ..models.outbox import mask_address

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


Reason = EmailSuppression.Reason
# A bounce stops every email (none can arrive); the others stop what needs consent only.
STOPS_ALL_MAIL = (Reason.BOUNCED, Reason.BOUNCING)
NOT_SENT = {
    Reason.UNSUBSCRIBED: "Not sent: the recipient has unsubscribed from follow-up emails.",
    Reason.COMPLAINED: "Not sent: the recipient reported our email as spam, so only essential email goes to her.",
    Reason.BOUNCED: "Not sent: this address bounced (her mail server refused it for good).",
    Reason.BOUNCING: "Not sent: this address has bounced again and again over several days.",
}
_AUDIT_ACTION = {
    Reason.UNSUBSCRIBED: "email.unsubscribed",
    Reason.COMPLAINED: "email.complained",
    Reason.BOUNCED: "email.suppressed_bounced",
    Reason.BOUNCING: "email.suppressed_bounced",
}


def is_suppressed(address: str) -> bool:
    return EmailSuppression.objects.filter(address_hash=address_hash(address)).exists()


def not_sent_reason(address: str, *, essential: bool) -> str:
    """Why an email to this address must not go ("" when it may): the outbox's one check, at queue and send time."""
    reason = (
        EmailSuppression.objects.filter(address_hash=address_hash(address)).values_list("reason", flat=True).first()
    )
    if reason is None or (essential and reason not in STOPS_ALL_MAIL):
        return ""
    return NOT_SENT[reason]


def suppression_add(
    *,
    address_hash: str,
    request=None,
    reason: str = Reason.UNSUBSCRIBED,
    address: str = "",
    detail: str = "",
    source=None,
) -> bool:
    """Stop email to the address behind this hash. Returns False if it was already stopped.

    Each new entry leaves an audit row (the suppression's id, never the
    address). A bounce made after an unsubscribe widens the entry to every
    email. Messages already queued for the address are left to the send-time
    check, which cancels them with a reason the nurse can see.
    """
    with transaction.atomic():
        suppression, created = EmailSuppression.objects.select_for_update().get_or_create(
            address_hash=address_hash,
            defaults={
                "reason": reason,
                "address_masked": mask_address(address) if address else "",
                "detail": detail[:300],
                "source": source,
            },
        )
        if created:
            audit_record(action=_AUDIT_ACTION[reason], target=suppression, request=request)
        elif reason in STOPS_ALL_MAIL and suppression.reason not in STOPS_ALL_MAIL:
            suppression.reason, suppression.detail, suppression.source = reason, detail[:300], source
            suppression.save(update_fields=["reason", "detail", "source"])
            audit_record(action=_AUDIT_ACTION[reason], target=suppression, request=request)
    return created


def suppression_lift(*, suppression: EmailSuppression, by) -> None:
    """An administrator lets email go to this address again (she asked, or the bounce was a mistake)."""
    with transaction.atomic():
        audit_record(action="email.suppression_lifted", actor=by, target=suppression, reason=suppression.reason)
        EmailSuppression.objects.filter(pk=suppression.pk).delete()


def suppression_erase(*, address: str) -> int:
    """Forget that an address unsubscribed (erasure request, or the person opts in again)."""
    EmailBounce.objects.filter(address_hash=address_hash(address)).delete()
    deleted, _ = EmailSuppression.objects.filter(address_hash=address_hash(address)).delete()
    return deleted
