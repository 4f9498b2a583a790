CRAWLED = False

SAMPLES: dict = {}

NOT_CRAWLED: dict[str, str] = {}

NEEDS_APPS: dict[str, tuple[str, ...]] = {}
# The whole leaflet is loaded (the tests' `leaflet` fixture); its own text belongs inside lang="en".
