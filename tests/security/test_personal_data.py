"""Her data, her choice: a complete export of her own data, and an erasure that leaves no trace of her."""

import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.utils import timezone

from helpline.models import Enquiry
from portal import personal_data
from portal.models import AuditEntry, OutboundEmail, User
from portal.outbox import email_queue
from portal.roles import Role
from portal.views import ACCOUNT_DELETED_MESSAGE
from tests.conftest import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db

MARKER = "qzxcanary7"


def sign_in(client, user):
    assert client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD}).status_code == 302
    return client


def plant_everywhere(marker: str = MARKER) -> User:
    """A member whose every personal field, in every model that has one, holds the marker."""
    user = make_user(f"{marker}@example.org", first_name=f"Ann{marker}", last_name=f"Smith{marker}")
    EmailAddress.objects.create(user=user, email=f"{marker}.second@example.org", verified=False, primary=False)
    UserSession.objects.create(user=user, ip="10.0.0.1", session_key=f"s{marker}", user_agent=f"Browser {marker}")
    email_queue(to=user.email, template="portal/email/test_message", context={"name": f"Ann{marker}"})
    email_queue(to=f"{marker}.second@example.org", template="portal/email/test_message", context={})
    # What allauth sends to an address she adds (stored with allauth's template name).
    OutboundEmail.objects.filter(to=f"{marker}.second@example.org").update(template="account/email/email_confirm")
    OutboundEmail.objects.filter(to__icontains=marker).update(
        subject=f"Hello {marker}", body_text=f"Dear {marker}", body_html=f"<p>Dear {marker}</p>", last_error=marker
    )
    for plant in PLANTERS:
        plant(user, marker)
    return user


def plant_helpline(user, marker):
    from helpline import services
    from helpline.models import Channel, Topic

    nurse = make_user(f"nurse-{marker[::-1]}@example.org", role=Role.NURSE, mfa=True)
    enquiry = services.enquiry_log(
        by=nurse,
        channel=Channel.PHONE,
        caller_type="self",
        topics=[Topic.PAIN],
        urgency=1,
        summary=f"Broke a vertebra {marker}",
        name=f"Ann {marker}",
        email=user.email,
        phone=f"0770 {marker}",
        consent_email=True,
        consent_phone=True,
        safe_to_email=True,
        safe_to_leave_message=True,
        preferred_times=f"mornings {marker}",
    )
    services.enquiry_note_add(enquiry=enquiry, by=nurse, text=f"Spoke to {marker}")
    services.callback_schedule(
        enquiry=enquiry, by=nurse, due_at=timezone.now() + timedelta(days=1), assigned_to=nurse, note=f"ring {marker}"
    )


def plant_peers(user, marker):
    from peers import services
    from tests.peers.builders import make_request, make_volunteer

    nurse = make_user(f"pnurse-{marker[::-1]}@example.org", role=Role.NURSE, mfa=True)
    request = make_request(
        user,
        first_name=f"Ann{marker}",
        contact_email=user.email,
        contact_phone=f"0770{marker}",
        recovery=f"slow {marker}",
        about=f"About {marker}",
        topics=[marker],
        languages=[marker],
    )
    volunteer = make_volunteer()
    intro = services.introduction_propose(
        by=nurse, peer_request=request, volunteer=volunteer, note=f"good match for {marker}"
    )
    services.introduction_accept(by=volunteer.user, introduction=intro)


def plant_inbound_mail(user, marker):
    """Emails from her: a new question, a reply with her files, and an automatic reply no enquiry takes."""
    from portal.inbound import inbound_receive
    from tests.mailboxes import make_email

    sender = f"Ann {marker} <{user.email}>"
    inbound_receive(raw=make_email(sender=sender, subject=f"Question {marker}", text=f"My pain {marker}"))
    reference = Enquiry.objects.get(channel="email", email=user.email).reference
    inbound_receive(
        raw=make_email(
            sender=sender,
            subject=f"Re: {reference} {marker}",
            text=f"Here is my scan {marker}\n\nOn Monday you wrote:\n> {marker}",
            files=(
                (f"scan-{marker}.pdf", "application/pdf", b"%PDF-1.7 " + marker.encode()),
                (f"{marker}.exe", "application/x-msdownload", b"MZ"),
            ),
        )
    )
    inbound_receive(raw=make_email(sender=sender, subject=f"Away {marker}", headers={"Auto-Submitted": "auto-replied"}))


# Each creates an app's records for `user`, with `marker` in every personal field.
PLANTERS: list = [plant_helpline, plant_peers, plant_inbound_mail]


def tables_containing(marker: str) -> dict[str, int]:
    """Search every text-like column of every table in the database for the marker."""
    hits = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            description = connection.introspection.get_table_description(cursor, table)
            for column in description:
                name = connection.ops.quote_name(column.name)
                cursor.execute(
                    f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} WHERE CAST({name} AS TEXT) LIKE %s",
                    [f"%{marker}%"],
                )
                count = cursor.fetchone()[0]
                if count:
                    hits[f"{table}.{column.name}"] = count
    return hits


def plant_peers_both_ways(user, marker):
    """Her own request, one the helpline made for her under her address, and her volunteer profile, each introduced."""
    from peers import services
    from tests.peers.builders import make_request, make_volunteer

    plant_peers(user, marker)
    nurse = User.objects.get(email__startswith="pnurse-")
    referred = services.peer_request_refer(
        by=nurse, enquiry_id=1, first_name=f"Ann{marker}", email=user.email, phone=f"0770{marker}",
        summary=f"Referred {marker}", topics=[], consent_recorded=True,
    )  # fmt: skip
    services.introduction_propose(by=nurse, peer_request=referred, volunteer=make_volunteer())
    profile = make_volunteer(
        user, first_name=f"Ann{marker}", contact_phone=f"0770{marker}", recovery=f"my story {marker}", capacity=2
    )
    intro = services.introduction_propose(by=nurse, peer_request=make_request(), volunteer=profile)
    services.introduction_accept(by=user, introduction=intro)


def erase_from_the_peers_page(client):
    assert client.post("/peers/my-data/delete/", {"confirm": "yes"}).status_code == 302


def erase_the_account(client):
    assert client.post("/account/delete/", {"confirm": "on"}).status_code == 302


@pytest.mark.parametrize("erase", [erase_from_the_peers_page, erase_the_account], ids=lambda f: f.__name__)
def test_peer_support_keeps_nothing_of_hers_whichever_way_she_erases(client, erase):
    from peers.models import Introduction, PeerRequest, VolunteerProfile

    user = make_user(f"{MARKER}@example.org", first_name="Ann")
    plant_peers_both_ways(user, MARKER)
    counts = PeerRequest.objects.count(), Introduction.objects.count(), VolunteerProfile.objects.count()
    assert {"peers_peerrequest.about", "peers_volunteerprofile.recovery", "peers_introduction.note"} <= set(
        tables_containing(MARKER)
    )
    sign_in(client, user)

    erase(client)

    hits = tables_containing(MARKER)
    # Only her account itself still holds her address, and only if she kept it.
    kept = {"portal_user.email", "account_emailaddress.email"} if erase is erase_from_the_peers_page else set()
    assert set(hits) == kept
    assert (PeerRequest.objects.count(), Introduction.objects.count(), VolunteerProfile.objects.count()) == counts
    assert not PeerRequest.objects.filter(mother=user).exists()
    assert not VolunteerProfile.objects.filter(user=user).exists()
    assert not Introduction.objects.filter(status__in=Introduction.HOLDS_PLACE, peer_request__first_name="").exists()


def test_the_marker_search_finds_what_was_planted():
    plant_everywhere()
    hits = tables_containing(MARKER)
    assert {
        "portal_user.email",
        "portal_user.first_name",
        "account_emailaddress.email",
        "portal_outboundemail.to",
    } <= set(hits)


def test_erasure_leaves_no_trace_of_her_in_any_table(client):
    from portal.models import InboundAttachment

    user = plant_everywhere()
    kept = InboundAttachment.objects.exclude(file="").get()
    stored, storage = kept.file.name, kept.file.storage
    assert {"portal_inboundemail.body_text", "portal_inboundattachment.filename"} <= set(tables_containing(MARKER))
    sign_in(client, user)
    client.get("/account/data.json")
    response = client.post("/account/delete/", {"confirm": "on"})
    assert response.status_code == 302
    assert tables_containing(MARKER) == {}
    assert not storage.exists(stored)  # her file is gone from disk too


def test_erasure_keeps_an_anonymous_inactive_row_and_the_audit_trail(client):
    user = plant_everywhere()
    sign_in(client, user)
    client.post("/account/delete/", {"confirm": "on"})
    user.refresh_from_db()
    assert user.email == f"erased-{user.pk}@erased.invalid"
    assert not user.is_active and not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("", "")
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert not UserSession.objects.filter(user=user).exists()
    assert not user.groups.exists()
    # Nothing more goes to her; her volunteer is told the introduction has ended.
    assert set(
        OutboundEmail.objects.exclude(template="peers/email/introduction_withdrawn").values_list("status", flat=True)
    ) == {OutboundEmail.Status.CANCELLED}
    [notice] = OutboundEmail.objects.filter(template="peers/email/introduction_withdrawn")
    assert notice.status == OutboundEmail.Status.SCHEDULED and notice.to.startswith("vol")
    [erased] = AuditEntry.objects.filter(action="account.erased")
    assert erased.target_id == str(user.pk)
    assert AuditEntry.objects.filter(action="auth.login", actor_id=user.pk).exists()


def test_erasure_ends_every_session_she_had(client, mother):
    phone = sign_in(Client(), mother)
    sign_in(client, mother)
    assert Session.objects.count() == 2
    response = client.post("/account/delete/", {"confirm": "on"})
    assert response.status_code == 302
    assert phone.get("/account/").status_code == 302
    assert client.get("/account/").status_code == 302
    owners = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(mother.pk) not in owners


def test_after_deleting_she_sees_a_message_and_cannot_sign_in(client, mother):
    sign_in(client, mother)
    response = client.post("/account/delete/", {"confirm": "on"}, follow=True)
    assert str(ACCOUNT_DELETED_MESSAGE) in response.content.decode()
    assert client.post("/accounts/login/", {"login": "alice@example.org", "password": TEST_PASSWORD}).status_code == 200


def test_deleting_needs_the_confirmation_box(client, mother):
    sign_in(client, mother)
    response = client.post("/account/delete/", {})
    assert response.status_code == 200
    assert "Tick the box to confirm that you want to delete your account." in response.content.decode()
    mother.refresh_from_db()
    assert mother.is_active


def test_deleting_asks_for_the_password_when_sign_in_was_long_ago(client, mother):
    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, mother)
        clock.shift(301)
        response = client.post("/account/delete/", {"confirm": "on"})
        assert response.url.startswith("/accounts/reauthenticate/")
        mother.refresh_from_db()
        assert mother.is_active
        response = client.post(response.url, {"password": TEST_PASSWORD})
        mother.refresh_from_db()
        assert not mother.is_active


def test_deleting_rejects_get_as_a_state_change(client, mother):
    sign_in(client, mother)
    assert client.get("/account/delete/?confirm=on").status_code == 200
    mother.refresh_from_db()
    assert mother.is_active


def test_the_export_holds_her_data_and_nobody_elses(client, mother, other_mother):
    email_queue(to=mother.email, template="portal/email/test_message", context={})
    email_queue(to=other_mother.email, template="portal/email/test_message", context={})
    sign_in(client, mother)
    response = client.get("/account/data.json")
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    data = json.loads(response.content)
    assert data["account"]["email"] == mother.email
    assert data["account"]["first_name"] == "Alice"
    assert len(data["account"]["emails_sent_to_you"]) == 1
    assert other_mother.email not in response.content.decode()
    assert "Bea" not in response.content.decode()
    assert set(data) >= {"format", "account"}


def test_the_readable_export_shows_the_same_data_escaped(client):
    user = make_user("html@example.org", first_name="<script>alert(1)</script>")
    sign_in(client, user)
    page = client.get("/account/data/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "html@example.org" in page


def test_every_app_with_personal_data_registers_a_provider():
    registered = {p.name for p in personal_data.providers()}
    with_people = {
        model._meta.app_label
        for model in apps.get_models()
        if model._meta.app_label in ("helpline", "peers")
        and any(getattr(f, "related_model", None) is User for f in model._meta.get_fields())
    }
    assert with_people <= registered
    assert "account" in registered


def test_a_volunteer_s_erasure_ends_her_introductions_and_leaves_no_trace(client):
    from peers import services
    from peers.models import Introduction, VolunteerProfile
    from tests.peers.builders import make_request, make_volunteer

    marker = "vlcanary3"
    user = make_user(f"{marker}@example.org", role=Role.VOLUNTEER, first_name=f"Val{marker}")
    volunteer = make_volunteer(
        user, first_name=f"Val{marker}", contact_phone=f"0770{marker}", recovery=f"recovered {marker}"
    )
    nurse = make_user("pn@example.org", role=Role.NURSE, mfa=True)
    mother = make_user("m@example.org", role=Role.MOTHER, first_name="Mo")
    intro = services.introduction_propose(
        by=nurse, peer_request=make_request(mother), volunteer=volunteer, note=f"for {marker}"
    )
    services.introduction_accept(by=user, introduction=intro)
    assert tables_containing(marker)

    sign_in(client, user)
    assert client.post("/account/delete/", {"confirm": "on"}).status_code == 302
    assert tables_containing(marker) == {}
    intro.refresh_from_db()
    assert intro.status == Introduction.Status.ENDED
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerProfile.Status.DECLINED
    assert volunteer.active_count == 0


def test_the_export_includes_her_enquiries_and_peer_requests_but_not_the_volunteer(client, mother):
    plant_helpline(mother, "exportmark")
    plant_peers(mother, "exportmark")
    sign_in(client, mother)
    data = json.loads(client.get("/account/data.json").content)
    assert [e["question_or_summary"] for e in data["helpline"]["enquiries"]] == ["Broke a vertebra exportmark"]
    [request] = data["peers"]["requests"]
    assert request["about"] == "About exportmark"
    assert request["introductions"][0]["status"] == "Introduced"
    volunteer = User.objects.get(email__startswith="vol")
    assert volunteer.email not in json.dumps(data)
    assert volunteer.first_name not in json.dumps(data)


def test_an_address_she_added_but_never_confirmed_reaches_nobody_elses_records(client, mother, other_mother):
    """Anyone can type another woman's address into their account: that must not hand them her records."""
    plant_helpline(other_mother, "victimmark")
    email_queue(to=other_mother.email, template="portal/email/test_message", context={"name": "victimmark"})
    EmailAddress.objects.create(user=mother, email=other_mother.email.upper(), verified=False, primary=False)
    sign_in(client, mother)

    export = client.get("/account/data.json").content.decode()
    assert "victimmark" not in export
    assert json.loads(export)["account"]["emails_sent_to_you"] == []

    assert client.post("/account/delete/", {"confirm": "on"}).status_code == 302
    mother.refresh_from_db()
    assert not mother.is_active
    assert Enquiry.objects.get().summary == "Broke a vertebra victimmark"
    assert OutboundEmail.objects.filter(to=other_mother.email, subject="(erased)").count() == 0
