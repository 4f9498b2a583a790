"""The person behind an enquiry, on its page: confirm or undo a link to her other enquiries, set and review flags.

Nurses (and site admins) only, like the rest of the enquiry page: each view loads the enquiry through
`views.get_enquiry_for_user` and a flag only through the enquiry's own person, so a flag of anyone else
is not found. A refused form shows the enquiry page again with the reason and what was typed.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from portal.forms import attempt, error_text

from . import people
from .models import Enquiry, PersonFlag
from .person_forms import FlagForm, FlagReviewForm, PersonLinkForm
from .views import _detail_page, get_enquiry_for_user, nurse_view

CHOOSE_ENQUIRY = _("Choose which enquiry is hers.")


def _back(request, enquiry: Enquiry, message: str):
    messages.success(request, message)
    return redirect(enquiry.get_absolute_url() + "#her-history")


@require_POST
@nurse_view
def person_link(request, pk: int):
    """She is the same woman: link the other enquiry that shares her email address or phone number."""
    enquiry = get_enquiry_for_user(request, pk)
    form = PersonLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, CHOOSE_ENQUIRY)
        return redirect(enquiry.get_absolute_url() + "#her-history")
    other = get_object_or_404(Enquiry, pk=form.cleaned_data["other"])
    try:
        people.person_link_confirm(enquiry=enquiry, other=other, by=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect(enquiry.get_absolute_url() + "#her-history")
    return _back(
        request,
        enquiry,
        gettext("%(reference)s is now linked to her: its history and flags are shared.")
        % {"reference": other.reference},
    )


@require_POST
@nurse_view
def person_unlink(request, pk: int):
    enquiry = get_enquiry_for_user(request, pk)
    try:
        people.person_unlink(enquiry=enquiry, by=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect(enquiry.get_absolute_url() + "#her-history")
    return _back(request, enquiry, gettext("This enquiry is no longer linked to her other enquiries."))


@require_POST
@nurse_view
def flag_set(request, pk: int):
    enquiry = get_enquiry_for_user(request, pk)
    form = FlagForm(request.POST, prefix="flag")
    if form.is_valid() and attempt(form, people.flag_set, enquiry=enquiry, by=request.user, **form.cleaned_data):
        label = dict(form.fields["kind"].choices)[form.cleaned_data["kind"]]
        return _flags_done(
            request,
            enquiry,
            gettext("“%(flag)s” flag set. It shows on every enquiry of hers.") % {"flag": label},
        )
    return _detail_page(request, enquiry, flag_form=form, status=400)


def _flag_of(enquiry: Enquiry, flag_pk: int) -> PersonFlag:
    # Only a flag of this enquiry's person: another woman's flag is not found from here.
    if enquiry.person_id is None:
        raise Http404
    return get_object_or_404(PersonFlag, pk=flag_pk, person_id=enquiry.person_id)


def _flags_done(request, enquiry: Enquiry, message: str):
    messages.success(request, message)
    return redirect(enquiry.get_absolute_url() + "#flags")


@require_POST
@nurse_view
def flag_end(request, pk: int, flag_pk: int):
    enquiry = get_enquiry_for_user(request, pk)
    flag = _flag_of(enquiry, flag_pk)
    try:
        people.flag_end(flag=flag, by=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect(enquiry.get_absolute_url() + "#flags")
    return _flags_done(request, enquiry, gettext("“%(flag)s” flag removed.") % {"flag": flag.get_kind_display()})


@require_POST
@nurse_view
def flag_review(request, pk: int, flag_pk: int):
    enquiry = get_enquiry_for_user(request, pk)
    flag = _flag_of(enquiry, flag_pk)
    form = FlagReviewForm(request.POST, prefix=f"flag{flag.pk}")
    if form.is_valid() and attempt(
        form, people.flag_review, flag=flag, by=request.user, review_on=form.cleaned_data["review_on"]
    ):
        return _flags_done(
            request,
            enquiry,
            gettext("“%(flag)s” flag kept; review date updated.") % {"flag": flag.get_kind_display()},
        )
    return _detail_page(request, enquiry, flag_review=(flag.pk, form), status=400)
