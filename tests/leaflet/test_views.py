import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from leaflet import services
from leaflet.models import Section
from portal.models import AuditEntry

from .conftest import draft_fields

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- public pages
def test_home_lists_the_six_questions_sections_and_calls_to_action(client, leaflet):
    body = client.get(reverse("leaflet:home")).content.decode()
    assert body.count('<ul class="question-list">') == 1
    assert '<a href="/guidance/breastfeeding/">Should I breastfeed?</a>' in body
    assert (
        '<a href="/guidance/the-future/#am-i-likely-to-go-on-breaking-bones">'
        "Will I be affected by osteoporosis and fractures when I am older?</a>" in body
    )
    assert '<a class="button" href="/helpline/ask/">Ask a nurse</a>' in body
    assert '<a class="button" href="/peers/request/">Talk to someone who has been through it</a>' in body
    assert body.count('<li><a href="/guidance/') >= 17
    assert "This guidance comes from the leaflet ‘Pregnancy and osteoporosis’" in body
    assert "0 of 17 pages have been reviewed online so far." in body


def test_contents_lists_sections_and_their_questions_in_constant_queries(
    client, leaflet, django_assert_max_num_queries
):
    # 4 for the page, 1 for the footer's health statements, and the page cache's read of the
    # content version (at most once a second).
    with django_assert_max_num_queries(6):
        body = client.get(reverse("leaflet:contents")).content.decode()
    assert (
        '<a href="/guidance/treatments/#what-about-calcium-and-vitamin-d">What about calcium and vitamin D?</a>' in body
    )
    assert body.index("What is osteoporosis?") < body.index("Useful contacts")


def test_a_section_page_has_review_dates_previous_next_and_its_stories(client, leaflet):
    body = client.get("/guidance/diagnosis/").content.decode()
    assert "From the leaflet ‘Pregnancy and osteoporosis’" in body and "Not yet reviewed online." in body
    assert 'rel="prev" href="/guidance/localised-osteoporosis/"' in body
    assert 'rel="next" href="/guidance/coping-with-pain/"' in body
    assert 'id="kate"' in body and 'id="lisa"' in body
    assert '<h1 lang="en">Being diagnosed with osteoporosis associated with pregnancy</h1>' in body


def test_an_unknown_section_is_404(client, leaflet):
    assert client.get("/guidance/no-such-thing/").status_code == 404


def test_the_exercise_programme_shows_safety_notes_first_and_numbered_steps(client, leaflet):
    body = client.get(reverse("leaflet:exercise-programme")).content.decode()
    assert body.index("Safety notes") < body.index('id="breathing-heading"')
    assert "These exercises are not for pregnant women" in body
    assert "Stop if you get breathless or if anything hurts." in body
    assert "avoid forward-bending" in body
    assert "Finally build up to two sets of ten repetitions." in body
    assert '<ol class="exercise__steps">' in body
    for kind in ("breathing", "relaxation", "sitting", "lying", "standing"):
        assert f'id="{kind}"' in body
    assert "one-page-programme" in body


def test_contacts_lead_to_the_organisations(client, leaflet):
    response = client.get(reverse("leaflet:contacts"))
    assert response.status_code == 301
    body = client.get(response["Location"]).content.decode()
    assert 'id="nct"' in body
    # Not links until a nurse checks them (tests/leaflet/test_contacts.py).
    assert "Tel: 0870 444 8709" in body
    assert "www.pippin.org.uk" in body


def test_the_print_view_holds_every_section(client, leaflet):
    body = client.get(reverse("leaflet:print")).content.decode()
    for section in Section.objects.all():
        assert f'id="print-{section.slug}"' in body
    assert "leaflet-print.css" in body


def test_pages_carry_no_inline_styles_or_scripts(client, leaflet):
    for url in ["/", "/guidance/", "/guidance/exercises/", reverse("leaflet:print"), "/search/?q=bone"]:
        body = client.get(url).content.decode()
        assert 'style="' not in body, url
        assert "<script" not in body, url
        assert body.count("<h1") == 1, url


def test_nav_links_to_guidance_and_search_and_editing_for_editors(client, leaflet, editor):
    body = client.get("/").content.decode()
    assert 'href="/guidance/">Guidance</a>' in body
    assert 'href="/search/">Search</a>' in body
    assert 'href="/editor/"' not in body
    client.force_login(editor)
    assert 'href="/editor/">Edit guidance</a>' in client.get("/").content.decode()


# ---------------------------------------------------------------- access
EDITOR_PAGES = ["leaflet:editor"]
SECTION_PAGES = ["leaflet:section-review", "leaflet:section-edit", "leaflet:section-history"]
POST_ONLY = ["leaflet:section-submit", "leaflet:section-withdraw", "leaflet:section-approve", "leaflet:section-return"]


def test_anonymous_visitors_are_sent_to_sign_in(client, breastfeeding):
    for name in SECTION_PAGES:
        response = client.get(reverse(name, args=[breastfeeding.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert client.get(reverse("leaflet:editor")).status_code == 302


@pytest.mark.parametrize("persona", ["mother", "volunteer", "outsider"])
def test_people_without_a_staff_role_are_refused(client, breastfeeding, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("leaflet:editor")).status_code == 403
    for name in SECTION_PAGES:
        assert client.get(reverse(name, args=[breastfeeding.pk])).status_code == 403
    for name in POST_ONLY:
        assert client.post(reverse(name, args=[breastfeeding.pk])).status_code == 403


def test_state_changes_refuse_get(client, breastfeeding, editor):
    client.force_login(editor)
    for name in POST_ONLY:
        assert client.get(reverse(name, args=[breastfeeding.pk])).status_code == 405
    assert client.get(reverse("leaflet:section-revert", args=[breastfeeding.pk, 1])).status_code == 405


def test_an_unknown_section_is_404_for_staff(client, leaflet, editor):
    client.force_login(editor)
    assert client.get(reverse("leaflet:section-review", args=[99999])).status_code == 404


def test_a_nurse_can_review_but_not_edit(client, breastfeeding, nurse):
    client.force_login(nurse)
    assert client.get(reverse("leaflet:section-review", args=[breastfeeding.pk])).status_code == 200
    assert client.get(reverse("leaflet:section-edit", args=[breastfeeding.pk])).status_code == 403


def test_an_editor_cannot_approve_through_the_page(client, breastfeeding, editor):
    services.section_save_draft(section=breastfeeding, by=editor, **draft_fields(breastfeeding, body="New."))
    services.section_submit(section=breastfeeding, by=editor)
    client.force_login(editor)
    assert client.post(reverse("leaflet:section-approve", args=[breastfeeding.pk])).status_code == 403
    breastfeeding.refresh_from_db()
    assert breastfeeding.status == Section.Status.AWAITING_REVIEW


def test_an_admin_may_withdraw_a_section_but_is_not_offered_clinical_sign_off(
    client, breastfeeding, editor, admin_user
):
    services.section_save_draft(section=breastfeeding, by=editor, **draft_fields(breastfeeding, body="New."))
    services.section_submit(section=breastfeeding, by=editor)
    client.force_login(admin_user)

    review = client.get(reverse("leaflet:section-review", args=[breastfeeding.pk])).content.decode()

    assert "Withdraw from review" in review
    assert "Approve and publish" not in review and "Send back" not in review
    assert client.post(reverse("leaflet:section-approve", args=[breastfeeding.pk])).status_code == 403


# ---------------------------------------------------------------- the editing journey through the pages
def test_edit_preview_save_submit_approve_through_the_pages(client, breastfeeding, editor, nurse):
    edit_url = reverse("leaflet:section-edit", args=[breastfeeding.pk])
    form = {**draft_fields(breastfeeding, body="## A new question?\n\nAn answer."), "next_review_due": ""}
    client.force_login(editor)
    preview = client.post(edit_url, {**form, "preview": "1"})
    assert '<h2 id="a-new-question">A new question?</h2>' in preview.content.decode()
    breastfeeding.refresh_from_db()
    assert "A new question" not in breastfeeding.draft_body  # preview saves nothing

    response = client.post(edit_url, {**form, "save": "1"})
    assert response.status_code == 302
    breastfeeding.refresh_from_db()
    assert breastfeeding.draft_body == form["body"]
    assert breastfeeding.draft_author == editor

    client.post(reverse("leaflet:section-submit", args=[breastfeeding.pk]))
    client.logout()
    client.force_login(nurse)
    review = client.get(reverse("leaflet:section-review", args=[breastfeeding.pk])).content.decode()
    assert "Approve and publish" in review
    assert "Removed:" in review and "Added:" in review
    response = client.post(reverse("leaflet:section-approve", args=[breastfeeding.pk]))
    assert response.status_code == 302
    breastfeeding.refresh_from_db()
    assert breastfeeding.status == Section.Status.PUBLISHED
    assert breastfeeding.approved_by == nurse


def test_the_edit_form_keeps_what_was_typed_and_names_the_problem(client, breastfeeding, editor):
    client.force_login(editor)
    response = client.post(
        reverse("leaflet:section-edit", args=[breastfeeding.pk]),
        {"title": "", "body": "Keep these words", "next_review_due": "not a date", "save": "1"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_title">Enter a title.</a>' in body
    assert "Enter the review date as a real date, for example 2027-06-30." in body
    assert "Keep these words" in body


def test_saving_while_awaiting_review_shows_the_reason(client, breastfeeding, editor):
    services.section_save_draft(section=breastfeeding, by=editor, **draft_fields(breastfeeding, body="New."))
    services.section_submit(section=breastfeeding, by=editor)
    client.force_login(editor)
    response = client.post(
        reverse("leaflet:section-edit", args=[breastfeeding.pk]),
        {**draft_fields(breastfeeding, body="Newer."), "next_review_due": "", "save": "1"},
    )
    assert str(services.ERROR_AWAITING_REVIEW) in response.content.decode()


def test_a_nurse_cannot_approve_her_own_change_through_the_page(client, breastfeeding, nurse):
    from portal.roles import Role, grant_role

    grant_role(nurse, Role.EDITOR)
    services.section_save_draft(section=breastfeeding, by=nurse, **draft_fields(breastfeeding, body="Mine."))
    services.section_submit(section=breastfeeding, by=nurse)
    client.force_login(nurse)
    review = client.get(reverse("leaflet:section-review", args=[breastfeeding.pk])).content.decode()
    assert "Approve and publish" not in review
    response = client.post(reverse("leaflet:section-approve", args=[breastfeeding.pk]), follow=True)
    assert str(services.ERROR_OWN_CHANGE) in response.content.decode()
    breastfeeding.refresh_from_db()
    assert breastfeeding.status == Section.Status.AWAITING_REVIEW


def test_history_shows_who_when_a_diff_and_reverts(client, breastfeeding, editor):
    services.section_save_draft(section=breastfeeding, by=editor, **draft_fields(breastfeeding, body="Changed."))
    revisions = list(breastfeeding.history.order_by("history_id"))
    client.force_login(editor)
    url = reverse("leaflet:section-history", args=[breastfeeding.pk])
    body = client.get(url, {"a": revisions[0].history_id, "b": revisions[-1].history_id}).content.decode()
    assert "eddie@example.org" in body or "Edie" in body
    assert "Content loader" in body
    assert "Added:</span> Changed." in body
    assert AuditEntry.objects.filter(action="leaflet.section_diff_viewed", actor=editor).exists()

    response = client.post(reverse("leaflet:section-revert", args=[breastfeeding.pk, revisions[0].history_id]))
    assert response.status_code == 302
    breastfeeding.refresh_from_db()
    assert breastfeeding.draft_body == revisions[0].draft_body


def test_the_dashboard_lists_awaiting_and_due_sections_in_constant_queries(
    client, breastfeeding, editor, django_assert_max_num_queries
):
    services.section_save_draft(section=breastfeeding, by=editor, **draft_fields(breastfeeding, body="New."))
    services.section_submit(section=breastfeeding, by=editor)
    client.force_login(editor)
    # Includes the footer's health statements, the case studies and the exercise programme's three tables.
    with django_assert_max_num_queries(18):
        body = client.get(reverse("leaflet:editor")).content.decode()
    assert "Waiting for clinical review" in body
    assert body.count(f'href="/editor/sections/{breastfeeding.pk}/"') >= 2
    assert "Never reviewed online (17)" in body  # loaded content waits for its first review


def test_the_admin_cannot_change_a_section_around_review(client, breastfeeding, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:leaflet_section_change", args=[breastfeeding.pk])
    response = client.post(url, {"title": "Changed in the admin"})
    assert response.status_code == 403
    breastfeeding.refresh_from_db()
    assert breastfeeding.title == "What about breastfeeding?"


def test_the_dashboard_lists_overdue_reviews_first_with_counts(client, breastfeeding, editor, nurse):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Europe/London")), tick=False):
        services.section_save_draft(
            section=breastfeeding,
            by=editor,
            **draft_fields(breastfeeding, body="Reviewed.", next_review_due=datetime.date(2026, 6, 1)),
        )
        services.section_submit(section=breastfeeding, by=editor)
        services.section_approve(section=breastfeeding, by=nurse)
    client.force_login(editor)
    with time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=ZoneInfo("Europe/London")), tick=False):
        body = client.get(reverse("leaflet:editor")).content.decode()
    assert "Review overdue or due today: 1" in body
    assert "Never reviewed online: 16" in body
    overdue = body.index("Review overdue (1)")
    assert overdue < body.index("Never reviewed online (16)") < body.index("Waiting for clinical review (0)")
    assert body.index("What about breastfeeding?", overdue) < body.index("Never reviewed online (16)")
    assert "review overdue since 1 June 2026" in body
