"""Demo accounts for a newcomer's machine: one per role, staff with TOTP already set up."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from django.db import transaction

from .models import User
from .roles import Role, grant_role

DEMO_PASSWORD = "demo-password-change-me"

DEMO_ACCOUNTS = [
    # (email, first name, role or None for the site administrator, needs MFA)
    ("mother@example.org", "Amy", Role.MOTHER, False),
    ("volunteer@example.org", "Beth", Role.VOLUNTEER, False),
    ("nurse@example.org", "Carol", Role.NURSE, True),
    ("editor@example.org", "Dee", Role.EDITOR, True),
    ("admin@example.org", "Erin", None, True),
]


@transaction.atomic
def demo_accounts_create() -> list[tuple[str, str | None]]:
    """Create (or keep) the demo accounts. Returns (email, TOTP secret or None) for each."""
    created = []
    for email, first_name, role, needs_mfa in DEMO_ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, first_name=first_name)
            if role is None:
                user.is_staff = user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
            else:
                grant_role(user, role)
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        secret = None
        if needs_mfa:
            authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
            if authenticator is None:
                authenticator = TOTP.activate(user, generate_totp_secret()).instance
                RecoveryCodes.activate(user)
            secret = decrypt(authenticator.data["secret"])
        created.append((email, secret))
    return created


def current_totp_code(secret: str) -> str:
    counter = next(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counter))
