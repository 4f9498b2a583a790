"""The feedback email after an enquiry is closed: the sweep, the link, her answer, the figures, erasure."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from helpline.closure_feedback import feedback_summary
from helpline.models import EnquiryFeedback

from .conftest import make_enquiry

pytestmark = pytest.mark.django_db


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
