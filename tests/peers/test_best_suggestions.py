"""The nurse's best suggestions, pre-ranked in SQL, are exactly the top of ranking everyone.

Property-style: seeded random volunteers and requests from small sets of facts, so that scores
tie often and many facts are missing, checked against `matching` on whichever database runs.
"""

import random
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peers import matching, selectors
from peers.models import Introduction, VolunteerProfile
from peers.score_bounds import score_bounds
from peers.views import SUGGESTIONS_SHOWN
from portal.models import User

from .builders import make_request, make_volunteer

pytestmark = pytest.mark.django_db

SEEDS = range(8)
FRACTURES = ["", "spinal", "hip"]
TIMINGS = ["", "during", "birth"]
ANSWERS = [True, False, None]
REGIONS = ["", "wales", "london"]
TOPICS = ["pain", "new_baby", "emotional", "treatments"]
LANGUAGES = [[], ["English"], ["English", "Welsh"], [" welsh "], ["Urdu"], ["ENGLISH"], ["English", "Urdu", "Welsh"]]
# Topics kept as something other than a list: the scorer still finds a topic in them.
ODD_TOPICS = ["pain", {"emotional": True}]


def random_facts(rng: random.Random) -> dict:
    return {
        "fracture_kind": rng.choice(FRACTURES),
        "timing": rng.choice(TIMINGS),
        "breastfed": rng.choice(ANSWERS),
        "heparin": rng.choice(ANSWERS),
        "later_pregnancies": rng.choice(ANSWERS),
        "topics": rng.sample(TOPICS, rng.randint(0, 3)),
        "region": rng.choice(REGIONS),
        "languages": rng.choice(LANGUAGES),
    }


def random_volunteers(rng: random.Random, count: int) -> list[VolunteerProfile]:
    """Approved volunteers with a place free, mostly; a few full, paused or with odd topics."""
    start = User.objects.count()
    users = User.objects.bulk_create([User(email=f"random{start + n}@example.org", password="!") for n in range(count)])
    today = timezone.localdate()
    profiles = []
    for user in users:
        capacity = rng.randint(1, 4)
        facts = random_facts(rng)
        if rng.random() < 0.1:
            facts["topics"] = facts["topics"] + facts["topics"][:1]  # one said twice
        elif rng.random() < 0.05:
            facts["topics"] = rng.choice(ODD_TOPICS)
        profiles.append(
            VolunteerProfile(
                user=user,
                first_name="V",
                status=VolunteerProfile.Status.APPROVED,
                capacity=capacity,
                active_count=rng.randint(0, capacity),
                paused=rng.random() < 0.05,
                briefing_completed_on=today - timedelta(days=10),
                briefing_expires_on=today + timedelta(days=30),
                **facts,
            )
        )
    return VolunteerProfile.objects.bulk_create(profiles)


def random_requests(rng: random.Random, count: int):
    requests = [make_request(None, **random_facts(rng)) for _ in range(count - 1)]
    return [make_request(None), *requests]  # one who gave no facts at all


@pytest.mark.parametrize("seed", SEEDS)
def test_the_best_suggestions_are_exactly_the_top_of_ranking_everyone(seed):
    rng = random.Random(seed)
    volunteers = random_volunteers(rng, 150)
    for request in random_requests(rng, 6):
        # She declined this request once, so she is never suggested for it again.
        Introduction.objects.create(
            peer_request=request,
            volunteer=rng.choice(volunteers),
            status=Introduction.Status.DECLINED,
            respond_by=timezone.now(),
        )
        everyone = selectors.suggestions(request)
        assert len({s.score for s in everyone}) < len(everyone), "no ties: the facts are too varied"
        for count in (1, 3, SUGGESTIONS_SHOWN, len(everyone) + 1):
            best = selectors.best_suggestions(request, count)
            assert best.best == everyone[:count], (seed, request.pk, count)
            assert best.eligible_count == len(everyone)


def assert_bounds_hold(seed: int) -> None:
    rng = random.Random(seed)
    random_volunteers(rng, 100)
    for request in random_requests(rng, 6):
        scorer = matching.Scorer(request)
        bounds = score_bounds(scorer)
        asks_language = any(point.how is matching.How.LANGUAGE for point, _hers in scorer.wanted)
        scores = {s.volunteer.pk: s.score for s in selectors.suggestions(request)}
        rows = selectors.eligible_volunteers(request=request).annotate(fewest=bounds.fewest, most=bounds.most)
        for volunteer in rows:
            score = scores[volunteer.pk]
            assert volunteer.fewest <= score <= volunteer.most, (seed, request.pk, volunteer.pk)
            if isinstance(volunteer.topics, list) and not asks_language:
                # Everything else SQL works out exactly, so a blank answer matching a blank never scores.
                assert volunteer.fewest == score == volunteer.most, (seed, request.pk, volunteer.pk)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_sql_bounds_hold_and_count_only_facts_the_mother_gave(seed):
    assert_bounds_hold(seed)


def test_reweighting_the_points_table_moves_python_and_sql_alike(monkeypatch):
    """One table drives both: new weights (the same field twice, too) keep the bounds exact."""
    reweighted = tuple(point._replace(points=(7 * n) % 23 + 1) for n, point in enumerate(matching.POINTS))
    monkeypatch.setattr(matching, "POINTS", (*reweighted, matching.POINTS[0]._replace(points=4)))
    assert_bounds_hold(SEEDS[-1])


def test_two_queries_however_many_volunteers():
    request = make_request(None, fracture_kind="spinal", topics=["pain"], languages=["Welsh"])
    rng = random.Random(1)
    counts = []
    for more in (5, 60):
        random_volunteers(rng, more)
        with CaptureQueriesContext(connection) as queries:
            selectors.best_suggestions(request, SUGGESTIONS_SHOWN)
        counts.append(len(queries))
    assert counts == [2, 2]


def test_a_volunteer_taken_between_the_two_queries_leaves_no_gap():
    """Another nurse fills the best volunteer's last place while this page is counting."""
    request = make_request(None, fracture_kind="hip", region="wales")
    best = make_volunteer(fracture_kind="hip", region="wales")
    for _ in range(3):
        make_volunteer(fracture_kind="hip")
    make_volunteer(region="wales")
    state = {"taken": False}

    def take_the_best_after_the_count(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not state["taken"]:
            state["taken"] = True
            VolunteerProfile.objects.filter(pk=best.pk).update(active_count=1)
        return result

    with connection.execute_wrapper(take_the_best_after_the_count):
        found = selectors.best_suggestions(request, 4)

    everyone = selectors.suggestions(request)
    assert best.pk not in [s.volunteer.pk for s in everyone]
    assert found.best == everyone[:4]
    assert found.eligible_count == len(everyone) == 4


def test_the_nurse_sees_the_best_ten_and_how_many_could_be_asked(client, nurse):
    rng = random.Random(7)
    random_volunteers(rng, 80)
    request = make_request(None, fracture_kind="spinal", timing="during", topics=["pain", "emotional"])
    client.force_login(nurse)
    url = reverse("peers:nurse-request", args=[request.pk])
    client.get(url)  # the first request of a session does one-off work

    everyone = selectors.suggestions(request)
    with CaptureQueriesContext(connection) as before:
        page = client.get(url).text
    shown = [int(pk) for pk in re.findall(r'name="volunteer_id" value="(\d+)"', page)]
    assert shown == [s.volunteer.pk for s in everyone[:SUGGESTIONS_SHOWN]]
    assert f"{len(everyone)} volunteers can be asked now" in page
    assert f"Show all {len(everyone)}" in page

    random_volunteers(rng, 40)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)
