"""Her answer to the feedback email: the page behind the signed link. No account needed: the link is the key."""

import logging

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal.client_address import client_ip
from portal.forms import error_text
from portal.ratelimit import hit

from . import closure_feedback as feedback_logic
from .signed_links import LinkExpired, LinkInvalid

logger = logging.getLogger(__name__)

# Answers per connection per hour: far more than one family needs, few enough to stop a flood.
FEEDBACK_LIMIT_PER_IP = 30
RATE_LIMITED = _(
    "We have had many answers from your connection in a short time, so we have paused this for a while. "
    "Nothing you typed is lost: it is still in the form below, so you can send it later."
)
LOOKS_AUTOMATED = _(
    "Something about this answer looked automated, so it was not recorded. If you are a person, "
    "please open the link in your email again and try once more."
)
SCORE_CHOICES = [
    (1, _("1 (very poor)")),
    (2, _("2 (poor)")),
    (3, _("3 (all right)")),
    (4, _("4 (good)")),
    (5, _("5 (very good)")),
]


class FeedbackForm(forms.Form):
    """1 to 5 and an optional comment; `website` is a honeypot people never see, bots fill it in."""

    score = forms.TypedChoiceField(
        label=_("How was your experience of the helpline?"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": feedback_logic.SCORE_REQUIRED, "invalid_choice": feedback_logic.SCORE_REQUIRED},
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us? (optional)"),
        max_length=feedback_logic.COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": feedback_logic.COMMENT_TOO_LONG},
    )
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website", "").strip())


def _problem(request, problem, *, status: int = 400):
    return render(request, "helpline/feedback_problem.html", {"problem": problem}, status=status)


@require_http_methods(["GET", "POST"])
@never_cache
def feedback(request, token: str):
    """How was it? The signed token names her feedback row only; a tampered, expired or used link changes nothing."""
    try:
        row = feedback_logic.feedback_from_token(token)
    except LinkExpired:
        return _problem(request, feedback_logic.LINK_EXPIRED)
    except LinkInvalid:
        return _problem(request, feedback_logic.LINK_INVALID, status=404)
    if row.answered_at is not None:
        return _problem(request, feedback_logic.ALREADY_ANSWERED, status=200 if request.method == "GET" else 409)
    form = FeedbackForm(request.POST or None)
    problem, status = "", 200
    if request.method == "POST":
        if not hit("closure-feedback", client_ip(request) or "unknown", limit=FEEDBACK_LIMIT_PER_IP, window=3600):
            logger.warning("helpline feedback form rate-limited")
            problem, status = RATE_LIMITED, 429
        elif form.is_bot:
            logger.warning("helpline feedback form: honeypot filled, answer dropped")
            problem, status = LOOKS_AUTOMATED, 400
        elif form.is_valid():
            try:
                advice = feedback_logic.feedback_answer(
                    feedback=row, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"]
                )
            except ValidationError as exc:
                return _problem(request, error_text(exc), status=409)
            # Rendered, not redirected: advice for words that alarmed the triage must show on this very page.
            return render(request, "helpline/feedback_thanks.html", {"advice_blocks": advice})
        else:
            status = 400
    context = {"form": form, "problem": problem, "reference": row.enquiry.reference}
    return render(request, "helpline/feedback.html", context, status=status)
