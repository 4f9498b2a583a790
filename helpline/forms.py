"""Forms check the shape of what was typed; the services check the rules."""

from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.forms import EmailAddressField

from .models import CallerType, Channel, FollowUpTemplate, Outcome, Region, Status, Topic, Urgency
from .selectors import ASSIGNEE_ME, ASSIGNEE_NONE, OPEN, helpline_nurses

# Public form messages: shown next to the field and in the summary at the top.
ASK_CONTACT_REQUIRED = _("Enter an email address or a phone number so a nurse can reply to you.")
ASK_EMAIL_INVALID = _("Enter an email address in the right format, like name@example.com.")
ASK_PHONE_INVALID = _("Enter a phone number using digits, like 07700 900123.")
ASK_QUESTION_REQUIRED = _("Write your question so a nurse can help you.")
ASK_QUESTION_TOO_LONG = _("Your question must be 4,000 characters or fewer. Please shorten it.")
ASK_CONSENT_REQUIRED = _("Tick the box to agree, so that a nurse can store your question and reply to you.")
LOG_SUMMARY_REQUIRED = _("Write a short summary of the enquiry.")
LOG_TOPICS_REQUIRED = _("Choose at least one topic.")
LOG_EMAIL_INVALID = _("Enter an email address in the right format, like name@example.com.")
DUE_AT_REQUIRED = _("Enter the date and time of the callback.")
DATETIME_INVALID = _("Enter a date and time, like 24/11/2026 14:30.")
OUTCOME_CHOICE_REQUIRED = _("Choose an outcome before closing the enquiry.")
REPLY_TOO_LONG = _("A reply must be 10,000 characters or fewer.")
MESSAGE_REQUIRED = _("Write your message before sending it.")

QUESTION_MAX = 4000
REPLY_MAX = 10000
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"]


def _clean_phone(value: str) -> str:
    value = " ".join(value.split())
    digits = [c for c in value if c.isdigit()]
    if value and (len(digits) < 7 or any(c not in "0123456789 +()-" for c in value)):
        raise forms.ValidationError(ASK_PHONE_INVALID)
    return value


# Blank is "prefer not to say": the question is optional, and not answering it is an answer.
REGION_CHOICES = [("", _("Prefer not to say")), *Region.choices]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class AskForm(forms.Form):
    """The public "Ask a nurse" form. `website` is a honeypot: people never see it, bots fill it in."""

    name = forms.CharField(label=_("Your first name (optional)"), max_length=120, required=False)
    email = EmailAddressField(
        label=_("Email address"),
        required=False,
        error_messages={"invalid": ASK_EMAIL_INVALID},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    safe_to_leave_message = forms.BooleanField(
        label=_("It is fine to leave a voicemail on this number"), required=False
    )
    preferred_times = forms.CharField(
        label=_("Times that suit you (optional)"),
        help_text=_("For example: mornings only, or text before calling."),
        max_length=200,
        required=False,
    )
    topics = forms.MultipleChoiceField(
        label=_("What is your question about? (optional)"),
        help_text=_("Leave these empty if you are not sure: a nurse will choose."),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    region = forms.ChoiceField(
        label=_("Where do you live? (optional)"),
        help_text=_(
            "We ask only to count the answers, so we can show the funders who pay for the helpline "
            "where its help goes. You can leave it out."
        ),
        choices=REGION_CHOICES,
        required=False,
    )
    question = forms.CharField(
        label=_("Your question"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=QUESTION_MAX,
        error_messages={"required": ASK_QUESTION_REQUIRED, "max_length": ASK_QUESTION_TOO_LONG},
    )
    consent = forms.BooleanField(
        label=_("I agree that the helpline nurses may store my question and contact me about it"),
        error_messages={"required": ASK_CONSENT_REQUIRED},
    )
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_phone(self):
        return _clean_phone(self.cleaned_data["phone"])

    def clean_topics(self):
        # A question is never refused for want of a topic: the nurse who reads it can change this.
        return self.cleaned_data["topics"] or [Topic.OTHER]

    def clean_question(self):
        question = self.cleaned_data["question"].strip()
        if not question:
            raise forms.ValidationError(ASK_QUESTION_REQUIRED)
        return question

    def clean(self):
        cleaned = super().clean()
        # Only complain about missing contact details when neither field already has its own error.
        if (
            not cleaned.get("email")
            and not cleaned.get("phone")
            and "email" not in self.errors
            and "phone" not in self.errors
        ):
            self.add_error("email", ASK_CONTACT_REQUIRED)
        return cleaned

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website", "").strip())


class EnquiryLogForm(forms.Form):
    """The nurse's one-screen log of a call: sensible defaults so a routine call takes seconds."""

    channel = forms.ChoiceField(
        label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE, widget=forms.RadioSelect
    )
    caller_type = forms.ChoiceField(
        label=_("Who is calling"), choices=CallerType.choices, initial=CallerType.SELF, widget=forms.RadioSelect
    )
    name = forms.CharField(label=_("Name (optional)"), max_length=120, required=False)
    email = EmailAddressField(
        label=_("Email (optional)"), required=False, error_messages={"invalid": LOG_EMAIL_INVALID}
    )
    phone = forms.CharField(
        label=_("Phone (optional)"), max_length=40, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": LOG_TOPICS_REQUIRED},
    )
    urgency = forms.TypedChoiceField(
        label=_("Urgency"), choices=Urgency.choices, coerce=int, initial=Urgency.ROUTINE, widget=forms.RadioSelect
    )
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 5}), error_messages={"required": LOG_SUMMARY_REQUIRED}
    )
    consent_email = forms.BooleanField(label=_("Agrees to follow-up by email"), required=False)
    consent_phone = forms.BooleanField(label=_("Agrees to follow-up by phone"), required=False)
    safe_to_email = forms.BooleanField(label=_("Safe to email (nobody else reads this inbox)"), required=False)
    safe_to_leave_message = forms.BooleanField(label=_("Safe to leave a voicemail or message"), required=False)
    preferred_times = forms.CharField(
        label=_("Times that suit her"),
        help_text=_("For example: text before calling, no voicemail, mornings only."),
        max_length=200,
        required=False,
    )
    region = forms.ChoiceField(
        label=_("Where she lives (optional)"),
        help_text=_("Counted only, for the funder report. Ask only if it fits the call."),
        choices=REGION_CHOICES,
        required=False,
    )

    def clean_phone(self):
        return _clean_phone(self.cleaned_data["phone"])


class EnquiryEditForm(EnquiryLogForm):
    """Correcting what was typed when the enquiry was logged. Urgency moves only with red flags, never here."""

    urgency = None

    @classmethod
    def for_enquiry(cls, enquiry, data=None):
        initial = {name: getattr(enquiry, name) for name in cls.base_fields if name != "topics"}
        initial["topics"] = list(enquiry.topic_links.values_list("topic", flat=True))
        return cls(data, initial=initial)


class FilterSelect(forms.Select):
    """A <select> of plain options, each written inline (helpline/widgets/select.html) rather than
    through Django's template per option: the queue's filters have some forty. No option groups."""

    template_name = "helpline/widgets/select.html"


class QueueFilterForm(forms.Form):
    """The queue's filters, read from the query string; anything unexpected is simply ignored."""

    q = forms.CharField(label=_("Search by reference, name or email"), required=False, max_length=120)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(OPEN, _("Open (not closed)")), ("all", _("All")), *Status.choices],
        required=False,
        initial=OPEN,
        widget=FilterSelect,
    )
    topic = forms.ChoiceField(
        label=_("Topic"), choices=[("", _("Any topic")), *Topic.choices], required=False, widget=FilterSelect
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("Any channel")), *Channel.choices], required=False, widget=FilterSelect
    )
    assignee = forms.ChoiceField(label=_("Assignee"), required=False, widget=FilterSelect)
    overdue = forms.BooleanField(label=_("Only overdue callbacks"), required=False)

    def __init__(self, *args, nurses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            ("", _("Anyone")),
            (ASSIGNEE_ME, _("Me")),
            (ASSIGNEE_NONE, _("Nobody yet")),
            *[(str(pk), name) for pk, name in nurses],
        ]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "q": data["q"],
            "status": data["status"] or OPEN,
            "topic": data["topic"],
            "channel": data["channel"],
            "assignee": data["assignee"],
            "overdue": data["overdue"],
        }


class NurseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class AssignForm(forms.Form):
    assignee = NurseChoiceField(label=_("Assignee"), queryset=None, required=False, empty_label=_("Nobody (unassign)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = helpline_nurses()


class TransitionForm(forms.Form):
    action = forms.CharField()
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("Choose an outcome")), *[c for c in Outcome.choices if c[0] != Outcome.ERASED_AT_HER_REQUEST]],
        required=False,
        error_messages={"required": OUTCOME_CHOICE_REQUIRED},
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Add a note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class CallbackForm(forms.Form):
    due_at = forms.DateTimeField(
        label=_("Call her back at"),
        input_formats=DATETIME_INPUT_FORMATS,
        widget=DateTimeLocalInput(),
        error_messages={"required": DUE_AT_REQUIRED, "invalid": DATETIME_INVALID},
    )
    assigned_to = NurseChoiceField(label=_("Nurse who will call"), queryset=None, empty_label=None)
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = helpline_nurses()
        if user is not None:
            self.fields["assigned_to"].initial = user.pk


class UrgencyForm(forms.Form):
    urgency = forms.TypedChoiceField(label=_("Urgency"), choices=Urgency.choices, coerce=int)
    reason = forms.CharField(
        label=_("Why it is changing"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the urgency is changing: the next nurse will read it.")},
    )


class DutyShiftForm(forms.Form):
    nurse = NurseChoiceField(label=_("Nurse on duty"), queryset=None, empty_label=None)
    starts_at = forms.DateTimeField(
        label=_("From"),
        input_formats=DATETIME_INPUT_FORMATS,
        widget=DateTimeLocalInput(),
        error_messages={"required": _("Enter when the shift starts."), "invalid": DATETIME_INVALID},
    )
    ends_at = forms.DateTimeField(
        label=_("Until"),
        input_formats=DATETIME_INPUT_FORMATS,
        widget=DateTimeLocalInput(),
        error_messages={"required": _("Enter when the shift ends."), "invalid": DATETIME_INVALID},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nurse"].queryset = helpline_nurses()


class CallbackDoneForm(forms.Form):
    note = forms.CharField(label=_("What happened (optional)"), max_length=1000, required=False)


class ReplyForm(forms.Form):
    """A nurse's reply to her, in her own words. `template` only fills the box (the "start" button)."""

    template = forms.ModelChoiceField(
        label=_("Start from a template (optional)"),
        queryset=FollowUpTemplate.objects.filter(is_active=True),
        required=False,
        empty_label=_("Choose a starting point"),
        # The templates' names are the charity's stored English text.
        widget=forms.Select(attrs={"lang": "en"}),
    )
    subject = forms.CharField(label=_("Subject"), max_length=150, required=False)
    body = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=REPLY_MAX,
        required=False,
        error_messages={"max_length": REPLY_TOO_LONG},
    )
    links = forms.MultipleChoiceField(label=_("Links to guidance"), widget=forms.CheckboxSelectMultiple, required=False)
    send_after = forms.DateTimeField(
        label=_("Send at (leave empty to send now)"),
        input_formats=DATETIME_INPUT_FORMATS,
        widget=DateTimeLocalInput(),
        required=False,
        error_messages={"invalid": DATETIME_INVALID},
    )

    def __init__(self, *args, link_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["links"].choices = link_choices

    def draft_fields(self) -> dict:
        """What was typed, valid or not, for keeping as the draft (an invalid send time is dropped)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        valid_links = {key for _, group in self.fields["links"].choices for key, _ in group}
        return {
            "subject": self.data.get("subject", "")[:150],
            "body": self.data.get("body", ""),
            "links": [key for key in self.data.getlist("links") if key in valid_links],
            "send_after": data.get("send_after"),
        }

    @classmethod
    def initial_from(cls, draft) -> dict:
        if draft is None:
            return {}
        when = timezone.localtime(draft.send_after) if draft.send_after else None
        return {"subject": draft.subject, "body": draft.body, "links": draft.links, "send_after": when}


class MessageForm(forms.Form):
    """Her reply to the nurses, written in her account."""

    text = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=QUESTION_MAX,
        error_messages={"required": MESSAGE_REQUIRED, "max_length": ASK_QUESTION_TOO_LONG},
    )


class ReferForm(forms.Form):
    consent_recorded = forms.BooleanField(
        label=_("She agrees to her first name, contact details and this summary being passed to the peer-support team"),
        required=False,
    )


def _in_english(text: str) -> str:
    """A choice labelled with the leaflet's own (English) words, marked as English on a page in any language."""
    return format_html('<span lang="en">{}</span>', text)


class FollowUpTemplateForm(forms.ModelForm):
    """A follow-up template, with the leaflet sections and organisations it links chosen from the live leaflet."""

    section_slugs = forms.MultipleChoiceField(
        label=_("Leaflet sections to link"), widget=forms.CheckboxSelectMultiple, required=False
    )
    organisation_slugs = forms.MultipleChoiceField(
        label=_("Organisations to link"), widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = FollowUpTemplate
        fields = ["name", "subject", "body", "section_slugs", "organisation_slugs", "is_active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}
        labels = {"name": _("Name"), "subject": _("Subject"), "body": _("Body"), "is_active": _("Is active")}

    def __init__(self, *args, **kwargs):
        from leaflet.selectors import organisations, published_sections

        super().__init__(*args, **kwargs)
        self.fields["section_slugs"].choices = [(s.slug, _in_english(s.title)) for s in published_sections()]
        self.fields["organisation_slugs"].choices = [(o.slug, _in_english(o.name)) for o in organisations()]
        # A section withdrawn since the template was saved is dropped rather than blocking the save.
        for name in ("section_slugs", "organisation_slugs"):
            valid = {value for value, _ in self.fields[name].choices}
            self.initial[name] = [slug for slug in self.initial.get(name) or [] if slug in valid]


class ReportForm(forms.Form):
    weeks = forms.TypedChoiceField(
        label=_("Period"), choices=[(4, _("Last 4 weeks")), (12, _("Last 12 weeks")), (26, _("Last 26 weeks")), (52, _("Last 52 weeks"))],
        coerce=int, required=False, initial=12,
    )  # fmt: skip
