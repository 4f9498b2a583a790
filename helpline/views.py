"""Helpline pages. The public "Ask a nurse" form; everything else is for nurses (and admins) only."""

import csv
import logging
from datetime import timedelta

from csp.constants import NONE, SELF
from csp.decorators import csp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portal.access import role_required
from portal.audit import audit_record
from portal.client_address import client_ip
from portal.forms import add_service_error, attempt, error_text
from portal.roles import Role, acts_as, has_role, is_admin

from . import callback_slots, queue_search, ratelimit, replies, response_targets, selectors, services
from .alarm_intake import alarm_intake, unusable_text
from .charts import horizontal_bars, vertical_bars
from .closure_feedback import SCORES, enquiry_feedback, feedback_quarters
from .forms import (
    AskForm,
    AssignForm,
    CallbackDoneForm,
    CallbackForm,
    DutyShiftForm,
    EnquiryEditForm,
    EnquiryLogForm,
    FollowUpTemplateForm,
    MessageForm,
    NoteForm,
    QueueFilterForm,
    ReferForm,
    ReplyForm,
    ReportForm,
    TransitionForm,
    UrgencyForm,
)
from .models import Callback, DutyShift, Enquiry, FollowUpTemplate, ReplyDraft, Urgency
from .person_page import person_context
from .triage import Triage, form_warning, triage

logger = logging.getLogger(__name__)

QUEUE_PAGE_SIZE = 50
ASK_SESSION_KEY = "helpline_ask"
RATE_LIMITED_MESSAGE = gettext_lazy(
    "You have sent several questions in a short time, so we have paused the form for a while. "
    "Your earlier questions have reached our nurses. Nothing you typed here has been lost: it is still "
    "in the form below, so you can send it later."
)


def nurse_view(view):
    """Nurses and site admins only, never cached by the browser (these pages hold health details)."""
    return role_required(Role.NURSE)(never_cache(view))


def get_enquiry_for_user(request, pk: int) -> Enquiry:
    """The one way a view loads an enquiry: 404 unless the user is helpline staff and it exists."""
    if not acts_as(request.user, Role.NURSE):
        raise Http404
    return get_object_or_404(Enquiry.objects.select_related("assigned_to", "created_by", "person"), pk=pk)


# ---------------------------------------------------------------- public


def _ask_page(request, form, *, rate_limited: bool = False):
    """The form, with the advice for what she has written so far (worked out, never stored)."""
    found = Triage(Urgency.ROUTINE, ())
    if request.method == "POST":
        found = triage(request.POST.get("question", ""), request.POST.getlist("topics"))
    context = {
        "form": form,
        "form_warning": form_warning(),
        "rate_limited_message": RATE_LIMITED_MESSAGE if rate_limited else "",
        **services.ask_reply_context(found.level, advice=found.advice),
    }
    return render(request, "helpline/ask.html", context, status=429 if rate_limited else 200)


@require_http_methods(["GET", "POST"])
def ask(request):
    """Anyone may ask a nurse a question; no account needed. Signed in, her name and email are filled in."""
    user = request.user
    initial = {"email": user.email, "name": user.first_name} if user.is_authenticated else {}
    form = AskForm(request.POST or None, initial=initial)
    if request.method == "POST":
        # Every attempt counts against the IP, so a bot cannot probe the form endlessly.
        within_limit = ratelimit.hit(
            "ask-ip", client_ip(request) or "unknown", limit=settings.HELPLINE_ASK_LIMIT_PER_IP, window=3600
        )
        if within_limit and form.is_bot:
            logger.warning("helpline ask form: honeypot filled, submission dropped")
            return render(request, "helpline/ask_rejected.html", status=400)
        valid = form.is_valid()
        alarm = None if form.is_bot else alarm_intake(form)
        if alarm:
            # Saved and alerted whatever else is wrong, rate limits included (helpline.alarm_intake).
            _count_addresses(alarm.fields)
            if not (valid and within_limit):
                logger.warning("helpline ask form: alarm-level question saved despite errors or rate limit")
            return _asked(request, alarm.fields, note=alarm.note, unusable=list(alarm.unusable))
        if not within_limit:
            logger.warning("helpline ask form rate-limited")
            return _ask_page(request, form, rate_limited=True)
        if valid:
            if not all(_count_addresses(form.cleaned_data)):
                logger.warning("helpline ask form rate-limited")
                return _ask_page(request, form, rate_limited=True)
            return _asked(request, form.cleaned_data)
    return _ask_page(request, form)


def _count_addresses(data: dict) -> list[bool]:
    return [
        ratelimit.hit("ask-address", a, limit=settings.HELPLINE_ASK_LIMIT_PER_ADDRESS, window=86400)
        for a in ratelimit.normalise_address(email=data["email"], phone=data["phone"])
    ]


def _asked(request, data: dict, *, note: str = "", unusable: tuple | list = ()):
    enquiry = services.enquiry_ask(
        question=data["question"],
        topics=data["topics"],
        name=data["name"],
        email=data["email"],
        phone=data["phone"],
        safe_to_leave_message=data["safe_to_leave_message"],
        preferred_times=data["preferred_times"],
        region=data.get("region", ""),
        user=request.user if request.user.is_authenticated else None,
        note=note,
    )
    # The same words give the same triage: which advice she sees on the next page.
    found = triage(data["question"], data["topics"])
    # The reference travels in the session, not the URL; her details never do.
    request.session[ASK_SESSION_KEY] = {
        "reference": enquiry.reference,
        "level": enquiry.urgency,
        "advice": list(found.advice),
        "emailed": bool(data["email"]) and not found.email_unsafe,
        "not_emailed": bool(data["email"]) and found.email_unsafe,
        "reachable": bool(data["email"] or data["phone"] or enquiry.user_id),
        "unusable": list(unusable),
        "account": enquiry.user_id is not None,
        # Whether to offer her a time for a nurse to ring (helpline.callback_slots).
        "can_book": callback_slots.can_book(enquiry),
    }
    return redirect("helpline:ask-thanks")


@require_safe
@never_cache
def ask_thanks(request):
    sent = request.session.get(ASK_SESSION_KEY)
    if not sent:
        return redirect("helpline:ask")
    level = sent.get("level", Urgency.ROUTINE)
    context = services.ask_reply_context(level, advice=sent.get("advice", ()))
    context["unusable_text"] = unusable_text(sent.get("unusable", []))
    return render(request, "helpline/ask_thanks.html", {"sent": sent, **context})


# ---------------------------------------------------------------- queue and logging


@require_http_methods(["GET", "POST"])
@nurse_view
def queue(request):
    nurses = selectors.helpline_nurse_names()
    if request.method == "POST":
        filter_form = QueueFilterForm(request.POST, nurses=nurses)
        if filter_form.is_valid():
            return redirect(queue_search.results_url(request.session, request.POST, filter_form.cleaned_data["q"]))
    else:
        data, expired = queue_search.filters_with_term(request.session, request.GET)
        if expired:
            messages.info(request, gettext("That search has expired, so it is not applied. Please search again."))
        filter_form = QueueFilterForm(data or None, nurses=nurses)
    filters = filter_form.filters() if filter_form.is_bound else {}
    now = timezone.now()
    paginator = Paginator(selectors.enquiry_queue(user=request.user, now=now, **filters), QUEUE_PAGE_SIZE)
    # Counted by a query of its own, written the way that counts cheapest (see enquiry_queue).
    paginator.count = selectors.enquiry_queue(user=request.user, now=now, for_counting=True, **filters).count()
    page = paginator.get_page(request.GET.get("page"))
    # Who asked and what: for nurses, who triage from it; a site admin sees references only.
    page.object_list = selectors.queue_rows(page.object_list, now=now, people=has_role(request.user, Role.NURSE))
    if filters.get("q"):
        # The search term may be a name or an address: record that a search happened, not what it was.
        audit_record(action="enquiry.searched", request=request, results=page.paginator.count)
    return render(
        request,
        "helpline/queue.html",
        {
            "filter_form": filter_form,
            "page": page,
            "alerts": selectors.open_safety_alerts(),
            "replies": list(selectors.replies_waiting(request.user)),
        },
    )


@require_http_methods(["GET", "POST"])
@nurse_view
def enquiry_new(request):
    form = EnquiryLogForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        enquiry = services.enquiry_log(by=request.user, **form.cleaned_data)
        messages.success(request, gettext("Enquiry %(reference)s logged.") % {"reference": enquiry.reference})
        return redirect(enquiry)
    return render(request, "helpline/enquiry_new.html", {"form": form})


# ---------------------------------------------------------------- one enquiry


def _detail_page(request, enquiry: Enquiry, *, status: int = 200, **bound_forms):
    """The enquiry page, with any form that failed shown bound (its errors and what was typed)."""
    audit_record(action="enquiry.viewed", request=request, target=enquiry)
    her = person_context(
        request, enquiry, flag_form=bound_forms.pop("flag_form", None), flag_review=bound_forms.pop("flag_review", None)
    )
    forms = {
        "assign_form": AssignForm(initial={"assignee": enquiry.assigned_to_id}),
        "transition_form": TransitionForm(),
        "note_form": NoteForm(),
        "callback_form": CallbackForm(user=request.user),
        "refer_form": ReferForm(),
        "urgency_form": UrgencyForm(initial={"urgency": enquiry.urgency}),
        **bound_forms,
    }
    draft = ReplyDraft.objects.filter(enquiry=enquiry).select_related("author").first()
    if "reply_form" not in forms:
        forms["reply_form"] = ReplyForm(initial=ReplyForm.initial_from(draft), link_choices=replies.link_choices())
    return render(
        request,
        "helpline/enquiry_detail.html",
        {
            "enquiry": enquiry,
            "topics": [link.get_topic_display() for link in enquiry.topic_links.order_by("topic")],
            "timeline": selectors.enquiry_timeline(enquiry),
            "emails": selectors.enquiry_emails(enquiry),
            "now": timezone.now(),
            "callbacks": list(selectors.enquiry_callbacks(enquiry)),
            "transitions": enquiry.allowed_transitions(),
            "open_alert": selectors.enquiry_open_alert(enquiry),
            "callback_done_form": CallbackDoneForm(),
            "has_templates": FollowUpTemplate.objects.filter(is_active=True).exists(),
            "draft": draft,
            "feedback": enquiry_feedback(enquiry),
            **her,
            **forms,
        },
        status=status,
    )


@require_safe
@nurse_view
def enquiry_detail(request, pk: int):
    return _detail_page(request, get_enquiry_for_user(request, pk))


@require_safe
@nurse_view
def attachment_download(request, pk: int, attachment_pk: int):
    """A file she emailed us, to nurses only, always as a download (never shown in the browser), audited."""
    enquiry = get_enquiry_for_user(request, pk)
    attachment = selectors.enquiry_attachment(enquiry, attachment_pk)
    if attachment is None:
        raise Http404
    audit_record(action="enquiry.attachment_downloaded", request=request, target=enquiry, attachment=attachment.pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename or "attachment",
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
@nurse_view
def enquiry_edit(request, pk: int):
    enquiry = get_enquiry_for_user(request, pk)
    if enquiry.anonymised_at:
        messages.error(request, services.ENQUIRY_ANONYMISED)
        return redirect(enquiry)
    form = EnquiryEditForm.for_enquiry(enquiry, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            correction = services.enquiry_update(enquiry=enquiry, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            return _done(request, enquiry, _correction_message(correction))
    # The form shows everything the enquiry page does, so opening it is a view like any other.
    audit_record(action="enquiry.viewed", request=request, target=enquiry)
    status = 400 if request.method == "POST" else 200
    return render(request, "helpline/enquiry_edit.html", {"enquiry": enquiry, "form": form}, status=status)


def _correction_message(correction: services.EnquiryCorrection) -> str:
    if not correction.changed:
        return gettext("Nothing was changed.")
    parts = [gettext("Details corrected.")]
    if correction.emails_cancelled:
        n = correction.emails_cancelled
        if "email" in correction.changed:
            text = ngettext(
                "%(count)s unsent email to her old address was cancelled; send again if she still needs them.",
                "%(count)s unsent emails to her old address were cancelled; send again if she still needs them.",
                n,
            )
        else:
            text = ngettext(
                "%(count)s unsent email to her was cancelled; send again if she still needs them.",
                "%(count)s unsent emails to her were cancelled; send again if she still needs them.",
                n,
            )
        parts.append(text % {"count": n})
    if correction.became_urgent:
        parts.append(gettext("The correction has red-flag words or topics, so the enquiry is now urgent."))
    return " ".join(parts)


def _done(request, enquiry: Enquiry, message: str):
    messages.success(request, message)
    return redirect(enquiry)


@require_POST
@nurse_view
def enquiry_claim(request, pk: int):
    enquiry = get_enquiry_for_user(request, pk)
    form = AssignForm()
    if attempt(form, services.enquiry_assign, enquiry=enquiry, by=request.user, to=request.user):
        return _done(request, enquiry, gettext("You are now looking after this enquiry."))
    return _detail_page(request, enquiry, assign_form=form, status=400)


@require_POST
@nurse_view
def enquiry_assign(request, pk: int):
    enquiry = get_enquiry_for_user(request, pk)
    form = AssignForm(request.POST)
    if form.is_valid() and attempt(
        form, services.enquiry_assign, enquiry=enquiry, by=request.user, to=form.cleaned_data["assignee"]
    ):
        return _done(request, enquiry, gettext("Assignment saved."))
    return _detail_page(request, enquiry, assign_form=form, status=400)


@require_POST
@nurse_view
def enquiry_transition(request, pk: int):
    enquiry = get_enquiry_for_user(request, pk)
    form = TransitionForm(request.POST)
    if form.is_valid() and attempt(
        form,
        services.enquiry_transition,
        enquiry=enquiry,
        by=request.user,
        action=form.cleaned_data["action"],
        outcome=form.cleaned_data["outcome"],
    ):
        enquiry.refresh_from_db()
        return _done(
            request,
            enquiry,
            gettext("Status is now “%(status)s”.") % {"status": enquiry.get_status_display()},
        )
    return _detail_page(request, enquiry, transition_form=form, status=400)


@require_POST
@nurse_view
def enquiry_urgency(request, pk: int):
    enquiry = get_enquiry_for_user(request, pk)
    form = UrgencyForm(request.POST)
    if form.is_valid() and attempt(
        form, services.enquiry_urgency_change, enquiry=enquiry, by=request.user, **form.cleaned_data
    ):
        enquiry.refresh_from_db()
        return _done(
            request,
            enquiry,
            gettext("Urgency is now “%(urgency)s”.") % {"urgency": enquiry.get_urgency_display()},
        )
    return _detail_page(request, enquiry, urgency_form=form, status=400)


@require_POST
@nurse_view
def enquiry_note(request, pk: int):
    enquiry = get_enquiry_for_user(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid() and attempt(
        form, services.enquiry_note_add, enquiry=enquiry, by=request.user, text=form.cleaned_data["text"]
    ):
        return _done(request, enquiry, gettext("Note added."))
    return _detail_page(request, enquiry, note_form=form, status=400)


@require_POST
@nurse_view
def callback_schedule(request, pk: int):
    enquiry = get_enquiry_for_user(request, pk)
    form = CallbackForm(request.POST, user=request.user)
    if form.is_valid() and attempt(
        form, services.callback_schedule, enquiry=enquiry, by=request.user, **form.cleaned_data
    ):
        return _done(request, enquiry, gettext("Callback scheduled. The nurse will get a reminder when it is due."))
    return _detail_page(request, enquiry, callback_form=form, status=400)


@require_POST
@nurse_view
def callback_done(request, pk: int, callback_pk: int):
    enquiry = get_enquiry_for_user(request, pk)
    callback = get_object_or_404(Callback, pk=callback_pk, enquiry=enquiry)
    form = CallbackDoneForm(request.POST)
    if form.is_valid() and attempt(
        form, services.callback_complete, callback=callback, by=request.user, note=form.cleaned_data["note"]
    ):
        return _done(request, enquiry, gettext("Callback recorded."))
    messages.error(request, " ".join(form.non_field_errors()) or gettext("The callback could not be recorded."))
    return redirect(enquiry)


REPLY_TEMPLATE_REQUIRED = gettext_lazy("Choose a template to start from.")
REPLY_STARTED = gettext_lazy("“%(name)s” is in the reply box. Read it and change it to fit her before you send it.")
DRAFT_CHANGED = gettext_lazy("The draft changed after you previewed it. Check the preview again before sending.")


@require_POST
@nurse_view
def reply(request, pk: int):
    """The reply box's buttons: start from a template, save the draft, preview, or send.

    Whatever was typed is kept as the draft first, so an error, a colleague or
    leaving the page loses nothing; sending discards it.
    """
    enquiry = get_enquiry_for_user(request, pk)
    form = ReplyForm(request.POST, link_choices=replies.link_choices())
    action = request.POST.get("action")
    valid = form.is_valid()
    if action == "start":
        template = form.cleaned_data.get("template") if valid else None
        if template is None:
            form.add_error("template", REPLY_TEMPLATE_REQUIRED)
            return _detail_page(request, enquiry, reply_form=form, status=400)
        typed = form.draft_fields()
        start = replies.starting_point(template, enquiry=enquiry, nurse=request.user, typed=typed)
        if not attempt(
            form, services.reply_draft_save, enquiry=enquiry, by=request.user, **start, send_after=typed["send_after"]
        ):
            return _detail_page(request, enquiry, reply_form=form, status=400)
        return _reply_done(request, enquiry, REPLY_STARTED % {"name": template.name})
    if not attempt(form, services.reply_draft_save, enquiry=enquiry, by=request.user, **form.draft_fields()):
        return _detail_page(request, enquiry, reply_form=form, status=400)
    if action == "save":
        return _reply_done(request, enquiry, "Draft saved.")
    if action == "preview" and valid:
        return redirect("helpline:reply-preview", pk=enquiry.pk)
    if (
        action == "send"
        and valid
        and attempt(
            form, services.enquiry_reply_send, enquiry=enquiry, by=request.user, **_reply_fields(form.cleaned_data)
        )
    ):
        return _done(request, enquiry, _sent_message(enquiry, form.cleaned_data["send_after"]))
    return _detail_page(request, enquiry, reply_form=form, status=400)


def _reply_fields(data: dict) -> dict:
    return {key: data[key] for key in ("subject", "body", "links", "send_after")}


def _reply_done(request, enquiry: Enquiry, message: str):
    messages.success(request, message)
    return redirect(enquiry.get_absolute_url() + "#reply")


def _sent_message(enquiry: Enquiry, send_after) -> str:
    by_email = enquiry.reply_route == "email"
    if send_after:
        when = date_format(timezone.localtime(send_after), "D d M Y H:i")
        if by_email:
            return gettext("Reply scheduled for %(when)s, by email.") % {"when": when}
        return gettext("Reply scheduled for %(when)s, to her account (no email).") % {"when": when}
    return gettext("Reply sent by email.") if by_email else gettext("Reply sent to her account (no email).")


def _draft_or_none(enquiry: Enquiry) -> ReplyDraft | None:
    return ReplyDraft.objects.filter(enquiry=enquiry).select_related("author").first()


def _draft_email(enquiry: Enquiry, draft: ReplyDraft, nurse) -> dict:
    links = replies.links_for(draft.links)
    return replies.render_email(enquiry=enquiry, nurse=nurse, subject=draft.subject, body=draft.body, links=links)


@require_safe
@nurse_view
def reply_preview(request, pk: int):
    """The saved draft exactly as she will get it: the email's subject, plain text and HTML, or her account's view."""
    enquiry = get_enquiry_for_user(request, pk)
    draft = _draft_or_none(enquiry)
    if draft is None:
        return redirect(enquiry)
    audit_record(action="enquiry.viewed", request=request, target=enquiry)
    links = replies.links_for(draft.links)
    return render(
        request,
        "helpline/reply_preview.html",
        {
            "enquiry": enquiry,
            "draft": draft,
            "route": enquiry.reply_route,
            "email": _draft_email(enquiry, draft, request.user) if enquiry.reply_route == "email" else None,
            "account_text": replies.text_with_links(draft.body, links),
            "nurse_role": replies.nurse_role(request.user),
        },
    )


# The email's own HTML, shown in a sandboxed frame of the preview page: it carries inline styles,
# which the site's policy forbids, so this one response allows them and nothing else.
@require_safe
@nurse_view
@xframe_options_sameorigin
@csp(
    {
        "default-src": [NONE],
        "style-src": ["'unsafe-inline'"],
        "img-src": ["data:"],
        "base-uri": [NONE],
        "form-action": [NONE],
        "frame-ancestors": [SELF],
    }
)
def reply_preview_html(request, pk: int):
    enquiry = get_enquiry_for_user(request, pk)
    draft = _draft_or_none(enquiry)
    if draft is None or enquiry.reply_route != "email":
        raise Http404
    return HttpResponse(_draft_email(enquiry, draft, request.user)["body_html"])


@require_POST
@nurse_view
def reply_send_draft(request, pk: int):
    """Send the draft as previewed; refused if anyone changed it since the preview was drawn."""
    enquiry = get_enquiry_for_user(request, pk)
    draft = _draft_or_none(enquiry)
    if draft is None or request.POST.get("draft_saved_at") != draft.updated_at.isoformat():
        messages.error(request, DRAFT_CHANGED)
        return redirect(enquiry.get_absolute_url() + "#reply")
    try:
        services.enquiry_reply_send(
            enquiry=enquiry,
            by=request.user,
            subject=draft.subject,
            body=draft.body,
            links=draft.links,
            send_after=draft.send_after,
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect(enquiry.get_absolute_url() + "#reply")
    return _done(request, enquiry, _sent_message(enquiry, draft.send_after))


@require_POST
@nurse_view
def refer(request, pk: int):
    enquiry = get_enquiry_for_user(request, pk)
    form = ReferForm(request.POST)
    if form.is_valid() and attempt(
        form,
        services.enquiry_refer_to_peer_support,
        enquiry=enquiry,
        by=request.user,
        consent_recorded=form.cleaned_data["consent_recorded"],
    ):
        return _done(request, enquiry, "Referred to peer support.")
    return _detail_page(request, enquiry, refer_form=form, status=400)


# ---------------------------------------------------------------- her side


def get_own_enquiry(request, pk: int) -> Enquiry:
    """The one way her pages load an enquiry: 404 unless she asked it from this account (and it still exists)."""
    return get_object_or_404(Enquiry, pk=pk, user=request.user, anonymised_at__isnull=True)


@require_safe
@login_required
@never_cache
def my_enquiries(request):
    enquiries = list(selectors.enquiries_of(request.user))
    audit_record(action="enquiry.listed_by_her", request=request, count=len(enquiries))
    return render(request, "helpline/my_enquiries.html", {"enquiries": enquiries})


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def my_enquiry(request, pk: int):
    """Her question and the conversation with the nurses, where she can write back."""
    enquiry = get_own_enquiry(request, pk)
    form = MessageForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form, services.enquiry_message_receive, enquiry=enquiry, by=request.user, text=form.cleaned_data["text"]
        )
    ):
        messages.success(request, gettext("Your message has been sent to the helpline nurses."))
        return redirect("helpline:my-enquiry", pk=enquiry.pk)
    audit_record(action="enquiry.viewed_by_her", request=request, target=enquiry)
    return render(
        request,
        "helpline/my_enquiry.html",
        {
            "enquiry": enquiry,
            "conversation": selectors.enquiry_conversation(enquiry, now=timezone.now()),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


# ---------------------------------------------------------------- duty rota


@require_http_methods(["GET", "POST"])
@nurse_view
def rota(request):
    form = DutyShiftForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(form, services.duty_shift_add, by=request.user, **form.cleaned_data)
    ):
        messages.success(request, gettext("Shift added to the rota."))
        return redirect("helpline:rota")
    now = timezone.now()
    context = {
        "form": form,
        "shifts": selectors.duty_rota(now),
        "on_duty": selectors.nurses_on_duty(now),
        "now": now,
        "escalate_minutes": settings.HELPLINE_ALERT_ESCALATE_MINUTES,
    }
    return render(request, "helpline/rota.html", context, status=400 if form.errors else 200)


@require_POST
@nurse_view
def rota_remove(request, pk: int):
    shift = DutyShift.objects.filter(pk=pk).first()
    if shift is None:
        # A second click, or a colleague got there first: the shift is gone either way.
        messages.success(request, gettext("That shift is no longer on the rota."))
    else:
        services.duty_shift_remove(by=request.user, shift=shift)
        messages.success(request, gettext("Shift removed from the rota."))
    return redirect("helpline:rota")


# ---------------------------------------------------------------- follow-up templates


@require_safe
@nurse_view
def template_list(request):
    return render(request, "helpline/template_list.html", {"templates": FollowUpTemplate.objects.all()})


@require_http_methods(["GET", "POST"])
@nurse_view
def template_edit(request, pk: int | None = None):
    template = get_object_or_404(FollowUpTemplate, pk=pk) if pk else None
    form = FollowUpTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        services.follow_up_template_save(form=form, by=request.user)
        messages.success(request, gettext("Template saved."))
        return redirect("helpline:template-list")
    return render(request, "helpline/template_edit.html", {"form": form, "template": template})


# ---------------------------------------------------------------- reports


def _report(request):
    form = ReportForm(request.GET or None)
    weeks = (form.cleaned_data.get("weeks") if form.is_valid() else None) or 12
    return form, selectors.helpline_report(weeks=weeks)


@require_safe
@nurse_view
def reports(request):
    form, report = _report(request)
    weekly = vertical_bars(
        title=gettext("Enquiries received each week"),
        description=ngettext(
            "%(count)s enquiries in the last %(weeks)s weeks; the table below gives each figure.",
            "%(count)s enquiries in the last %(weeks)s weeks; the table below gives each figure.",
            report.received,
        )
        % {"count": report.received, "weeks": len(report.weeks)},
        items=[
            (date_format(week, "d M"), total)
            for week, total in zip(report.weeks, report.by_channel.totals, strict=True)
        ],
    )
    breakdowns = []
    for breakdown in (report.by_channel, report.by_topic, report.by_outcome):
        chart = horizontal_bars(
            title=breakdown.title,
            description=gettext("Totals over the period; %(total)s in all. The table after the chart has each week.")
            % {"total": breakdown.grand_total},
            items=[(label, total) for label, _, total in breakdown.rows],
        )
        breakdowns.append((breakdown, chart))
    context = {
        "form": form,
        "report": report,
        "weekly": weekly,
        "show_funder_report": is_admin(request.user),
        "breakdowns": breakdowns,
        "median_text": duration_text(report.median_response),
        "p90_text": duration_text(report.p90_response),
        "target_rows": [(week, duration_text(week.median_response)) for week in report.targets],
        "targets_set": [
            (label, report.target_minutes[level], level not in response_targets.CLOCK_LEVELS)
            for level, label in Urgency.choices
        ],
        "feedback_quarters": feedback_quarters(),
        "scores": SCORES,
    }
    return render(request, "helpline/reports.html", context)


def duration_text(delta) -> str:
    """A response time in words a manager reads at a glance: "45 minutes", "5 hours", "2 days 3 hours"."""
    if delta is None:
        return gettext("No responses yet")
    minutes = round(delta.total_seconds() / 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    day, hour, minute = (
        (days, ngettext("%(n)s day", "%(n)s days", days)),
        (hours, ngettext("%(n)s hour", "%(n)s hours", hours)),
        (minutes, ngettext("%(n)s minute", "%(n)s minutes", minutes)),
    )
    parts = [day, hour] if days else [hour, minute]
    words = [text % {"n": n} for n, text in parts if n]
    return " ".join(words) or gettext("under a minute")


@require_safe
@nurse_view
def reports_csv(request):
    """Counts only: no reference, name, date of any single enquiry, or free text."""
    _, report = _report(request)
    audit_record(action="helpline.report_exported", request=request, weeks=len(report.weeks))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="helpline-figures-{timezone.localdate():%Y-%m-%d}.csv"'
    writer = csv.writer(response)
    writer.writerow(["measure", "category", "week_starting", "count"])
    for name, breakdown in (("channel", report.by_channel), ("topic", report.by_topic), ("outcome", report.by_outcome)):
        for label, per_week, _ in breakdown.rows:
            for week, count in zip(report.weeks, per_week, strict=True):
                writer.writerow([name, label, week.isoformat(), count])
    for measure, value in (
        ("received", report.received),
        ("responded", report.responded),
        ("median_first_response_hours", _hours(report.median_response)),
        ("p90_first_response_hours", _hours(report.p90_response)),
        ("open_now", report.open_count),
        ("overdue_callbacks_now", report.overdue_count),
    ):
        writer.writerow([measure, "", "", value])
    # Response targets, per ISO week (the week_starting column is its Monday) and level.
    for week in report.targets:
        for measure, value in (
            ("target_received", week.received),
            ("target_due", week.due),
            ("target_answered_within", week.within_target),
            ("target_share_within_percent", "" if week.share_within is None else f"{week.share_within * 100:.0f}"),
            ("target_median_first_response_hours", _hours(week.median_response)),
        ):
            writer.writerow([measure, week.level, week.monday.isoformat(), value])
    # Feedback after closing, per calendar quarter (the week_starting column is the quarter's first day).
    for quarter in feedback_quarters():
        summary = quarter.summary
        for measure, category, value in (
            ("feedback_sent", "", summary.sent),
            ("feedback_answered", "", summary.answered),
            ("feedback_share_answered_percent", "", quarter.share_text.rstrip("%")),
            ("feedback_mean_score", "", quarter.mean_text),
            *(("feedback_score_count", str(n), summary.per_score[n]) for n in SCORES),
        ):
            writer.writerow([measure, category, quarter.start.isoformat(), value])
    return response


def _hours(delta) -> str:
    return "" if delta is None else f"{delta.total_seconds() / 3600:.1f}"


# ---------------------------------------------------------------- gaps in the guidance

GAPS_DAYS = 365


@require_safe
@role_required(Role.NURSE, Role.EDITOR)
@never_cache
def gaps(request):
    """What people ask the helpline about that the leaflet covers thinly: for nurses and for editors."""
    since = timezone.now() - timedelta(days=GAPS_DAYS)
    gap_rows, other_rows = selectors.guidance_gaps(since=since)
    return render(
        request,
        "helpline/gaps.html",
        {
            "gaps": gap_rows,
            "others": other_rows,
            "days": GAPS_DAYS,
            "show_staff_nav": acts_as(request.user, Role.NURSE),
        },
    )
