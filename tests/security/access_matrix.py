"""THE access matrix: who may use every URL in the portal.

Every URL pattern in the URLconf must have a row here; `test_access_matrix.py`
fails when one is missing, so a new view cannot ship without a rule. Rows are
keyed by URL name (`namespace:name`); allauth's and the admin's URLs are
covered by the two groups at the bottom.

Roles (personas in tests/conftest.py): anonymous, mother, other_mother (a
second mother, for "another user's object"), volunteer, nurse, editor, admin
(a superuser), outsider (signed up, no role) and inactive (a mother whose
account was deactivated; she must be treated as anonymous).

A `Rule` says which roles may use the URL. For object URLs, `objects` builds
the world: given the personas, it creates one object and returns the roles
whose persona owns or is party to it and the URL kwargs. Member roles
(mother, volunteer, outsider) get in only as an owner: another mother gets
404. Staff roles in `allowed` (nurse, admin) see every object of the kind.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ANONYMOUS = "anonymous"
MOTHER = "mother"
OTHER_MOTHER = "other_mother"
VOLUNTEER = "volunteer"
NURSE = "nurse"
EDITOR = "editor"
ADMIN = "admin"
OUTSIDER = "outsider"
INACTIVE = "inactive"

ROLES = (ANONYMOUS, MOTHER, OTHER_MOTHER, VOLUNTEER, NURSE, EDITOR, ADMIN, OUTSIDER, INACTIVE)
PUBLIC = frozenset(ROLES)
SIGNED_IN = frozenset({MOTHER, OTHER_MOTHER, VOLUNTEER, NURSE, EDITOR, ADMIN, OUTSIDER})
STAFF = frozenset({NURSE, ADMIN})
NURSE_ONLY = frozenset({NURSE})
EDITORS = frozenset({EDITOR, ADMIN})
EDITORS_AND_NURSES = frozenset({EDITOR, NURSE, ADMIN})
# peers: signed-in women asking for support are mothers or have no role yet.
MOTHER_OR_NO_ROLE = frozenset({MOTHER, OTHER_MOTHER, OUTSIDER, ADMIN})
# Roles that see only their own objects.
MEMBERS = frozenset({MOTHER, OTHER_MOTHER, VOLUNTEER, OUTSIDER})


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    # For object URLs: creates an object; returns (roles owning it, URL kwargs).
    objects: Callable[[dict], tuple[frozenset[str], dict]] | None = None
    # kwargs for URLs with parameters that are not objects (tokens, slugs).
    kwargs: dict = field(default_factory=dict)
    note: str = ""


MATRIX: dict[str, Rule] = {
    # ---------------------------------------------------------------- portal
    "healthz": Rule(PUBLIC, note="status only, no data"),
    "portal:privacy": Rule(PUBLIC),
    "portal:language": Rule(
        PUBLIC, note="POST only; keeps her choice in a cookie, and on her own account when signed in"
    ),
    "portal:account": Rule(SIGNED_IN),
    "portal:data-export": Rule(SIGNED_IN, note="her own data only; step-up re-authentication"),
    "portal:data-export-json": Rule(SIGNED_IN, note="her own data only; step-up re-authentication"),
    "portal:account-delete": Rule(SIGNED_IN, note="her own account only; step-up re-authentication"),
    "portal:email-cancel": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _scheduled_email(p).pk})),
    "portal:email-unsubscribe": Rule(
        PUBLIC,
        objects=lambda p: (PUBLIC, {"token": _unsubscribe_token(p[MOTHER].email)}),
        note="the signed token is the credential; CSRF-exempt for one-click unsubscribe",
    ),
    # ---------------------------------------------------------------- leaflet
    "leaflet:home": Rule(PUBLIC, objects=lambda p: (PUBLIC, _with_leaflet(p))),
    "leaflet:contents": Rule(PUBLIC),
    "leaflet:exercise-programme": Rule(PUBLIC),
    "leaflet:case-studies": Rule(PUBLIC),
    "leaflet:print": Rule(PUBLIC),
    "leaflet:section": Rule(PUBLIC, objects=lambda p: (PUBLIC, {"slug": _section(p).slug})),
    "leaflet:section-helpful": Rule(
        PUBLIC,
        objects=lambda p: (PUBLIC, {"slug": _section(p).slug}),
        note="POST only; stores no personal data; rate-limited per IP; CSRF-exempt (the page is cached whole)",
    ),
    "leaflet:helpfulness": Rule(EDITORS_AND_NURSES, note="counts and anonymous comments only"),
    "leaflet:contacts": Rule(PUBLIC, note="a permanent redirect to the contacts section"),
    "leaflet:search": Rule(PUBLIC),
    "leaflet:search-go": Rule(
        PUBLIC, kwargs={"search_id": 1}, note="counts a followed result; redirects only to results"
    ),
    "leaflet:editor": Rule(EDITORS_AND_NURSES),
    "leaflet:section-review": Rule(EDITORS_AND_NURSES, objects=lambda p: (frozenset(), {"pk": _section(p).pk})),
    "leaflet:section-edit": Rule(EDITORS, objects=lambda p: (frozenset(), {"pk": _section(p).pk})),
    "leaflet:section-submit": Rule(EDITORS, objects=lambda p: (frozenset(), {"pk": _section(p).pk})),
    "leaflet:section-withdraw": Rule(EDITORS, objects=lambda p: (frozenset(), {"pk": _section(p).pk})),
    # Clinical sign-off is a nurse's alone: not even an admin may approve.
    "leaflet:section-approve": Rule(NURSE_ONLY, objects=lambda p: (frozenset(), {"pk": _section(p).pk})),
    "leaflet:section-return": Rule(NURSE_ONLY, objects=lambda p: (frozenset(), {"pk": _section(p).pk})),
    "leaflet:section-history": Rule(EDITORS_AND_NURSES, objects=lambda p: (frozenset(), {"pk": _section(p).pk})),
    **{
        f"leaflet:{kind}{step}": Rule(
            NURSE_ONLY if step in ("-approve", "-return") else EDITORS_AND_NURSES,
            objects=lambda p, item=item, revert=step == "-revert": (
                frozenset(),
                {"pk": item(p).pk, **({"history_id": _first_revision(item(p))} if revert else {})},
            ),
        )
        for kind, item in (
            ("clinical-text", lambda p: _clinical_text(p)),
            ("case-study", lambda p: _loaded(p, "CaseStudy")),
            ("exercise-programme", lambda p: _loaded(p, "ExerciseProgramme")),
            ("exercise-group", lambda p: _loaded(p, "ExerciseGroup")),
            ("exercise", lambda p: _loaded(p, "Exercise")),
        )
        for step in ("", "-edit", "-submit", "-withdraw", "-approve", "-return", "-history", "-revert")
    },
    "leaflet:section-revert": Rule(
        EDITORS, objects=lambda p: (frozenset(), {"pk": _section(p).pk, "history_id": _first_revision(_section(p))})
    ),
    "leaflet:out-of-date": Rule(EDITORS_AND_NURSES),
    "leaflet:contacts-check": Rule(EDITORS_AND_NURSES),
    # Checking a contact and approving new details are clinical sign-off: nurses alone.
    "leaflet:organisation-checked": Rule(NURSE_ONLY, objects=lambda p: (frozenset(), {"pk": _organisation(p).pk})),
    "leaflet:organisation-approve": Rule(NURSE_ONLY, objects=lambda p: (frozenset(), {"pk": _organisation(p).pk})),
    "leaflet:organisation-propose": Rule(
        EDITORS_AND_NURSES, objects=lambda p: (frozenset(), {"pk": _organisation(p).pk})
    ),
    "leaflet:organisation-reject": Rule(
        EDITORS_AND_NURSES, objects=lambda p: (frozenset(), {"pk": _organisation(p).pk})
    ),
    "leaflet:search-report": Rule(EDITORS_AND_NURSES, note="counts of failed searches only"),
    "leaflet:synonyms": Rule(EDITORS),
    "leaflet:synonym-edit": Rule(EDITORS, objects=lambda p: (frozenset(), {"pk": _synonym(p).pk})),
    "leaflet:synonym-delete": Rule(EDITORS, objects=lambda p: (frozenset(), {"pk": _synonym(p).pk})),
    "leaflet:best-bets": Rule(EDITORS),
    "leaflet:best-bet-delete": Rule(EDITORS, objects=lambda p: (frozenset(), {"pk": _best_bet(p).pk})),
    # ---------------------------------------------------------------- helpline
    "helpline:ask": Rule(PUBLIC, note="anyone may ask; rate-limited per IP and address"),
    "helpline:ask-thanks": Rule(PUBLIC, note="shows only what this session sent"),
    "helpline:ask-callback": Rule(PUBLIC, note="books a call for the question this session sent, else redirects"),
    "helpline:callback-manage": Rule(
        PUBLIC, kwargs={"token": "not-a-real-token"}, note="the signed, dated emailed token is the credential"
    ),
    "helpline:feedback": Rule(
        PUBLIC,
        objects=lambda p: (PUBLIC, {"token": _feedback_token(p)}),
        note="the signed, dated emailed token is the credential; a bad one changes nothing",
    ),
    "helpline:my-enquiry-callback": Rule(
        frozenset({MOTHER}), objects=lambda p: (frozenset({MOTHER}), {"pk": _her_enquiry(p).pk})
    ),
    "helpline:calls": Rule(STAFF),
    "helpline:slots-publish": Rule(STAFF),
    "helpline:queue": Rule(STAFF),
    "helpline:enquiry-new": Rule(STAFF),
    "helpline:enquiry-detail": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _enquiry(p).pk})),
    "helpline:enquiry-edit": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _enquiry(p).pk})),
    "helpline:attachment-download": Rule(
        STAFF, objects=lambda p: (frozenset(), {"pk": _enquiry(p).pk, "attachment_pk": _attachment(p).pk})
    ),
    "helpline:enquiry-claim": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _enquiry(p).pk})),
    "helpline:enquiry-assign": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _enquiry(p).pk})),
    "helpline:enquiry-transition": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _enquiry(p).pk})),
    "helpline:enquiry-note": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _enquiry(p).pk})),
    "helpline:callback-schedule": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _enquiry(p).pk})),
    "helpline:callback-done": Rule(
        STAFF, objects=lambda p: (frozenset(), {"pk": _enquiry(p).pk, "callback_pk": _callback(p).pk})
    ),
    "helpline:reply": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _enquiry(p).pk})),
    "helpline:reply-preview": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _enquiry_with_draft(p).pk})),
    "helpline:reply-preview-html": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _enquiry_with_draft(p).pk})),
    "helpline:reply-send-draft": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _enquiry(p).pk})),
    "helpline:my-enquiries": Rule(SIGNED_IN, note="lists only the enquiries she asked while signed in"),
    # Nurses work enquiries on their own pages: this one is hers alone, even for staff.
    "helpline:my-enquiry": Rule(
        frozenset({MOTHER}), objects=lambda p: (frozenset({MOTHER}), {"pk": _her_enquiry(p).pk})
    ),
    "helpline:refer": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _enquiry(p).pk})),
    "helpline:template-list": Rule(STAFF),
    "helpline:template-new": Rule(STAFF),
    "helpline:template-edit": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _template(p).pk})),
    "helpline:reports": Rule(STAFF),
    "helpline:reports-csv": Rule(STAFF),
    "helpline:gaps": Rule(EDITORS_AND_NURSES),
    "helpline:funder-report": Rule(frozenset({ADMIN}), note="counts only, small numbers hidden; audited"),
    "helpline:funder-report-csv": Rule(frozenset({ADMIN}), note="counts only, small numbers hidden; audited"),
    "helpline:enquiry-urgency": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _enquiry(p).pk})),
    "helpline:person-link": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _enquiry(p).pk})),
    "helpline:person-unlink": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _enquiry(p).pk})),
    "helpline:flag-set": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _enquiry(p).pk})),
    "helpline:flag-end": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _enquiry(p).pk, "flag_pk": _flag(p).pk})),
    "helpline:flag-review": Rule(
        STAFF, objects=lambda p: (frozenset(), {"pk": _enquiry(p).pk, "flag_pk": _flag(p).pk})
    ),
    "helpline:rota": Rule(STAFF),
    "helpline:rota-remove": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _duty_shift(p).pk})),
    # ---------------------------------------------------------------- peers
    "peers:index": Rule(PUBLIC),
    "peers:request-start": Rule(PUBLIC, note="signed-in mothers also see their own requests"),
    "peers:request-new": Rule(MOTHER_OR_NO_ROLE),
    "peers:request-detail": Rule(frozenset({MOTHER}), objects=lambda p: (frozenset({MOTHER}), {"pk": _request(p).pk})),
    "peers:request-withdraw": Rule(
        frozenset({MOTHER}), objects=lambda p: (frozenset({MOTHER}), {"pk": _request(p).pk})
    ),
    "peers:introduction-accept": Rule(
        frozenset({VOLUNTEER}), objects=lambda p: (frozenset({VOLUNTEER}), {"pk": _proposed_intro(p).pk})
    ),
    "peers:introduction-decline": Rule(
        frozenset({VOLUNTEER}), objects=lambda p: (frozenset({VOLUNTEER}), {"pk": _proposed_intro(p).pk})
    ),
    "peers:introduction-end": Rule(
        frozenset({MOTHER, VOLUNTEER}),
        objects=lambda p: (frozenset({MOTHER, VOLUNTEER}), {"pk": _accepted_intro(p).pk}),
    ),
    "peers:conversation": Rule(
        frozenset({MOTHER, VOLUNTEER, NURSE, ADMIN}),
        objects=lambda p: (frozenset({MOTHER, VOLUNTEER}), {"pk": _accepted_intro(p).pk}),
        note="the two women, and nurses (every look audited)",
    ),
    "peers:conversation-poll": Rule(
        frozenset({MOTHER, VOLUNTEER, NURSE, ADMIN}),
        objects=lambda p: (frozenset({MOTHER, VOLUNTEER}), {"pk": _accepted_intro(p).pk}),
    ),
    "peers:conversation-send": Rule(
        frozenset({MOTHER, VOLUNTEER}),
        objects=lambda p: (frozenset({MOTHER, VOLUNTEER}), {"pk": _accepted_intro(p).pk}),
        note="only the two women write",
    ),
    "peers:conversation-nurse": Rule(
        frozenset({MOTHER, VOLUNTEER}),
        objects=lambda p: (frozenset({MOTHER, VOLUNTEER}), {"pk": _accepted_intro(p).pk}),
    ),
    "peers:message-report": Rule(
        frozenset({MOTHER, VOLUNTEER}),
        objects=lambda p: (frozenset({MOTHER, VOLUNTEER}), _conversation_message(p)),
    ),
    "peers:ending": Rule(
        frozenset({MOTHER, VOLUNTEER}),
        objects=lambda p: (frozenset({MOTHER, VOLUNTEER}), {"pk": _accepted_intro(p).pk}),
    ),
    "peers:volunteer-home": Rule(SIGNED_IN, note="her own profile only"),
    "peers:volunteer-apply": Rule(SIGNED_IN, note="any signed-in woman may apply"),
    "peers:volunteer-pause": Rule(frozenset({VOLUNTEER, ADMIN})),
    "peers:volunteer-resume": Rule(frozenset({VOLUNTEER, ADMIN})),
    "peers:respond": Rule(
        PUBLIC, kwargs={"token": "not-a-real-token"}, note="the signed emailed token is the credential"
    ),
    "peers:check-in": Rule(
        PUBLIC, kwargs={"token": "not-a-real-token"}, note="the signed emailed token is the credential"
    ),
    "peers:my-data": Rule(SIGNED_IN, note="her own peer-support data only"),
    "peers:my-data-download": Rule(SIGNED_IN, note="her own data only; step-up re-authentication"),
    "peers:my-data-erase": Rule(SIGNED_IN, note="her own data only; step-up re-authentication"),
    "peers:nurse-queue": Rule(STAFF),
    "peers:nurse-request": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _request(p).pk})),
    "peers:nurse-request-contact": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _request(p).pk})),
    "peers:nurse-propose": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _request(p).pk})),
    "peers:nurse-introduction-close": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _accepted_intro(p).pk})),
    "peers:nurse-introduction-length": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _accepted_intro(p).pk})),
    "peers:nurse-moderation": Rule(STAFF, note="no message words: opening a conversation is the audited look"),
    "peers:nurse-message-hide": Rule(
        STAFF, objects=lambda p: (frozenset(), {"pk": _conversation_message(p)["message_pk"]})
    ),
    "peers:nurse-message-reviewed": Rule(
        STAFF, objects=lambda p: (frozenset(), {"pk": _conversation_message(p)["message_pk"]})
    ),
    "peers:nurse-conversation-pause": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _accepted_intro(p).pk})),
    "peers:nurse-conversation-resume": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _accepted_intro(p).pk})),
    "peers:nurse-task-done": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _nurse_task(p).pk})),
    "peers:nurse-volunteers": Rule(STAFF),
    "peers:nurse-volunteer": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _volunteer_profile(p).pk})),
    "peers:nurse-volunteer-contact": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _volunteer_profile(p).pk})),
    "peers:nurse-volunteer-briefing": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _volunteer_profile(p).pk})),
    "peers:nurse-volunteer-decline": Rule(STAFF, objects=lambda p: (frozenset(), {"pk": _volunteer_profile(p).pk})),
}

# URLs that take no CSRF token, and why.
CSRF_EXEMPT = {
    "portal:email-unsubscribe": "RFC 8058 one-click unsubscribe from mail clients",
    "leaflet:section-helpful": "the guidance pages are cached whole for every reader, so carry no token; "
    "the answer stores no personal data and is rate-limited",
}


def _once(personas, key, build):
    """Objects shared by several rows are built once per world."""
    cache = personas.setdefault("_objects", {})
    if key not in cache:
        cache[key] = build()
    return cache[key]


def _section(p):
    from leaflet.models import Section
    from tests.leaflet_content import leaflet_load

    _once(p, "leaflet", leaflet_load)
    return Section.objects.get(slug="breastfeeding")


def _organisation(p):
    from leaflet.models import Organisation

    _section(p)
    return Organisation.objects.get(slug="nct")


def _with_leaflet(p) -> dict:
    """Loads the leaflet content (the public pages need it); no URL kwargs."""
    _section(p)
    return {}


def _first_revision(item):
    return item.history.order_by("history_id").first().history_id


def _loaded(p, model_name):
    """The first of the loaded leaflet's items of this model."""
    from django.apps import apps

    _section(p)
    return apps.get_model("leaflet", model_name).objects.order_by("pk").first()


def _clinical_text(p):
    from leaflet.models import ClinicalText

    # Shipped by a data migration; a transactional test before this one may have emptied the table.
    return _once(
        p,
        "clinical_text",
        lambda: ClinicalText.objects.get_or_create(slug="sweep", defaults={"draft_title": "Sweep"})[0],
    )


def _duty_shift(p):
    from datetime import timedelta

    from django.utils import timezone

    from helpline.models import DutyShift

    now = timezone.now()
    return _once(
        p,
        "duty_shift",
        lambda: DutyShift.objects.create(nurse=p[NURSE], starts_at=now, ends_at=now + timedelta(hours=8)),
    )


def _synonym(p):
    from leaflet.models import Synonym

    return _once(p, "synonym", lambda: Synonym.objects.create(term="matrix", means="bone"))


def _best_bet(p):
    from leaflet.models import BestBet

    return _once(p, "best_bet", lambda: BestBet.objects.create(query="matrix", section=_section(p)))


def _enquiry(p):
    from tests.helpline.conftest import make_enquiry

    return _once(p, "enquiry", lambda: make_enquiry(p[NURSE]))


def _feedback_token(p):
    """The link of a feedback email sent about an enquiry."""
    from tests.helpline.conftest import sent_feedback_token

    return _once(p, "feedback_token", lambda: sent_feedback_token(_enquiry(p)))


def _enquiry_with_draft(p):
    from helpline.services import reply_draft_save

    def build():
        enquiry = _enquiry(p)
        reply_draft_save(enquiry=enquiry, by=p[NURSE], subject="S", body="A reply", links=[])
        return enquiry

    return _once(p, "enquiry_with_draft", build)


def _her_enquiry(p):
    from helpline.models import Enquiry
    from tests.helpline.conftest import make_enquiry

    def build():
        enquiry = make_enquiry(p[NURSE])
        Enquiry.objects.filter(pk=enquiry.pk).update(user=p[MOTHER])
        return enquiry

    return _once(p, "her_enquiry", build)


def _flag(p):
    """A flag on the woman behind the sweep's enquiry."""
    from django.utils import timezone

    from helpline import people

    return _once(
        p,
        "flag",
        lambda: people.flag_set(
            enquiry=_enquiry(p), kind="interpreter", reason="Speaks Polish", review_on=timezone.localdate(), by=p[NURSE]
        ),
    )


def _callback(p):
    from datetime import timedelta

    from django.utils import timezone

    from helpline import services

    return _once(
        p,
        "callback",
        lambda: services.callback_schedule(
            enquiry=_enquiry(p), by=p[NURSE], due_at=timezone.now() + timedelta(days=1), assigned_to=p[NURSE]
        ),
    )


def _attachment(p):
    """A PDF she emailed in reply, kept on the enquiry."""

    def build():
        from portal.inbound import inbound_receive
        from tests.mailboxes import make_email

        enquiry = _enquiry(p)
        inbound_receive(
            raw=make_email(
                subject=f"Re: {enquiry.reference}", files=(("scan.pdf", "application/pdf", b"%PDF-1.7 sweep"),)
            )
        )
        return enquiry.events.get(kind="message_in").inbound.attachments.get()

    return _once(p, "attachment", build)


def _template(p):
    from helpline.models import FollowUpTemplate

    return _once(p, "template", lambda: FollowUpTemplate.objects.create(name="Sweep", subject="S", body="B"))


def _volunteer_profile(p):
    from tests.peers.builders import make_volunteer

    return _once(p, "volunteer", lambda: make_volunteer(p[VOLUNTEER], capacity=5))


def _request(p):
    """The mother persona's request, introduced to the volunteer persona (so both are parties)."""
    from tests.peers.builders import make_request

    return _once(p, "request", lambda: make_request(p[MOTHER]))


def _accepted_intro(p):
    from peers import services

    def build():
        intro = services.introduction_propose(by=p[NURSE], peer_request=_request(p), volunteer=_volunteer_profile(p))
        return services.introduction_accept(by=p[VOLUNTEER], introduction=intro)

    return _once(p, "accepted", build)


def _conversation_message(p):
    """A message the volunteer persona wrote in the accepted introduction: URL kwargs to report it."""
    from peers.models import Message

    def build():
        intro = _accepted_intro(p)
        return Message.objects.create(
            introduction=intro, author=p[VOLUNTEER], side="volunteer", body="Hello", shared_body="Hello"
        )

    message = _once(p, "message", build)
    return {"pk": message.introduction_id, "message_pk": message.pk}


def _proposed_intro(p):
    """Proposed to the volunteer persona for a mother who is not a persona."""
    from peers import services
    from tests.conftest import make_user
    from tests.peers.builders import make_request

    def build():
        stranger = make_user("stranger-mother@example.org", role="mother", first_name="Stella")
        request = make_request(stranger)
        return services.introduction_propose(by=p[NURSE], peer_request=request, volunteer=_volunteer_profile(p))

    return _once(p, "proposed", build)


def _nurse_task(p):
    from peers.models import NurseTask

    return _once(
        p, "task", lambda: NurseTask.objects.create(kind=NurseTask.Kind.choices[0][0], peer_request=_request(p))
    )


def _scheduled_email(personas):
    from portal.outbox import email_queue

    return email_queue(to=personas[MOTHER].email, template="portal/email/test_message", context={})


def _unsubscribe_token(address):
    from portal.outbox.consent import unsubscribe_token

    return unsubscribe_token(address)


# allauth: sign-in, sign-up and password-reset pages are for everyone; the rest need a signed-in user.
ALLAUTH_PUBLIC = frozenset(
    {
        "account_login",
        "account_logout",
        "account_inactive",
        "account_signup",
        "account_email_verification_sent",
        "account_confirm_email",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "account_confirm_login_code",
        "mfa_authenticate",
    }
)
ALLAUTH_KWARGS = {
    "account_confirm_email": {"key": "not-a-real-key"},
    "account_reset_password_from_key": {"uidb36": "1", "key": "not-a-real-key"},
}
# The Django admin: superusers only (and only with MFA, enforced by the portal's middleware).
ADMIN_ONLY = frozenset({ADMIN})
# The admin's ~60 URLs share one gate (admin_view), so they are swept as these roles only:
# a visitor, a deactivated account, a member, staff who are not admins, and an admin.
ADMIN_SWEEP_ROLES = (ANONYMOUS, INACTIVE, MOTHER, NURSE, EDITOR, ADMIN)
