"""The clinical review workflow every piece of clinical content goes through (see models.ClinicallyReviewed).

A working copy moves DRAFT -> AWAITING_REVIEW -> PUBLISHED. Only a nurse who
did not write the change may publish it. These functions change the workflow
fields and keep a revision (django-simple-history); the caller holds the row
lock and the transaction, writes its audit row and refreshes anything derived
from the live text (see leaflet.services).
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy

from portal.roles import Role

from .access import signs_off
from .models import ClinicallyReviewed, ReviewStatus

REVIEW_INTERVAL = datetime.timedelta(days=365)

# Translators: {noun} is the kind of content, such as "section" or "case study".
ERROR_AWAITING_REVIEW = gettext_lazy(
    "This {noun} is waiting for clinical review. Withdraw it from review before changing it."
)
# Translators: {noun} is the kind of content, such as "section" or "case study".
ERROR_NO_CHANGES = gettext_lazy("There are no changes to submit: the draft is the same as the published {noun}.")
ERROR_NOT_NURSE = gettext_lazy("Only a helpline nurse can approve guidance.")
ERROR_OWN_CHANGE = gettext_lazy("You wrote this change, so another nurse must approve it.")
# Translators: {noun} is the kind of content, such as "section" or "case study".
ERROR_UNKNOWN_REVISION = gettext_lazy("That revision does not belong to this {noun}.")
# One whole sentence per step, so each can be translated as a sentence.
# Translators: {noun} is the kind of content, {status} its state, such as "published".
STATUS_ERRORS = {
    "submit": gettext_lazy('Can\'t submit a {noun} that is "{status}".'),
    "withdraw": gettext_lazy('Can\'t withdraw a {noun} that is "{status}".'),
    "return": gettext_lazy('Can\'t return a {noun} that is "{status}".'),
    "approve": gettext_lazy('Can\'t approve a {noun} that is "{status}".'),
}


def _noun(item: ClinicallyReviewed) -> str:
    return item.NOUN


def _status_error(action: str, item: ClinicallyReviewed) -> ValidationError:
    return ValidationError(STATUS_ERRORS[action].format(noun=_noun(item), status=item.get_status_display().lower()))


def _save(item: ClinicallyReviewed, *, by, reason: str, fields: list[str] | None) -> None:
    item._change_reason = reason
    item._history_user = by
    item.save(update_fields=fields)


def save_draft(item: ClinicallyReviewed, *, by, next_review_due: datetime.date | None, **draft) -> None:
    """Put an editor's change into the working copy (`draft` maps draft_* field names to values)."""
    if item.status == ReviewStatus.AWAITING_REVIEW:
        raise ValidationError(ERROR_AWAITING_REVIEW.format(noun=_noun(item)))
    for name, value in draft.items():
        setattr(item, name, value)
    item.draft_next_review_due = next_review_due
    item.draft_author = by
    item.draft_updated_at = timezone.now()
    item.status = ReviewStatus.DRAFT
    fields = [*draft, "draft_next_review_due", "draft_author", "draft_updated_at", "status"]
    _save(item, by=by, reason="draft saved", fields=fields)


def submit(item: ClinicallyReviewed, *, by) -> None:
    if item.status != ReviewStatus.DRAFT:
        raise _status_error("submit", item)
    if item.draft_matches_live():
        raise ValidationError(ERROR_NO_CHANGES.format(noun=_noun(item)))
    item.status = ReviewStatus.AWAITING_REVIEW
    item.submitted_at = timezone.now()
    item.review_note = ""
    _save(item, by=by, reason="submitted for review", fields=["status", "submitted_at", "review_note"])


def withdraw(item: ClinicallyReviewed, *, by) -> None:
    if item.status != ReviewStatus.AWAITING_REVIEW:
        raise _status_error("withdraw", item)
    item.status = ReviewStatus.DRAFT
    item.submitted_at = None
    _save(item, by=by, reason="withdrawn from review", fields=["status", "submitted_at"])


def send_back(item: ClinicallyReviewed, *, by, note: str) -> None:
    """A nurse returns a change to the editors with a note, without publishing it."""
    if not signs_off(by):
        raise ValidationError(ERROR_NOT_NURSE)
    if item.status != ReviewStatus.AWAITING_REVIEW:
        raise _status_error("return", item)
    item.status = ReviewStatus.DRAFT
    item.submitted_at = None
    item.review_note = note.strip()
    _save(item, by=by, reason="returned by reviewer", fields=["status", "submitted_at", "review_note"])


def approve(item: ClinicallyReviewed, *, by) -> None:
    """A nurse who did not write the change approves it: the working copy goes live, reviewed today."""
    if not signs_off(by):
        raise ValidationError(ERROR_NOT_NURSE)
    if item.status != ReviewStatus.AWAITING_REVIEW:
        raise _status_error("approve", item)
    if item.draft_author_id is not None and item.draft_author_id == by.pk:
        raise ValidationError(ERROR_OWN_CHANGE)
    now = timezone.now()
    today = timezone.localdate(now)
    item.publish_draft()
    item.published_author_id = item.draft_author_id
    item.approved_by = by
    item.approved_at = now
    # Named as they were at the time: the public page shows who signed it off.
    item.reviewer_name = by.get_full_name()
    item.reviewer_role = Role.NURSE.label
    item.review_reminder_sent_on = None
    item.published_at = now
    item.last_reviewed = today
    item.next_review_due = item.draft_next_review_due or today + REVIEW_INTERVAL
    item.draft_next_review_due = item.next_review_due
    item.status = ReviewStatus.PUBLISHED
    item.review_note = ""
    _save(item, by=by, reason="approved and published", fields=None)


def revert(item: ClinicallyReviewed, *, by, history_id: int) -> None:
    """Put an earlier revision's text back into the working copy; it must be approved again to go live."""
    if item.status == ReviewStatus.AWAITING_REVIEW:
        raise ValidationError(ERROR_AWAITING_REVIEW.format(noun=_noun(item)))
    revision = item.history.filter(history_id=history_id).first()
    if revision is None:
        raise ValidationError(ERROR_UNKNOWN_REVISION.format(noun=_noun(item)))
    for name in item.DRAFT_FIELDS:
        setattr(item, name, getattr(revision, name))
    item.draft_author = by
    item.draft_updated_at = timezone.now()
    item.status = ReviewStatus.DRAFT
    fields = [*item.DRAFT_FIELDS, "draft_author", "draft_updated_at", "status"]
    _save(item, by=by, reason=f"reverted to revision {history_id}", fields=fields)


def record_first_revisions(apps, model_name: str, reason: str) -> None:
    """For data migrations: give each row of a clinically reviewed model that has no revision a
    first one, so the wording it shipped or was loaded with can be put back later."""
    model = apps.get_model("leaflet", model_name)
    history = apps.get_model("leaflet", f"Historical{model_name}")
    recorded = set(history.objects.values_list("id", flat=True))
    names = [f.attname for f in history._meta.fields if not f.name.startswith("history_")]
    now = timezone.now()
    history.objects.bulk_create(
        history(
            **{name: getattr(row, name) for name in names},
            history_date=now,
            history_type="+",
            history_change_reason=reason,
        )
        for row in model.objects.exclude(pk__in=recorded)
    )
