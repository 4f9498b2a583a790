"""The safety triage: which level her words call for, and why."""

from collections import Counter

import pytest

from helpline.models import Urgency
from helpline.triage import ADVICE, RULES, triage

from .safety_messages import CRISIS, EMERGENCY, MESSAGES, ROUTINE, URGENT

LEVELS = {EMERGENCY: Urgency.EMERGENCY, CRISIS: Urgency.CRISIS, URGENT: Urgency.URGENT, ROUTINE: Urgency.ROUTINE}
NAMES = {value: name for name, value in LEVELS.items()}


def test_the_evaluation_set_gives_every_emergency_and_crisis_the_right_advice(capsys):
    """Per level: how many messages got the level a nurse would give them. Printed for the record."""
    expected = Counter(level for _, _, level in MESSAGES)
    right, got = Counter(), Counter()
    wrong = []
    for text, topics, level in MESSAGES:
        found = NAMES[triage(text, topics).level]
        got[(level, found)] += 1
        if found == level:
            right[level] += 1
        else:
            wrong.append(f"{level} -> {found}: {text}")
    routine_false_alarms = expected[ROUTINE] - got[(ROUTINE, ROUTINE)]

    with capsys.disabled():
        print(f"\nSafety triage on {len(MESSAGES)} messages:")
        for level in (EMERGENCY, CRISIS, URGENT, ROUTINE):
            print(f"  {level:9} {right[level]:2}/{expected[level]:2} right")
        print(f"  routine false alarms: {routine_false_alarms}/{expected[ROUTINE]}")
        for line in wrong:
            print("  wrong:", line)

    assert len(MESSAGES) >= 60
    assert right[EMERGENCY] == expected[EMERGENCY]
    assert right[CRISIS] == expected[CRISIS]
    assert routine_false_alarms / expected[ROUTINE] < 0.2


@pytest.mark.parametrize(
    "text",
    [
        "No numbness around my bottom, just a dull back ache",
        "I'm not short of breath and I have no chest pain",
        "Never coughed up blood, the midwife asked me that",
    ],
)
def test_a_plainly_negated_warning_sign_is_not_an_alarm(text):
    assert triage(text).level == Urgency.ROUTINE


def test_a_negation_in_another_clause_does_not_hide_a_warning_sign():
    found = triage("No fever, but I can't feel the toilet paper when I wipe")
    assert found.level == Urgency.EMERGENCY


def test_a_physical_sign_that_has_settled_moves_down_one_level():
    found = triage("I had chest pain yesterday but it has settled now. Is that normal after birth?")
    # "but" ends the clause, yet the sentence says it settled: urgent, not ignored.
    assert found.level == Urgency.URGENT
    assert "settled" in found.reasons[0]


@pytest.mark.parametrize(
    "text",
    [
        "I'm not suicidal, just very tired",
        "I wouldn't say I want to die but everyone would be better off without me",
        "I never told anyone I was saving my tablets",
    ],
)
def test_thoughts_of_suicide_are_never_let_off_for_a_negation(text):
    assert triage(text).level == Urgency.CRISIS


def test_thoughts_of_suicide_in_the_past_are_still_a_crisis():
    assert triage("I used to think everyone would be better off without me, it's passed now").level == Urgency.CRISIS


def test_the_most_urgent_level_wins_and_every_reason_is_listed_with_her_words():
    found = triage("My calf is swollen and hot, and today I coughed up blood")

    assert found.level == Urgency.EMERGENCY
    assert found.reasons[0].startswith("coughing up blood: \u201c")
    assert any(reason.startswith("a hot, swollen or painful calf or leg") for reason in found.reasons)


def test_spellings_without_apostrophes_are_read_like_the_ones_with():
    assert triage("i cant feel my legs").level == Urgency.EMERGENCY
    assert triage("i dont want to wake up tomorrow").level == Urgency.CRISIS


def test_every_rule_names_the_nhs_page_it_follows_and_every_alarm_level_has_advice():
    assert all(rule.page.startswith("https://www.nhs.uk/") for rule in RULES)
    assert all(source.startswith("https://www.nhs.uk/") for advice in ADVICE.values() for source in advice.sources)
    assert set(ADVICE) == {Urgency.EMERGENCY, Urgency.CRISIS, Urgency.URGENT}


def test_crisis_advice_puts_samaritans_first_and_emergency_advice_says_999():
    assert ADVICE[Urgency.CRISIS].body.startswith("Samaritans")
    assert "116 123" in ADVICE[Urgency.CRISIS].body
    assert "999" in ADVICE[Urgency.EMERGENCY].title
