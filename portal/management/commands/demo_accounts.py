from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo import DEMO_PASSWORD, demo_accounts_create


class Command(BaseCommand):
    help = "Create one demo account per role (development only) and print how to sign in."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo accounts are for development only.")
        accounts = demo_accounts_create()
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for email, secret in accounts:
            line = f"  {email}"
            if secret:
                line += f"  TOTP secret {secret} (add it to an authenticator app, or run: make totp EMAIL={email})"
            self.stdout.write(line)
