from helpline.models import FollowUpTemplate
from helpline.services import reply_draft_save
from tests.helpline.conftest import sent_feedback_token

# Samples in tests/i18n/samples.py: s.records["enquiry"] is the mother's question (web form).


def _enquiry(s) -> dict:
    return {"pk": s.records["enquiry"].pk}


def _with_draft(s) -> dict:
    # The preview shows the draft a nurse saved; without one it sends her back to the reply box.
    enquiry = s.records["enquiry"]
    reply_draft_save(enquiry=enquiry, by=s.nurse, subject="Yóúr qúéstíón", body="Déár Ánwén", links=[])
    return {"pk": enquiry.pk}


def _feedback_link(s) -> dict:
    # The page behind the link in the feedback email sent after her enquiry closed.
    return {"token": sent_feedback_token(s.records["enquiry"])}


CRAWLED = True

SAMPLES = {
    "helpline:enquiry-detail": _enquiry,
    "helpline:enquiry-edit": _enquiry,
    "helpline:my-enquiry": _enquiry,
    "helpline:my-enquiry-callback": _enquiry,
    "helpline:reply-preview": _with_draft,
    "helpline:reply-preview-html": _with_draft,
    "helpline:feedback": _feedback_link,
    "helpline:template-edit": lambda s: {"pk": FollowUpTemplate.objects.order_by("pk").first().pk},
}

_POST_ONLY = (
    "slots-publish enquiry-claim enquiry-assign enquiry-transition enquiry-urgency enquiry-note callback-schedule "
    "callback-done reply reply-send-draft flag-set flag-end flag-review person-link person-unlink refer rota-remove"
)
NOT_CRAWLED = {
    **{f"helpline:{name}": "POST only: a nurse's action on the enquiry or rota" for name in _POST_ONLY.split()},
    "helpline:ask-thanks": "shown once she has sent the form (the session holds it); tests/helpline/test_ask_form.py",
    "helpline:ask-callback": "shown once she has sent the form (the session holds it); "
    "tests/helpline/test_callback_booking.py",
    "helpline:callback-manage": "needs the signed link of a booked call; tests/helpline/test_callback_booking.py",
    "helpline:attachment-download": "a download (her attached file)",
    "helpline:reports-csv": "a download (CSV)",
    "helpline:funder-report-csv": "a download (CSV)",
}

NEEDS_APPS: dict[str, tuple[str, ...]] = {}
