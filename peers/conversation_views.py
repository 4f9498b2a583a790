"""The conversation page of an introduction: the two women, and the nurses (every nurse's look audited).

Works without JavaScript (plain form posts); with it, `static/js/peers-conversation.js`
asks `conversation-poll` for messages newer than the last one shown.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from portal.audit import audit_record
from portal.forms import add_service_error, error_text
from portal.roles import Role, acts_as

from . import conversations, selectors, services
from .forms import EndForm, MessageForm
from .models import Introduction, Message

HAS_CONVERSATION = (Introduction.Status.ACCEPTED, Introduction.Status.ENDED)


def get_conversation(request, pk: int, *, parties_only: bool = False) -> tuple[Introduction, str | None]:
    """The introduction and which woman she is in it (None: a nurse); 404 for anyone else.

    A nurse's every look is written to the audit log by the caller (`_audit_nurse`)."""
    intro = get_object_or_404(
        Introduction.objects.select_related("peer_request", "volunteer"), pk=pk, status__in=HAS_CONVERSATION
    )
    side = conversations.side_of(request.user, intro)
    if side is None and (parties_only or not acts_as(request.user, Role.NURSE)):
        raise Http404
    return intro, side


def _audit_nurse(request, intro: Introduction, side: str | None, action: str = "peers.conversation_viewed") -> None:
    if side is None:
        audit_record(action=action, request=request, target=intro)


def _render(request, intro, side, *, form=None, advice=(), status=200):
    other = None
    if side == Message.Side.MOTHER:
        other = {"first_name": intro.volunteer.first_name, "summary": services.anonymised_summary(intro.volunteer)}
    elif side == Message.Side.VOLUNTEER:
        other = {"first_name": intro.peer_request.first_name, "summary": []}
    shown = selectors.conversation_messages(intro, side=side)
    return render(
        request,
        "peers/conversation.html",
        {
            "intro": intro,
            "side": side,
            "is_nurse": side is None,
            "other": other,
            "shown_messages": shown,
            "last_id": shown[-1].id if shown else 0,
            "form": form or MessageForm(),
            # A refused message stays in its box with the reason, even once the conversation is closed.
            "can_write": side is not None and (intro.takes_messages or bool(form and form.errors)),
            "advice_blocks": advice,
            "end_form": EndForm(),
            "poll_url": reverse("peers:conversation-poll", args=[intro.pk]) if side is not None else "",
        },
        status=status,
    )


@require_safe
@login_required
def conversation(request, pk: int):
    intro, side = get_conversation(request, pk)
    _audit_nurse(request, intro, side)
    conversations.conversation_mark_read(by=request.user, introduction=intro)
    advice = []
    if side is not None and request.GET.get("advice", "").isdigit():
        # Right after she sent a message that raised an alarm: the advice for it, to her only.
        mine = intro.messages.filter(pk=int(request.GET["advice"]), author=request.user, alarm=True).first()
        advice = conversations.advice_for(mine) if mine else []
    return _render(request, intro, side, advice=advice)


@require_safe
@login_required
def conversation_poll(request, pk: int):
    """Messages after `?after=<id>`, as list items for the page's script to add."""
    intro, side = get_conversation(request, pk)
    _audit_nurse(request, intro, side)
    after = request.GET.get("after", "")
    shown = selectors.conversation_messages(intro, side=side, after=int(after) if after.isdigit() else 0)
    if shown:
        conversations.conversation_mark_read(by=request.user, introduction=intro)
    response = render(request, "peers/includes/messages.html", {"shown_messages": shown, "intro": intro})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def conversation_send(request, pk: int):
    intro, side = get_conversation(request, pk, parties_only=True)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            sent = conversations.message_send(by=request.user, introduction=intro, body=form.cleaned_data["body"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            url = reverse("peers:conversation", args=[intro.pk])
            if sent.alarm:
                return redirect(f"{url}?advice={sent.message.pk}#safety-advice")
            return redirect(f"{url}#message-{sent.message.pk}")
    return _render(request, intro, side, form=form, status=400)


@require_POST
@login_required
def message_report(request, pk: int, message_pk: int):
    intro, side = get_conversation(request, pk, parties_only=True)
    message = get_object_or_404(Message, pk=message_pk, introduction=intro)
    conversations.message_report(by=request.user, message=message)
    messages.success(request, gettext("Thank you. A nurse will look at this message."))
    return redirect("peers:conversation", intro.pk)


@require_POST
@login_required
def conversation_ask_nurse(request, pk: int):
    intro, side = get_conversation(request, pk, parties_only=True)
    try:
        conversations.conversation_ask_nurse(by=request.user, introduction=intro)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, gettext("Thank you. A nurse will get in touch with you."))
    return redirect("peers:conversation", intro.pk)
