"""The feedback email after an enquiry is closed: the sweep, the link, her answer, the figures, erasure."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from helpline import people, services
from helpline.closure_feedback import feedback_emails_send_due, feedback_quarters, feedback_summary
from helpline.models import Enquiry, EnquiryFeedback
from helpline.personal_data import helpline_erase, helpline_export
from helpline.tasks import closure_feedback_task
from portal.models import AuditEntry, OutboundEmail
from portal.outbox import email_deliver
from portal.outbox.consent import address_hash, suppression_add

from .conftest import make_enquiry

pytestmark = pytest.mark.django_db

TEMPLATE = "helpline/email/closure_feedback"
LINK = re.compile(r"/helpline/feedback/[^/\s]+/")
CRISIS = "Honestly everyone would be better off without me, I've been saving up my tablets"


def _at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=hour))


def test_summary_counts_sent_and_answered_in_the_period_only(nurse):
    q_start, q_end = date(2026, 4, 1), date(2026, 7, 1)
    rows = [
        # (sent, answered, score)
        (date(2026, 4, 3), date(2026, 4, 5), 5),
        (date(2026, 5, 1), date(2026, 5, 2), 4),
        (date(2026, 6, 29), None, None),
        (date(2026, 6, 30), date(2026, 7, 1), 1),  # answered in the next quarter
        (date(2026, 3, 30), date(2026, 4, 1), 2),  # sent in the previous quarter
    ]
    for sent, answered, score in rows:
        enquiry = make_enquiry(nurse, email=f"{sent}@example.net")
        EnquiryFeedback.objects.create(
            enquiry=enquiry,
            token_hash="x" * 64,
            sent_at=_at(sent),
            answered_at=_at(answered) if answered else None,
            score=score,
        )
    summary = feedback_summary(start=q_start, end=q_end)
    assert (summary.sent, summary.answered) == (4, 3)
    assert summary.per_score == {1: 0, 2: 1, 3: 0, 4: 1, 5: 1}
    assert summary.mean == pytest.approx(11 / 3)
    assert summary.answered_share == pytest.approx(3 / 4)


def test_summary_of_a_quiet_quarter_has_no_mean():
    summary = feedback_summary(start=date(2026, 1, 1), end=date(2026, 4, 1))
    assert (summary.sent, summary.answered, summary.mean, summary.answered_share) == (0, 0, None, None)
    assert summary.per_score == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}


# ---------------------------------------------------------------- the sweep
def close(enquiry, nurse):
    return services.enquiry_transition(enquiry=enquiry, by=nurse, action="close", outcome="information_given")


def sweep_later(days: float = 2.1) -> int:
    return feedback_emails_send_due(now=timezone.now() + timedelta(days=days))


def feedback_emails() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(template=TEMPLATE))


def test_the_sweep_sends_one_feedback_email_two_days_after_closing_and_never_again(nurse):
    enquiry = close(make_enquiry(nurse), nurse)

    assert feedback_emails_send_due(now=timezone.now() + timedelta(days=1)) == 0
    assert sweep_later() == 1
    assert sweep_later(days=2.5) == 0
    assert sweep_later(days=3) == 0

    [message] = feedback_emails()
    assert (message.to, message.kind, message.status) == ("harriet@example.net", "follow_up", "scheduled")
    assert email_deliver(message_id=message.pk) is True
    [sent] = mail.outbox
    assert enquiry.reference in sent.subject
    # Her name, her question and her address are not in the link.
    path = LINK.search(message.body_text).group(0)
    assert "harriet" not in path.lower() and enquiry.reference not in path
    assert EnquiryFeedback.objects.get(enquiry=enquiry).sent_at is not None


def test_an_enquiry_reopened_before_the_email_is_due_gets_none(nurse):
    enquiry = close(make_enquiry(nurse), nurse)
    services.enquiry_transition(enquiry=enquiry, by=nurse, action="reopen")
    assert sweep_later() == 0
    assert feedback_emails() == []


@pytest.mark.parametrize(
    "overrides",
    [{"consent_email": False}, {"safe_to_email": False}, {"email": ""}],
    ids=["no consent to email", "not safe to email", "no address"],
)
def test_no_feedback_email_without_consent_or_a_safe_address(nurse, overrides):
    close(make_enquiry(nurse, **overrides), nurse)
    assert sweep_later() == 0
    assert feedback_emails() == []
    assert not EnquiryFeedback.objects.exists()


def test_no_feedback_email_to_her_once_her_enquiry_is_erased(nurse):
    enquiry = close(make_enquiry(nurse), nurse)
    services.enquiry_erase(enquiry=enquiry)
    assert sweep_later() == 0
    assert feedback_emails() == []


def test_no_feedback_email_to_someone_flagged_do_not_email_and_she_is_not_asked_again(nurse):
    enquiry = close(make_enquiry(nurse), nurse)
    people.flag_set(
        enquiry=enquiry,
        kind="do_not_email",
        reason="Her partner reads her email",
        review_on=timezone.localdate(),
        by=nurse,
    )
    assert sweep_later() == 0
    [message] = feedback_emails()
    assert (message.status, message.last_error) == ("cancelled", people.DO_NOT_EMAIL)
    feedback = EnquiryFeedback.objects.get(enquiry=enquiry)
    assert (feedback.sent_at, feedback.skipped, feedback.token_hash) == (None, "vetoed", "")
    assert sweep_later(days=3) == 0 and len(feedback_emails()) == 1
    assert mail.outbox == []


@pytest.mark.parametrize("reason", ["bounced", "complained", "unsubscribed"])
def test_no_feedback_email_to_an_address_that_bounced_complained_or_unsubscribed(nurse, reason):
    enquiry = close(make_enquiry(nurse), nurse)
    suppression_add(address_hash=address_hash(enquiry.email), reason=reason)
    assert sweep_later() == 0
    [message] = feedback_emails()
    assert message.status == "cancelled"
    assert EnquiryFeedback.objects.get(enquiry=enquiry).skipped == "vetoed"


def test_one_feedback_email_per_woman_in_thirty_days_however_many_enquiries_closed(nurse):
    first = close(make_enquiry(nurse), nurse)
    assert sweep_later() == 1
    second = close(make_enquiry(nurse, email="Harriet@Example.net", summary="Another question"), nurse)
    assert sweep_later(days=2.2) == 0
    assert EnquiryFeedback.objects.get(enquiry=second).skipped == "recent"
    assert [m.about_id for m in feedback_emails()] == [str(first.pk)]

    # After the window a later enquiry of hers gets its own.
    third = close(make_enquiry(nurse, summary="A third question"), nurse)
    assert feedback_emails_send_due(now=timezone.now() + timedelta(days=35)) == 0  # closed too long ago by then
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        fourth = close(make_enquiry(nurse, summary="A fourth question"), nurse)
        assert sweep_later() == 1
    assert EnquiryFeedback.objects.get(enquiry=fourth).sent_at is not None
    assert not EnquiryFeedback.objects.filter(enquiry=third, sent_at__isnull=False).exists()


def test_the_window_follows_her_person_when_she_wrote_from_another_address(nurse):
    first = make_enquiry(nurse)
    second = make_enquiry(nurse, email="h.other@example.net", summary="Another question")  # same phone number
    people.person_link_confirm(enquiry=second, other=first, by=nurse)
    close(first, nurse)
    assert sweep_later() == 1
    close(second, nurse)
    assert sweep_later(days=2.2) == 0
    assert EnquiryFeedback.objects.get(enquiry=second).skipped == "recent"


def test_the_sweep_is_on_beat_and_its_task_sends(settings, nurse):
    entry = settings.CELERY_BEAT_SCHEDULE["helpline-closure-feedback"]
    assert entry["task"] == "helpline.closure_feedback"
    enquiry = close(make_enquiry(nurse), nurse)
    Enquiry.objects.filter(pk=enquiry.pk).update(closed_at=timezone.now() - timedelta(days=2, hours=1))
    assert closure_feedback_task.apply().get() == 1


# ---------------------------------------------------------------- the link and her answer
def sent_link(nurse, **overrides) -> tuple[Enquiry, str]:
    enquiry = close(make_enquiry(nurse, **overrides), nurse)
    assert sweep_later() == 1
    message = OutboundEmail.objects.get(template=TEMPLATE, about_id=str(enquiry.pk))
    return enquiry, LINK.search(message.body_text).group(0)


def test_she_answers_through_the_link_once(client, nurse):
    enquiry, path = sent_link(nurse)

    page = client.get(path)
    assert page.status_code == 200
    assert "How was your experience?" in page.text
    assert 'type="radio"' in page.text and "5 (very good)" in page.text and "<legend>" in page.text

    done = client.post(path, {"score": "4", "comment": "The nurse was kind and clear.", "website": ""})
    assert done.status_code == 200 and "Thank you for your feedback" in done.text
    feedback = EnquiryFeedback.objects.get(enquiry=enquiry)
    assert (feedback.score, feedback.comment) == (4, "The nurse was kind and clear.")
    assert feedback.answered_at is not None
    assert AuditEntry.objects.filter(action="enquiry.feedback_answered", target_id=str(enquiry.pk)).exists()

    again = client.post(path, {"score": "1", "comment": "Changed my mind", "website": ""})
    assert again.status_code == 409 and "You have already told us how it went" in again.text
    assert client.get(path).text.count("You have already told us how it went") == 1
    feedback.refresh_from_db()
    assert (feedback.score, feedback.comment) == (4, "The nurse was kind and clear.")


def test_a_missing_score_or_a_long_comment_is_refused_and_keeps_what_she_typed(client, nurse):
    enquiry, path = sent_link(nurse)
    response = client.post(path, {"score": "", "comment": "Lovely nurse", "website": ""})
    assert response.status_code == 400 and "Choose a number from 1 to 5." in response.text
    assert "Lovely nurse" in response.text
    response = client.post(path, {"score": "3", "comment": "x" * 1001, "website": ""})
    assert response.status_code == 400 and "Keep your comment to 1,000 characters or fewer." in response.text
    response = client.post(path, {"score": "9", "website": ""})
    assert response.status_code == 400
    assert EnquiryFeedback.objects.get(enquiry=enquiry).answered_at is None


def test_a_tampered_link_changes_nothing(client, nurse):
    enquiry, path = sent_link(nurse)
    token = path.rstrip("/").rsplit("/", 1)[1]
    tampered = path.replace(token, ("A" if token[0] != "A" else "B") + token[1:])
    for response in (client.get(tampered), client.post(tampered, {"score": "5", "website": ""})):
        assert response.status_code == 404 and "This link is not valid" in response.text
    assert client.post("/helpline/feedback/not-a-link/", {"score": "5"}).status_code == 404
    assert EnquiryFeedback.objects.get(enquiry=enquiry).answered_at is None


def test_an_expired_link_changes_nothing(client, nurse):
    enquiry, path = sent_link(nurse)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        response = client.post(path, {"score": "5", "website": ""})
    assert response.status_code == 400 and "This link has expired" in response.text
    assert EnquiryFeedback.objects.get(enquiry=enquiry).answered_at is None


def test_a_bot_filling_the_honeypot_changes_nothing(client, nurse):
    enquiry, path = sent_link(nurse)
    response = client.post(path, {"score": "5", "comment": "buy now", "website": "http://spam.example"})
    assert response.status_code == 400 and "looked automated" in response.text
    assert EnquiryFeedback.objects.get(enquiry=enquiry).answered_at is None


def test_the_link_stops_working_once_her_enquiry_is_erased(client, nurse):
    enquiry, path = sent_link(nurse)
    services.enquiry_erase(enquiry=enquiry)
    assert client.get(path).status_code == 404


def test_a_comment_that_alarms_shows_her_the_advice_and_alerts_the_nurses_without_her_words(client, nurse):
    enquiry, path = sent_link(nurse)
    response = client.post(path, {"score": "2", "comment": CRISIS, "website": ""})
    assert response.status_code == 200
    assert "116 123" in response.text  # the crisis advice, as clinical staff approved it
    [alert] = OutboundEmail.objects.filter(template="helpline/email/peer_message_alert")
    assert alert.to == nurse.email and f"/helpline/enquiries/{enquiry.pk}/" in alert.body_text
    assert "tablets" not in alert.subject + alert.body_text + alert.body_html
    assert EnquiryFeedback.objects.get(enquiry=enquiry).comment == CRISIS


def test_a_calm_comment_alerts_nobody(client, nurse):
    _, path = sent_link(nurse)
    response = client.post(path, {"score": "5", "comment": "Thank you, it really helped.", "website": ""})
    assert "116 123" not in response.text
    assert not OutboundEmail.objects.filter(template="helpline/email/peer_message_alert").exists()


# ---------------------------------------------------------------- nurses and managers
def test_the_nurse_sees_her_comment_on_the_enquiry_page_audited(client, nurse_client, nurse):
    enquiry, path = sent_link(nurse)
    client.post(path, {"score": "3", "comment": "Took a while to hear back.", "website": ""})
    page = nurse_client.get(f"/helpline/enquiries/{enquiry.pk}/")
    assert "She gave 3 out of 5" in page.text and "Took a while to hear back." in page.text
    assert AuditEntry.objects.filter(action="enquiry.viewed", target_id=str(enquiry.pk)).exists()


# Mid-quarter, so the emails sent two days on fall in the same quarter as the answers.
@time_machine.travel(datetime(2026, 5, 10, 11, 0, tzinfo=UTC))
def test_the_reports_show_the_quarter_counts_and_never_a_comment(client, nurse_client, nurse):
    enquiry, path = sent_link(nurse)
    client.post(path, {"score": "4", "comment": "Secret words of hers", "website": ""})
    sent_link(nurse, email="someone@example.net")

    page = nurse_client.get("/helpline/reports/")
    assert "Her feedback after an enquiry closed" in page.text
    quarter = feedback_quarters()[0]
    assert (quarter.summary.sent, quarter.summary.answered, quarter.mean_text, quarter.share_text) == (
        2,
        1,
        "4.0",
        "50%",
    )
    assert f'<th scope="row">{quarter.label}</th><td>2</td><td>1</td><td>50%</td><td>4.0</td>' in page.text
    assert "Secret words" not in page.text

    csv_text = nurse_client.get("/helpline/reports/figures.csv").content.decode()
    start = quarter.start.isoformat()
    assert f"feedback_sent,,{start},2" in csv_text and f"feedback_answered,,{start},1" in csv_text
    assert f"feedback_score_count,4,{start},1" in csv_text and f"feedback_mean_score,,{start},4.0" in csv_text
    assert "Secret words" not in csv_text


def test_quarters_run_back_from_this_one():
    starts = [q.start for q in feedback_quarters(quarters=5, today=date(2026, 2, 14))]
    assert starts == [date(2026, 1, 1), date(2025, 10, 1), date(2025, 7, 1), date(2025, 4, 1), date(2025, 1, 1)]
    assert feedback_quarters(quarters=1, today=date(2026, 11, 30))[0].end == date(2027, 1, 1)


# ---------------------------------------------------------------- retention, erasure, export
def test_her_feedback_goes_with_her_details_on_erasure(client, nurse, mother):
    enquiry, path = sent_link(nurse, email=mother.email)
    client.post(path, {"score": "5", "comment": "Her own words", "website": ""})
    export = helpline_export(mother)
    [exported] = export["enquiries"]
    assert exported["feedback_after_closing"]["comment"] == "Her own words"
    assert exported["feedback_after_closing"]["score_1_to_5"] == 5

    helpline_erase(mother)
    assert not EnquiryFeedback.objects.filter(enquiry=enquiry).exists()


def test_her_feedback_goes_with_her_details_in_the_retention_sweep(client, nurse, settings):
    enquiry, path = sent_link(nurse)
    client.post(path, {"score": "2", "comment": "Her own words", "website": ""})
    later = timezone.now() + timedelta(days=settings.HELPLINE_RETENTION_DAYS + 1)
    assert services.enquiries_anonymise_due(now=later) == 1
    assert not EnquiryFeedback.objects.filter(enquiry=enquiry).exists()
