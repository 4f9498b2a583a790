"""The footer's language choice: offered only once a catalogue is 95% translated, and remembered."""

import polib
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from helpline.models import Enquiry
from portal.i18n import coverage, language_choices
from portal.models import OutboundEmail
from tests.helpline.conftest import ask_data
from tests.i18n.pseudo import PSEUDO_LANGUAGE
from tests.peers.builders import make_request

pytestmark = pytest.mark.django_db


def welsh_catalogue(folder, *, translated: int, total: int):
    """A Welsh catalogue with `translated` of its `total` strings translated (test strings, not Welsh)."""
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "cy"}
    for number in range(total):
        catalogue.append(polib.POEntry(msgid=f"string {number}", msgstr=f"cy {number}" if number < translated else ""))
    path = folder / "cy" / "LC_MESSAGES"
    path.mkdir(parents=True)
    catalogue.save(str(path / "django.po"))
    catalogue.save_as_mofile(str(path / "django.mo"))


@pytest.mark.parametrize(("translated", "offered"), [(94, False), (95, True)])
def test_welsh_is_offered_only_from_95_percent(tmp_path, settings, client, translated, offered):
    welsh_catalogue(tmp_path, translated=translated, total=100)
    settings.LOCALE_PATHS = [tmp_path]

    assert coverage("cy").share == translated / 100
    assert (("cy", "Cymraeg") in language_choices()) is offered
    footer = client.get(reverse("portal:privacy")).content.decode()
    assert ('name="language"' in footer) is offered


def test_the_coverage_command_says_how_far_welsh_is(tmp_path, settings, capsys):
    welsh_catalogue(tmp_path, translated=3, total=1234)
    settings.LOCALE_PATHS = [tmp_path]
    call_command("translation_coverage")
    assert (
        "cy (Cymraeg): 3 of 1,234 strings translated (0%); not offered until 95% are translated"
        in capsys.readouterr().out
    )


def test_the_committed_welsh_catalogue_is_not_offered_yet():
    """No Welsh is written by guesswork: until reviewed translations arrive, only English is offered."""
    assert coverage("cy").total > 0
    assert language_choices() == []


def test_her_choice_is_kept_and_saved_on_her_account(client, mother, pseudo_locale):
    client.force_login(mother)
    response = client.post(reverse("portal:language"), {"language": PSEUDO_LANGUAGE, "next": "/account/"})
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert client.get(reverse("portal:account")).headers["Content-Language"] == PSEUDO_LANGUAGE
    mother.refresh_from_db()
    assert mother.language == PSEUDO_LANGUAGE
    # On another device, signed in, without the cookie: her saved choice applies.
    other = Client()
    other.force_login(mother)
    assert 'lang="en-XA"' in other.get(reverse("portal:account")).content.decode()


def test_a_language_not_offered_is_refused_and_nothing_changes(client, mother):
    client.force_login(mother)
    response = client.post(reverse("portal:language"), {"language": "cy", "next": "/account/"}, follow=True)
    assert "That language is not offered yet, so the site stays in English." in response.content.decode()
    mother.refresh_from_db()
    assert mother.language == ""
    assert "language" not in client.cookies or client.cookies["language"].value == ""


def test_a_question_asked_in_a_language_gets_its_acknowledgement_in_it(
    client, pseudo_locale, django_capture_on_commit_callbacks
):
    client.cookies["language"] = PSEUDO_LANGUAGE
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("helpline:ask"), ask_data())
    enquiry = Enquiry.objects.get()
    assert enquiry.interface_language == PSEUDO_LANGUAGE
    email = OutboundEmail.objects.get(to="priya@example.net")
    assert 'lang="en-xa"' in email.body_html.lower()
    assert "⟦Thís émáíl wás sént bý thé" in email.body_text


def test_a_peer_request_keeps_the_language_she_asked_in(mother, pseudo_locale):
    assert make_request(mother).interface_language == PSEUDO_LANGUAGE
