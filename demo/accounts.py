"""Demo accounts for a newcomer's machine: one per role, staff with TOTP already set up."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.db import transaction

from portal.models import User
from portal.roles import Role, grant_role

DEMO_PASSWORD = "demo-password-change-me"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    role: str | None  # None: the site administrator
    description: str
    needs_mfa: bool


DEMO_ACCOUNTS = [
    DemoAccount("mother@example.org", "Amy", Role.MOTHER, "a mother: guidance, asking a nurse, peer support", False),
    DemoAccount("volunteer@example.org", "Beth", Role.VOLUNTEER, "a peer volunteer: her introductions", False),
    DemoAccount("nurse@example.org", "Carol", Role.NURSE, "a helpline nurse: the queue, peer requests", True),
    DemoAccount("editor@example.org", "Dee", Role.EDITOR, "a content editor: the guidance pages", True),
    DemoAccount("admin@example.org", "Erin", None, "the site administrator: /admin/", True),
]


@transaction.atomic
def demo_accounts_create() -> dict[str, str | None]:
    """Create (or keep) the demo accounts. Returns each one's TOTP secret (None without MFA), by email."""
    secrets = {}
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(email=account.email).first()
        if user is None:
            user = User.objects.create_user(account.email, DEMO_PASSWORD, first_name=account.first_name)
            if account.role is None:
                user.is_staff = user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
            else:
                grant_role(user, account.role)
            EmailAddress.objects.create(user=user, email=account.email, verified=True, primary=True)
        secret = None
        if account.needs_mfa:
            authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
            if authenticator is None:
                authenticator = TOTP.activate(user, generate_totp_secret()).instance
                RecoveryCodes.activate(user)
            secret = decrypt(authenticator.data["secret"])
        secrets[account.email] = secret
    return secrets
