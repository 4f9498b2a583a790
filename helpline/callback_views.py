"""Callbacks she books: choosing a time (after asking, or in her account), the signed move-or-cancel
page, and the nurses' day view of the calls due and the slots they publish from the rota."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portal.audit import audit_record
from portal.forms import DateInput, add_service_error, error_text

from . import callback_slots as slots
from .models import CallbackSlot, Enquiry, SafeCallPeriod
from .signed_links import LinkExpired, LinkInvalid
from .views import ASK_SESSION_KEY, get_own_enquiry, nurse_view

SLOT_REQUIRED = _("Choose a time for the call.")
LINK_INVALID = _(
    "This link is not valid: it may have been copied wrongly. Nothing has been changed. "
    "Please use the link in your latest email, or ring the helpline."
)
LINK_EXPIRED = _(
    "This link has expired, so it can no longer change your call. Nothing has been changed. "
    "Please ring the helpline if you need to move or cancel it."
)
DAY_INVALID = _("Enter a date, like 2026-11-24.")


class SafePeriodsForm(forms.Form):
    periods = forms.MultipleChoiceField(
        label=_("When is it safe for a nurse to ring you?"),
        help_text=_("We will only offer times inside what you choose. Choose all three if any time is fine."),
        choices=SafeCallPeriod.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": slots.PERIODS_REQUIRED, "invalid_choice": slots.PERIODS_REQUIRED},
    )


class SlotForm(forms.Form):
    slot = forms.TypedChoiceField(
        label=_("Choose a time for the call"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": SLOT_REQUIRED, "invalid_choice": slots.SLOT_GONE},
    )

    def __init__(self, *args, offered: list[CallbackSlot], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [(s.pk, _when(s)) for s in offered]


def _when(slot: CallbackSlot) -> str:
    starts, ends = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
    return gettext("%(day)s, %(start)s to %(end)s") % {
        "day": date_format(starts, "l j F"),
        "start": date_format(starts, "H:i"),
        "end": date_format(ends, "H:i"),
    }


# ---------------------------------------------------------------- her: choosing a time
def _booking_page(request, enquiry: Enquiry, *, back: str):
    """Set her safe times, then pick a free slot inside them. Every refusal keeps what she chose."""
    periods_form = SafePeriodsForm(initial={"periods": enquiry.safe_call_periods})
    offered = slots.slots_for(enquiry)
    slot_form = SlotForm(offered=offered)
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "periods":
            periods_form = SafePeriodsForm(request.POST)
            if periods_form.is_valid():
                try:
                    slots.safe_call_periods_set(enquiry=enquiry, periods=periods_form.cleaned_data["periods"])
                except ValidationError as exc:
                    add_service_error(periods_form, exc)
                else:
                    return redirect(request.path)
        else:
            slot_form = SlotForm(request.POST, offered=offered)
            if slot_form.is_valid():
                slot = CallbackSlot.objects.get(pk=slot_form.cleaned_data["slot"])
                try:
                    booking = slots.booking_make(
                        enquiry=enquiry, slot=slot, by=request.user if request.user.is_authenticated else None
                    )
                except ValidationError as exc:
                    add_service_error(slot_form, exc)
                    # The time she chose may have just gone: offer what is free now, keeping the error.
                    slot_form.fields["slot"].choices = [(s.pk, _when(s)) for s in slots.slots_for(enquiry)]
                else:
                    messages.success(
                        request,
                        gettext("Your call is booked: a nurse will ring you on %(when)s.")
                        % {"when": _when(booking.slot)},
                    )
                    return redirect(request.path)
        status = 400
    booking = slots.active_booking(enquiry)
    context = {
        "enquiry": enquiry,
        "reference": enquiry.reference,
        "can_book": slots.can_book(enquiry),
        "booking": booking,
        "booking_when": _when(booking.slot) if booking else "",
        "manage_path": slots.manage_path(booking) if booking else "",
        "periods_form": periods_form,
        "slot_form": slot_form,
        "has_periods": bool(enquiry.safe_call_periods),
        "back": back,
    }
    return render(request, "helpline/callback_book.html", context, status=status)


@require_http_methods(["GET", "POST"])
@never_cache
def ask_callback(request):
    """After asking: the question sent in this session (its reference is in the session, never the URL)."""
    sent = request.session.get(ASK_SESSION_KEY)
    enquiry = Enquiry.objects.filter(reference=(sent or {}).get("reference", "")).first()
    if enquiry is None:
        return redirect("helpline:ask")
    return _booking_page(request, enquiry, back="helpline:ask-thanks")


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def my_enquiry_callback(request, pk: int):
    enquiry = get_own_enquiry(request, pk)
    return _booking_page(request, enquiry, back="helpline:my-enquiries")


# ---------------------------------------------------------------- the signed link in her email
@require_http_methods(["GET", "POST"])
@never_cache
def callback_manage(request, token: str):
    """Move or cancel a booked call. The signed, dated token is the credential; it names the booking only."""
    try:
        booking = slots.booking_from_token(token)
    except LinkExpired:
        return render(request, "helpline/callback_link_problem.html", {"problem": LINK_EXPIRED}, status=400)
    except LinkInvalid:
        return render(request, "helpline/callback_link_problem.html", {"problem": LINK_INVALID}, status=400)
    enquiry = booking.enquiry
    offered = slots.slots_for(enquiry) if booking.is_active else []
    slot_form = SlotForm(offered=offered)
    status = 200
    if request.method == "POST":
        status = 400
        try:
            if request.POST.get("action") == "cancel":
                slots.booking_cancel(booking=booking)
                messages.success(
                    request, gettext("Your call has been cancelled. A nurse will still reply to your question.")
                )
                return redirect(request.path)
            slot_form = SlotForm(request.POST, offered=offered)
            if slot_form.is_valid():
                new = slots.booking_move(
                    booking=booking, slot=CallbackSlot.objects.get(pk=slot_form.cleaned_data["slot"])
                )
                messages.success(
                    request,
                    gettext("Your call has been moved: a nurse will ring you on %(when)s.") % {"when": _when(new.slot)},
                )
                return redirect(slots.manage_path(new))
        except ValidationError as exc:
            if slot_form.is_bound:
                add_service_error(slot_form, exc)
            else:
                messages.error(request, error_text(exc))
                return redirect(request.path)
    context = {
        "booking": booking,
        "booking_when": _when(booking.slot),
        "reference": enquiry.reference,
        "changeable": booking.is_active and booking.slot.starts_at > timezone.now(),
        "slot_form": slot_form,
        "offered": offered,
    }
    return render(request, "helpline/callback_manage.html", context, status=status)


# ---------------------------------------------------------------- nurses: the day's calls
class DayForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DateInput(), required=False, error_messages={"invalid": DAY_INVALID})


@require_safe
@nurse_view
def calls_day(request):
    """The booked calls due on one day (today unless asked), each with the nurse who will ring."""
    form = DayForm(request.GET or None)
    day = timezone.localdate()
    if form.is_bound and form.is_valid() and form.cleaned_data["day"]:
        day = form.cleaned_data["day"]
    calls = slots.calls_due(day=day)
    audit_record(action="callbacks.day_viewed", request=request, count=len(calls))
    context = {
        "form": form,
        "day": day,
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1),
        "calls": calls,
        "free_slots": slots.free_slots().filter(starts_at__date=day).select_related("nurse").count(),
        "horizon": slots.BOOKING_HORIZON_DAYS,
    }
    return render(request, "helpline/calls_day.html", context, status=400 if form.errors else 200)


@require_POST
@nurse_view
def slots_publish(request):
    made = slots.slots_publish(by=request.user, first_day=timezone.localdate())
    messages.success(
        request,
        ngettext(
            "%(made)s new callback slot published from the rota for the next %(days)s days.",
            "%(made)s new callback slots published from the rota for the next %(days)s days.",
            made,
        )
        % {"made": made, "days": slots.BOOKING_HORIZON_DAYS},
    )
    return redirect("helpline:calls")
