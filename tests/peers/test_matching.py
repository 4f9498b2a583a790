"""The scoring function: each reason moves a volunteer up the ranking the way it says."""

from types import SimpleNamespace

import pytest

from peers import matching


def person(**facts):
    base = {
        "pk": 1,
        "fracture_kind": "",
        "timing": "",
        "breastfed": None,
        "heparin": None,
        "later_pregnancies": None,
        "topics": [],
        "region": "",
        "languages": [],
        "capacity": 1,
        "active_count": 0,
    }
    return SimpleNamespace(**{**base, **facts})


def ranked_ids(request, *volunteers):
    return [s.volunteer.pk for s in matching.rank(request, volunteers)]


@pytest.mark.parametrize(
    ("request_facts", "match_facts", "reason"),
    [
        ({"fracture_kind": "spinal"}, {"fracture_kind": "spinal"}, "Same kind of fracture"),
        ({"timing": "birth"}, {"timing": "birth"}, "Same timing"),
        ({"topics": ["pain"]}, {"topics": ["pain", "emotional"]}, "Topics in common: pain"),
        ({"breastfed": True}, {"breastfed": True}, "Similar circumstances: both breastfed"),
        ({"breastfed": False}, {"breastfed": False}, "Similar circumstances: neither breastfed"),
        ({"heparin": True}, {"heparin": True}, "Similar circumstances: both had heparin"),
        ({"later_pregnancies": True}, {"later_pregnancies": True}, "Similar circumstances: both had a later pregnancy"),
        ({"region": "wales"}, {"region": "wales"}, "Same region: Wales"),
        ({"languages": ["Welsh"]}, {"languages": ["welsh", "English"]}, "Speaks Welsh"),
    ],
)
def test_each_reason_ranks_the_matching_volunteer_first(request_facts, match_facts, reason):
    request = person(**request_facts)
    other = person(pk=1)
    matching_volunteer = person(pk=2, **match_facts)

    assert ranked_ids(request, other, matching_volunteer) == [2, 1]
    best = matching.rank(request, [other, matching_volunteer])[0]
    assert any(r.startswith(reason) for r in best.reasons), best.reasons


def test_more_free_places_rank_higher_and_say_so():
    request = person()
    busy = person(pk=1, capacity=3, active_count=2)
    free = person(pk=2, capacity=3, active_count=0)

    assert ranked_ids(request, busy, free) == [2, 1]
    assert matching.score(request, free).reasons == ["3 of 3 places free (+6)"]


def test_a_question_the_mother_did_not_answer_never_scores():
    request = person(breastfed=None, fracture_kind="")
    volunteer = person(breastfed=None, fracture_kind="")

    assert matching.score(request, volunteer).score == matching.POINTS_FOR["places"]


def test_english_alone_is_not_a_reason():
    assert not any(
        "Speaks" in r for r in matching.score(person(languages=["English"]), person(languages=["english"])).reasons
    )


def test_fracture_kind_outweighs_region_and_ties_break_by_id():
    request = person(fracture_kind="hip", region="london")
    same_region = person(pk=1, region="london")
    same_fracture = person(pk=2, fracture_kind="hip")
    twin_a, twin_b = person(pk=7, region="london"), person(pk=3, region="london")

    assert ranked_ids(request, same_region, same_fracture) == [2, 1]
    assert ranked_ids(request, twin_a, twin_b) == [3, 7]


def test_each_topic_in_common_adds_points():
    request = person(topics=["pain", "emotional", "treatments"])
    one = person(pk=1, topics=["pain"])
    two = person(pk=2, topics=["pain", "emotional"])

    assert ranked_ids(request, one, two) == [2, 1]
    assert matching.score(request, two).score - matching.score(request, one).score == matching.POINTS_FOR["topics"]


def test_the_score_is_deterministic():
    request = person(fracture_kind="spinal", topics=["pain"], region="wales")
    volunteer = person(fracture_kind="spinal", topics=["pain"], region="wales")
    assert matching.score(request, volunteer) == matching.score(request, volunteer)
