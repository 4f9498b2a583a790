"""The points of `matching` in SQL: the bounds the nurse's best suggestions are pre-ranked by.

Property-style: seeded random volunteers and requests from small sets of facts, so that scores
tie often and many facts are missing, checked against `matching` on whichever database runs.
"""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from peers import matching, selectors
from peers.models import VolunteerProfile
from peers.score_bounds import score_bounds
from portal.models import User

from .builders import make_request

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
def test_the_sql_bounds_hold_and_count_only_facts_the_mother_gave(seed):
    rng = random.Random(seed)
    random_volunteers(rng, 100)
    for request in random_requests(rng, 6):
        scorer = matching.Scorer(request)
        bounds = score_bounds(scorer)
        scores = {s.volunteer.pk: s.score for s in selectors.suggestions(request)}
        rows = selectors.eligible_volunteers(request=request).annotate(fewest=bounds.fewest, most=bounds.most)
        for volunteer in rows:
            score = scores[volunteer.pk]
            assert volunteer.fewest <= score <= volunteer.most, (seed, request.pk, volunteer.pk)
            if isinstance(volunteer.topics, list) and not scorer.languages:
                # Everything else SQL works out exactly, so a blank answer matching a blank never scores.
                assert volunteer.fewest == score == volunteer.most, (seed, request.pk, volunteer.pk)
