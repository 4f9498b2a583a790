"""Races settled by PostgreSQL: real concurrent transactions on separate connections."""

import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from peers import services
from peers.models import CheckIn, Introduction, VolunteerProfile
from portal.models import OutboundEmail

from .builders import make_request, make_volunteer

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*calls):
    """Start every call at the same moment, each in its own thread (so its own connection)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = ("ok", call())
        except Exception as exc:
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_nurses_proposing_the_last_place_at_once_only_one_succeeds(nurse):
    from tests.conftest import make_user

    other_nurse = make_user("nell@example.org", role="nurse", mfa=True)
    volunteer = make_volunteer(capacity=2, active_count=1)
    first, second = make_request(None), make_request(None, contact_email="other@example.org")

    results = run_together(
        lambda: services.introduction_propose(by=nurse, peer_request=first, volunteer=volunteer),
        lambda: services.introduction_propose(by=other_nurse, peer_request=second, volunteer=volunteer),
    )

    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    (error,) = [value for kind, value in results if kind == "error"]
    assert isinstance(error, ValidationError) and error.messages == [services.NO_FREE_PLACE]
    volunteer.refresh_from_db()
    assert volunteer.active_count == 2
    assert Introduction.objects.filter(volunteer=volunteer).count() == 1
    assert OutboundEmail.objects.filter(template="peers/email/introduction_proposed").count() == 1


def test_many_nurses_at_once_never_overfill_a_volunteer(nurse):
    volunteer = make_volunteer(capacity=3)
    requests = [make_request(None, contact_email=f"m{n}@example.org") for n in range(8)]

    results = run_together(
        *[(lambda r=r: services.introduction_propose(by=nurse, peer_request=r, volunteer=volunteer)) for r in requests]
    )

    assert [kind for kind, _ in results].count("ok") == 3
    volunteer.refresh_from_db()
    assert volunteer.active_count == 3


def test_the_database_itself_refuses_a_place_beyond_capacity():
    # The last line of defence when the Python check is bypassed or stale.
    volunteer = make_volunteer(capacity=1)
    VolunteerProfile.objects.filter(pk=volunteer.pk).update(active_count=F("active_count") + 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        VolunteerProfile.objects.filter(pk=volunteer.pk).update(active_count=F("active_count") + 1)


def test_a_double_clicked_accept_link_accepts_once(mother, volunteer, nurse):
    intro = services.introduction_propose(
        by=nurse, peer_request=make_request(mother), volunteer=make_volunteer(volunteer)
    )
    body = OutboundEmail.objects.get(template="peers/email/introduction_proposed").body_text
    signed = re.search(r"/peers/respond/([^\s/]+)/", body).group(1)

    results = run_together(
        lambda: services.introduction_respond_by_link(signed_token=signed, accept=True),
        lambda: services.introduction_respond_by_link(signed_token=signed, accept=True),
    )

    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    intro.refresh_from_db()
    assert intro.status == Introduction.Status.ACCEPTED
    assert CheckIn.objects.filter(introduction=intro).count() == 4
    assert OutboundEmail.objects.filter(template="peers/email/introduction_portal").count() == 2


def test_accepting_while_the_mother_withdraws_neither_deadlocks_nor_leaks_a_place(mother, volunteer, nurse):
    request = make_request(mother)
    profile = make_volunteer(volunteer)
    services.introduction_propose(by=nurse, peer_request=request, volunteer=profile)
    body = OutboundEmail.objects.get(template="peers/email/introduction_proposed").body_text
    signed = re.search(r"/peers/respond/([^\s/]+)/", body).group(1)

    results = run_together(
        lambda: services.introduction_respond_by_link(signed_token=signed, accept=True),
        lambda: services.peer_request_withdraw(by=mother, peer_request=request),
    )

    # Whichever came first, the other either followed it or was refused in plain words.
    for kind, value in results:
        assert kind == "ok" or (isinstance(value, ValidationError) and value.messages == [services.LINK_USED]), results
    request.refresh_from_db()
    profile.refresh_from_db()
    assert request.status == "withdrawn"
    assert profile.active_count == 0
    assert not OutboundEmail.objects.filter(template="peers/email/check_in", status="scheduled").exists()
