import json
import logging

from django.conf import settings
from django.core.management.base import BaseCommand

from demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_accounts_create
from demo.data import demo_data_load, has_data
from demo.totp import SECRETS_FILE
from portal.models import User

LOGINS_FILE = "demo-logins.txt"


def shown(path) -> str:
    """A path as a newcomer types it: relative to the checkout when it is inside it."""
    path = settings.BASE_DIR / path
    return str(path.relative_to(settings.BASE_DIR)) if path.is_relative_to(settings.BASE_DIR) else str(path)


class Command(BaseCommand):
    help = (
        "Create the demo accounts, load the demo data on first start (unless DEMO_DATA=0), and write "
        "the sign-in details to var/demo-logins.txt. Development only: production has no demo app."
    )

    def handle(self, *args, **options):
        secrets = demo_accounts_create()
        if not settings.DEMO_DATA:
            data_line = "Demo data: off (DEMO_DATA=0); the portal starts empty."
        elif has_data():
            data_line = "Demo data: not loaded, the database already has enquiries or peer requests."
        else:
            self.stdout.write("Loading the demo data (a minute at most)...")
            users = {u.email: u for u in User.objects.filter(email__in=[a.email for a in DEMO_ACCOUNTS])}
            logging.disable(logging.INFO)  # one line per web question would bury the summary
            try:
                counts = demo_data_load(
                    nurse=users["nurse@example.org"],
                    mother=users["mother@example.org"],
                    volunteer=users["volunteer@example.org"],
                )
            finally:
                logging.disable(logging.NOTSET)
            made = ", ".join(f"{n} {what}" for what, n in counts.items())
            data_line = f"Demo data: {made}, all invented and marked [Demo]. DEMO_DATA=0 starts empty."
        self.stdout.write(data_line)

        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        staff_secrets = {email: secret for email, secret in secrets.items() if secret}
        (settings.VAR_DIR / SECRETS_FILE).write_text(
            json.dumps({"period": settings.MFA_TOTP_PERIOD, "secrets": staff_secrets}, indent=2)
        )
        (settings.VAR_DIR / LOGINS_FILE).write_text(self.block(staff_secrets, data_line))

    def block(self, staff_secrets: dict[str, str], data_line: str) -> str:
        rule = "=" * 78
        width = max(len(a.email) for a in DEMO_ACCOUNTS)
        lines = [
            rule,
            f"The portal is running at {settings.SITE_URL}/",
            "",
            f"Demo logins (password for each: {DEMO_PASSWORD}):",
        ]
        for account in DEMO_ACCOUNTS:
            lines.append(f"  {account.email:<{width}}  {account.first_name}, {account.description}")
        lines += [
            "",
            "Staff sign in with a code from an authenticator app as well. Get the current code with",
            "  make totp EMAIL=nurse@example.org",
            "or add a secret to your authenticator app:",
            *(f"  {email:<{width}}  {secret}" for email, secret in staff_secrets.items()),
            "",
            f"Mail the portal sends is written to {shown(settings.EMAIL_FILE_PATH)}/ (one file per batch).",
            f"Try inbound mail: save an .eml into {shown(settings.VAR_DIR)}/inbound/new/",
            data_line,
            f"The Celery worker's log: {shown(settings.VAR_DIR)}/log/worker.log",
            f"This list is saved in {shown(settings.VAR_DIR / LOGINS_FILE)}. Ctrl-C stops the portal.",
            rule,
        ]
        return "\n".join(lines) + "\n"
