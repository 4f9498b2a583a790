"""The public pages and the main staff pages are valid HTML, checked by the Nu HTML Checker (vnu).

Pages are rendered with the demo data set (so lists, timelines and forms are full) and
checked in one run of vnu.jar on the system's Java. Without vnu (`make vnu`) or Java the
test skips, and fails in CI (PORTAL_REQUIRE_SERVICES=1).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from demo.accounts import demo_accounts_create
from demo.data import demo_data_load
from helpline.models import Enquiry
from leaflet.models import Section
from peers.models import PeerRequest, VolunteerProfile
from portal.models import User
from tests.conftest import service_missing
from tests.leaflet_content import leaflet_load

pytestmark = [pytest.mark.django_db, pytest.mark.vnu]

VNU_JAR = Path(os.environ.get("VNU_JAR") or settings.BASE_DIR / ".tools/node_modules/vnu-jar/build/dist/vnu.jar")


@pytest.fixture
def vnu() -> list[str]:
    java = shutil.which("java")
    if not java:
        service_missing("the HTML checker needs Java (apt-get install default-jre-headless)")
    if not VNU_JAR.exists():
        service_missing(f"the HTML checker is not installed ({VNU_JAR}): run `make vnu`")
    return [java, "-jar", str(VNU_JAR)]


def pages() -> dict[str, tuple[str | None, str]]:
    """name -> (the email of who views it, or None for the public; URL)."""
    enquiry = Enquiry.objects.filter(status="in_progress").first()
    section = Section.objects.get(slug="breastfeeding")
    waiting = PeerRequest.objects.filter(status=PeerRequest.Status.WAITING).first()
    introduced = PeerRequest.objects.get(mother__email="mother@example.org")
    volunteer = VolunteerProfile.objects.filter(status=VolunteerProfile.Status.APPLIED).first()
    conversation = introduced.introductions.get(status="accepted")
    public = {
        "home": "/",
        "contents": reverse("leaflet:contents"),
        "section": section.get_absolute_url(),
        "exercises": reverse("leaflet:exercise-programme"),
        "stories": reverse("leaflet:case-studies"),
        "print": reverse("leaflet:print"),
        "search": reverse("leaflet:search") + "?q=pain",
        "ask": reverse("helpline:ask"),
        "peers": reverse("peers:index"),
        "peer-request-start": reverse("peers:request-start"),
        "privacy": reverse("portal:privacy"),
        "sign-in": reverse("account_login"),
        "sign-up": reverse("account_signup"),
        "password-reset": reverse("account_reset_password"),
    }
    nurse = {
        "queue": reverse("helpline:queue"),
        "enquiry-new": reverse("helpline:enquiry-new"),
        "enquiry": reverse("helpline:enquiry-detail", args=[enquiry.pk]),
        "enquiry-edit": reverse("helpline:enquiry-edit", args=[enquiry.pk]),
        "reports": reverse("helpline:reports"),
        "templates": reverse("helpline:template-list"),
        "calls": reverse("helpline:calls"),
        "peer-nurse-queue": reverse("peers:nurse-queue"),
        "peer-nurse-request": reverse("peers:nurse-request", args=[waiting.pk]),
        "volunteers": reverse("peers:nurse-volunteers"),
        "volunteer-review": reverse("peers:nurse-volunteer", args=[volunteer.pk]),
        "peer-nurse-conversation": reverse("peers:conversation", args=[conversation.pk]),
        "peer-nurse-moderation": reverse("peers:nurse-moderation"),
    }
    editor = {
        "editor": reverse("leaflet:editor"),
        "section-review": reverse("leaflet:section-review", args=[section.pk]),
        "section-edit": reverse("leaflet:section-edit", args=[section.pk]),
        "section-history": reverse("leaflet:section-history", args=[section.pk]),
        "helpfulness": reverse("leaflet:helpfulness"),
        "search-report": reverse("leaflet:search-report"),
    }
    booking_page, manage_page = _callback_pages()
    others = {
        "callback-book": ("mother@example.org", booking_page),
        "callback-manage": (None, manage_page),
        "mother-request": ("mother@example.org", reverse("peers:request-detail", args=[introduced.pk])),
        "account": ("mother@example.org", reverse("portal:account")),
        "volunteer-home": ("volunteer@example.org", reverse("peers:volunteer-home")),
        "conversation": ("mother@example.org", reverse("peers:conversation", args=[conversation.pk])),
        "conversation-volunteer": ("volunteer@example.org", reverse("peers:conversation", args=[conversation.pk])),
        "ending": ("mother@example.org", reverse("peers:ending", args=[conversation.pk])),
    }
    return {
        **{name: (None, url) for name, url in public.items()},
        **{name: ("nurse@example.org", url) for name, url in nurse.items()},
        **{name: ("editor@example.org", url) for name, url in editor.items()},
        **others,
    }


def _callback_pages() -> tuple[str, str]:
    """Her page for choosing a time (with free slots offered) and the signed page for a booked call."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from helpline import callback_slots
    from helpline.models import CallbackSlot

    nurse = User.objects.get(email="nurse@example.org")
    mother = User.objects.get(email="mother@example.org")
    day = timezone.localdate() + timedelta(days=1)
    for hour in (9, 10, 11):
        starts = timezone.make_aware(datetime.combine(day, time(hour)))
        CallbackSlot.objects.create(nurse=nurse, starts_at=starts, ends_at=starts + timedelta(minutes=30))
    hers, other = (
        Enquiry.objects.create(summary="A question", phone="07700 900123", consent_phone=True, user=user)
        for user in (mother, None)
    )
    Enquiry.objects.filter(pk__in=[hers.pk, other.pk]).update(safe_call_periods=["morning"])
    other.refresh_from_db()
    booking = callback_slots.booking_make(enquiry=other, slot=CallbackSlot.objects.order_by("starts_at").first())
    return reverse("helpline:my-enquiry-callback", args=[hers.pk]), callback_slots.manage_path(booking)


def test_public_and_staff_pages_are_valid_html(vnu, tmp_path, django_capture_on_commit_callbacks):
    leaflet_load()
    demo_accounts_create()
    users = {u.email: u for u in User.objects.all()}
    with django_capture_on_commit_callbacks(execute=True):
        demo_data_load(
            nurse=users["nurse@example.org"],
            mother=users["mother@example.org"],
            volunteer=users["volunteer@example.org"],
        )
    files = []
    for name, (email, url) in pages().items():
        client = Client()
        if email:
            client.force_login(users[email])
        response = client.get(url)
        assert response.status_code == 200, f"{name}: {url} answered {response.status_code}"
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))

    result = subprocess.run(
        [*vnu, "--format", "json", "--stdout", "--errors-only", *files], capture_output=True, text=True, timeout=300
    )
    messages = json.loads(result.stdout or "{}").get("messages", []) if result.stdout.strip() else []
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]
    assert not errors, "\n".join(errors)
    assert result.returncode == 0, result.stderr
