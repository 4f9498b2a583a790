""" "Was this page helpful?" on every guidance section: the form, the one write, and what editors read.

Nothing personal is kept: no account, session, IP address (the rate limit hashes
it into a cache key that expires within the hour) or time of day. A comment with
an email address or a phone number is refused, so she can take it out; one naming
someone the portal holds is dropped and only her Yes or No is counted, the way the
search counts leave out such queries (leaflet.services.search_record).

The "No" comments join the searches that found nothing on the editors' report of
what people could not find (leaflet.views.search_report).
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.personal_data import holds_a_name

from . import search
from .models import PageFeedback, Section
from .services import _holds_contact_details

HELPFUL_REQUIRED = _("Choose Yes or No.")
COMMENT_TOO_LONG = _("Keep what was missing to 500 characters or fewer.")
COMMENT_HOLDS_CONTACT_DETAILS = _(
    "Please take out the email address or phone number: nobody can reply to this box. "
    "To hear from a nurse, use the Ask a nurse form."
)
THANKS = _("Thank you for telling us. It helps us improve this page.")
THANKS_COMMENT_DROPPED = _(
    "Thank you: your answer was counted. Your comment was not kept because it may name someone, "
    "and this box keeps nobody’s details."
)
COMMENT_MAX = 500
# How far back the editors' page and the search report look.
REPORT_DAYS = 90


class HelpfulForm(forms.Form):
    """Two buttons (`helpful` = yes / no) and an optional box; `website` is a honeypot people never see."""

    helpful = forms.ChoiceField(
        label=_("Was this page helpful?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        error_messages={"required": HELPFUL_REQUIRED, "invalid_choice": HELPFUL_REQUIRED},
    )
    comment = forms.CharField(
        label=_("If not, what was missing? (optional)"),
        help_text=_("Please do not include your name, email address or phone number: nobody can reply here."),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": COMMENT_TOO_LONG},
    )
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website", "").strip())

    def clean_comment(self):
        comment = " ".join(self.cleaned_data["comment"].split())
        if _holds_contact_details(comment):
            raise forms.ValidationError(COMMENT_HOLDS_CONTACT_DETAILS)
        return comment


def page_feedback_record(*, section: Section, helpful: bool, comment: str = "") -> tuple[PageFeedback, bool]:
    """Count one answer for a published section; returns it and whether her comment was kept.

    A comment goes with a "No" only (a "Yes" has nothing missing). One that names
    someone the portal holds is not kept; the answer still counts.
    """
    if section.published_at is None:
        raise ValidationError(_("This page is not published."))
    comment = comment.strip()[:COMMENT_MAX] if not helpful else ""
    kept = True
    if comment and holds_a_name(w for w in search.words(comment) if w not in search.STOP_WORDS):
        comment, kept = "", False
    feedback = PageFeedback(section=section, day=timezone.localdate(), helpful=helpful, comment=comment)
    feedback.full_clean()
    feedback.save()
    return feedback, kept


@dataclass(frozen=True)
class PageHelpfulness:
    section: Section
    yes: int
    no: int
    comments: list[PageFeedback]

    @property
    def answers(self) -> int:
        return self.yes + self.no

    @property
    def helpful_percent(self) -> int | None:
        return round(100 * self.yes / self.answers) if self.answers else None


def helpfulness_by_page(*, days: int = REPORT_DAYS, comments_per_page: int = 20) -> list[PageHelpfulness]:
    """Every published section with its Yes and No counts over `days`, and its latest "No" comments.

    Least helpful first (most "No" answers), then in the leaflet's order. Two queries.
    """
    since = timezone.localdate() - datetime.timedelta(days=days)
    recent = Q(feedback__day__gte=since)
    sections = Section.objects.filter(published_at__isnull=False).annotate(
        yes=Count("feedback", filter=recent & Q(feedback__helpful=True)),
        no=Count("feedback", filter=recent & Q(feedback__helpful=False)),
    )
    comments: dict[int, list[PageFeedback]] = {}
    for feedback in PageFeedback.objects.filter(day__gte=since, helpful=False).exclude(comment=""):
        page = comments.setdefault(feedback.section_id, [])
        if len(page) < comments_per_page:
            page.append(feedback)
    pages = [PageHelpfulness(s, s.yes, s.no, comments.get(s.pk, [])) for s in sections.order_by("order")]
    return sorted(pages, key=lambda p: -p.no)


def missing_comments(*, days: int = REPORT_DAYS, limit: int = 100) -> list[PageFeedback]:
    """The latest "what was missing" comments on every page, for the report of what people could not find."""
    since = timezone.localdate() - datetime.timedelta(days=days)
    return list(
        PageFeedback.objects.filter(day__gte=since, helpful=False)
        .exclude(comment="")
        .select_related("section")
        .only("day", "comment", "section__title", "section__slug")[:limit]
    )
