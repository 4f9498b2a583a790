"""The feedback email after an enquiry is closed, her answer, and the figures for the reports.

`feedback_summary` is the stable read the quarterly reports use: its name and
shape stay as they are.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Avg, Count, Q
from django.utils import timezone

from .models import EnquiryFeedback

SCORES = (1, 2, 3, 4, 5)


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
    since, until = _day_start(start), _day_start(end)
    in_period = Q(answered_at__gte=since, answered_at__lt=until)
    figures = EnquiryFeedback.objects.aggregate(
        sent=Count("pk", filter=Q(sent_at__gte=since, sent_at__lt=until)),
        answered=Count("pk", filter=in_period),
        mean=Avg("score", filter=in_period),
        **{f"score_{n}": Count("pk", filter=in_period & Q(score=n)) for n in SCORES},
    )
    return FeedbackSummary(
        sent=figures["sent"],
        answered=figures["answered"],
        per_score={n: figures[f"score_{n}"] for n in SCORES},
        mean=float(figures["mean"]) if figures["mean"] is not None else None,
    )
