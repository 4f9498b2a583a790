# Samples in tests/i18n/samples.py: s.records["peer_request"], ["volunteer_profile"] and
# ["introduction"] (accepted: a live conversation between the mother and the volunteer, with
# her first message in it); another woman's request waits in the nurses' queue.


def _request(s) -> dict:
    return {"pk": s.records["peer_request"].pk}


def _introduction(s) -> dict:
    return {"pk": s.records["introduction"].pk}


def _volunteer(s) -> dict:
    return {"pk": s.records["volunteer_profile"].pk}


CRAWLED = True

SAMPLES = {
    "peers:request-detail": _request,
    "peers:nurse-request": _request,
    "peers:conversation": _introduction,
    "peers:conversation-poll": _introduction,
    "peers:ending": _introduction,
    "peers:nurse-volunteer": _volunteer,
}

_POST_ONLY = {
    "a mother's or a volunteer's action": "request-withdraw introduction-accept introduction-decline introduction-end "
    "conversation-send conversation-nurse message-report volunteer-pause volunteer-resume my-data-erase",
    "a nurse's action on a request, an introduction, a message or a volunteer": "nurse-request-contact nurse-propose "
    "nurse-introduction-close nurse-introduction-length nurse-message-hide nurse-message-reviewed "
    "nurse-conversation-pause nurse-conversation-resume nurse-task-done nurse-volunteer-contact "
    "nurse-volunteer-briefing nurse-volunteer-decline",
}
NOT_CRAWLED = {
    **{f"peers:{name}": f"POST only: {who}" for who, names in _POST_ONLY.items() for name in names.split()},
    "peers:my-data-download": "a download (JSON)",
    "peers:respond": "needs the signed link emailed to a volunteer; tests/peers/test_links.py",
    "peers:check-in": "needs the signed link of the midpoint check-in email; tests/peers/test_links.py",
}

NEEDS_APPS: dict[str, tuple[str, ...]] = {}
