"""A message whose words reach an alarm level is never refused.

Someone frightened is the least likely to fill a form in properly. When her
words reach a level that alerts the nurses (helpline.triage's `is_alarm`), the
question is saved and the nurses alerted whatever else is wrong with the form:
no consent ticked, no contact details, a mistyped email address or phone
number, a field too long, too many questions sent. What is valid is saved as
usual; what is not (a mistyped address) is kept on the timeline for the nurses
to read, and never used to contact her.
"""

from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .forms import AskForm
from .models import Topic
from .triage import triage

# A valid value goes to enquiry_ask; the raw text of an invalid one is noted under this name instead.
_CONTACT_FIELDS = {
    "name": "Name",
    "email": "Email address",
    "phone": "Phone number",
    "preferred_times": "Times that suit her",
}
# Translators: what she typed that could not be used, in "We could not use … you typed".
_WHAT_SHE_TYPED = {
    "name": _("the name"),
    "email": _("the email address"),
    "phone": _("the phone number"),
    "preferred_times": _("the times that suit her"),
}


@dataclass(frozen=True)
class AlarmIntake:
    fields: dict  # keyword arguments for services.enquiry_ask
    unusable: dict[str, str]  # field name -> what she typed, that could not be used
    consented: bool
    level_label: str

    @property
    def note(self) -> str:
        """For the nurses, on the enquiry's timeline (anonymised with it)."""
        lines = []
        if not self.consented:
            lines.append(
                f"She did not tick the box agreeing to us storing her question. It was saved because "
                f"her words reached {self.level_label.lower()} level."
            )
        if not (self.fields["email"] or self.fields["phone"]):
            lines.append("She gave no email address or phone number that could be used.")
        for name, typed in self.unusable.items():
            lines.append(f"{_CONTACT_FIELDS[name]} as she typed it, not used to contact her: \u201c{typed}\u201d")
        return "\n".join(lines)


def alarm_intake(form: AskForm) -> AlarmIntake | None:
    """What can be saved of a form whose words reach an alarm level; None when they do not.

    Call after `form.is_valid()`, valid or not.
    """
    question = form.data.get("question", "").strip()
    topics = [t for t in form.data.getlist("topics") if t in Topic.values] or [Topic.OTHER]
    found = triage(question, topics)
    if not question or not found.is_alarm:
        return None
    cleaned = form.cleaned_data
    fields = {"question": question, "topics": topics}
    unusable = {}
    for name in _CONTACT_FIELDS:
        if name in cleaned:
            fields[name] = cleaned[name]
        else:
            fields[name] = ""
            typed = form.data.get(name, "").strip()
            if typed:
                unusable[name] = typed
    # Optional and counted only: kept when valid, dropped (never noted) when not.
    fields["region"] = cleaned.get("region", "")
    fields["safe_to_leave_message"] = bool(cleaned.get("safe_to_leave_message")) and bool(fields["phone"])
    return AlarmIntake(
        fields=fields, unusable=unusable, consented=bool(cleaned.get("consent")), level_label=found.label
    )


def unusable_text(names: list[str]) -> str:
    """What the thank-you page tells her about contact details she typed that could not be used."""
    things = [str(_WHAT_SHE_TYPED[name]) for name in names if name in _WHAT_SHE_TYPED]
    if not things:
        return ""
    what = things[0]
    for thing in things[1:]:
        # Translators: two things she typed, e.g. "the email address or the phone number".
        what = gettext("%(earlier)s or %(next)s") % {"earlier": what, "next": thing}
    return gettext(
        "We could not use %(what)s you typed, so we will not contact you that way. The nurses can see what you typed."
    ) % {"what": what}
