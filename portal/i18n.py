"""Which interface languages are offered, and which one each request and each email is in.

English is always offered. Another language in settings.LANGUAGES is offered only once
its catalogue (locale/<language>/LC_MESSAGES/django.po) has at least
LANGUAGE_OFFERED_AT of its strings translated: a half-translated page would mix two
languages in front of a frightened reader. `manage.py translation_coverage` says how
far each catalogue is.

A reader's language is her own choice, never guessed from the browser's
Accept-Language: the cookie she set with the footer's choice, else the language saved
on her account, else English. That also keeps shared caches simple: a request without
a language cookie (or with English in it) gets the English page (leaflet.cache).
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polib
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation


@dataclass(frozen=True)
class Coverage:
    language: str
    translated: int
    total: int

    @property
    def share(self) -> float:
        return self.translated / self.total if self.total else 0.0


def catalogue_path(language: str) -> Path | None:
    for folder in settings.LOCALE_PATHS:
        path = Path(folder) / translation.to_locale(language) / "LC_MESSAGES" / "django.po"
        if path.exists():
            return path
    return None


def coverage(language: str) -> Coverage:
    """How many of the catalogue's strings have a reviewed translation (fuzzy ones do not count)."""
    path = catalogue_path(language)
    if path is None:
        return Coverage(language, 0, 0)
    entries = [entry for entry in polib.pofile(str(path)) if not entry.obsolete]
    return Coverage(language, sum(1 for entry in entries if entry.translated()), len(entries))


@cache
def offered_languages() -> tuple[str, ...]:
    """The languages a reader may choose, worked out once per process (catalogues change with a deploy)."""
    return tuple(
        code
        for code, _ in settings.LANGUAGES
        if code == settings.LANGUAGE_CODE or coverage(code).share >= settings.LANGUAGE_OFFERED_AT
    )


@receiver(setting_changed)
def _forget_offered(*, setting, **kwargs):
    if setting in ("LANGUAGES", "LOCALE_PATHS", "LANGUAGE_OFFERED_AT"):
        offered_languages.cache_clear()


def language_choices() -> list[tuple[str, str]]:
    """(code, name) for the footer's choice: empty while English is the only language offered."""
    offered = offered_languages()
    if len(offered) < 2:
        return []
    return [(code, name) for code, name in settings.LANGUAGES if code in offered]


def offered(language: str | None) -> str | None:
    return language if language in offered_languages() else None


def request_language(request) -> str:
    user = getattr(request, "user", None)
    return (
        offered(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        or offered(getattr(user, "language", None) if user is not None and user.is_authenticated else None)
        or settings.LANGUAGE_CODE
    )


def recipient_language(email_address: str) -> str:
    """The language of an email to this address when the sender does not know better: her account's."""
    from .models import User

    saved = User.objects.filter(email__iexact=email_address).values_list("language", flat=True).first()
    return offered(saved) or settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def current_language() -> str:
    """The language in use now: the default of the language kept on what she writes (an enquiry, a request)."""
    return translation.get_language() or settings.LANGUAGE_CODE
