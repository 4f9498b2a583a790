"""THE access matrix: who may use every URL in the portal.

Every URL pattern in the URLconf must have a row here; `test_access_matrix.py`
fails when one is missing, so a new view cannot ship without a rule. Rows are
keyed by URL name (`namespace:name`); allauth's and the admin's URLs are
covered by the two groups at the bottom.

Roles (personas in tests/conftest.py): anonymous, mother, other_mother (a
second mother, for "another user's object"), volunteer, nurse, editor, admin
(a superuser), outsider (signed up, no role) and inactive (a mother whose
account was deactivated; she must be treated as anonymous).

A `Rule` says which roles may use the URL. For object URLs, `objects` builds
the world: given the personas, it creates one object and returns the roles
whose persona owns or is party to it and the URL kwargs. Member roles
(mother, volunteer, outsider) get in only as an owner: another mother gets
404. Staff roles in `allowed` (nurse, admin) see every object of the kind.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ANONYMOUS = "anonymous"
MOTHER = "mother"
OTHER_MOTHER = "other_mother"
VOLUNTEER = "volunteer"
NURSE = "nurse"
EDITOR = "editor"
ADMIN = "admin"
OUTSIDER = "outsider"
INACTIVE = "inactive"

ROLES = (ANONYMOUS, MOTHER, OTHER_MOTHER, VOLUNTEER, NURSE, EDITOR, ADMIN, OUTSIDER, INACTIVE)
PUBLIC = frozenset(ROLES)
SIGNED_IN = frozenset({MOTHER, OTHER_MOTHER, VOLUNTEER, NURSE, EDITOR, ADMIN, OUTSIDER})
STAFF = frozenset({NURSE, ADMIN})
# Roles that see only their own objects.
MEMBERS = frozenset({MOTHER, OTHER_MOTHER, VOLUNTEER, OUTSIDER})


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    # For object URLs: creates an object; returns (roles owning it, URL kwargs).
    objects: Callable[[dict], tuple[frozenset[str], dict]] | None = None
    # kwargs for URLs with parameters that are not objects (tokens, slugs).
    kwargs: dict = field(default_factory=dict)
    note: str = ""


MATRIX: dict[str, Rule] = {
    # ---------------------------------------------------------------- portal
    "healthz": Rule(PUBLIC, note="status only, no data"),
    "portal:privacy": Rule(PUBLIC),
    "portal:account": Rule(SIGNED_IN),
    "portal:data-export": Rule(SIGNED_IN, note="her own data only; step-up re-authentication"),
    "portal:data-export-json": Rule(SIGNED_IN, note="her own data only; step-up re-authentication"),
    "portal:account-delete": Rule(SIGNED_IN, note="her own account only; step-up re-authentication"),
    "portal:email-cancel": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _scheduled_email(p).pk})),
    "portal:email-unsubscribe": Rule(
        PUBLIC,
        objects=lambda p: (PUBLIC, {"token": _unsubscribe_token(p[MOTHER].email)}),
        note="the signed token is the credential; CSRF-exempt for one-click unsubscribe",
    ),
    # ---------------------------------------------------------------- leaflet
    "leaflet:home": Rule(PUBLIC),
}

# URLs that take no CSRF token, and why.
CSRF_EXEMPT = {"portal:email-unsubscribe": "RFC 8058 one-click unsubscribe from mail clients"}


def _scheduled_email(personas):
    from portal.outbox import email_queue

    return email_queue(to=personas[MOTHER].email, template="portal/email/test_message", context={})


def _unsubscribe_token(address):
    from portal.outbox.consent import unsubscribe_token

    return unsubscribe_token(address)


# allauth: sign-in, sign-up and password-reset pages are for everyone; the rest need a signed-in user.
ALLAUTH_PUBLIC = frozenset(
    {
        "account_login",
        "account_logout",
        "account_inactive",
        "account_signup",
        "account_email_verification_sent",
        "account_confirm_email",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "account_confirm_login_code",
        "mfa_authenticate",
    }
)
ALLAUTH_KWARGS = {
    "account_confirm_email": {"key": "not-a-real-key"},
    "account_reset_password_from_key": {"uidb36": "1", "key": "not-a-real-key"},
}
# The Django admin: superusers only (and only with MFA, enforced by the portal's middleware).
ADMIN_ONLY = frozenset({ADMIN})
# The admin's ~60 URLs share one gate (admin_view), so they are swept as these roles only:
# a visitor, a deactivated account, a member, staff who are not admins, and an admin.
ADMIN_SWEEP_ROLES = (ANONYMOUS, INACTIVE, MOTHER, NURSE, EDITOR, ADMIN)
