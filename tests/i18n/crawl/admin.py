CRAWLED = False

SAMPLES: dict = {}

NOT_CRAWLED: dict[str, str] = {}

NEEDS_APPS: dict[str, tuple[str, ...]] = {}
# Django's admin: its own strings come translated with Django; the models' names and fields are ours.
