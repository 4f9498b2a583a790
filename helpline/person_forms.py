"""Forms for the person behind the enquiries: confirming a link, and setting or reviewing a risk flag."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import DateInput

from .models import FlagKind

REVIEW_REQUIRED = _("Choose the date this flag should be looked at again.")
REVIEW_INVALID = _("Enter the review date as a date, for example 31/03/2027.")
KIND_REQUIRED = _("Choose which flag to set.")


class PersonLinkForm(forms.Form):
    other = forms.IntegerField(widget=forms.HiddenInput)


class FlagForm(forms.Form):
    kind = forms.ChoiceField(label=_("Flag"), choices=FlagKind.choices, error_messages={"required": KIND_REQUIRED})
    reason = forms.CharField(
        label=_("Why"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why you are setting this flag, so colleagues understand it.")},
    )
    review_on = forms.DateField(
        label=_("Review date"),
        widget=DateInput(),
        error_messages={"required": REVIEW_REQUIRED, "invalid": REVIEW_INVALID},
    )


class FlagReviewForm(forms.Form):
    review_on = forms.DateField(
        label=_("Keep until"),
        widget=DateInput(),
        error_messages={"required": REVIEW_REQUIRED, "invalid": REVIEW_INVALID},
    )
