"""The feedback email after an enquiry is closed, her answer, and the figures for the reports.

A beat sweep (`feedback_emails_send_due`, hourly in the daytime) finds enquiries closed
FEEDBACK_DELAY ago: the due time is `closed_at` in PostgreSQL, never a Celery
eta, so a reopened enquiry simply stops being due and a lost task loses
nothing. Each enquiry is claimed once, by creating its one `EnquiryFeedback`
row (a one-to-one), so two sweeps at once never send twice. It goes only when
she agreed to email follow-up, her inbox is safe, the enquiry is not
anonymised, and she has not had a feedback email in the last RECENT_WINDOW
(by person, or by address), however many of her enquiries closed. The email is
a follow-up through the outbox, which refuses addresses that bounced,
complained or unsubscribed and anyone flagged "do not email"; such a row is
kept as `skipped`, so she is not asked again.

The link is signed and dated the way the callback manage link is
(helpline.callback_slots): it names the feedback row only, and works for
LINK_MAX_AGE. The row keeps a hash of the link it was sent, as peers' links do
(peers.tokens), so only the link in her email opens it, and none once the row
is gone.

Her comment is screened with the safety triage as a peer ending's comment is
(portal.screening): at an alarm level she sees the advice at once and the
nurses on duty are alerted with the level and a link to the enquiry, never her
words.

`feedback_summary` is the stable read the quarterly reports use: its name and
shape stay as they are.
"""

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import screening
from portal.audit import audit_record
from portal.models import OutboundEmail
from portal.outbox import email_queue

from .models import Enquiry, EnquiryFeedback, Outcome, Status
from .signed_links import LinkInvalid, link_data

logger = logging.getLogger(__name__)

SCORES = (1, 2, 3, 4, 5)
# Long enough that she has had the answer and any callback, soon enough that she remembers the call.
FEEDBACK_DELAY = timedelta(days=2)
# Enquiries closed longer ago than this are never asked (so switching the sweep on asks nobody about
# last year, and one refused by the outbox is not looked at again hour after hour).
SWEEP_LOOKBACK = timedelta(days=7)
# At most one feedback email to the same woman (person, or address) in this time.
RECENT_WINDOW = timedelta(days=30)
LINK_MAX_AGE = timedelta(days=30)
LINK_SALT = "helpline.closure-feedback"
COMMENT_MAX = 1000
BATCH = 500

ALREADY_ANSWERED = _("You have already told us how it went. Thank you: nothing has been changed.")
LINK_INVALID = _(
    "This link is not valid: it may have been copied wrongly. Nothing has been changed. "
    "Please use the link in the email we sent you."
)
LINK_EXPIRED = _("This link has expired, so it can no longer be used to give feedback. Nothing has been changed.")
SCORE_REQUIRED = _("Choose a number from 1 to 5.")
COMMENT_TOO_LONG = _("Keep your comment to 1,000 characters or fewer.")


# ---------------------------------------------------------------- the sweep
def _due(now: datetime):
    return (
        Enquiry.objects.filter(
            status=Status.CLOSED,
            closed_at__lte=now - FEEDBACK_DELAY,
            closed_at__gt=now - FEEDBACK_DELAY - SWEEP_LOOKBACK,
            anonymised_at__isnull=True,
            consent_email=True,
            safe_to_email=True,
        )
        .exclude(email="")
        .exclude(outcome=Outcome.ERASED_AT_HER_REQUEST)
        .exclude(Exists(EnquiryFeedback.objects.filter(enquiry=OuterRef("pk"))))
    )


def _asked_recently(enquiry: Enquiry, *, now: datetime) -> bool:
    hers = Q(enquiry__email__iexact=enquiry.email)
    if enquiry.person_id is not None:
        hers |= Q(enquiry__person_id=enquiry.person_id)
    return EnquiryFeedback.objects.filter(hers, sent_at__gt=now - RECENT_WINDOW).exists()


def feedback_email_send(*, enquiry: Enquiry, now: datetime | None = None) -> EnquiryFeedback | None:
    """Claim one closed enquiry and send her feedback email, or record why not; None if not due.

    The enquiry row is locked, so a nurse reopening it at the same moment waits,
    and the check is made again under the lock.
    """
    now = now or timezone.now()
    with transaction.atomic():
        enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        if not _due(now).filter(pk=enquiry.pk).exists():
            return None
        try:
            with transaction.atomic():
                feedback = EnquiryFeedback.objects.create(enquiry=enquiry, created_at=now)
        except IntegrityError:
            return None  # another sweep claimed it first
        if _asked_recently(enquiry, now=now):
            feedback.skipped = EnquiryFeedback.Skipped.RECENT
            feedback.save(update_fields=["skipped"])
            return feedback
        signed = signing.dumps({"f": feedback.pk}, salt=LINK_SALT, compress=True)
        feedback.token_hash = _hash(signed)
        message = email_queue(
            to=enquiry.email,
            template="helpline/email/closure_feedback",
            context={
                "reference": enquiry.reference,
                "path": reverse("helpline:feedback", args=[signed]),
                "link_days": LINK_MAX_AGE.days,
            },
            about=enquiry,
            kind=OutboundEmail.Kind.FOLLOW_UP,
            language=enquiry.interface_language,
        )
        if message.status == OutboundEmail.Status.CANCELLED:
            feedback.token_hash, feedback.skipped = "", EnquiryFeedback.Skipped.VETOED
        else:
            feedback.sent_at = now
        feedback.save(update_fields=["token_hash", "skipped", "sent_at"])
    return feedback


def feedback_emails_send_due(*, now: datetime | None = None) -> int:
    """The beat sweep: each enquiry closed FEEDBACK_DELAY ago gets its one feedback email. Returns how many went."""
    now = now or timezone.now()
    sent = 0
    for enquiry in list(_due(now).only("pk")[:BATCH]):
        feedback = feedback_email_send(enquiry=enquiry, now=now)
        sent += bool(feedback and feedback.sent_at)
    if sent:
        logger.info("sent %s feedback emails after closed enquiries", sent)
    return sent


def enquiry_feedback(enquiry: Enquiry) -> EnquiryFeedback | None:
    """Her feedback on one enquiry, for the nurses' enquiry page (which audits the viewing); None if never sent."""
    return EnquiryFeedback.objects.filter(enquiry=enquiry, sent_at__isnull=False).first()


# ---------------------------------------------------------------- the link and her answer
def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feedback_from_token(token: str) -> EnquiryFeedback:
    """The feedback a link stands for; LinkExpired, or LinkInvalid (tampered, unknown, or erased) otherwise."""
    data = link_data(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    feedback = (
        EnquiryFeedback.objects.select_related("enquiry")
        .filter(token_hash=_hash(token), sent_at__isnull=False, enquiry__anonymised_at__isnull=True)
        .first()
    )
    if feedback is None or not isinstance(data, dict) or data.get("f") != feedback.pk:
        raise LinkInvalid
    return feedback


def feedback_answer(*, feedback: EnquiryFeedback, score: int, comment: str = "") -> list:
    """Record her answer, once. Returns the safety advice to show her at once ([] when her words are calm).

    Raises ValidationError(ALREADY_ANSWERED) if she has answered already; nothing changes then.
    """
    if score not in SCORES:
        raise ValidationError(SCORE_REQUIRED)
    comment = comment.strip()
    with transaction.atomic():
        # The conditional update is the claim: two posts of the same form record one answer.
        claimed = EnquiryFeedback.objects.filter(pk=feedback.pk, answered_at__isnull=True).update(
            answered_at=timezone.now(), score=score, comment=comment
        )
        if not claimed:
            raise ValidationError(ALREADY_ANSWERED)
        found = screening.screen(comment) if comment else None
        if found is not None and found.is_alarm:
            path = reverse("helpline:enquiry-detail", args=[feedback.enquiry_id])
            screening.alert_nurses(level_label=found.label, path=path)
        audit_record(action="enquiry.feedback_answered", target=feedback.enquiry, score=score)
    feedback.refresh_from_db()
    if found is not None and found.is_alarm:
        return screening.advice(found.advice, found.level)
    return []


@dataclass(frozen=True)
class FeedbackSummary:
    """Counts only: never a comment, never who."""

    sent: int
    answered: int
    # {1: n, 2: n, ..., 5: n}: every score present, zero when nobody gave it.
    per_score: dict[int, int] = field(default_factory=dict)
    # The mean score of the answers, or None when there were none.
    mean: float | None = None

    @property
    def answered_share(self) -> float | None:
        """The share of emails sent that were answered (0 to 1), or None when none were sent."""
        return self.answered / self.sent if self.sent else None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def feedback_summary(*, start: date, end: date) -> FeedbackSummary:
    """Feedback between two local dates, `start` included and `end` not.

    `sent` counts the feedback emails sent in the period, `answered` and the
    scores the answers given in it (an email sent on the last day of a quarter
    and answered in the next counts as sent in one and answered in the other).
    """
    return _summaries([(start, end)])[0]


def _summaries(periods: list[tuple[date, date]]) -> list[FeedbackSummary]:
    """`feedback_summary` for several periods in one query (the reports page shows four quarters)."""
    columns = {}
    for i, (start, end) in enumerate(periods):
        since, until = _day_start(start), _day_start(end)
        in_period = Q(answered_at__gte=since, answered_at__lt=until)
        columns |= {
            f"sent_{i}": Count("pk", filter=Q(sent_at__gte=since, sent_at__lt=until)),
            f"answered_{i}": Count("pk", filter=in_period),
            f"mean_{i}": Avg("score", filter=in_period),
            **{f"score_{i}_{n}": Count("pk", filter=in_period & Q(score=n)) for n in SCORES},
        }
    figures = EnquiryFeedback.objects.aggregate(**columns)
    return [
        FeedbackSummary(
            sent=figures[f"sent_{i}"],
            answered=figures[f"answered_{i}"],
            per_score={n: figures[f"score_{i}_{n}"] for n in SCORES},
            mean=float(figures[f"mean_{i}"]) if figures[f"mean_{i}"] is not None else None,
        )
        for i in range(len(periods))
    ]


@dataclass(frozen=True)
class FeedbackQuarter:
    start: date  # the quarter's first day
    end: date  # the next quarter's first day
    summary: FeedbackSummary

    @property
    def label(self) -> str:
        return f"{self.start:%Y} Q{(self.start.month - 1) // 3 + 1}"

    @property
    def mean_text(self) -> str:
        return "" if self.summary.mean is None else f"{self.summary.mean:.1f}"

    @property
    def share_text(self) -> str:
        share = self.summary.answered_share
        return "" if share is None else f"{share * 100:.0f}%"


def _quarter_after(start: date, *, step: int = 1) -> date:
    months = start.year * 12 + start.month - 1 + 3 * step
    return date(months // 12, months % 12 + 1, 1)


def feedback_quarters(*, quarters: int = 4, today: date | None = None) -> list[FeedbackQuarter]:
    """The feedback figures for the last `quarters` calendar quarters, this one (so far) first."""
    today = today or timezone.localdate()
    this_quarter = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    periods = [(s, _quarter_after(s)) for s in (_quarter_after(this_quarter, step=-n) for n in range(quarters))]
    return [
        FeedbackQuarter(start=start, end=end, summary=summary)
        for (start, end), summary in zip(periods, _summaries(periods), strict=True)
    ]
