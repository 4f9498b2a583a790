from django import forms
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal.forms import DateInput

from . import search
from .models import CLINICAL_FIELD_NAMES, ClinicallyReviewed, Section

MAX_BODY = 100_000


class SectionDraftForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, error_messages={"required": _("Enter a title.")})
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "lang": "en"}),
        help_text=_("One or two sentences for the contents page."),
    )
    body = forms.CharField(
        label=_("Body"),
        required=False,
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 24, "lang": "en"}),
        help_text=_(
            "Markdown. Start each question with ‘## ’. "
            'A call-out is a line ‘!!! note ""’ (or tip, warning) followed by text indented four spaces.'
        ),
    )
    evidence_sources = forms.CharField(
        label=_("Evidence sources"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "en"}),
        help_text=_("One source per line."),
    )
    next_review_due = forms.DateField(
        label=_("Next review due"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave blank for a year after approval."),
        error_messages={"invalid": _("Enter the review date as a real date, for example 2027-06-30.")},
    )

    @classmethod
    def for_section(cls, section: Section, data=None):
        return cls(
            data,
            initial={
                "title": section.draft_title,
                "summary": section.draft_summary,
                "body": section.draft_body,
                "evidence_sources": section.draft_evidence_sources,
                "next_review_due": section.draft_next_review_due,
            },
        )


class ReturnForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": _("Say what needs to change before this can be approved.")},
    )


class ClinicalItemDraftForm(forms.Form):
    """The working copy of any ClinicallyReviewed item: a field per CLINICAL_FIELDS, and its review date."""

    next_review_due = SectionDraftForm.base_fields["next_review_due"]

    @classmethod
    def for_item(cls, item: ClinicallyReviewed, data=None):
        initial = {name: getattr(item, f"draft_{name}") for name in item.CLINICAL_FIELDS}
        return cls(data, initial={**initial, "next_review_due": item.draft_next_review_due})


class ClinicalTextDraftForm(ClinicalItemDraftForm):
    title = forms.CharField(label=_("Title"), max_length=200, error_messages={"required": _("Enter a title.")})
    body = forms.CharField(
        label=_("Body"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10, "lang": "en"}),
        help_text=_("Plain text. Leave a blank line between paragraphs."),
        error_messages={"required": _("Write the text.")},
    )
    sources = forms.CharField(
        label=_("Sources"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "en"}),
        help_text=_("The NHS pages this wording follows, one address per line."),
    )
    field_order = ["title", "body", "sources", "next_review_due"]


class StepsField(forms.CharField):
    """Numbered steps edited as paragraphs: a blank line between steps."""

    widget = forms.Textarea

    def prepare_value(self, value):
        return "\n\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value).replace("\r\n", "\n")
        return [step.strip() for step in text.split("\n\n") if step.strip()]


def clinical_draft_form(model: type[ClinicallyReviewed]) -> type[ClinicalItemDraftForm]:
    """A draft form for `model` with one field per CLINICAL_FIELDS (Markdown text; steps as paragraphs)."""
    fields = {}
    for name in model.CLINICAL_FIELDS:
        field = model._meta.get_field(name)
        options = {"label": capfirst(CLINICAL_FIELD_NAMES[name]), "required": not field.blank}
        if isinstance(field, models.JSONField):
            fields[name] = StepsField(
                widget=forms.Textarea(attrs={"lang": "en"}),
                help_text=_("Markdown. One step per paragraph: a blank line between steps."),
                **options,
            )
        elif isinstance(field, models.CharField):
            fields[name] = forms.CharField(max_length=field.max_length, **options)
        else:
            fields[name] = forms.CharField(
                max_length=MAX_BODY,
                widget=forms.Textarea(attrs={"rows": 8, "lang": "en"}),
                help_text=_("Markdown."),
                **options,
            )
    fields["field_order"] = [*model.CLINICAL_FIELDS, "next_review_due"]
    return type(f"{model.__name__}DraftForm", (ClinicalItemDraftForm,), fields)


class OrganisationDetailsForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=200, error_messages={"required": _("Enter the organisation’s name.")}
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=40, required=False, help_text=_("As it should be shown, e.g. 0808 800 0035.")
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Enter the web address in full, for example https://theros.org.uk.")},
    )
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        error_messages={"invalid": _("Enter an email address like helpline@example.org.")},
    )

    @classmethod
    def for_organisation(cls, organisation, data=None):
        return cls(data, initial={field: getattr(organisation, field) for field in organisation.DETAIL_FIELDS})


class SynonymForm(forms.Form):
    term = forms.CharField(
        max_length=100,
        label=_("When people search for"),
        help_text=_("A word or short phrase, as people type it: for example ‘dexa’ or ‘broken back’."),
        error_messages={"required": _("Enter the word people search for.")},
    )
    means = forms.CharField(
        max_length=300,
        label=_("Also look for"),
        help_text=_("The guidance's own words for it, separated by commas: for example ‘dxa, bone density scan’."),
        error_messages={"required": _("Enter the guidance's words for it.")},
    )

    def clean_term(self) -> str:
        term = search.plain(self.cleaned_data["term"])
        if not term:
            raise forms.ValidationError(_("Enter a word or phrase made of letters or numbers."))
        return term

    def clean_means(self) -> str:
        alternatives = [search.plain(part) for part in self.cleaned_data["means"].split(",")]
        alternatives = [a for a in alternatives if a]
        if not alternatives:
            raise forms.ValidationError(_("Enter at least one word the guidance uses."))
        return ", ".join(alternatives)


class BestBetForm(forms.Form):
    query = forms.CharField(
        max_length=100,
        label=_("When people search for"),
        error_messages={"required": _("Enter the search to pin a page to.")},
    )
    section = forms.ModelChoiceField(
        queryset=Section.objects.none(),
        label=_("Show this page first"),
        empty_label=_("Choose a page"),
        widget=forms.Select(attrs={"lang": "en"}),  # the options are the leaflet's own titles
        error_messages={"required": _("Choose the page to show first.")},
    )

    def __init__(self, *args, sections=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections

    def clean_query(self) -> str:
        query = search.plain(self.cleaned_data["query"])
        if not search.terms(query):
            raise forms.ValidationError(
                _("Enter a search with at least one word that is not a common word like ‘the’.")
            )
        return query
