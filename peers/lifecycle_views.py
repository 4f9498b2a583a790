"""The ending page for the two women, and the nurses' planned-length form."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from portal.access import role_required
from portal.forms import add_service_error, error_text
from portal.roles import Role

from . import lifecycle
from .conversation_views import get_conversation
from .forms import EndingForm, LengthForm
from .free_text import advice_blocks
from .models import Ending, Introduction


@require_http_methods(["GET", "POST"])
@role_required(Role.MOTHER, Role.VOLUNTEER)
def ending(request, pk: int):
    intro, side = get_conversation(request, pk, parties_only=True)
    done = Ending.objects.filter(introduction=intro, side=side).first()
    form = EndingForm(request.POST or None, side=side)
    status = 200
    if request.method == "POST" and done is None:
        if form.is_valid():
            try:
                ended = lifecycle.introduction_ending(by=request.user, introduction=intro, **form.cleaned_data)
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                # Advice her comment called for is on the ending page: she lands there first.
                if ended.new_request is not None and not ended.ending.safety:
                    messages.success(request, gettext("Thank you. A nurse will look for another peer contact for you."))
                    return redirect("peers:request-detail", ended.new_request.pk)
                messages.success(request, gettext("Thank you for telling us how it went."))
                return redirect("peers:ending", intro.pk)
        status = 400
    return render(
        request,
        "peers/ending.html",
        {
            "intro": intro,
            "side": side,
            "done": done,
            "advice_blocks": advice_blocks(done.safety) if done else [],
            "form": form,
            "other_name": intro.volunteer.first_name if side == "mother" else intro.peer_request.first_name,
        },
        status=status,
    )


@require_POST
@role_required(Role.NURSE)
def nurse_introduction_length(request, pk: int):
    intro = get_object_or_404(Introduction, pk=pk)
    form = LengthForm(request.POST)
    if not form.is_valid():
        messages.error(request, lifecycle.BAD_LENGTH)
    else:
        try:
            lifecycle.introduction_set_length(
                by=request.user, introduction=intro, weeks=form.cleaned_data["planned_weeks"]
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request, gettext("The planned length is changed; the check-in and reminders moved with it.")
            )
    return redirect("peers:nurse-request", intro.peer_request_id)
