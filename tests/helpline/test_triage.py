"""The safety triage: which level her words call for, and why."""

import pytest

from helpline.models import Urgency
from helpline.triage import (
    ADVICE,
    MATERNAL_EMERGENCY,
    MATERNITY_UNIT_NOW,
    MIDWIFE_NOW,
    PSYCHOSIS,
    RULES,
    triage,
)
from helpline.triage_eval import LABELS, evaluate

from .safety_messages import CRISIS, EMERGENCY, MESSAGES, OTHER_LANGUAGE, ROUTINE, SAFEGUARDING, URGENT


def test_the_labelled_set_misses_no_emergency_crisis_or_safeguarding_message_and_keeps_calm_ones_calm(capsys):
    """Per label: sensitivity and false alarms on our own set. Printed for the record."""
    figures = evaluate(MESSAGES)

    with capsys.disabled():
        print(f"\nSafety triage on {len(MESSAGES)} labelled messages:")
        for label in LABELS:
            f = figures[label]
            print(
                f"  {label:15} {f.right:3}/{f.messages:<3} sensitivity {f.sensitivity:6.1%}"
                f"  false alarms {f.false_alarm_rate:6.1%}"
            )
            for text in f.missed:
                print("    missed:", text)

    assert len(MESSAGES) >= 200
    for label in (EMERGENCY, CRISIS, SAFEGUARDING, OTHER_LANGUAGE):
        assert figures[label].messages >= 15, label
        assert figures[label].missed == [], label
    assert figures[URGENT].missed == []
    assert figures[ROUTINE].messages >= 50
    assert figures[ROUTINE].sensitivity >= 0.85


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


@pytest.mark.parametrize(
    ("text", "level", "advice"),
    [
        ("Soaking a pad every hour since this morning, 10 days after the birth", Urgency.EMERGENCY, MATERNAL_EMERGENCY),
        ("fever after my c-section and I feel really confused", Urgency.EMERGENCY, MATERNAL_EMERGENCY),
        ("her face has dropped on one side and her speech is slurred", Urgency.EMERGENCY, MATERNAL_EMERGENCY),
        ("I had a seizure this morning, never had one before", Urgency.EMERGENCY, MATERNAL_EMERGENCY),
        ("I dropped my baby and he hit his head", Urgency.EMERGENCY, MATERNAL_EMERGENCY),
        (
            "I fell and I can't put any weight on my leg, my hip is agony",
            Urgency.EMERGENCY,
            ADVICE[Urgency.EMERGENCY].slug,
        ),
        ("severe headache and flashing lights, 34 weeks", Urgency.URGENT, MIDWIFE_NOW),
        ("I haven't felt the baby move since yesterday", Urgency.URGENT, MATERNITY_UNIT_NOW),
        ("she hears voices saying the baby has been swapped", Urgency.CRISIS, PSYCHOSIS),
        ("I have a fever and my wound is oozing", Urgency.URGENT, ADVICE[Urgency.URGENT].slug),
    ],
)
def test_each_maternal_red_flag_gets_the_advice_its_nhs_page_gives(text, level, advice):
    found = triage(text)
    assert found.level == level
    assert found.advice[0] == advice


@pytest.mark.parametrize(
    "text",
    [
        "I'm dying to know when I can swim again",
        "the wait for results is killing me",
        "My mum broke her hip when she was 70, am I at risk?",
        "I broke my ankle years ago as a child and it healed well",
        "Are clots more common after birth?",
        "Can osteoporosis cause chest pain?",
        "no bleeding, no headache, no fever, just questions about calcium",
    ],
)
def test_calm_words_stay_calm(text):
    found = triage(text)
    assert found.level == Urgency.ROUTINE and not found.is_alarm
