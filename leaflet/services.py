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
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from portal.audit import audit_record
from portal.models import User
from portal.outbox import email_queue
from portal.personal_data import holds_a_name
from portal.roles import Role

from . import access, rendering, search, workflow
from .models import BestBet, ClinicallyReviewed, ClinicalText, Organisation, Question, SearchStat, Section, Synonym

ERROR_AWAITING_REVIEW = format_lazy(workflow.ERROR_AWAITING_REVIEW, noun=Section.NOUN)
ERROR_NO_CHANGES = format_lazy(workflow.ERROR_NO_CHANGES, noun=Section.NOUN)
ERROR_NOT_NURSE = workflow.ERROR_NOT_NURSE
ERROR_OWN_CHANGE = workflow.ERROR_OWN_CHANGE
ERROR_TITLE_REQUIRED = gettext_lazy("Enter a title.")
ERROR_UNKNOWN_REVISION = format_lazy(workflow.ERROR_UNKNOWN_REVISION, noun=Section.NOUN)
ERROR_PROPOSAL_PENDING = gettext_lazy(
    "New details for this organisation are already waiting for approval. Approve or reject them first."
)
ERROR_NO_PROPOSAL = gettext_lazy("There are no proposed details waiting for approval.")
ERROR_PROPOSAL_SAME = gettext_lazy(
    "These are the details shown now. To confirm they still work, mark them as checked instead."
)


def _locked(item):
    return type(item).objects.select_for_update().get(pk=item.pk)


def section_save_draft(
    *,
    section: Section,
    by: User,
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
        workflow.save_draft(
            section,
            by=by,
            next_review_due=next_review_due,
            draft_title=title.strip(),
            draft_summary=summary.strip(),
            draft_body=body,
            draft_evidence_sources=evidence_sources.strip(),
        )
        audit_record(action="leaflet.section_draft_saved", actor=by, target=section)
    return section


def section_submit(*, section: Section, by: User) -> Section:
    """Send the working copy to the nurses for clinical review."""
    with transaction.atomic():
        section = _locked(section)
        workflow.submit(section, by=by)
        audit_record(action="leaflet.section_submitted", actor=by, target=section)
    return section


def section_withdraw(*, section: Section, by: User) -> Section:
    """Take a change back out of review so it can be edited again."""
    with transaction.atomic():
        section = _locked(section)
        workflow.withdraw(section, by=by)
        audit_record(action="leaflet.section_withdrawn", actor=by, target=section)
    return section


def section_return(*, section: Section, by: User, note: str) -> Section:
    """A nurse sends a change back to the editors with a note, without publishing it."""
    with transaction.atomic():
        section = _locked(section)
        workflow.send_back(section, by=by, note=note)
        audit_record(action="leaflet.section_returned", actor=by, target=section)
    return section


def section_approve(*, section: Section, by: User) -> Section:
    """A nurse who did not write the change approves it: the working copy goes live.

    The reviewer is recorded with the time, the page is marked reviewed today,
    and the derived questions, search entries and cached pages are refreshed.
    """
    with transaction.atomic():
        section = _locked(section)
        workflow.approve(section, by=by)
        section_questions_rebuild(section=section)
        audit_record(action="leaflet.section_approved", actor=by, target=section)
        search.rebuild()
    return section


def content_refreshed() -> None:
    """After a change to case studies, exercises or contacts: rebuild search, drop cached pages."""
    search.rebuild()


def section_revert(*, section: Section, by: User, history_id: int) -> Section:
    """Put the text of an earlier revision back into the working copy.

    Like any other change it must then be submitted and approved by a nurse
    before the public sees it.
    """
    with transaction.atomic():
        section = _locked(section)
        workflow.revert(section, by=by, history_id=history_id)
        audit_record(action="leaflet.section_reverted", actor=by, target=section, revision=history_id)
    return section


def clinical_item_save_draft(
    *, item: ClinicallyReviewed, by: User, next_review_due: datetime.date | None, **text: str
) -> ClinicallyReviewed:
    """Save a change to a clinical item's working copy (`text` maps its CLINICAL_FIELDS to new
    words; an exercise's steps are a list). What the public sees does not change."""
    with transaction.atomic():
        item = _locked(item)
        draft = {f"draft_{name}": _stripped(text[name]) for name in item.CLINICAL_FIELDS}
        workflow.save_draft(item, by=by, next_review_due=next_review_due, **draft)
        audit_record(action=_action(item, "draft_saved"), actor=by, target=item)
    return item


def _stripped(value: str | list[str]) -> str | list[str]:
    return [v.strip() for v in value] if isinstance(value, list) else value.strip()


def _action(item: ClinicallyReviewed, step: str) -> str:
    return f"leaflet.{item._meta.verbose_name.replace(' ', '_')}_{step}"  # leaflet.clinical_text_approve


def clinical_item_step(
    *, item: ClinicallyReviewed, by: User, step: str, note: str = "", history_id: int | None = None
) -> ClinicallyReviewed:
    """Move a clinical item along the review workflow: "submit", "withdraw",
    "return" (with a note), "approve", or "revert" (to the revision `history_id`)."""
    steps = {
        "submit": workflow.submit,
        "withdraw": workflow.withdraw,
        "return": lambda item, by: workflow.send_back(item, by=by, note=note),
        "approve": workflow.approve,
        "revert": lambda item, by: workflow.revert(item, by=by, history_id=history_id),
    }
    with transaction.atomic():
        item = _locked(item)
        steps[step](item, by=by)
        audit_record(action=_action(item, step), actor=by, target=item)
        if step == "approve":
            # Search and cached pages carry case studies and the site's health statements
            # (the footer): a rebuild moves the content version on, so both are renewed.
            search.rebuild()
    return item


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


# ---------------------------------------------------------------- organisations' contact details
def organisation_mark_checked(*, organisation: Organisation, by: User) -> Organisation:
    """A nurse confirms the contact details shown still work: from now on they are links."""
    if not access.signs_off(by):
        raise ValidationError(ERROR_NOT_NURSE)
    with transaction.atomic():
        organisation = _locked(organisation)
        organisation.details_checked_on = timezone.localdate()
        organisation.details_checked_by = by
        organisation._change_reason = "contact details checked"
        organisation._history_user = by
        organisation.save(update_fields=["details_checked_on", "details_checked_by"])
        audit_record(action="leaflet.organisation_checked", actor=by, target=organisation)
        content_refreshed()
    return organisation


def organisation_propose(*, organisation: Organisation, by: User, name: str, phone: str, website: str, email: str):
    """Propose new contact details. The public page does not change until another nurse approves them."""
    with transaction.atomic():
        organisation = _locked(organisation)
        if organisation.has_proposal:
            raise ValidationError(ERROR_PROPOSAL_PENDING)
        proposed = {"name": name.strip(), "phone": phone.strip(), "website": website.strip(), "email": email.strip()}
        if all(getattr(organisation, field) == value for field, value in proposed.items()):
            raise ValidationError(ERROR_PROPOSAL_SAME)
        for field, value in proposed.items():
            setattr(organisation, f"proposed_{field}", value)
        organisation.proposed_by = by
        organisation.proposed_at = timezone.now()
        organisation.full_clean()
        organisation._change_reason = "new contact details proposed"
        organisation._history_user = by
        organisation.save()
        audit_record(action="leaflet.organisation_proposed", actor=by, target=organisation)
    return organisation


def organisation_approve(*, organisation: Organisation, by: User) -> Organisation:
    """A nurse who did not propose them approves new contact details: they go live, checked today."""
    if not access.signs_off(by):
        raise ValidationError(ERROR_NOT_NURSE)
    with transaction.atomic():
        organisation = _locked(organisation)
        if not organisation.has_proposal:
            raise ValidationError(ERROR_NO_PROPOSAL)
        if organisation.proposed_by_id == by.pk:
            raise ValidationError(ERROR_OWN_CHANGE)
        for field in Organisation.DETAIL_FIELDS:
            setattr(organisation, field, getattr(organisation, f"proposed_{field}"))
        _clear_proposal(organisation)
        organisation.details_checked_on = timezone.localdate()
        organisation.details_checked_by = by
        organisation._change_reason = "new contact details approved"
        organisation._history_user = by
        organisation.save()
        audit_record(action="leaflet.organisation_approved", actor=by, target=organisation)
        content_refreshed()
    return organisation


def organisation_reject(*, organisation: Organisation, by: User) -> Organisation:
    """A nurse turns proposed details down (or the proposer withdraws them); the live details stay."""
    with transaction.atomic():
        organisation = _locked(organisation)
        if not organisation.has_proposal:
            raise ValidationError(ERROR_NO_PROPOSAL)
        if not access.rejects_proposal(by, organisation):
            raise ValidationError(ERROR_NOT_NURSE)
        _clear_proposal(organisation)
        organisation._change_reason = "proposed contact details rejected"
        organisation._history_user = by
        organisation.save()
        audit_record(action="leaflet.organisation_rejected", actor=by, target=organisation)
    return organisation


def _clear_proposal(organisation: Organisation) -> None:
    for field in Organisation.DETAIL_FIELDS:
        setattr(organisation, f"proposed_{field}", "")
    organisation.proposed_by = None
    organisation.proposed_at = None


# ---------------------------------------------------------------- review reminders
REMINDER_INTERVAL = datetime.timedelta(days=7)


@dataclass
class ReminderReport:
    sections: int
    emails: int
    texts: int = 0


def _due_for_reminder(model, today: datetime.date, *order: str) -> list:
    """Live items due for review (or never reviewed online) whose editors were not reminded this past week."""
    return list(
        model.objects.select_for_update(skip_locked=True)
        .filter(published_at__isnull=False)
        .filter(Q(next_review_due__lte=today) | Q(next_review_due__isnull=True))
        .filter(Q(review_reminder_sent_on__isnull=True) | Q(review_reminder_sent_on__lte=today - REMINDER_INTERVAL))
        .order_by(F("next_review_due").asc(nulls_last=True), *order)
    )


def review_reminders_send(*, today: datetime.date | None = None) -> ReminderReport:
    """Email every editor about live sections and clinical texts whose review is due, weekly until it is done.

    One needs review from its due date on, or from the start when it has no
    review date (loaded from the leaflet and never reviewed online). Editors hear
    about it on the first run after that and then every `REMINDER_INTERVAL` until a
    nurse approves a review (`workflow.approve` clears `review_reminder_sent_on`).
    The hourly beat task can therefore run as often as it likes; rows are claimed
    with SKIP LOCKED so two runs at once never remind twice.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        due = _due_for_reminder(Section, today, "order")
        texts = _due_for_reminder(ClinicalText, today, "slug")
        if not due and not texts:
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
                context={
                    "sections": [{"title": s.title, "due": s.next_review_due, "slug": s.slug} for s in due],
                    "texts": [{"title": t.title, "due": t.next_review_due, "pk": t.pk} for t in texts],
                },
            )
        for item in (*due, *texts):
            type(item).objects.filter(pk=item.pk).update(review_reminder_sent_on=today)
        audit_record(
            action="leaflet.review_reminders_sent",
            sections=[s.pk for s in due],
            clinical_texts=[t.pk for t in texts],
            editors=len(editors),
        )
    return ReminderReport(sections=len(due), emails=len(editors), texts=len(texts))


# ---------------------------------------------------------------- search: synonyms and best bets
def _search_setting_save(setting, *, by: User, action: str):
    """Validate and save a synonym or best bet, on its revision history, and let search use it at once."""
    setting.full_clean()
    setting._history_user = by
    setting.save()
    audit_record(action=action, actor=by, target=setting)
    search.rebuild()
    return setting


def _search_setting_delete(setting, *, by: User, action: str) -> None:
    with transaction.atomic():
        setting = type(setting).objects.select_for_update().filter(pk=setting.pk).first()
        if setting is None:  # removed a moment ago by someone else
            return
        audit_record(action=action, actor=by, target=setting)
        setting._history_user = by
        setting.delete()
        search.rebuild()


def synonym_save(*, synonym: Synonym | None, term: str, means: str, by: User) -> Synonym:
    """Add a synonym (`synonym=None`) or change one."""
    with transaction.atomic():
        synonym = Synonym() if synonym is None else Synonym.objects.select_for_update().get(pk=synonym.pk)
        synonym.term, synonym.means = term, means
        return _search_setting_save(synonym, by=by, action="leaflet.synonym_saved")


def synonym_delete(*, synonym: Synonym, by: User) -> None:
    _search_setting_delete(synonym, by=by, action="leaflet.synonym_deleted")


def best_bet_save(*, query: str, section: Section, by: User) -> BestBet:
    """Pin a section to a query (replacing any earlier pin for it): it comes first for that search."""
    with transaction.atomic():
        best_bet = BestBet.objects.select_for_update().filter(query=query).first() or BestBet(query=query)
        best_bet.section = section
        return _search_setting_save(best_bet, by=by, action="leaflet.best_bet_saved")


def best_bet_delete(*, best_bet: BestBet, by: User) -> None:
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
    every search runs it. On PostgreSQL, when it is its own transaction, that
    transaction's commit does not wait for the disk (`synchronous_commit` off for it
    alone): a crash of the database server could lose the last fraction of a second
    of counts, and no search waits for a flush of the write-ahead log.
    """
    own_transaction = connection.vendor == "postgresql" and not connection.in_atomic_block
    no_flush = " AND (SELECT set_config('synchronous_commit', 'off', true)) IS NOT NULL" if own_transaction else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {SearchStat._meta.db_table} SET searches = searches + 1,"  # noqa: S608 (our table name)
            f" without_results = without_results + %s WHERE day = %s AND query = %s{no_flush} RETURNING id",
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
