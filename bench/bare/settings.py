"""The floor the portal is measured against: Django rendering a ~3 KB template.

No database, no sessions, no auth; only the Security and Common middleware.
Served by gunicorn exactly as the portal is (see bench/run.py).
"""

from pathlib import Path

SECRET_KEY = "bench-bare-view-not-secret"  # noqa: S105 - a benchmark that serves no data
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.bare.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
    }
]
DATABASES: dict = {}
USE_TZ = True
