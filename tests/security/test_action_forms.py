"""Every button a page shows is one its reader may press: posting any form she is shown never answers 403.

For each role, a world where every kind of action form appears (content waiting for clinical
review, proposed contact details, an open enquiry, a peer request with introductions), then
each page with action forms is opened as that role, every POST form on it is read from the
HTML and posted with its own fields.
"""

from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.test import Client
from django.urls import resolve, reverse

from leaflet import services as leaflet_services
from leaflet.models import CaseStudy, ClinicalText, Exercise, ExerciseGroup, Organisation, ReviewStatus, Section
from tests.conftest import make_user

from . import access_matrix as m

pytestmark = pytest.mark.django_db

ROLES = (m.MOTHER, m.VOLUNTEER, m.NURSE, m.EDITOR, m.ADMIN, m.OUTSIDER)
# Posted last, or not at all: they end the session the sweep runs in.
ENDS_SESSION = ("portal:account-delete", "peers:my-data-erase")
NOT_POSTED = ("account_logout",)
# One form each role must be shown, so the sweep is known to reach her pages.
SURELY_SHOWN = {
    m.MOTHER: "peers:introduction-end",
    m.VOLUNTEER: "peers:volunteer-pause",
    m.NURSE: "leaflet:section-approve",
    m.EDITOR: "leaflet:section-submit",
    m.ADMIN: "helpline:enquiry-note",
    m.OUTSIDER: "peers:request-new",
}


class Forms(HTMLParser):
    """The POST forms of a page: (action, fields), each with its first named submit button's value."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict]] = []
        self._by_id: dict[str, dict] = {}
        self._current: dict | None = None
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._current = None
            if (a.get("method") or "get").lower() == "post":
                self._current = {}
                self.forms.append((a.get("action") or "", self._current))
                if a.get("id"):
                    self._by_id[a["id"]] = self._current
            return
        form = self._by_id.get(a.get("form"), self._current)
        if form is None or not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a or (kind == "radio" and name not in form):
                    form[name] = a.get("value", "on")
            elif kind == "submit":
                form.setdefault(name, a.get("value", ""))
            else:
                form.setdefault(name, a.get("value", ""))
        elif tag == "button" and (a.get("type") or "submit") == "submit":
            form.setdefault(name, a.get("value", ""))
        elif tag == "textarea":
            self._textarea = name
            form.setdefault(name, "")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and (self._select not in form or "selected" in a):
            form[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea and self._current is not None:
            self._current[self._textarea] += data


def post_forms(page_url: str, html: str) -> list[tuple[str, dict]]:
    parser = Forms()
    parser.feed(html)
    return [(urljoin(page_url, action) if action else page_url, fields) for action, fields in parser.forms]


def in_state(item, status: str, author) -> None:
    type(item).objects.filter(pk=item.pk).update(status=status, draft_author=author)


def build_world(personas: dict) -> list[str]:
    """Every kind of action form in a state to be shown; returns the pages to open."""
    editor, nurse = personas[m.EDITOR], personas[m.NURSE]
    section = m._section(personas)
    in_state(section, ReviewStatus.AWAITING_REVIEW, editor)
    draft_section = Section.objects.exclude(pk=section.pk).order_by("pk").first()
    in_state(draft_section, ReviewStatus.DRAFT, editor)
    in_state(ClinicalText.objects.get(pk=m._clinical_text(personas).pk), ReviewStatus.AWAITING_REVIEW, editor)
    case_study, exercise = CaseStudy.objects.order_by("pk").first(), Exercise.objects.order_by("pk").first()
    in_state(case_study, ReviewStatus.AWAITING_REVIEW, editor)
    group = ExerciseGroup.objects.order_by("pk").first()
    in_state(group, ReviewStatus.DRAFT, editor)
    nct, others = m._organisation(personas), Organisation.objects.exclude(slug="nct").order_by("pk")
    details = {"phone": "0300 000 0000", "website": "https://example.org/", "email": "help@example.org"}
    leaflet_services.organisation_propose(organisation=nct, by=editor, name=nct.name, **details)
    leaflet_services.organisation_propose(organisation=others[0], by=nurse, name=others[0].name, **details)
    m._synonym(personas), m._best_bet(personas)

    enquiry = m._enquiry(personas)
    m._callback(personas), m._duty_shift(personas), m._template(personas)
    her_enquiry = m._her_enquiry(personas)
    peer_request, profile = m._request(personas), m._volunteer_profile(personas)
    m._accepted_intro(personas), m._proposed_intro(personas), m._nurse_task(personas)
    applicant = make_user("applicant@example.org", first_name="Ann")
    from tests.peers.builders import make_volunteer

    application = make_volunteer(applicant, status="applied")

    kinds = [
        ("clinical-text", m._clinical_text(personas)),
        ("case-study", case_study),
        ("exercise-group", group),
        ("exercise", exercise),
    ]
    return [
        reverse("leaflet:editor"),
        reverse("leaflet:section-review", args=[section.pk]),
        reverse("leaflet:section-history", args=[section.pk]),
        reverse("leaflet:section-review", args=[draft_section.pk]),
        reverse("leaflet:section-history", args=[draft_section.pk]),
        *(reverse(f"leaflet:{kind}", args=[item.pk]) for kind, item in kinds),
        *(reverse(f"leaflet:{kind}-history", args=[item.pk]) for kind, item in kinds),
        reverse("leaflet:contacts-check"),
        reverse("leaflet:search-report"),
        reverse("leaflet:synonyms"),
        reverse("leaflet:best-bets"),
        reverse("helpline:queue"),
        reverse("helpline:enquiry-detail", args=[enquiry.pk]),
        reverse("helpline:rota"),
        reverse("helpline:my-enquiries"),
        reverse("helpline:my-enquiry", args=[her_enquiry.pk]),
        reverse("peers:index"),
        reverse("peers:request-start"),
        reverse("peers:request-new"),
        reverse("peers:volunteer-apply"),
        reverse("peers:request-detail", args=[peer_request.pk]),
        reverse("peers:volunteer-home"),
        reverse("peers:nurse-queue"),
        reverse("peers:nurse-request", args=[peer_request.pk]),
        reverse("peers:nurse-volunteer", args=[profile.pk]),
        reverse("peers:nurse-volunteer", args=[application.pk]),
        reverse("peers:my-data"),
        reverse("portal:account"),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_form_a_role_is_shown_is_one_it_may_post(role):
    from .test_access_matrix import world

    personas = world()
    pages = build_world(personas)
    client = Client()
    client.force_login(personas[role])
    shown = []
    for page in pages:
        response = client.get(page)
        if response.status_code == 200:
            shown += [(page, url, fields) for url, fields in post_forms(page, response.content.decode())]
    shown = [form for form in shown if resolve(form[1]).view_name not in NOT_POSTED]
    shown.sort(key=lambda form: resolve(form[1]).view_name in ENDS_SESSION)
    assert SURELY_SHOWN[role] in {resolve(url).view_name for _, url, _ in shown}
    refused = []
    for page, url, fields in shown:
        response = client.post(url, fields)
        if response.status_code == 403:
            refused.append(f"{url} (shown on {page}) with {sorted(fields)}")
    assert refused == [], f"{role} is shown forms that are refused:\n" + "\n".join(refused)
