"""Clinical texts: short clinical wording (the helpline's safety advice) under the guidance's review workflow."""

import pytest
from django.core.exceptions import ValidationError

from leaflet import selectors, services
from leaflet.models import ClinicalText
from portal.models import AuditEntry, OutboundEmail

pytestmark = pytest.mark.django_db

SLUG = "safety-crisis"


@pytest.fixture
def text():
    # Shipped by the helpline's data migration.
    return ClinicalText.objects.get(slug=SLUG)


def edit(text, by, **changes):
    fields = {
        "title": text.draft_title,
        "body": text.draft_body,
        "sources": text.draft_sources,
        "next_review_due": None,
    }
    fields.update(changes)
    return services.clinical_item_save_draft(item=text, by=by, **fields)


def test_the_shipped_texts_are_live_from_day_one_and_listed_as_never_reviewed(client, editor):
    slugs = set(ClinicalText.objects.values_list("slug", flat=True))
    assert {"safety-emergency", "safety-crisis", "safety-urgent", "safety-form-warning"} <= slugs
    assert all(t.is_live and t.last_reviewed is None for t in ClinicalText.objects.all())

    client.force_login(editor)
    page = client.get("/editor/").content.decode()

    assert "clinical texts need clinical review" in page
    assert "Never: needs clinical review" in page
    assert "You do not have to cope with this on your own" in page


def test_a_change_goes_live_only_when_another_nurse_approves_it(text, nurse, other_nurse):
    live_title = text.title
    edit(text, nurse, title="Talk to someone tonight")
    services.clinical_item_step(item=text, by=nurse, step="submit")
    assert selectors.clinical_text(SLUG, title="shipped", body="shipped")[0] == live_title

    with pytest.raises(ValidationError, match="another nurse must approve it"):
        services.clinical_item_step(item=text, by=nurse, step="approve")
    services.clinical_item_step(item=text, by=other_nurse, step="approve")

    text.refresh_from_db()
    assert selectors.clinical_text(SLUG, title="shipped", body="shipped")[0] == "Talk to someone tonight"
    assert (text.approved_by, text.status, text.last_reviewed is not None) == (
        other_nurse,
        ClinicalText.Status.PUBLISHED,
        True,
    )
    assert text.next_review_due is not None
    assert AuditEntry.objects.filter(action="leaflet.clinical_text_approve", actor_id=other_nurse.pk).exists()
    assert [r.history_change_reason for r in text.history.order_by("history_id")][-3:] == [
        "draft saved",
        "submitted for review",
        "approved and published",
    ]


def test_an_editor_cannot_approve_and_a_nurse_can_send_a_change_back(client, text, editor, nurse):
    edit(text, editor, body="New words.")
    services.clinical_item_step(item=text, by=editor, step="submit")

    client.force_login(editor)
    assert client.post(f"/editor/clinical-texts/{text.pk}/approve/").status_code == 403
    client.force_login(nurse)
    client.post(f"/editor/clinical-texts/{text.pk}/return/", {"note": "Keep the 999 line."})

    text.refresh_from_db()
    assert (text.status, text.review_note) == (ClinicalText.Status.DRAFT, "Keep the 999 line.")
    assert "New words." not in selectors.clinical_text(SLUG, title="", body="")[1]


def test_editors_and_nurses_edit_through_the_pages(client, text, editor):
    client.force_login(editor)
    response = client.post(
        f"/editor/clinical-texts/{text.pk}/edit/",
        {"title": "Someone to talk to", "body": "Call Samaritans on 116 123.", "sources": "", "next_review_due": ""},
    )

    assert response.status_code == 302
    text.refresh_from_db()
    assert (text.draft_title, text.draft_author, text.status) == ("Someone to talk to", editor, "draft")
    page = client.get(f"/editor/clinical-texts/{text.pk}/").content.decode()
    assert "Call Samaritans on 116 123." in page
    assert "Send for clinical review" in page


def test_a_missing_text_falls_back_to_the_shipped_wording():
    ClinicalText.objects.filter(slug=SLUG).delete()
    assert selectors.clinical_text(SLUG, title="Shipped", body="Words") == ("Shipped", "Words")


def test_only_editors_and_nurses_reach_the_clinical_text_pages(client, text, mother):
    assert client.get(f"/editor/clinical-texts/{text.pk}/").status_code == 302
    client.force_login(mother)
    assert client.get(f"/editor/clinical-texts/{text.pk}/").status_code == 403


def test_editors_are_reminded_weekly_about_clinical_texts_never_reviewed_or_fallen_due(
    text, editor, nurse, other_nurse
):
    import datetime

    from django.utils import timezone

    def reminded(today) -> str:
        before = set(OutboundEmail.objects.values_list("pk", flat=True))
        services.review_reminders_send(today=today)
        sent = OutboundEmail.objects.exclude(pk__in=before).filter(template="leaflet/email/review_due", to=editor.email)
        return "".join(m.body_text for m in sent)

    today = timezone.localdate()
    url = f"/editor/clinical-texts/{text.pk}/"
    # Shipped wording nobody has reviewed yet is on the list from day one.
    assert url in reminded(today)
    edit(text, nurse, next_review_due=today + datetime.timedelta(days=30))
    services.clinical_item_step(item=text, by=nurse, step="submit")
    services.clinical_item_step(item=text, by=other_nurse, step="approve")
    # Reviewed: not again until it falls due, then weekly.
    assert url not in reminded(today + datetime.timedelta(days=8))
    assert url in reminded(today + datetime.timedelta(days=31))
    assert url not in reminded(today + datetime.timedelta(days=32))
    assert url in reminded(today + datetime.timedelta(days=38))


def test_the_footer_health_advice_changes_on_cached_pages_only_when_a_second_nurse_approves(
    client, leaflet, nurse, other_nurse, django_capture_on_commit_callbacks
):
    shipped = (
        "If you have sudden, severe pain, contact your GP or call NHS 111 straight away. In an emergency call 999."
    )
    before = client.get("/guidance/breastfeeding/").content.decode()  # now cached
    assert shipped in before
    assert "It does not replace advice from your own doctor, midwife or health visitor." in before

    footer = ClinicalText.objects.get(slug="footer-urgent-advice")
    assert footer.is_live and footer.body == shipped
    new = "If you have sudden, severe pain, call NHS 111 straight away. In an emergency call 999."
    edit(footer, nurse, body=new)
    services.clinical_item_step(item=footer, by=nurse, step="submit")
    assert shipped in client.get("/guidance/breastfeeding/").content.decode()  # a draft changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        services.clinical_item_step(item=footer, by=other_nurse, step="approve")

    after = client.get("/guidance/breastfeeding/").content.decode()
    assert new in after and shipped not in after
    assert new in client.get("/").content.decode()


def test_the_urgent_advice_beside_a_message_box_is_a_clinical_text():
    text = ClinicalText.objects.get(slug="messages-urgent-advice")
    assert text.is_live
    assert "contact your GP or call NHS 111 now. In an emergency call 999." in text.body
    assert "nhs.uk/conditions/cauda-equina-syndrome" in text.sources
