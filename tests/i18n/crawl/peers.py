CRAWLED = False

SAMPLES: dict = {}

NOT_CRAWLED: dict[str, str] = {}

NEEDS_APPS: dict[str, tuple[str, ...]] = {}
# Samples in tests/i18n/samples.py: s.records["peer_request"], ["volunteer_profile"] and
# ["introduction"] (accepted: a live conversation between the mother and the volunteer).
