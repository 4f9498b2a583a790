"""Talking inside the portal: the conversation page, its safety screening, and who may see or write what."""

import html
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from helpline.models import DutyShift
from peers import conversations, services
from peers.models import Introduction, Message, NurseTask
from portal.models import AuditEntry, OutboundEmail
from portal.outbox import emails_about
from tests.conftest import make_user

from .builders import make_request, make_volunteer

pytestmark = pytest.mark.django_db

CRISIS = "Some days I think everyone would be better off without me and I want to end my life"
MOTHER_PHONE = "07700 900555"
MOTHER_ADDRESS = "alice.private@example.org"  # the address she gave for peer support
VOLUNTEER_ADDRESS = "vicky.private@example.org"


@pytest.fixture
def intro(mother, volunteer, nurse) -> Introduction:
    request = make_request(mother, contact_phone=MOTHER_PHONE, contact_email="alice.private@example.org")
    profile = make_volunteer(volunteer, contact_phone="07700 900777", contact_email="vicky.private@example.org")
    proposed = services.introduction_propose(by=nurse, peer_request=request, volunteer=profile)
    return services.introduction_accept(by=volunteer, introduction=proposed)


def page_of(client, user, intro, **params):
    client.force_login(user)
    return client.get(reverse("peers:conversation", args=[intro.pk]), params)


def send(client, user, intro, body):
    client.force_login(user)
    return client.post(reverse("peers:conversation-send", args=[intro.pk]), {"body": body})


# ---------------------------------------------------------------- 1. the way they talk


def test_by_default_the_introduction_is_messages_in_the_portal_and_both_are_told_where(intro, mother):
    assert intro.talk_by == "portal"
    sent = emails_about(intro).filter(template="peers/email/introduction_portal")
    assert sorted(m.to for m in sent) == sorted(["vicky.private@example.org", "alice.private@example.org"])
    for email in sent:
        assert f"/peers/conversations/{intro.pk}/" in email.body_text
        assert "07700" not in email.body_text and "private@" not in email.body_text.replace(email.to, "")
    assert not emails_about(intro).filter(template="peers/email/introduction_details").exists()


# ---------------------------------------------------------------- 2. the page, without JavaScript


def test_both_women_write_and_read_in_order_without_javascript(client, intro, mother, volunteer):
    assert send(client, mother, intro, "Hello Vicky, thank you for agreeing to talk.").status_code == 302
    assert send(client, volunteer, intro, "Hello Alice! How are you and the baby?").status_code == 302

    page = page_of(client, mother, intro).text
    assert "Your conversation with Vicky" in page
    assert "Our guidelines for talking with each other" in page
    assert page.index("thank you for agreeing") < page.index("How are you and the baby?")
    assert "Report this message" in page and "Please contact me, nurse" in page
    # Her own message shows whether Vicky has read it: not until Vicky opens the page.
    assert "Not read yet" in page
    page = page_of(client, volunteer, intro).text
    assert "Your conversation with Alice" in page
    page = page_of(client, mother, intro).text
    assert "· Read" in page
    for private in ("07700", "private@example.org", volunteer.email, mother.email):
        assert private not in page


def test_a_message_she_has_not_seen_shows_not_read_to_its_writer(client, intro, mother):
    send(client, mother, intro, "Are you free to talk this week?")
    assert "Not read yet" in page_of(client, mother, intro).text


def test_the_page_loads_its_script_from_a_static_file_only(client, intro, mother):
    page = page_of(client, mother, intro)
    assert '<script src="/static/js/peers-conversation.js" defer></script>' in page.text
    assert f'data-poll-url="/peers/conversations/{intro.pk}/messages/"' in page.text
    assert "unsafe-inline" not in page["Content-Security-Policy"]


def test_polling_returns_only_the_newer_messages(client, intro, mother, volunteer):
    send(client, mother, intro, "First message")
    first = Message.objects.get()
    send(client, volunteer, intro, "Second message")
    client.force_login(mother)
    fresh = client.get(reverse("peers:conversation-poll", args=[intro.pk]), {"after": first.pk})
    assert fresh.status_code == 200 and fresh["Cache-Control"] == "no-store"
    assert "Second message" in fresh.text and "First message" not in fresh.text
    assert Message.objects.get(body="Second message").read_at is not None


def test_a_message_too_long_is_refused_with_a_clear_error_and_kept_in_the_box(client, intro, mother, settings):
    settings.PEERS_MESSAGE_MAX_CHARS = 50
    text = "x" * 51
    response = send(client, mother, intro, text)
    assert response.status_code == 400
    assert "Please keep a message to 50 characters or fewer. This one has 51." in response.text
    assert f"{text}</textarea>" in response.text
    assert not Message.objects.exists()


def test_an_empty_message_is_refused(client, intro, mother):
    response = send(client, mother, intro, "   ")
    assert response.status_code == 400 and "Please write a message before sending it." in response.text
    assert not Message.objects.exists()


def test_html_and_script_are_shown_as_text(client, intro, mother, volunteer):
    send(client, mother, intro, '<script>alert("hi")</script><b>bold</b>')
    page = page_of(client, volunteer, intro).text
    assert "&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in page
    assert '<script>alert("hi")' not in page


def test_someone_not_in_the_conversation_gets_404_and_nothing_changes(client, intro, other_mother, nurse, outsider):
    for user in (other_mother, nurse, outsider):
        response = send(client, user, intro, "Let me in")
        assert response.status_code == 404
    for user in (other_mother, outsider):
        assert page_of(client, user, intro).status_code == 404
    assert not Message.objects.exists()


def test_a_paused_or_ended_introduction_takes_no_new_messages(client, intro, mother, volunteer):
    Introduction.objects.filter(pk=intro.pk).update(paused_at=timezone.now())
    response = send(client, mother, intro, "Hello?")
    assert response.status_code == 400 and str(conversations.PAUSED) in response.text
    Introduction.objects.filter(pk=intro.pk).update(paused_at=None)
    services.introduction_end(by=volunteer, introduction=intro)
    response = send(client, mother, intro, "Hello?")
    assert response.status_code == 400
    assert 'This introduction is "Ended", so the conversation takes no new messages.' in html.unescape(response.text)
    assert not Message.objects.exists()
    assert "no new ones can be sent" in page_of(client, mother, intro).text


def test_every_look_by_a_nurse_is_audited(client, intro, mother, nurse):
    send(client, mother, intro, "Hello")
    page = page_of(client, nurse, intro)
    assert page.status_code == 200 and "Hello" in page.text and "Mother (Alice)" in page.text
    client.get(reverse("peers:conversation-poll", args=[intro.pk]))
    views = AuditEntry.objects.filter(action="peers.conversation_viewed", actor=nurse, target_id=str(intro.pk))
    assert views.count() == 2
    # A nurse reading does not mark the messages read for the writer.
    assert Message.objects.get().read_at is None


def test_report_and_contact_me_reach_the_nurses(client, intro, mother, volunteer, nurse):
    send(client, volunteer, intro, "Something odd")
    message = Message.objects.get()
    client.force_login(mother)
    client.post(reverse("peers:message-report", args=[intro.pk, message.pk]))
    client.post(reverse("peers:conversation-nurse", args=[intro.pk]))
    message.refresh_from_db()
    assert message.reported_at is not None and message.reported_by == mother
    kinds = set(NurseTask.objects.filter(introduction=intro).values_list("kind", flat=True))
    assert kinds == {NurseTask.Kind.MESSAGE_REPORTED, NurseTask.Kind.CONVERSATION_NURSE}
    notices = OutboundEmail.objects.filter(template="peers/email/nurses_notice", to=nurse.email)
    assert notices.count() == 2 and all("Something odd" not in n.body_text for n in notices)


def test_a_message_of_another_conversation_cannot_be_reported_from_this_one(client, intro, other_mother, nurse):
    other_volunteer = make_volunteer()
    other_intro = services.introduction_accept(
        by=other_volunteer.user,
        introduction=services.introduction_propose(
            by=nurse, peer_request=make_request(other_mother), volunteer=other_volunteer
        ),
    )
    conversations.message_send(by=other_mother, introduction=other_intro, body="Ours")
    theirs = Message.objects.get()
    client.force_login(intro.peer_request.mother)
    assert client.post(reverse("peers:message-report", args=[intro.pk, theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.reported_at is None


# ---------------------------------------------------------------- 4. safety on every message


def test_an_alarming_message_shows_its_writer_the_advice_alerts_the_nurse_on_duty_and_is_marked(
    client, intro, mother, volunteer, nurse
):
    other_nurse = make_user("nell@example.org", role="nurse", first_name="Nell")
    now = timezone.now()
    DutyShift.objects.create(nurse=nurse, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))

    response = send(client, mother, intro, CRISIS)
    message = Message.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"?advice={message.pk}#safety-advice")
    page = client.get(response.url).text
    assert "You do not have to cope with this on your own" in page and "116 123" in page

    assert message.alarm and message.level == "crisis" and message.marked_for_nurse_at is not None
    assert NurseTask.objects.filter(kind=NurseTask.Kind.MESSAGE_ALARM, introduction=intro).exists()
    alert = OutboundEmail.objects.get(template="helpline/email/peer_message_alert")
    assert alert.to == nurse.email  # the one on duty, not Nell
    assert f"/peers/conversations/{intro.pk}/" in alert.body_text and "Crisis" in alert.subject
    assert "end my life" not in alert.body_text + alert.body_html + alert.subject
    assert not OutboundEmail.objects.filter(to=other_nurse.email, template="helpline/email/peer_message_alert")

    # The advice is hers: the volunteer following the same link sees none of it.
    client.force_login(volunteer)
    assert "116 123" not in client.get(response.url).text


def test_nobody_on_duty_means_every_nurse_is_alerted(client, intro, mother, nurse):
    other_nurse = make_user("nell@example.org", role="nurse", first_name="Nell")
    send(client, mother, intro, CRISIS)
    alerted = set(
        OutboundEmail.objects.filter(template="helpline/email/peer_message_alert").values_list("to", flat=True)
    )
    assert {nurse.email, other_nurse.email} <= alerted


def test_an_everyday_message_raises_no_alarm(client, intro, mother):
    response = send(client, mother, intro, "Hello! How was your week? The baby slept at last.")
    assert "advice=" not in response.url
    assert not Message.objects.get().alarm
    assert not OutboundEmail.objects.filter(template="helpline/email/peer_message_alert").exists()


@pytest.mark.parametrize(
    "typed",
    [
        f"Call me on {MOTHER_PHONE} any time",
        "My email is alice.b@example.net",
        "Find me @alice_b_mum",
        "My instagram is alicebmum",
        "Add me on facebook",
    ],
)
def test_contact_details_are_held_back_from_the_other_with_a_gentle_note(client, intro, mother, volunteer, typed):
    send(client, mother, intro, typed)
    message = Message.objects.get()
    assert message.held_back
    theirs = page_of(client, volunteer, intro).text
    assert "[contact details held back]" in theirs
    assert "Some contact details were held back from this message, to keep you both safe." in theirs
    for private in (MOTHER_PHONE, "alice.b@example.net", "@alice_b_mum", "alicebmum"):
        assert private not in theirs
    mine = page_of(client, mother, intro).text
    assert typed in mine
    assert "We held back what looked like contact details from Vicky" in mine


def test_contact_details_reach_her_when_both_chose_to_exchange_them(client, intro, mother, volunteer):
    Introduction.objects.filter(pk=intro.pk).update(talk_by="details")
    send(client, mother, intro, f"Call me on {MOTHER_PHONE}")
    assert not Message.objects.get().held_back
    assert MOTHER_PHONE in page_of(client, volunteer, intro).text


# ---------------------------------------------------------------- 3. notifications without content


def test_the_other_is_told_of_new_messages_at_most_once_an_hour_and_never_what_they_say(
    client, intro, mother, volunteer, django_capture_on_commit_callbacks
):
    start = timezone.now()
    for minutes, words in ((0, "one"), (10, "two"), (20, "three")):
        at = time_machine.travel(start + timedelta(minutes=minutes), tick=False)
        with at, django_capture_on_commit_callbacks(execute=True):
            send(client, mother, intro, f"Secret words {words}")
    notices = list(
        OutboundEmail.objects.filter(template="peers/email/new_message", to=VOLUNTEER_ADDRESS).order_by("send_after")
    )
    assert len(notices) == 2
    assert notices[0].status == OutboundEmail.Status.SENT
    assert notices[1].send_after == start + timedelta(hours=1)
    for notice in notices:
        assert notice.subject == "You have a new message from your peer contact"
        assert "Secret" not in notice.body_text + notice.body_html
    assert not OutboundEmail.objects.filter(template="peers/email/new_message", to=MOTHER_ADDRESS).exists()


def test_no_notice_goes_to_a_woman_whose_words_say_her_email_may_not_be_safe(client, intro, mother, volunteer):
    Message.objects.create(
        introduction=intro, author=mother, side="mother", body="x", shared_body="x", email_unsafe=True
    )
    send(client, volunteer, intro, "Thinking of you")
    assert not OutboundEmail.objects.filter(template="peers/email/new_message", to=MOTHER_ADDRESS).exists()


def test_an_unsubscribed_woman_gets_no_notice(client, intro, mother, volunteer):
    from portal.outbox.consent import address_hash, suppression_add

    suppression_add(address_hash=address_hash(MOTHER_ADDRESS))
    send(client, volunteer, intro, "Thinking of you")
    notice = OutboundEmail.objects.get(template="peers/email/new_message", to=MOTHER_ADDRESS)
    assert notice.status == OutboundEmail.Status.CANCELLED


def test_with_no_safety_screener_a_message_is_refused_not_sent_unscreened(intro, mother, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from portal import screening

    monkeypatch.setattr(screening, "_screener", None)
    with pytest.raises(ImproperlyConfigured):
        conversations.message_send(by=mother, introduction=intro, body="Hello")
    assert not Message.objects.exists()


def test_the_page_reads_a_long_conversation_in_a_fixed_number_of_queries(
    client, intro, mother, volunteer, django_assert_max_num_queries
):
    for n in range(60):
        Message.objects.create(
            introduction=intro,
            author=mother if n % 2 else volunteer,
            side="mother" if n % 2 else "volunteer",
            body=f"Message {n}",
            shared_body=f"Message {n}",
        )
    client.force_login(mother)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("peers:conversation", args=[intro.pk]))
    assert page.text.count('id="message-') == 60
