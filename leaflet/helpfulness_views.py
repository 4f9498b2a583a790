""" "Was this page helpful?": the public answer (a plain form, no JavaScript needed) and the editors' page."""

import logging

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from portal.access import role_required
from portal.client_address import client_ip
from portal.ratelimit import hit
from portal.roles import Role

from . import selectors
from .helpfulness import (
    REPORT_DAYS,
    THANKS,
    THANKS_COMMENT_DROPPED,
    HelpfulForm,
    helpfulness_by_page,
    page_feedback_record,
)

logger = logging.getLogger(__name__)

RATE_LIMITED = gettext_lazy(
    "Thank you, but we have had many answers from your connection in a short time, so we have paused "
    "this for a while. Nothing you typed is lost: it is still in the form below, so you can send it later."
)
LOOKS_AUTOMATED = gettext_lazy(
    "Something about this answer looked automated, so it was not counted. If you are a person, "
    "please go back to the page and try again."
)


# The guidance pages are kept whole for anonymous readers (leaflet.cache), so the form on them
# cannot carry a reader's own CSRF token. Exempting this one view is safe: it stores no personal
# data and reads nothing back, so a forged post could only add an answer, which is what a bot
# can do anyway, and the same rate limit bounds both.
@csrf_exempt
@require_POST
@never_cache
def section_helpful(request, slug: str):
    section = get_object_or_404(selectors.published_sections(), slug=slug)
    form = HelpfulForm(request.POST)
    # Every attempt counts against the connection (hashed, never stored), so a bot cannot flood it.
    if not hit(
        "page-feedback", client_ip(request) or "unknown", limit=settings.LEAFLET_FEEDBACK_LIMIT_PER_IP, window=3600
    ):
        logger.warning("leaflet helpfulness form rate-limited")
        return _form_page(request, section, form, problem=RATE_LIMITED, status=429)
    if form.is_bot:
        logger.warning("leaflet helpfulness form: honeypot filled, answer dropped")
        return _form_page(request, section, None, problem=LOOKS_AUTOMATED, status=400)
    if not form.is_valid():
        return _form_page(request, section, form, status=400)
    _, kept = page_feedback_record(
        section=section, helpful=form.cleaned_data["helpful"] == "yes", comment=form.cleaned_data["comment"]
    )
    messages.success(request, THANKS if kept else THANKS_COMMENT_DROPPED)
    return redirect(section.get_absolute_url() + "#helpful")


def _form_page(request, section, form, *, problem: str = "", status: int):
    return render(
        request, "leaflet/helpful_form.html", {"section": section, "form": form, "problem": problem}, status=status
    )


@require_safe
@role_required(Role.EDITOR, Role.NURSE)
@never_cache
def helpfulness_report(request):
    """Per guidance page: how many found it helpful or not, and what readers said was missing."""
    return render(request, "leaflet/editor/helpfulness.html", {"pages": helpfulness_by_page(), "days": REPORT_DAYS})
