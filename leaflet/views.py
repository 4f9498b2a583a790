"""Public guidance pages (cached for anonymous readers) and the editors' and reviewers' pages."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portal.access import role_required
from portal.audit import audit_record
from portal.forms import attempt, error_text
from portal.roles import Role

from . import access, diffs, helpfulness, outdated, rendering, search, selectors, services
from .cache import KeptSearch, is_anonymous_reader, public_page, search_pages
from .forms import (
    BestBetForm,
    ClinicalTextDraftForm,
    OrganisationDetailsForm,
    ReturnForm,
    SectionDraftForm,
    SynonymForm,
    clinical_draft_form,
)
from .models import (
    CLINICAL_FIELD_NAMES,
    CONTACTS_SLUG,
    BestBet,
    CaseStudy,
    ClinicalText,
    Exercise,
    ExerciseGroup,
    ExerciseProgramme,
    IntroQuestion,
    Question,
    Section,
    Synonym,
)

EXERCISES_SLUG = "exercises"


# ---------------------------------------------------------------- public pages
def _programme():
    programme = ExerciseProgramme.objects.first()
    if programme is None:
        return None, []
    groups = list(ExerciseGroup.objects.filter(programme=programme).prefetch_related("exercises"))
    return programme, groups


@require_safe
@public_page
def home(request):
    sections = selectors.published_sections()
    intro = IntroQuestion.objects.select_related("section").filter(section__published_at__isnull=False)
    return render(
        request,
        "leaflet/home.html",
        {"sections": sections, "intro_questions": intro, "review": selectors.review_dates_summary()},
    )


@require_safe
@public_page
def contents(request):
    sections = selectors.published_sections().prefetch_related(
        Prefetch("questions", queryset=Question.objects.order_by("order"))
    )
    return render(request, "leaflet/contents.html", {"sections": sections, "review": selectors.review_dates_summary()})


@require_safe
@public_page
def section_detail(request, slug):
    section = get_object_or_404(selectors.published_sections().select_related("approved_by"), slug=slug)
    siblings = list(selectors.published_sections().only("slug", "title", "order"))
    index = next(i for i, s in enumerate(siblings) if s.pk == section.pk)
    context = {
        "section": section,
        "previous": siblings[index - 1] if index > 0 else None,
        "next": siblings[index + 1] if index + 1 < len(siblings) else None,
        "case_studies": section.case_studies.filter(published_at__isnull=False).order_by("order"),
        "evidence": [line for line in section.evidence_sources.splitlines() if line.strip()],
        "helpful_form": helpfulness.HelpfulForm(),
    }
    if slug == EXERCISES_SLUG:
        context["programme"], context["groups"] = _programme()
    if slug == CONTACTS_SLUG:
        context["organisations"] = selectors.organisations()
    return render(request, "leaflet/section.html", context)


@require_safe
@public_page
def exercise_programme(request):
    section = get_object_or_404(selectors.published_sections().select_related("approved_by"), slug=EXERCISES_SLUG)
    programme, groups = _programme()
    return render(
        request, "leaflet/exercise_programme.html", {"section": section, "programme": programme, "groups": groups}
    )


@require_safe
@public_page
def case_studies(request):
    stories = CaseStudy.objects.filter(published_at__isnull=False).prefetch_related(
        Prefetch("sections", queryset=selectors.published_sections().only("slug", "title", "order"))
    )
    return render(
        request,
        "leaflet/case_studies.html",
        {
            "stories": stories,
            "review": selectors.review_dates_summary(),
        },
    )


@require_safe
def contacts(request):
    return redirect("leaflet:section", slug=CONTACTS_SLUG, permanent=True)


@require_safe
@public_page
def print_leaflet(request):
    programme, groups = _programme()
    return render(
        request,
        "leaflet/print.html",
        {
            "sections": selectors.published_sections(),
            "programme": programme,
            "groups": groups,
            "stories": CaseStudy.objects.filter(published_at__isnull=False),
            "organisations": selectors.organisations(),
            "review": selectors.review_dates_summary(),
        },
    )


# Never cached by browsers, nginx or the shared page cache: each search is counted, and a
# query may hold what someone typed about herself. `exact=1` searches the words as typed.
@require_safe
@never_cache
def search_view(request):
    query = search.normalise(request.GET.get("q", ""))
    if not query:
        return render(request, "leaflet/search.html", {"review": selectors.review_dates_summary()})
    exact = request.GET.get("exact") == "1"
    key = (query, exact, search.index_key())
    kept = search_pages.get(key)
    outcome = None if kept else search.run(query, correct=not exact)
    search_id = services.search_record(query=query, found=kept.found if kept else bool(outcome.results))
    if kept and kept.search_id == search_id and is_anonymous_reader(request):
        return HttpResponse(kept.content)
    outcome = outcome or search.run(query, correct=not exact)
    response = render(
        request,
        "leaflet/search.html",
        {"query": query, "outcome": outcome, "search_id": search_id, "review": selectors.review_dates_summary()},
    )
    # Only a stored query (so one naming no one) is kept, in this process, for anonymous readers.
    if search_id is not None and is_anonymous_reader(request):
        search_pages.keep(key, KeptSearch(bool(outcome.results), search_id, response.content))
    return response


@require_safe
@never_cache
def search_go(request, search_id):
    """A followed search result: count the click (no one's details, only the search's counts), then go there."""
    to = request.GET.get("to", "")
    if to not in search.known_urls():
        return redirect("leaflet:search")
    services.search_click_record(search_id=search_id)
    return redirect(to)


# ---------------------------------------------------------------- editors and reviewers
# Editors, nurses and site administrators reach the editing pages; what each may do there is
# leaflet.access's to decide, on every page and every step.
editor_view = role_required(Role.EDITOR, Role.NURSE)


@require_safe
@editor_view
def editor_dashboard(request):
    sections = Section.objects.select_related("draft_author", "approved_by").order_by("order")
    awaiting = [s for s in sections if s.status == Section.Status.AWAITING_REVIEW]
    due = list(selectors.sections_due_for_review())
    clinical_texts = selectors.clinical_texts_for_review()
    stories, programme = (
        [(f"leaflet:{kind}", item) for kind, items in kinds for item in items]
        for kinds in (
            [("case-study", CaseStudy.objects.order_by("order"))],
            [
                ("exercise-programme", ExerciseProgramme.objects.all()),
                ("exercise-group", ExerciseGroup.objects.order_by("order")),
                ("exercise", Exercise.objects.select_related("group").order_by("group__order", "order")),
            ],
        )
    )
    items_awaiting = [
        (url, item.NOUN, item) for url, item in stories + programme if item.status == CaseStudy.Status.AWAITING_REVIEW
    ]
    return render(
        request,
        "leaflet/editor/dashboard.html",
        {
            "sections": sections,
            "awaiting": awaiting,
            "awaiting_count": len(awaiting) + len(clinical_texts["awaiting"]) + len(items_awaiting),
            "overdue": [s for s in due if s.next_review_due is not None],
            "never_reviewed": [s for s in due if s.next_review_due is None],
            "clinical_texts": clinical_texts,
            "case_studies": stories,
            "items_awaiting": items_awaiting,
            "programme": programme,
        },
    )


@require_safe
@editor_view
def section_review(request, pk):
    """The working copy beside the live page: preview, changes, and the actions allowed now."""
    section, actions = access.get_item_for_user(request, Section, pk)
    return render(
        request,
        "leaflet/editor/review.html",
        {
            "section": section,
            "actions": actions,
            "urls": SECTION_URLS,
            "own_change_waiting": access.own_change_waiting(request.user, section),
            "preview_html": rendering.render(section.draft_body),
            "diff": diffs.changes(section.body, section.draft_body) if section.is_live else None,
            "return_form": ReturnForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@editor_view
def section_edit(request, pk):
    section, _ = access.get_item_for_user(request, Section, pk, to=access.EDIT)
    form = SectionDraftForm.for_section(section, request.POST if request.method == "POST" else None)
    preview_html = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview_html = rendering.render(form.cleaned_data["body"])
        elif attempt(form, services.section_save_draft, section=section, by=request.user, **form.cleaned_data):
            messages.success(request, gettext("Draft saved. The public page has not changed."))
            return redirect("leaflet:section-review", pk=section.pk)
    return render(request, "leaflet/editor/edit.html", {"section": section, "form": form, "preview_html": preview_html})


def _transition(request, pk, step: str, service, success: str, **kwargs):
    section, _ = access.get_item_for_user(request, Section, pk, to=step)
    try:
        service(section=section, by=request.user, **kwargs)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, success)
    return redirect("leaflet:section-review", pk=section.pk)


@require_POST
@editor_view
def section_submit(request, pk):
    return _transition(request, pk, access.SUBMIT, services.section_submit, gettext("Sent for clinical review."))


@require_POST
@editor_view
def section_withdraw(request, pk):
    return _transition(
        request,
        pk,
        access.WITHDRAW,
        services.section_withdraw,
        gettext("Withdrawn from review. You can edit it again."),
    )


@require_POST
@editor_view
def section_approve(request, pk):
    return _transition(request, pk, access.APPROVE, services.section_approve, gettext("Approved and published."))


@require_POST
@editor_view
def section_return(request, pk):
    access.get_item_for_user(request, Section, pk, to=access.RETURN)
    return _with_return_note(
        request,
        "leaflet:section-review",
        pk,
        lambda note: _transition(
            request, pk, access.RETURN, services.section_return, gettext("Returned to the editors."), note=note
        ),
    )


def _with_return_note(request, back_to: str, pk, send_back):
    """A reviewer's "send back": the note is required; `send_back(note)` does the rest."""
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["note"]))
        return redirect(back_to, pk=pk)
    return send_back(form.cleaned_data["note"])


@require_safe
@editor_view
def section_history(request, pk):
    section, actions = access.get_item_for_user(request, Section, pk)
    return _history_page(request, section, actions, SECTION_URLS)


def _revision_text(item, revision) -> str:
    return "\n\n".join(_as_text(getattr(revision, name)) for name in item.DRAFT_FIELDS)


def _history_page(request, item, actions: frozenset[str], urls: dict[str, str]):
    """Revisions newest first, and the changes to the working copy's words between two the reader picked."""
    revisions = list(item.history.select_related("history_user").order_by("-history_date", "-history_id")[:100])
    diff = None
    compare = request.GET.get("a"), request.GET.get("b")
    if all(value and value.isdigit() for value in compare):
        by_id = {str(r.history_id): r for r in revisions}
        older, newer = by_id.get(compare[0]), by_id.get(compare[1])
        if older is not None and newer is not None:
            diff = diffs.changes(_revision_text(item, older), _revision_text(item, newer))
            audit_record(
                action=f"leaflet.{item._meta.verbose_name.replace(' ', '_')}_diff_viewed", request=request, target=item
            )
    return render(
        request,
        "leaflet/editor/history.html",
        {"item": item, "actions": actions, "revisions": revisions, "diff": diff, "compare": compare, "urls": urls},
    )


@require_POST
@editor_view
def section_revert(request, pk, history_id):
    return _transition(
        request,
        pk,
        access.REVERT,
        services.section_revert,
        gettext("That revision is back in the draft. Submit it for review to publish it."),
        history_id=history_id,
    )


# ---------------------------------------------------------------- clinical texts and case studies
# One set of pages for every kind of clinical content with a working copy, by the name its URLs
# carry. Nurses are clinical staff, so they may edit these as well as approve them (never their
# own change).
CLINICAL_ITEMS = {
    "clinical-text": (ClinicalText, ClinicalTextDraftForm),
    "case-study": (CaseStudy, clinical_draft_form(CaseStudy)),
    "exercise-programme": (ExerciseProgramme, clinical_draft_form(ExerciseProgramme)),
    "exercise-group": (ExerciseGroup, clinical_draft_form(ExerciseGroup)),
    "exercise": (Exercise, clinical_draft_form(Exercise)),
}
STEPS = ("edit", "submit", "withdraw", "approve", "return", "history", "revert")


def _clinical_item(request, kind: str, pk: int, *, to: str | None = None):
    """The item, the steps this user may take on it now (leaflet.access), and its draft form."""
    model, form_class = CLINICAL_ITEMS[kind]
    item, actions = access.get_item_for_user(
        request, model.objects.select_related("draft_author", "approved_by"), pk, to=to
    )
    return item, actions, form_class


def _as_text(value: str | list[str]) -> str:
    """A field's words for a diff or preview: an exercise's steps one paragraph each."""
    return "\n\n".join(value) if isinstance(value, list) else value


def _url_names(kind: str) -> dict[str, str]:
    return {"review": f"leaflet:{kind}", **{step: f"leaflet:{kind}-{step}" for step in STEPS}}


SECTION_URLS = {**_url_names("section"), "review": "leaflet:section-review"}


@require_safe
@editor_view
def clinical_item_review(request, kind, pk):
    item, actions, _ = _clinical_item(request, kind, pk)
    fields = [
        (
            CLINICAL_FIELD_NAMES[name],
            _as_text(getattr(item, f"draft_{name}")),
            diffs.changes(_as_text(getattr(item, name)), _as_text(getattr(item, f"draft_{name}")))
            if item.is_live
            else None,
        )
        for name in item.CLINICAL_FIELDS
    ]
    return render(
        request,
        "leaflet/editor/clinical_item.html",
        {
            "item": item,
            "noun": item.NOUN,
            "fields": fields,
            "urls": _url_names(kind),
            "actions": actions,
            "own_change_waiting": access.own_change_waiting(request.user, item),
            "return_form": ReturnForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@editor_view
def clinical_item_edit(request, kind, pk):
    item, _, form_class = _clinical_item(request, kind, pk, to=access.EDIT)
    form = form_class.for_item(item, request.POST if request.method == "POST" else None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(form, services.clinical_item_save_draft, item=item, by=request.user, **form.cleaned_data)
    ):
        messages.success(request, gettext("Draft saved. What the public sees has not changed."))
        return redirect(f"leaflet:{kind}", pk=item.pk)
    return render(
        request, "leaflet/editor/clinical_item_edit.html", {"item": item, "form": form, "urls": _url_names(kind)}
    )


def _clinical_item_step(request, kind, pk, step: str, success: str, **kwargs):
    item, _, _ = _clinical_item(request, kind, pk, to=step)
    try:
        services.clinical_item_step(item=item, by=request.user, step=step, **kwargs)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, success)
    return redirect(f"leaflet:{kind}", pk=pk)


@require_POST
@editor_view
def clinical_item_submit(request, kind, pk):
    return _clinical_item_step(request, kind, pk, "submit", gettext("Sent for clinical review."))


@require_POST
@editor_view
def clinical_item_withdraw(request, kind, pk):
    return _clinical_item_step(request, kind, pk, "withdraw", gettext("Withdrawn from review. You can edit it again."))


@require_POST
@editor_view
def clinical_item_approve(request, kind, pk):
    return _clinical_item_step(request, kind, pk, "approve", gettext("Approved and published."))


@require_POST
@editor_view
def clinical_item_return(request, kind, pk):
    _clinical_item(request, kind, pk, to=access.RETURN)
    return _with_return_note(
        request,
        f"leaflet:{kind}",
        pk,
        lambda note: _clinical_item_step(request, kind, pk, "return", gettext("Returned for changes."), note=note),
    )


@require_safe
@editor_view
def clinical_item_history(request, kind, pk):
    item, actions, _ = _clinical_item(request, kind, pk)
    return _history_page(request, item, actions, _url_names(kind))


@require_POST
@editor_view
def clinical_item_revert(request, kind, pk, history_id):
    return _clinical_item_step(
        request,
        kind,
        pk,
        "revert",
        gettext("That revision is back in the draft. Submit it for review to publish it."),
        history_id=history_id,
    )


@require_safe
@editor_view
def out_of_date(request):
    """Passages mentioning phone numbers, web addresses, benefits or medicines, worst review state first."""
    topic = request.GET.get("topic", "")
    passages = outdated.passages_to_check()
    counts = [(t, sum(1 for p in passages if t.key in p.topics)) for t in outdated.TOPICS]
    if topic in outdated.TOPIC_KEYS:
        passages = [p for p in passages if topic in p.topics]
    else:
        topic = ""
    return render(
        request,
        "leaflet/editor/out_of_date.html",
        {"passages": passages, "counts": counts, "topic": topic, "states": outdated.State},
    )


# ---------------------------------------------------------------- contact details
@require_safe
@editor_view
def contacts_check(request):
    organisations = list(selectors.organisations().select_related("details_checked_by", "proposed_by"))
    return render(
        request,
        "leaflet/editor/contacts.html",
        {
            "organisations": [(o, access.organisation_actions(request.user, o)) for o in organisations],
            "unchecked": [o for o in organisations if not o.details_checked],
            "proposed": [o for o in organisations if o.has_proposal],
        },
    )


def _organisation_action(request, pk, step: str, service, success: str):
    organisation, _ = access.get_organisation_for_user(request, pk, to=step)
    try:
        service(organisation=organisation, by=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, success)
    return redirect(reverse("leaflet:contacts-check") + f"#{organisation.slug}")


@require_POST
@editor_view
def organisation_mark_checked(request, pk):
    return _organisation_action(
        request,
        pk,
        access.CHECK,
        services.organisation_mark_checked,
        gettext("Marked as checked today. The details are now links."),
    )


@require_POST
@editor_view
def organisation_approve(request, pk):
    return _organisation_action(
        request, pk, access.APPROVE, services.organisation_approve, gettext("New details approved and published.")
    )


@require_POST
@editor_view
def organisation_reject(request, pk):
    return _organisation_action(
        request, pk, access.REJECT, services.organisation_reject, gettext("Proposed details rejected.")
    )


@require_http_methods(["GET", "POST"])
@editor_view
def organisation_propose(request, pk):
    organisation, _ = access.get_organisation_for_user(request, pk, to=access.PROPOSE)
    form = OrganisationDetailsForm.for_organisation(organisation, request.POST if request.method == "POST" else None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form, services.organisation_propose, organisation=organisation, by=request.user, **form.cleaned_data
        )
    ):
        messages.success(
            request, gettext("New details proposed. Another nurse must approve them before they are shown.")
        )
        return redirect(reverse("leaflet:contacts-check") + f"#{organisation.slug}")
    return render(request, "leaflet/editor/organisation_propose.html", {"organisation": organisation, "form": form})


# ---------------------------------------------------------------- editors: search
SEARCH_REPORT_DAYS = 90


@require_safe
@editor_view
def search_report(request):
    """What people searched for and could not find: counts only, for editors and nurses."""
    return render(
        request,
        "leaflet/editor/search/report.html",
        {
            "failed": selectors.failed_searches(days=SEARCH_REPORT_DAYS),
            # What readers said was missing from a page: the other half of "could not find".
            "missing": helpfulness.missing_comments(days=SEARCH_REPORT_DAYS),
            "days": SEARCH_REPORT_DAYS,
            "can_edit": access.edits_search(request.user),
        },
    )


def _recent_revisions(model):
    return model.history.select_related("history_user").order_by("-history_date", "-history_id")[:50]


def search_editor_view(view):
    """Synonyms and best bets: for those leaflet.access lets change what searches find."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not access.edits_search(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return editor_view(wrapper)


@require_http_methods(["GET", "POST"])
@search_editor_view
def synonyms(request, pk=None):
    """Every synonym, their revision history, and a form to add one (or change one, with `pk`)."""
    synonym = get_object_or_404(Synonym, pk=pk) if pk else None
    initial = {"term": synonym.term, "means": synonym.means} if synonym else None
    form = SynonymForm(request.POST if request.method == "POST" else None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(form, services.synonym_save, synonym=synonym, by=request.user, **form.cleaned_data)
    ):
        messages.success(
            request,
            gettext("Searches for ‘%(term)s’ now also look for its meaning.") % {"term": form.cleaned_data["term"]},
        )
        return redirect("leaflet:synonyms")
    return render(
        request,
        "leaflet/editor/search/synonyms.html",
        {"form": form, "editing": synonym, "synonyms": Synonym.objects.all(), "revisions": _recent_revisions(Synonym)},
    )


@require_POST
@search_editor_view
def synonym_delete(request, pk):
    synonym = Synonym.objects.filter(pk=pk).first()
    if synonym is not None:  # gone already (a second click): nothing to do
        services.synonym_delete(synonym=synonym, by=request.user)
        messages.success(request, gettext("Removed the synonym for ‘%(term)s’.") % {"term": synonym.term})
    return redirect("leaflet:synonyms")


@require_http_methods(["GET", "POST"])
@search_editor_view
def best_bets(request):
    """Pinned pages: a search for one of these queries shows its page first."""
    form = BestBetForm(request.POST if request.method == "POST" else None, sections=selectors.published_sections())
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(form, services.best_bet_save, by=request.user, **form.cleaned_data)
    ):
        messages.success(
            request,
            gettext("A search for ‘%(query)s’ now shows that page first.") % {"query": form.cleaned_data["query"]},
        )
        return redirect("leaflet:best-bets")
    return render(
        request,
        "leaflet/editor/search/best_bets.html",
        {
            "form": form,
            "best_bets": BestBet.objects.select_related("section"),
            "revisions": _recent_revisions(BestBet).select_related("section"),
        },
    )


@require_POST
@search_editor_view
def best_bet_delete(request, pk):
    best_bet = BestBet.objects.filter(pk=pk).first()
    if best_bet is not None:  # gone already (a second click): nothing to do
        services.best_bet_delete(best_bet=best_bet, by=request.user)
        messages.success(request, gettext("‘%(query)s’ is no longer pinned.") % {"query": best_bet.query})
    return redirect("leaflet:best-bets")
