"""The nurses' moderation pages: what needs a look, and the actions on a conversation."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from portal.access import role_required
from portal.forms import error_text
from portal.roles import Role

from . import lifecycle, moderation, selectors
from .models import Introduction, Message


@require_safe
@role_required(Role.NURSE)
def nurse_moderation(request):
    """No message words here: opening a conversation is the audited look."""
    return render(
        request,
        "peers/nurse_moderation.html",
        {
            "marked": list(selectors.messages_for_a_nurse()[:200]),
            "quiet": list(selectors.quiet_conversations()[:200]),
            "endings": lifecycle.endings_by_quarter(),
        },
    )


def _act(request, service, success: str, **kwargs):
    try:
        service(by=request.user, **kwargs)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, success)


@require_POST
@role_required(Role.NURSE)
def nurse_message_hide(request, pk: int):
    message = get_object_or_404(Message, pk=pk)
    _act(
        request,
        moderation.message_hide,
        gettext("The message is hidden from the other woman. Its writer has been told."),
        message=message,
    )
    return redirect("peers:conversation", message.introduction_id)


@require_POST
@role_required(Role.NURSE)
def nurse_message_reviewed(request, pk: int):
    message = get_object_or_404(Message, pk=pk)
    _act(request, moderation.message_mark_reviewed, gettext("Marked as seen."), message=message)
    return redirect("peers:conversation", message.introduction_id)


@require_POST
@role_required(Role.NURSE)
def nurse_conversation_pause(request, pk: int):
    intro = get_object_or_404(Introduction, pk=pk)
    _act(
        request,
        moderation.conversation_pause,
        gettext("The conversation is paused: no new messages."),
        introduction=intro,
    )
    return redirect("peers:conversation", intro.pk)


@require_POST
@role_required(Role.NURSE)
def nurse_conversation_resume(request, pk: int):
    intro = get_object_or_404(Introduction, pk=pk)
    _act(request, moderation.conversation_resume, gettext("The conversation is open again."), introduction=intro)
    return redirect("peers:conversation", intro.pk)
