from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo import current_totp_code


class Command(BaseCommand):
    help = "Print the current TOTP code for a development account (development only)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        if settings.PRODUCTION:
            raise CommandError("This command is for development only.")
        authenticator = Authenticator.objects.filter(user__email=email, type=Authenticator.Type.TOTP).first()
        if authenticator is None:
            raise CommandError(f"{email} has no authenticator app set up.")
        self.stdout.write(current_totp_code(decrypt(authenticator.data["secret"])))
