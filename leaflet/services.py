"""Every change to the leaflet: editing, clinical review, publishing, revert, review reminders,
and search: synonyms, best bets, and the counts of searches that found nothing.

A section's working copy (`draft_*`) moves DRAFT -> AWAITING_REVIEW -> PUBLISHED.
Publishing copies the working copy onto the live fields, and only a nurse who
did not write the change may do it. Derived data (questions, search entries,
the page cache) is rebuilt from the live text after every publish.
"""

import datetime
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from portal.audit import audit_record
from portal.outbox import email_queue
from portal.personal_data import holds_a_name
from portal.roles import Role, has_role

from . import cache, rendering, search
from .models import BestBet, Question, SearchStat, Section, Synonym

REVIEW_INTERVAL = datetime.timedelta(days=365)

ERROR_AWAITING_REVIEW = "This section is waiting for clinical review. Withdraw it from review before changing it."
ERROR_NO_CHANGES = "There are no changes to submit: the draft is the same as the published page."
ERROR_NOT_NURSE = "Only a helpline nurse can approve guidance."
ERROR_OWN_CHANGE = "You wrote this change, so another nurse must approve it."
ERROR_TITLE_REQUIRED = "Enter a title."
ERROR_UNKNOWN_REVISION = "That revision does not belong to this section."


def _status_error(action: str, section: Section) -> ValidationError:
    return ValidationError(f'Can\'t {action} a section that is "{section.get_status_display().lower()}".')


def _locked(section: Section) -> Section:
    return Section.objects.select_for_update().get(pk=section.pk)


def section_save_draft(
    *,
    section: Section,
    by,
    title: str,
    summary: str,
    body: str,
    evidence_sources: str,
    next_review_due: datetime.date | None,
) -> Section:
    """Save an editor's change to the working copy. The public page does not change."""
    if not title.strip():
        raise ValidationError({"title": ERROR_TITLE_REQUIRED})
    with transaction.atomic():
        section = _locked(section)
        if section.status == Section.Status.AWAITING_REVIEW:
            raise ValidationError(ERROR_AWAITING_REVIEW)
        section.draft_title = title.strip()
        section.draft_summary = summary.strip()
        section.draft_body = body
        section.draft_evidence_sources = evidence_sources.strip()
        section.draft_next_review_due = next_review_due
        section.draft_author = by
        section.draft_updated_at = timezone.now()
        section.status = Section.Status.DRAFT
        section._change_reason = "draft saved"
        section._history_user = by
        section.save(
            update_fields=[
                "draft_title",
                "draft_summary",
                "draft_body",
                "draft_evidence_sources",
                "draft_next_review_due",
                "draft_author",
                "draft_updated_at",
                "status",
            ]
        )
        audit_record(action="leaflet.section_draft_saved", actor=by, target=section)
    return section


def _draft_matches_live(section: Section) -> bool:
    return (
        section.is_live
        and section.draft_title == section.title
        and section.draft_summary == section.summary
        and section.draft_body == section.body
        and section.draft_evidence_sources == section.evidence_sources
        and section.draft_next_review_due in (None, section.next_review_due)
    )


def section_submit(*, section: Section, by) -> Section:
    """Send the working copy to the nurses for clinical review."""
    with transaction.atomic():
        section = _locked(section)
        if section.status != Section.Status.DRAFT:
            raise _status_error("submit", section)
        if _draft_matches_live(section):
            raise ValidationError(ERROR_NO_CHANGES)
        section.status = Section.Status.AWAITING_REVIEW
        section.submitted_at = timezone.now()
        section.review_note = ""
        section._change_reason = "submitted for review"
        section._history_user = by
        section.save(update_fields=["status", "submitted_at", "review_note"])
        audit_record(action="leaflet.section_submitted", actor=by, target=section)
    return section


def section_withdraw(*, section: Section, by) -> Section:
    """Take a change back out of review so it can be edited again."""
    with transaction.atomic():
        section = _locked(section)
        if section.status != Section.Status.AWAITING_REVIEW:
            raise _status_error("withdraw", section)
        section.status = Section.Status.DRAFT
        section.submitted_at = None
        section._change_reason = "withdrawn from review"
        section._history_user = by
        section.save(update_fields=["status", "submitted_at"])
        audit_record(action="leaflet.section_withdrawn", actor=by, target=section)
    return section


def section_return(*, section: Section, by, note: str) -> Section:
    """A nurse sends a change back to the editors with a note, without publishing it."""
    if not has_role(by, Role.NURSE):
        raise ValidationError(ERROR_NOT_NURSE)
    with transaction.atomic():
        section = _locked(section)
        if section.status != Section.Status.AWAITING_REVIEW:
            raise _status_error("return", section)
        section.status = Section.Status.DRAFT
        section.submitted_at = None
        section.review_note = note.strip()
        section._change_reason = "returned by reviewer"
        section._history_user = by
        section.save(update_fields=["status", "submitted_at", "review_note"])
        audit_record(action="leaflet.section_returned", actor=by, target=section)
    return section


def section_approve(*, section: Section, by) -> Section:
    """A nurse who did not write the change approves it: the working copy goes live.

    The reviewer is recorded with the time, the page is marked reviewed today,
    and the derived questions, search entries and cached pages are refreshed.
    """
    if not has_role(by, Role.NURSE):
        raise ValidationError(ERROR_NOT_NURSE)
    with transaction.atomic():
        section = _locked(section)
        if section.status != Section.Status.AWAITING_REVIEW:
            raise _status_error("approve", section)
        if section.draft_author_id is not None and section.draft_author_id == by.pk:
            raise ValidationError(ERROR_OWN_CHANGE)
        now = timezone.now()
        today = timezone.localdate(now)
        _copy_draft_to_live(section)
        section.published_author_id = section.draft_author_id
        section.approved_by = by
        section.approved_at = now
        section.published_at = now
        section.last_reviewed = today
        section.next_review_due = section.draft_next_review_due or today + REVIEW_INTERVAL
        section.draft_next_review_due = section.next_review_due
        section.status = Section.Status.PUBLISHED
        section.review_note = ""
        section._change_reason = "approved and published"
        section._history_user = by
        section.save()
        section_questions_rebuild(section=section)
        audit_record(action="leaflet.section_approved", actor=by, target=section)
        search.rebuild()
        transaction.on_commit(cache.content_changed)
    return section


def content_refreshed() -> None:
    """After a change to case studies, exercises or contacts: rebuild search, drop cached pages."""
    search.rebuild()
    transaction.on_commit(cache.content_changed)


def _copy_draft_to_live(section: Section) -> None:
    section.title = section.draft_title
    section.summary = section.draft_summary
    section.body = section.draft_body
    section.evidence_sources = section.draft_evidence_sources
    section.body_html = rendering.render(section.body)


def section_revert(*, section: Section, by, history_id: int) -> Section:
    """Put the text of an earlier revision back into the working copy.

    Like any other change it must then be submitted and approved by a nurse
    before the public sees it.
    """
    with transaction.atomic():
        section = _locked(section)
        if section.status == Section.Status.AWAITING_REVIEW:
            raise ValidationError(ERROR_AWAITING_REVIEW)
        revision = section.history.filter(history_id=history_id).first()
        if revision is None:
            raise ValidationError(ERROR_UNKNOWN_REVISION)
        section.draft_title = revision.draft_title
        section.draft_summary = revision.draft_summary
        section.draft_body = revision.draft_body
        section.draft_evidence_sources = revision.draft_evidence_sources
        section.draft_author = by
        section.draft_updated_at = timezone.now()
        section.status = Section.Status.DRAFT
        section._change_reason = f"reverted to revision {history_id}"
        section._history_user = by
        section.save(
            update_fields=[
                "draft_title",
                "draft_summary",
                "draft_body",
                "draft_evidence_sources",
                "draft_author",
                "draft_updated_at",
                "status",
            ]
        )
        audit_record(action="leaflet.section_reverted", actor=by, target=section, revision=history_id)
    return section


def section_questions_rebuild(*, section: Section) -> None:
    """Derive the section's questions from its live text: its title if it is a
    question, then every `## heading` that asks one."""
    titles: list[tuple[str, str]] = []
    if section.title.rstrip().endswith("?"):
        titles.append((section.title, ""))
    for passage in rendering.passages(section.body):
        if passage.heading.endswith("?"):
            titles.append((passage.heading, passage.anchor))
    Question.objects.filter(section=section).delete()
    Question.objects.bulk_create(
        Question(section=section, order=index, title=title, anchor=anchor)
        for index, (title, anchor) in enumerate(titles, start=1)
    )


@dataclass
class ReminderReport:
    sections: int
    emails: int


def review_reminders_send(*, today: datetime.date | None = None) -> ReminderReport:
    """Email every editor once about live sections whose review has fallen due.

    Each section is reminded once per due date (`review_reminder_sent_for`), so
    the hourly beat task can run as often as it likes; rows are claimed with
    SKIP LOCKED so two runs at once never remind twice.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        due = list(
            Section.objects.select_for_update(skip_locked=True)
            .filter(published_at__isnull=False, next_review_due__lte=today)
            .exclude(review_reminder_sent_for=F("next_review_due"))
            .order_by("next_review_due", "order")
        )
        if not due:
            return ReminderReport(sections=0, emails=0)
        editors = list(
            get_user_model()
            .objects.filter(is_active=True, groups__name=Role.EDITOR)
            .exclude(email="")
            .order_by("pk")
            .distinct()
        )
        for editor in editors:
            email_queue(
                to=editor.email,
                template="leaflet/email/review_due",
                context={"sections": [{"title": s.title, "due": s.next_review_due, "slug": s.slug} for s in due]},
            )
        for section in due:
            Section.objects.filter(pk=section.pk).update(review_reminder_sent_for=section.next_review_due)
        audit_record(action="leaflet.review_reminders_sent", sections=[s.pk for s in due], editors=len(editors))
    return ReminderReport(sections=len(due), emails=len(editors))


# ---------------------------------------------------------------- search: synonyms and best bets
def _search_setting_save(setting, *, by, action: str):
    """Validate and save a synonym or best bet, on its revision history, and let search use it at once."""
    setting.full_clean()
    setting._history_user = by
    setting.save()
    audit_record(action=action, actor=by, target=setting)
    search.rebuild()
    return setting


def _search_setting_delete(setting, *, by, action: str) -> None:
    with transaction.atomic():
        setting = type(setting).objects.select_for_update().filter(pk=setting.pk).first()
        if setting is None:  # removed a moment ago by someone else
            return
        audit_record(action=action, actor=by, target=setting)
        setting._history_user = by
        setting.delete()
        search.rebuild()


def synonym_save(*, synonym: Synonym | None, term: str, means: str, by) -> Synonym:
    """Add a synonym (`synonym=None`) or change one."""
    with transaction.atomic():
        synonym = Synonym() if synonym is None else Synonym.objects.select_for_update().get(pk=synonym.pk)
        synonym.term, synonym.means = term, means
        return _search_setting_save(synonym, by=by, action="leaflet.synonym_saved")


def synonym_delete(*, synonym: Synonym, by) -> None:
    _search_setting_delete(synonym, by=by, action="leaflet.synonym_deleted")


def best_bet_save(*, query: str, section: Section, by) -> BestBet:
    """Pin a section to a query (replacing any earlier pin for it): it comes first for that search."""
    with transaction.atomic():
        best_bet = BestBet.objects.select_for_update().filter(query=query).first() or BestBet(query=query)
        best_bet.section = section
        return _search_setting_save(best_bet, by=by, action="leaflet.best_bet_saved")


def best_bet_delete(*, best_bet: BestBet, by) -> None:
    _search_setting_delete(best_bet, by=by, action="leaflet.best_bet_deleted")


# ---------------------------------------------------------------- search: what people could not find
SEARCH_STATS_DAYS = 90
STORED_QUERY_LENGTH = 100
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+")
_NUMBER = re.compile(r"\+?\d[\d\s().-]*")
PHONE_DIGITS = 7


def _holds_contact_details(text: str) -> bool:
    """An email address, or a run of 7 or more digits (a phone number, however spaced)."""
    return bool(_EMAIL.search(text)) or any(
        sum(c.isdigit() for c in run) >= PHONE_DIGITS for run in _NUMBER.findall(text)
    )


def search_record(*, query: str, found: bool) -> int | None:
    """Count one search of `query` today, and whether it found nothing.

    Returns the id its result links carry so a click can be counted, or None when
    the query is not kept: one holding an email address, a phone number or a name
    the portal holds is never stored. Stored are the query's lower-case words and
    counts only: no address, account, session or time of day. A query already
    counted today was checked when its row was made, so only a new one asks the
    database about names.
    """
    text = search.plain(query)[:STORED_QUERY_LENGTH].strip()
    if not text or _holds_contact_details(query):
        return None
    today = timezone.localdate()
    pk = _search_count(day=today, query=text, found=found)
    if pk is None:
        if holds_a_name(w for w in search.words(text) if w not in search.STOP_WORDS):
            return None
        try:
            with transaction.atomic():
                pk = SearchStat.objects.create(day=today, query=text, searches=1, without_results=int(not found)).pk
        except IntegrityError:  # counted at the same moment by another request
            pk = _search_count(day=today, query=text, found=found)
    return pk


def _search_count(*, day: datetime.date, query: str, found: bool) -> int | None:
    """Add one search to today's row for the query, if there is one, and return its id.

    One statement (PostgreSQL and SQLite 3.35+ both return the updated row), since
    every search runs it.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {SearchStat._meta.db_table} SET searches = searches + 1,"  # noqa: S608 (our table name)
            " without_results = without_results + %s WHERE day = %s AND query = %s RETURNING id",
            [int(not found), connection.ops.adapt_datefield_value(day), query],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def search_click_record(*, search_id: int) -> None:
    """A result of a counted search was followed."""
    SearchStat.objects.filter(pk=search_id).update(clicks=F("clicks") + 1)


def search_stats_purge(*, today: datetime.date | None = None) -> int:
    """Delete search counts older than SEARCH_STATS_DAYS; safe to run as often as beat likes."""
    today = today or timezone.localdate()
    deleted, _ = SearchStat.objects.filter(day__lt=today - datetime.timedelta(days=SEARCH_STATS_DAYS)).delete()
    return deleted
