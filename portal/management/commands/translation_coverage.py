from django.conf import settings
from django.core.management.base import BaseCommand

from portal.i18n import coverage, offered_languages


class Command(BaseCommand):
    help = "How far each language's catalogue is translated, and whether the language choice offers it."

    def handle(self, *args, **options):
        offered = offered_languages()
        for code, name in settings.LANGUAGES:
            if code == settings.LANGUAGE_CODE:
                continue
            found = coverage(code)
            state = (
                "offered" if code in offered else f"not offered until {settings.LANGUAGE_OFFERED_AT:.0%} are translated"
            )
            self.stdout.write(
                f"{code} ({name}): {found.translated:,} of {found.total:,} strings translated ({found.share:.0%}); {state}"
            )
