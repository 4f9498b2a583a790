CRAWLED = False

SAMPLES: dict = {}

NOT_CRAWLED: dict[str, str] = {}

NEEDS_APPS: dict[str, tuple[str, ...]] = {}
# Samples in tests/i18n/samples.py: s.records["enquiry"] is the mother's question (web form).
