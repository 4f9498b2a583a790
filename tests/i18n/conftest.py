"""The pseudo-locale (tests/i18n/pseudo.py), built once per run, and readers who use it."""

import pytest
from django.conf import settings
from django.utils import translation

from tests.i18n.pseudo import PSEUDO_LANGUAGE, build, pseudo_settings


@pytest.fixture(scope="session")
def pseudo_catalogue(tmp_path_factory):
    """A LOCALE_PATHS folder holding the compiled pseudo catalogue (never under locale/)."""
    folder = tmp_path_factory.mktemp("pseudo-locale")
    build(folder)
    return folder


@pytest.fixture
def pseudo_locale(settings, pseudo_catalogue):
    """The portal offers the pseudo-locale, and this test runs in it."""
    for name, value in pseudo_settings(pseudo_catalogue).items():
        setattr(settings, name, value)
    with translation.override(PSEUDO_LANGUAGE):
        yield PSEUDO_LANGUAGE


@pytest.fixture
def pseudo_client(client, pseudo_locale):
    """A browser whose reader chose the pseudo-locale in the footer."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = pseudo_locale
    return client
