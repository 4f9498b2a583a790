"""Peer support pages. Thin: access check, form, one service call, redirect."""

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portal.access import recent_auth_required, role_required
from portal.audit import audit_record
from portal.forms import add_service_error, attempt, error_text
from portal.roles import Role, user_roles

from . import selectors, services
from .forms import (
    BriefingForm,
    CheckInForm,
    DeclineForm,
    EndForm,
    PauseForm,
    PeerRequestForm,
    ProposeForm,
    RespondForm,
    VolunteerApplicationForm,
)
from .free_text import advice_blocks
from .lifecycle import volunteer_record
from .models import CheckIn, ContactMethod, Introduction, NurseTask, PeerRequest, VolunteerProfile
from .personal_data import peers_export

SUGGESTIONS_SHOWN = 10
ERASE_NOT_CONFIRMED = gettext_lazy("Please tick the box to confirm that you want to delete your peer support data.")
ALL_PER_PAGE = 50
DATA_ERASED = gettext_lazy("Your peer support data has been deleted. Only anonymous counts are kept.")


def mother_or_no_role(view):
    """Signed-in women asking for support: mothers, or users with no role yet (they become mothers)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        roles = user_roles(request.user)
        if roles and Role.MOTHER not in roles:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


# ---------------------------------------------------------------- object access


def get_request_for_mother(request, pk: int) -> PeerRequest:
    """Her own request, or 404: a mother never learns whether someone else's request exists."""
    return get_object_or_404(PeerRequest, pk=pk, mother=request.user)


def get_request_for_nurse(request, pk: int) -> PeerRequest:
    return get_object_or_404(PeerRequest.objects.select_related("mother"), pk=pk)


def get_introduction_for_user(request, pk: int) -> Introduction:
    """An introduction she is part of (as the mother or the volunteer), or 404."""
    intro = get_object_or_404(Introduction.objects.select_related("peer_request", "volunteer"), pk=pk)
    if request.user.pk not in (intro.peer_request.mother_id, intro.volunteer.user_id):
        raise Http404
    return intro


def get_volunteer_for_nurse(request, pk: int) -> VolunteerProfile:
    return get_object_or_404(VolunteerProfile.objects.select_related("user"), pk=pk)


# ---------------------------------------------------------------- public


@require_safe
def index(request):
    """Deliberately public: what peer support is, and the ways in."""
    return render(request, "peers/index.html")


@require_safe
def request_start(request):
    """Deliberately public start page for mothers; signed-in mothers also see their requests here."""
    own, roles = [], user_roles(request.user)
    if request.user.is_authenticated:
        own = list(request.user.peer_requests.order_by("-created_at"))
    can_request = request.user.is_authenticated and (not roles or Role.MOTHER in roles)
    return render(request, "peers/request_start.html", {"own_requests": own, "can_request": can_request})


# ---------------------------------------------------------------- mothers


@require_http_methods(["GET", "POST"])
@mother_or_no_role
def request_new(request):
    user = request.user
    if request.method == "POST":
        form = PeerRequestForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            consents = {name: data.pop(name) for name in ("consent_nurses_read", "consent_share_details")}
            try:
                peer_request = services.peer_request_create(by=user, data=data, **consents)
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, gettext("Thank you. A nurse will read your request."))
                return redirect("peers:request-detail", peer_request.pk)
    else:
        form = PeerRequestForm(
            initial={"first_name": user.first_name, "contact_email": user.email, "contact_method": ContactMethod.EMAIL}
        )
    return render(request, "peers/request_form.html", {"form": form})


@require_safe
@role_required(Role.MOTHER)
def request_detail(request, pk: int):
    peer_request = get_request_for_mother(request, pk)
    intro = selectors.live_introduction(peer_request)
    return render(
        request,
        "peers/request_detail.html",
        {
            "peer_request": peer_request,
            "intro": intro,
            # Her volunteer's details exist on this page only once the volunteer accepted.
            "partner": intro.volunteer if intro and intro.status == Introduction.Status.ACCEPTED else None,
            "estimate": selectors.wait_estimate(peer_request) if peer_request.is_open else None,
            # Once she is introduced, ending the introduction is what she can do; withdrawing is for before.
            "can_withdraw": peer_request.is_open,
            "summary": services.anonymised_summary(peer_request),
            "end_form": EndForm(),
            "advice_blocks": advice_blocks(peer_request.safety),
        },
    )


@require_POST
@role_required(Role.MOTHER)
def request_withdraw(request, pk: int):
    peer_request = get_request_for_mother(request, pk)
    services.peer_request_withdraw(by=request.user, peer_request=peer_request)
    messages.success(request, gettext("Your request is withdrawn. Nothing more will be sent about it."))
    return redirect("peers:request-detail", peer_request.pk)


@require_POST
@role_required(Role.MOTHER, Role.VOLUNTEER)
def introduction_end(request, pk: int):
    intro = get_introduction_for_user(request, pk)
    form = EndForm(request.POST)
    feedback = form.cleaned_data["feedback"] if form.is_valid() else ""
    try:
        services.introduction_end(by=request.user, introduction=intro, feedback=feedback)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, gettext("The introduction has ended. Thank you for telling us how it went."))
    if request.user.pk == intro.volunteer.user_id:
        return redirect("peers:volunteer-home")
    return redirect("peers:request-detail", intro.peer_request_id)


# ---------------------------------------------------------------- volunteers


@require_http_methods(["GET", "POST"])
@login_required
def volunteer_apply(request):
    """Any signed-in woman may apply; the service insists on a verified email address."""
    profile = VolunteerProfile.objects.filter(user=request.user).first()
    if profile is not None and profile.status != VolunteerProfile.Status.DECLINED:
        return redirect("peers:volunteer-home")
    if request.method == "POST":
        form = VolunteerApplicationForm(request.POST)
        if form.is_valid() and attempt(form, services.volunteer_apply, by=request.user, data=form.cleaned_data):
            messages.success(request, gettext("Thank you for applying. A nurse will be in touch about the briefing."))
            return redirect("peers:volunteer-home")
    else:
        form = VolunteerApplicationForm(
            initial={
                "first_name": request.user.first_name,
                "contact_email": request.user.email,
                "contact_method": ContactMethod.EMAIL,
            }
        )
    return render(request, "peers/volunteer_apply.html", {"form": form})


@require_safe
@login_required
def volunteer_home(request):
    """Her own application and introductions (object access: only ever her own profile)."""
    profile = VolunteerProfile.objects.filter(user=request.user).first()
    if profile is None:
        return redirect("peers:volunteer-apply")
    intros = list(profile.introductions.select_related("peer_request", "volunteer").order_by("-proposed_at"))
    proposed = [
        (i, services.anonymised_summary(i.peer_request)) for i in intros if i.status == Introduction.Status.PROPOSED
    ]
    return render(
        request,
        "peers/volunteer_home.html",
        {
            "profile": profile,
            "proposed": proposed,
            "accepted": [i for i in intros if i.status == Introduction.Status.ACCEPTED],
            "past": [i for i in intros if i.status not in Introduction.HOLDS_PLACE],
            "summary": services.anonymised_summary(profile),
            "pause_form": PauseForm(),
            "end_form": EndForm(),
        },
    )


@require_POST
@role_required(Role.VOLUNTEER)
def volunteer_pause(request):
    form = PauseForm(request.POST)
    if form.is_valid():
        try:
            services.volunteer_pause(by=request.user, until=form.cleaned_data["until"])
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, gettext("You are paused. Nurses will not ask you about anyone new."))
    else:
        messages.error(request, " ".join(form.errors["until"]))
    return redirect("peers:volunteer-home")


@require_POST
@role_required(Role.VOLUNTEER)
def volunteer_resume(request):
    try:
        services.volunteer_resume(by=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, gettext("Welcome back. Nurses can ask you about new introductions again."))
    return redirect("peers:volunteer-home")


@require_POST
@role_required(Role.VOLUNTEER)
def introduction_answer(request, pk: int, accept: bool):
    intro = get_introduction_for_user(request, pk)
    if intro.volunteer.user_id != request.user.pk:
        raise Http404
    try:
        if accept:
            accepted = services.introduction_accept(by=request.user, introduction=intro)
            if accepted.details_exchanged:
                messages.success(
                    request, gettext("Thank you. You can now see her first name and contact details below.")
                )
            else:
                messages.success(
                    request, gettext("Thank you. You can now write to her: see “Your introductions” below.")
                )
        else:
            services.introduction_decline(by=request.user, introduction=intro)
            messages.success(request, gettext("Thank you for letting us know. A nurse will ask someone else."))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect("peers:volunteer-home")


# ---------------------------------------------------------------- emailed links (deliberately public)


@require_http_methods(["GET", "POST"])
def respond(request, token: str):
    """Accept/decline from the volunteer's email. GET only shows the choice, so link scanners change nothing."""
    try:
        intro = services.introduction_from_link(token)
    except ValidationError as exc:
        return render(request, "peers/link_refused.html", {"error": error_text(exc)}, status=410)
    if request.method == "POST":
        form = RespondForm(request.POST)
        if form.is_valid():
            accept = form.cleaned_data["answer"] == "accept"
            try:
                answered = services.introduction_respond_by_link(signed_token=token, accept=accept)
            except ValidationError as exc:
                return render(request, "peers/link_refused.html", {"error": error_text(exc)}, status=410)
            return render(request, "peers/respond_done.html", {"accepted": accept, "intro": answered})
    return render(
        request,
        "peers/respond.html",
        {"intro": intro, "summary": services.anonymised_summary(intro.peer_request), "token": token},
    )


@require_http_methods(["GET", "POST"])
def check_in(request, token: str):
    try:
        services.check_in_from_link(token)
    except ValidationError as exc:
        return render(request, "peers/link_refused.html", {"error": error_text(exc)}, status=410)
    if request.method == "POST":
        form = CheckInForm(request.POST)
        if form.is_valid():
            try:
                answered = services.check_in_answer(signed_token=token, answer=form.cleaned_data["answer"])
            except ValidationError as exc:
                return render(request, "peers/link_refused.html", {"error": error_text(exc)}, status=410)
            return render(
                request, "peers/check_in_done.html", {"contact_me": answered.answer == CheckIn.Answer.CONTACT_ME}
            )
    return render(request, "peers/check_in.html", {"token": token})


# ---------------------------------------------------------------- nurses


@require_safe
@role_required(Role.NURSE)
def nurse_queue(request):
    return render(
        request,
        "peers/nurse_queue.html",
        {
            "queue": list(selectors.nurse_queue()),
            "tasks": list(selectors.open_tasks()),
            "applications": VolunteerProfile.objects.filter(status=VolunteerProfile.Status.APPLIED).count(),
        },
    )


def _render_nurse_request(request, peer_request, *, reveal=False, propose_error="", status=200):
    show_all = request.GET.get("all") == "1"
    waiting = peer_request.status == PeerRequest.Status.WAITING
    page, shown, eligible_count = None, [], 0
    if show_all:
        ranked = selectors.suggestions(peer_request) if waiting else []
        page = Paginator(ranked, ALL_PER_PAGE).get_page(request.GET.get("page"))
        shown, eligible_count = page.object_list, len(ranked)
    elif waiting:
        shown, eligible_count = selectors.best_suggestions(peer_request, SUGGESTIONS_SHOWN)
    audit_record(
        action="peers.contact_revealed" if reveal else "peers.request_viewed", request=request, target=peer_request
    )
    return render(
        request,
        "peers/nurse_request.html",
        {
            "peer_request": peer_request,
            "reveal": reveal,
            "intros": peer_request.introductions.select_related("volunteer")
            .prefetch_related("endings")
            .order_by("proposed_at"),
            "tasks": peer_request.tasks.filter(done_at__isnull=True).order_by("created_at"),
            "suggestions": shown,
            "eligible_count": eligible_count,
            "show_all": show_all,
            "page": page,
            "propose_error": propose_error,
            "propose_form": ProposeForm(),
            "end_form": EndForm(),
        },
        status=status,
    )


@require_safe
@role_required(Role.NURSE)
def nurse_request(request, pk: int):
    """A request's details; every view is written to the audit log."""
    return _render_nurse_request(request, get_request_for_nurse(request, pk))


@require_POST
@role_required(Role.NURSE)
@recent_auth_required
def nurse_request_contact(request, pk: int):
    """The explicit "show contact details" action: renders them once, and audits it."""
    return _render_nurse_request(request, get_request_for_nurse(request, pk), reveal=True)


@require_POST
@role_required(Role.NURSE)
def nurse_propose(request, pk: int):
    peer_request = get_request_for_nurse(request, pk)
    form = ProposeForm(request.POST)
    volunteer = (
        VolunteerProfile.objects.filter(pk=form.cleaned_data["volunteer_id"]).first() if form.is_valid() else None
    )
    if volunteer is None:
        return _render_nurse_request(
            request, peer_request, propose_error=gettext("Please choose a volunteer."), status=400
        )
    try:
        services.introduction_propose(
            by=request.user, peer_request=peer_request, volunteer=volunteer, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        error = error_text(exc)
        peer_request.refresh_from_db()
        return _render_nurse_request(request, peer_request, propose_error=error, status=400)
    messages.success(request, gettext("The volunteer has been asked by email. She has 7 days to answer."))
    return redirect("peers:nurse-request", peer_request.pk)


@require_POST
@role_required(Role.NURSE)
def nurse_introduction_close(request, pk: int):
    intro = get_object_or_404(Introduction, pk=pk)
    form = EndForm(request.POST)
    feedback = form.cleaned_data["feedback"] if form.is_valid() else ""
    try:
        services.introduction_end(by=request.user, introduction=intro, feedback=feedback)
        messages.success(request, gettext("The introduction is closed."))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect("peers:nurse-request", intro.peer_request_id)


@require_POST
@role_required(Role.NURSE)
def nurse_task_done(request, pk: int):
    task = get_object_or_404(NurseTask, pk=pk)
    services.nurse_task_done(by=request.user, task=task)
    if request.POST.get("back") == "request":
        return redirect("peers:nurse-request", task.peer_request_id)
    return redirect("peers:nurse-queue")


@require_safe
@role_required(Role.NURSE)
def nurse_volunteers(request):
    page = Paginator(
        VolunteerProfile.objects.order_by("status", "applied_at", "id").only(
            "id",
            "first_name",
            "status",
            "applied_at",
            "capacity",
            "active_count",
            "briefing_expires_on",
            "paused",
            "paused_until",
            "resting_until",
        ),
        ALL_PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(request, "peers/nurse_volunteers.html", {"page": page})


def _render_nurse_volunteer(request, profile, *, reveal=False, briefing_form=None, decline_form=None, status=200):
    audit_record(
        action="peers.contact_revealed" if reveal else "peers.volunteer_viewed", request=request, target=profile
    )
    return render(
        request,
        "peers/nurse_volunteer.html",
        {
            "profile": profile,
            "reveal": reveal,
            "record": volunteer_record(profile),
            "briefing_form": briefing_form or BriefingForm(),
            "decline_form": decline_form or DeclineForm(),
        },
        status=status,
    )


@require_safe
@role_required(Role.NURSE)
def nurse_volunteer(request, pk: int):
    return _render_nurse_volunteer(request, get_volunteer_for_nurse(request, pk))


@require_POST
@role_required(Role.NURSE)
@recent_auth_required
def nurse_volunteer_contact(request, pk: int):
    return _render_nurse_volunteer(request, get_volunteer_for_nurse(request, pk), reveal=True)


@require_POST
@role_required(Role.NURSE)
def nurse_volunteer_briefing(request, pk: int):
    """Approve an application with its briefing, or record a refresher for an approved volunteer."""
    profile = get_volunteer_for_nurse(request, pk)
    form = BriefingForm(request.POST)
    if form.is_valid():
        done, expires = form.cleaned_data["briefing_completed_on"], form.cleaned_data["briefing_expires_on"]
        try:
            if profile.status == VolunteerProfile.Status.APPLIED:
                services.volunteer_approve(
                    by=request.user, volunteer=profile, briefing_completed_on=done, briefing_expires_on=expires
                )
                messages.success(request, gettext("Approved. She has been told by email."))
            else:
                services.volunteer_record_briefing(
                    by=request.user, volunteer=profile, completed_on=done, expires_on=expires
                )
                messages.success(request, gettext("Briefing recorded."))
            return redirect("peers:nurse-volunteer", profile.pk)
        except ValidationError as exc:
            add_service_error(form, exc)
    return _render_nurse_volunteer(request, profile, briefing_form=form, status=400)


@require_POST
@role_required(Role.NURSE)
def nurse_volunteer_decline(request, pk: int):
    profile = get_volunteer_for_nurse(request, pk)
    form = DeclineForm(request.POST)
    if form.is_valid() and attempt(
        form, services.volunteer_decline, by=request.user, volunteer=profile, reason=form.cleaned_data["reason"]
    ):
        messages.success(request, gettext("Declined. She has been told by email, with your reason."))
        return redirect("peers:nurse-volunteer", profile.pk)
    return _render_nurse_volunteer(request, profile, decline_form=form, status=400)


# ---------------------------------------------------------------- her own data


@require_safe
@login_required
def my_data(request):
    """What peer support holds about her (object access: only ever her own rows)."""
    return render(request, "peers/my_data.html", {"data": peers_export(request.user)})


@require_safe
@recent_auth_required
def my_data_download(request):
    """Her peer-support data as a JSON file; she confirms her password first (a recent sign-in)."""
    data = peers_export(request.user)
    audit_record(action="peers.data_exported", request=request, target=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="peer-support-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@recent_auth_required
def my_data_erase(request):
    if request.POST.get("confirm") != "yes":
        messages.error(request, ERASE_NOT_CONFIRMED)
        return redirect("peers:my-data")
    services.peers_data_erase(by=request.user)
    messages.success(request, DATA_ERASED)
    return redirect("peers:my-data")
