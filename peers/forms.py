"""Forms check the shape of what was typed; the rules live in peers.services."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.forms import DateInput, EmailAddressField

from .models import ContactMethod, FractureKind, Region, TalkBy, Timing, Topic

NOT_SAID = [("", _("Prefer not to say / not sure"))]
PHONE_NEEDED = _("Please give a phone number, or choose email.")
EMAIL_NEEDED = _("Please give an email address, or choose phone.")
CONSENT_NEEDED = _("We need this consent to pass your request on. You can withdraw it at any time.")
DATE_IN_PAST = _("Please choose a date in the future.")
EXPIRY_BEFORE_COMPLETED = _("The expiry date must be after the day the briefing was completed.")


class ExperienceForm(forms.Form):
    first_name = forms.CharField(label=_("Your first name"), max_length=60)
    fracture_kind = forms.ChoiceField(
        label=_("What kind of fracture was it?"), choices=NOT_SAID + FractureKind.choices, required=False
    )
    timing = forms.ChoiceField(label=_("When did it happen?"), choices=NOT_SAID + Timing.choices, required=False)
    pregnancy_number = forms.IntegerField(
        label=_("Which pregnancy was it?"),
        help_text=_("For example 1 for a first baby."),
        min_value=1,
        max_value=15,
        required=False,
    )
    breastfed = forms.NullBooleanField(label=_("Did you breastfeed?"), required=False)
    heparin = forms.NullBooleanField(label=_("Did you have heparin injections?"), required=False)
    later_pregnancies = forms.NullBooleanField(label=_("Have you had a pregnancy since?"), required=False)
    topics = forms.MultipleChoiceField(choices=Topic.choices, widget=forms.CheckboxSelectMultiple, required=False)
    region = forms.ChoiceField(label=_("Where do you live?"), choices=NOT_SAID + Region.choices, required=False)
    languages = forms.CharField(
        label=_("Languages you speak"), help_text=_("Separate them with commas."), max_length=200, required=False
    )
    talk_by = forms.ChoiceField(
        label=_("How would you like to talk?"),
        help_text=_(
            "With messages in the portal, neither of you sees the other's email address or phone number, and the "
            "charity's nurses can help if a message worries either of you. Contact details are exchanged only if "
            "you both choose it."
        ),
        choices=TalkBy.choices,
        initial=TalkBy.PORTAL,
        widget=forms.RadioSelect,
        required=False,
    )
    contact_method = forms.ChoiceField(
        label=_("How would you like to be contacted?"), choices=ContactMethod.choices, widget=forms.RadioSelect
    )
    contact_email = EmailAddressField(label=_("Email address"), required=False)
    contact_phone = forms.CharField(label=_("Phone number"), max_length=30, required=False)

    def clean_talk_by(self) -> str:
        return self.cleaned_data["talk_by"] or TalkBy.PORTAL  # the safer way, unless she chose otherwise

    def clean_languages(self) -> list[str]:
        return [part.strip() for part in self.cleaned_data["languages"].split(",") if part.strip()]

    def clean(self):
        data = super().clean()
        if data.get("contact_method") == ContactMethod.PHONE and not data.get("contact_phone"):
            self.add_error("contact_phone", PHONE_NEEDED)
        if data.get("contact_method") == ContactMethod.EMAIL and not data.get("contact_email"):
            self.add_error("contact_email", EMAIL_NEEDED)
        return data


class VolunteerApplicationForm(ExperienceForm):
    recovery = forms.CharField(
        label=_("How did you recover?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, required=False
    )
    capacity = forms.IntegerField(
        label=_("How many women could you support at once?"), min_value=1, max_value=10, initial=1
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].label = _("What are you happy to talk about?")


class PeerRequestForm(ExperienceForm):
    about = forms.CharField(
        label=_("Anything else you would like the nurse to know (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )
    consent_nurses_read = forms.BooleanField(
        label=_("I agree that the charity's nurses may read this request."),
        error_messages={"required": CONSENT_NEEDED},
    )
    consent_share_details = forms.BooleanField(
        label=_(
            "I agree that my first name and the contact details I chose may be given to a volunteer, "
            "but only after she has agreed to talk with me, and my contact details only if we both chose to "
            "exchange them."
        ),
        error_messages={"required": CONSENT_NEEDED},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].label = _("What would you like to talk about?")
        self.fields["contact_email"].help_text = _("Leave it as it is to use the address you sign in with.")


class BriefingForm(forms.Form):
    briefing_completed_on = forms.DateField(label=_("Briefing completed on"), widget=DateInput)
    briefing_expires_on = forms.DateField(label=_("Briefing expires on"), widget=DateInput)

    def clean(self):
        data = super().clean()
        done, expires = data.get("briefing_completed_on"), data.get("briefing_expires_on")
        if expires and expires <= timezone.localdate():
            self.add_error("briefing_expires_on", DATE_IN_PAST)
        elif done and expires and expires <= done:
            self.add_error("briefing_expires_on", EXPIRY_BEFORE_COMPLETED)
        return data


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (she will see this)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


class PauseForm(forms.Form):
    until = forms.DateField(
        label=_("Pause until (optional)"),
        help_text=_("Leave empty to pause until you resume yourself."),
        widget=DateInput,
        required=False,
    )

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until and until <= timezone.localdate():
            raise forms.ValidationError(DATE_IN_PAST)
        return until


class ProposeForm(forms.Form):
    volunteer_id = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Short note to the volunteer (no names or contact details)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
    )


class EndForm(forms.Form):
    feedback = forms.CharField(
        label=_("How did it go? (optional)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )


class CheckInForm(forms.Form):
    answer = forms.ChoiceField(choices=[("going_well", _("It is going well")), ("contact_me", _("Please contact me"))])


class RespondForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        strip=True,
        error_messages={"required": _("Please write a message before sending it.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.PEERS_MESSAGE_MAX_CHARS
        self.fields["body"].help_text = _("Up to %(limit)s characters.") % {"limit": f"{limit:,}"}
        self.fields["body"].widget.attrs["maxlength"] = str(limit)

    def clean_body(self) -> str:
        from .conversations import check_body

        return check_body(self.cleaned_data["body"])


RATING_NEEDED = _("Please choose how helpful it was, from 1 to 5.")


class EndingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How helpful was it?"),
        choices=[(5, _("5: very helpful")), (4, "4"), (3, "3"), (2, "2"), (1, _("1: not helpful"))],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": RATING_NEEDED, "invalid_choice": RATING_NEEDED},
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us? (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    wants_another = forms.BooleanField(label=_("I would like another peer contact"), required=False)
    hours_given = forms.IntegerField(
        label=_("Roughly how many hours did you give? (optional)"), min_value=0, max_value=500, required=False
    )

    def __init__(self, *args, side: str, **kwargs):
        super().__init__(*args, **kwargs)
        if side == "mother":
            del self.fields["hours_given"]
        else:
            del self.fields["wants_another"]


class LengthForm(forms.Form):
    planned_weeks = forms.IntegerField(label=_("Planned length in weeks"), min_value=1, max_value=26)
