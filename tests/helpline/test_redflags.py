import pytest

from helpline.redflags import red_flags


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("I have sudden severe back pain since this morning", "sudden or severe back pain"),
        ("My back pain is severe and came on suddenly", "sudden or severe back pain"),
        ("I can\u2019t move my legs", "weakness or numbness in the legs"),
        ("Numbness in both legs when I stand", "weakness or numbness in the legs"),
        ("I've had some loss of bladder control", "loss of bladder or bowel control"),
        ("Chest pains when I lie down", "chest pain or breathlessness"),
        ("I'm short of breath on the stairs", "chest pain or breathlessness"),
        ("Fever and my back hurts", "fever"),
        ("My calf is swollen, I'm on heparin. Swollen calf since Monday", "a swollen or painful calf"),
        ("Some days I want to end my life", "thoughts of self-harm"),
    ],
)
def test_it_spots_words_that_need_a_doctor_today(text, reason):
    assert reason in red_flags(text)


@pytest.mark.parametrize(
    "text",
    [
        "Is it safe to breastfeed while taking calcium?",
        "When can I start exercising again after a spinal fracture?",
        "My back has been aching a little at night.",
        "What should I ask my GP about bone density scans?",
    ],
)
def test_ordinary_questions_are_not_flagged(text):
    assert red_flags(text, ["diagnosis"]) == []


def test_pain_getting_worse_is_a_flag_only_with_the_pain_topic():
    assert red_flags("It is getting worse every day", ["pain"]) == ["severe or worsening pain"]
    assert red_flags("It is getting worse every day", ["money"]) == []
