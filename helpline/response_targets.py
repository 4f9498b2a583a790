"""First-response targets per urgency level: when each enquiry is due, how the queue words it,
the warning to the nurses on duty before it is missed, and the weekly figures.

Due times are stored on the enquiry (`response_due_at`, and `awaiting_response_due_at`
while she waits), worked out when it is created and again when its level, a target
or a closure changes, so the queue orders by an indexed column instead of doing
opening-hours arithmetic for 200,000 rows. Urgent, soon and routine targets count
opening hours (helpline.opening_hours); emergency and crisis count clock time, as
their alerts do.
"""

import logging
import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from portal.audit import audit_record
from portal.models import OutboundEmail, User
from portal.outbox import email_queue

from . import opening_hours
from .models import OPEN_STATUSES, Enquiry, EnquiryEvent, HelplineClosure, ResponseTarget, Urgency

logger = logging.getLogger(__name__)

CLOCK_LEVELS = frozenset({Urgency.EMERGENCY, Urgency.CRISIS})
# Used until an administrator sets a level's target. Routine matches what the public pages
# promise ("we usually reply within two working days": two opening days of 8 hours).
DEFAULT_MINUTES = {
    Urgency.EMERGENCY: 15,
    Urgency.CRISIS: 15,
    Urgency.URGENT: 4 * 60,
    Urgency.SOON: 8 * 60,
    Urgency.ROUTINE: 16 * 60,
}
WARNING_TEMPLATE = "helpline/email/target_warning"
# Per sweep, so one run stays short; the rest are picked up a minute later.
SWEEP_BATCH = 200


def target_minutes() -> dict[int, int]:
    """Each level's target in minutes: the administrators' where set, else the default (one query)."""
    minutes = dict(DEFAULT_MINUTES)
    minutes.update(ResponseTarget.objects.values_list("urgency", "minutes"))
    return minutes


def due_at(
    *,
    urgency: int,
    start: datetime,
    minutes: dict[int, int] | None = None,
    schedule: opening_hours.Schedule | None = None,
) -> datetime:
    """When a first response is due for an enquiry at `urgency` that arrived at `start`."""
    target = timedelta(minutes=(minutes or target_minutes())[urgency])
    if urgency in CLOCK_LEVELS:
        return start + target
    if schedule is not None and schedule.start <= start:
        return schedule.add(start, target)
    return opening_hours.add(start, target)


def enquiry_due_set(enquiry: Enquiry, *, minutes=None, schedule=None) -> list[str]:
    """Work out the enquiry's due times in memory (before it is saved); returns the fields changed."""
    enquiry.response_due_at = due_at(
        urgency=enquiry.urgency, start=enquiry.created_at, minutes=minutes, schedule=schedule
    )
    enquiry.awaiting_response_due_at = enquiry.response_due_at if enquiry.first_response_at is None else None
    return ["response_due_at", "awaiting_response_due_at"]


def enquiry_due_refresh(enquiry: Enquiry) -> None:
    """After its level changed: the target is the new level's, still counted from when she wrote."""
    enquiry.save(update_fields=enquiry_due_set(enquiry))


def due_times_recompute(*, urgency: int | None = None, everything: bool = False) -> int:
    """Work the due times out again after a target or a closure changed.

    By default only open enquiries still waiting for a first response (the ones a
    change can still help or hurt); with `everything`, every enquiry (a one-off
    backfill). Returns how many were updated.
    """
    enquiries = Enquiry.objects.all()
    if not everything:
        enquiries = enquiries.filter(status__in=OPEN_STATUSES, first_response_at__isnull=True)
    if urgency is not None:
        enquiries = enquiries.filter(urgency=urgency)
    minutes = target_minutes()
    first = enquiries.order_by("created_at").values_list("created_at", flat=True).first()
    if first is None:
        return 0
    # One schedule for the lot, laid out from the oldest; the closures are read in one go.
    closures = list(HelplineClosure.objects.order_by("starts_at").values_list("starts_at", "ends_at"))
    schedule = opening_hours.Schedule(first, closures=closures, reach=timezone.now() - first + timedelta(days=400))
    changed = []
    for enquiry in enquiries.only("pk", "urgency", "created_at", "first_response_at").iterator(chunk_size=2000):
        enquiry_due_set(enquiry, minutes=minutes, schedule=schedule)
        changed.append(enquiry)
    Enquiry.objects.bulk_update(changed, ["response_due_at", "awaiting_response_due_at"], batch_size=2000)
    return len(changed)


# ---------------------------------------------------------------- administrators' changes


def response_target_save(*, target: ResponseTarget, by: User) -> int:
    """An administrator sets a level's target: open enquiries waiting at that level move with it."""
    with transaction.atomic():
        target.full_clean()
        target.save()
        audit_record(
            action="helpline.response_target_changed", actor=by, urgency=target.urgency, minutes=target.minutes
        )
        return due_times_recompute(urgency=target.urgency)


def closure_save(*, closure: HelplineClosure, by: User) -> int:
    """An administrator adds or moves a closure: targets of enquiries still waiting stop counting through it."""
    with transaction.atomic():
        if closure.created_by_id is None:
            closure.created_by = by
        closure.full_clean()
        closure.save()
        audit_record(action="helpline.closure_saved", actor=by, target=closure)
        return due_times_recompute()


def closure_delete(*, closure: HelplineClosure, by: User) -> int:
    with transaction.atomic():
        audit_record(action="helpline.closure_deleted", actor=by, target=closure)
        closure.delete()
        return due_times_recompute()


# ---------------------------------------------------------------- the queue's words


def _span(delta: timedelta) -> str:
    minutes = max(1, round(delta.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    if not hours:
        # Translators: a short span of time on the queue, "25 min".
        return gettext("%(minutes)s min") % {"minutes": minutes}
    if minutes:
        # Translators: a span of time on the queue, "3 h 5 min".
        return gettext("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    return gettext("%(hours)s h") % {"hours": hours}


def late_text(late: timedelta) -> str:
    """How late, in clock time: "Late by 25 min", "Late by 3 h 5 min", "Late by 1 day", "Late by 4 days"."""
    if late >= timedelta(days=1):
        days = late.days
        return ngettext("Late by %(days)s day", "Late by %(days)s days", days) % {"days": days}
    return gettext("Late by %(span)s") % {"span": _span(late)}


def left_text(left: timedelta, *, in_opening_hours: bool) -> str:
    """Time left: "2 h 10 min left (opening hours)" for the levels that wait for opening hours."""
    if in_opening_hours:
        return gettext("%(span)s left (opening hours)") % {"span": _span(left)}
    return gettext("%(span)s left") % {"span": _span(left)}


@dataclass(frozen=True)
class TargetState:
    text: str  # "2 h 10 min left (opening hours)", "Late by 1 day"
    state: str  # "late", "near" (within the warning time) or "ok", for the row's style


class QueueClock:
    """Words for the queue's rows, for one page at one moment.

    The schedule (one query, for the closures) is laid out whatever the page holds, so
    every page of the queue costs the same number of queries.
    """

    def __init__(self, now: datetime):
        self.now = now
        self.warn = timedelta(minutes=settings.HELPLINE_TARGET_WARN_MINUTES)
        self._schedule = opening_hours.Schedule(now)

    def state(self, *, urgency: int, due: datetime | None) -> TargetState | None:
        if due is None:
            return None
        if due <= self.now:
            return TargetState(late_text(self.now - due), "late")
        if urgency in CLOCK_LEVELS:
            left = due - self.now
            return TargetState(left_text(left, in_opening_hours=False), "near" if left <= self.warn else "ok")
        left = self._schedule.elapsed(self.now, due)
        return TargetState(left_text(left, in_opening_hours=True), "near" if left <= self.warn else "ok")


# ---------------------------------------------------------------- the warning before a target is missed


def targets_warn_due(*, now: datetime | None = None) -> int:
    """Warn the nurses on duty about each enquiry within HELPLINE_TARGET_WARN_MINUTES of its target.

    Run every minute by beat. Only urgent, soon and routine enquiries: emergency and
    crisis have their own alert and escalation. Each enquiry is claimed by a
    conditional UPDATE of `target_warned_at` in the transaction that queues its
    emails, so however many sweeps run at once it is warned exactly once. The email
    carries the reference and the level, never her details. With nobody on the rota,
    every nurse and admin is told, as for the safety alerts. Nothing is sent while the
    helpline is closed: an enquiry due at 10am is warned about at 9am, not the evening before.
    """
    now = now or timezone.now()
    if not opening_hours.is_open(now):
        return 0
    warn = timedelta(minutes=settings.HELPLINE_TARGET_WARN_MINUTES)
    horizon = opening_hours.add(now, warn)
    due = (
        Enquiry.objects.filter(
            target_warned_at__isnull=True,
            awaiting_response_due_at__isnull=False,
            awaiting_response_due_at__lte=horizon,
            status__in=OPEN_STATUSES,
        )
        .exclude(urgency__in=CLOCK_LEVELS)
        .order_by("awaiting_response_due_at")
    )
    done = 0
    for enquiry_id in list(due.values_list("pk", flat=True)[:SWEEP_BATCH]):
        with transaction.atomic():
            claimed = Enquiry.objects.filter(
                pk=enquiry_id,
                target_warned_at__isnull=True,
                awaiting_response_due_at__isnull=False,
                status__in=OPEN_STATUSES,
            ).update(target_warned_at=now)
            if not claimed:
                continue
            enquiry = Enquiry.objects.only("pk", "reference", "urgency", "awaiting_response_due_at").get(pk=enquiry_id)
            _warning_send(enquiry, now=now)
            done += 1
    if done:
        logger.info("warned the nurses about %s enquiries near their response target", done)
    return done


def _warning_send(enquiry: Enquiry, *, now: datetime) -> None:
    # Imported here: the selectors use this module's QueueClock for the queue's rows.
    from .selectors import nurses_to_alert

    recipients, everyone = nurses_to_alert(now)
    due = enquiry.awaiting_response_due_at
    for user in recipients:
        # The reference, the level and the time only: a staff inbox is no place for her details.
        email_queue(
            to=user.email,
            template=WARNING_TEMPLATE,
            context={
                "reference": enquiry.reference,
                "level": enquiry.get_urgency_display(),
                "due_at": due,
                "late": due <= now,
                "path": reverse("helpline:enquiry-detail", args=[enquiry.pk]),
            },
            about=enquiry,
            kind=OutboundEmail.Kind.TRANSACTIONAL,
        )
    who = "Nobody is on duty, so every nurse and admin" if everyone else "The nurses on duty"
    names = ", ".join(u.display_name for u in recipients) or "nobody: no nurse has an email address"
    local_due = timezone.localtime(due)
    EnquiryEvent.objects.create(
        enquiry=enquiry,
        actor=None,
        kind=EnquiryEvent.Kind.ALERT,
        at=now,
        text=f"Response target {'missed' if due <= now else 'near'} (due {local_due:%a %d %b %H:%M}): "
        f"{who if everyone else who.lower()} emailed: {names}",
    )


# ---------------------------------------------------------------- the weekly figures


@dataclass(frozen=True)
class TargetWeek:
    """One ISO week and level: how many were due, how many answered in time, the median wait."""

    week: str  # "2026-W49"
    monday: date
    urgency: int
    level: str
    received: int
    due: int  # answered, or past their target unanswered: the ones whose outcome is known
    within_target: int
    median_response: timedelta | None

    @property
    def share_within(self) -> float | None:
        return self.within_target / self.due if self.due else None

    @property
    def share_text(self) -> str:
        share = self.share_within
        return "–" if share is None else f"{share:.0%}"


def target_report(*, start: datetime, now: datetime, end: datetime | None = None) -> list[TargetWeek]:
    """Per ISO week (of arrival, local time) and level: the share answered within target and the median time
    to first response (clock time, from arrival to the first thing a nurse did). Counts only.

    Enquiries that arrived from `start` up to `now` (or up to, not including, `end`: a
    past quarter, judged as it stands `now`). An enquiry counts towards the share once
    its outcome is known: answered, or unanswered past its due time. One query; the
    medians are worked out here.
    """
    arrived = Q(created_at__lte=now) if end is None else Q(created_at__lt=min(end, now))
    rows = Enquiry.objects.filter(arrived, created_at__gte=start).values_list(
        "created_at", "urgency", "first_response_at", "response_due_at"
    )
    groups: dict[tuple[date, int], dict] = {}
    for created, urgency, responded, due in rows.iterator(chunk_size=5000):
        day = timezone.localtime(created).date()
        monday = day - timedelta(days=day.weekday())
        group = groups.setdefault((monday, urgency), {"received": 0, "due": 0, "within": 0, "waits": []})
        group["received"] += 1
        if responded is not None:
            group["waits"].append((responded - created).total_seconds())
        if due is None:
            continue  # from before targets were kept: in the medians, not in the share
        if responded is not None:
            group["due"] += 1
            group["within"] += responded <= due
        elif due <= now:
            group["due"] += 1
    labels = dict(Urgency.choices)
    result = []
    for (monday, urgency), group in sorted(groups.items()):
        year, week, _ = monday.isocalendar()
        waits = group["waits"]
        result.append(
            TargetWeek(
                week=f"{year}-W{week:02d}",
                monday=monday,
                urgency=urgency,
                level=labels.get(urgency, str(urgency)),
                received=group["received"],
                due=group["due"],
                within_target=group["within"],
                median_response=timedelta(seconds=statistics.median(waits)) if waits else None,
            )
        )
    return result
