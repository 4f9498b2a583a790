"""Settings for the portal: one module, read from the environment.

DJANGO_ENV=development (the default) runs on embedded defaults: an SQLite file
under var/, a file-system Celery broker and a local-memory cache, with mail
written to var/mail/. DJANGO_ENV=production refuses to start without the
secrets and hosts it needs.
"""

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env_str(name, default) or "").split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Turn DATABASE_URL (postgres://user:pass@host:port/name?opt=v) into Django's dict."""
    parts = urlsplit(url)
    if parts.scheme in ("postgres", "postgresql", "pgsql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": dict(parse_qsl(parts.query)),
            "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
        }
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": parts.path or ":memory:"}
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parts.scheme!r} is not supported")


# ---------------------------------------------------------------- core
DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in ("development", "production"):
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'")
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION) and not PRODUCTION

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production")
    SECRET_KEY = "development-only-key-never-used-in-production-0123456789abcdef"

# Where `make run` serves the portal in development (its HOST and PORT).
DEV_HOST = env_str("HOST", "127.0.0.1")
DEV_PORT = env_int("PORT", 8000)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else f"127.0.0.1,localhost,testserver,{DEV_HOST}")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_ENV=production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")


def _development_site_url() -> str:
    # A server listening on every interface is still reached from this machine on loopback.
    host = "127.0.0.1" if DEV_HOST in ("0.0.0.0", "::") else DEV_HOST  # noqa: S104 - not a bind
    return f"http://[{host}]:{DEV_PORT}" if ":" in host else f"http://{host}:{DEV_PORT}"


# Absolute links in emails are built from this; requests are not available in tasks.
SITE_URL = (env_str("SITE_URL") or ("https://" + ALLOWED_HOSTS[0] if PRODUCTION else _development_site_url())).rstrip(
    "/"
)
SITE_NAME = "Pregnancy and osteoporosis support"
# The charity that runs the portal, as it is today: header, footer, emails and the privacy
# notice use these. The leaflet's own words keep the name it was published under (2008).
# Write the name without "the": templates say "the {{ charity_name }}".
CHARITY_NAME = env_str("CHARITY_NAME", "Royal Osteoporosis Society")
CHARITY_URL = env_str("CHARITY_URL", "https://theros.org.uk")
HELPLINE_PHONE = env_str("HELPLINE_PHONE", "0808 800 0035")
# When the helpline is staffed: "Mon-Fri 09:00-17:00", several spans separated by ";" (portal.hours).
# Only her expectations depend on it; emergency and crisis advice and alerts never wait for it.
HELPLINE_HOURS = env_str("HELPLINE_HOURS", "Mon-Fri 09:00-17:00")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "csp",
    "simple_history",
    "portal",
    "leaflet",
    "helpline",
    "peers",
]
# Demo accounts and data (`make run`), and the bulk seeder: never part of production.
if not PRODUCTION:
    INSTALLED_APPS.append("demo")
# `make run` loads the demo data on first start unless this is off (DEMO_DATA=0).
DEMO_DATA = env_bool("DEMO_DATA", True) and not PRODUCTION

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Serves cached guidance pages to anonymous readers before sessions and auth run.
    "leaflet.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a signed-in woman's saved language applies on any device.
    "portal.i18n.LanguageMiddleware",
    "portal.middleware.NoStoreForSignedInMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.usersessions.UserSessionActivityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.middleware.SessionTimeoutMiddleware",
    "portal.middleware.RateLimitStatusMiddleware",
    "portal.middleware.StaffMFARequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "portal.context_processors.portal",
            ],
        },
    },
]

# ---------------------------------------------------------------- database
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "portal.sqlite3"}}
# Optional second role (docs/deploy.md, "Database roles"): the owner of the tables, used
# only by `migrate`; DATABASE_URL's user is then the runtime role, which owns nothing.
DATABASE_MIGRATE_URL = env_str("DATABASE_MIGRATE_URL")
DATABASE_RUNTIME_ROLE = None
if DATABASE_MIGRATE_URL:
    _owner = database_from_url(DATABASE_MIGRATE_URL)
    _runtime = DATABASES["default"]
    if _runtime["ENGINE"] != _owner["ENGINE"] or any(_runtime[k] != _owner[k] for k in ("HOST", "PORT", "NAME")):
        raise ImproperlyConfigured("DATABASE_MIGRATE_URL must name the same server and database as DATABASE_URL")
    if _runtime["USER"] == _owner["USER"]:
        raise ImproperlyConfigured("DATABASE_MIGRATE_URL must name a different user (the owner) from DATABASE_URL")
    DATABASE_RUNTIME_ROLE = _runtime["USER"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------- Redis: cache and broker
REDIS_URL = env_str("REDIS_URL")
# Redis answers in well under a millisecond; one that takes longer than this to accept a
# connection or to answer is treated as down. The cache then carries on without it
# (portal/cache.py) and the outbox leaves mail for the sweeper, so a hung Redis costs a
# request a few times this long at most, not seconds.
REDIS_TIMEOUT_MS = env_int("REDIS_TIMEOUT_MS", 250)
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis backend, falling back to process memory in an outage (see portal/cache.py).
            "BACKEND": "portal.cache.RedisCache",
            "LOCATION": env_str("REDIS_CACHE_URL", REDIS_URL),
            "KEY_PREFIX": "portal",
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT_MS / 1000,
                "socket_timeout": REDIS_TIMEOUT_MS / 1000,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# ---------------------------------------------------------------- Celery
CELERY_TIMEZONE = "Europe/London"
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
# A task is acknowledged only after it finishes, and re-queued if its worker dies,
# so a crash never loses work; every task is idempotent, so a re-run is harmless.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Publishing must fail fast when Redis is down or hung: the outbox sweeper re-sends later,
    # so a publish is tried once, never retried. A worker's wait for tasks (BRPOP) runs in its
    # event loop, not under the socket timeout.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": REDIS_TIMEOUT_MS / 1000,
        "socket_timeout": REDIS_TIMEOUT_MS / 1000,
        "max_retries": 0,
    }
    CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT_MS / 1000
    CELERY_TASK_PUBLISH_RETRY = False
else:
    # Embedded broker for a newcomer's machine: files under var/, no Redis needed.
    _broker_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _broker_dir.mkdir(parents=True, exist_ok=True)
    _processed_dir.mkdir(parents=True, exist_ok=True)
    # A host name, although the transport ignores it, spares a warning on every connection.
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_processed_dir),
        "store_processed": False,
        # Exchange tables (one file per queue's exchange) live under var/ too, not in the cwd.
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
# Two queues, so a burst of mail never holds up other work: delivery tasks
# (portal.email_*) go to `email`, everything else, the outbox sweeper included, to
# `default`. Every worker consumes both (`-Q default,email`); a busy site can give
# `email` workers of its own (docs/deploy.md).
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"portal.email_*": {"queue": "email"}}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULE: dict = {}
# ---- leaflet: email editors about sections needing review, weekly per section until reviewed (hourly check)
CELERY_BEAT_SCHEDULE["leaflet-review-reminders"] = {"task": "leaflet.review_reminders", "schedule": 60 * 60}
# ---- leaflet: delete search counts older than 90 days (idempotent; hourly like the other retention jobs)
CELERY_BEAT_SCHEDULE["leaflet-search-stats-purge"] = {"task": "leaflet.search_stats_purge", "schedule": 60 * 60}

# ---- outbox (portal): publish due and lost email tasks, recover sends interrupted by a crash
CELERY_BEAT_SCHEDULE["outbox-sweep"] = {"task": "portal.emails_sweep", "schedule": 60.0}

# ---- peer support (peers/): timings and scheduled jobs
PEERS_RESPONSE_DAYS = env_int("PEERS_RESPONSE_DAYS", 7)  # a volunteer's time to answer a proposal
PEERS_REST_DAYS = env_int("PEERS_REST_DAYS", 28)  # rest after an introduction ends, before the next
PEERS_PLANNED_WEEKS = env_int("PEERS_PLANNED_WEEKS", 8)  # an introduction's planned length, editable by a nurse
PEERS_END_REMINDER_DAYS = env_int("PEERS_END_REMINDER_DAYS", 7)  # both are reminded this long before the planned end
PEERS_BRIEFING_REMINDER_DAYS = env_int("PEERS_BRIEFING_REMINDER_DAYS", 30)  # warn this long before a briefing lapses
CELERY_BEAT_SCHEDULE["peers-expire-proposals"] = {"task": "peers.expire_proposals", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["peers-briefing-reminders"] = {"task": "peers.briefing_reminders", "schedule": 3600.0}

# ---- helpline: callback reminders every minute; anonymise closed enquiries past retention hourly
HELPLINE_RETENTION_DAYS = env_int("HELPLINE_RETENTION_DAYS", 2 * 365)
HELPLINE_ASK_LIMIT_PER_IP = env_int("HELPLINE_ASK_LIMIT_PER_IP", 10)  # form posts per hour
HELPLINE_ASK_LIMIT_PER_ADDRESS = env_int("HELPLINE_ASK_LIMIT_PER_ADDRESS", 3)  # questions per day
LEAFLET_FEEDBACK_LIMIT_PER_IP = env_int("LEAFLET_FEEDBACK_LIMIT_PER_IP", 20)  # "was this helpful?" posts per hour
# An emergency or crisis enquiry nobody has claimed after this long is sent to every nurse and admin.
HELPLINE_ALERT_ESCALATE_MINUTES = env_int("HELPLINE_ALERT_ESCALATE_MINUTES", 15)
CELERY_BEAT_SCHEDULE["helpline-callback-reminders"] = {"task": "helpline.callback_reminders", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["helpline-alert-escalation"] = {"task": "helpline.escalate_alerts", "schedule": 60.0}
# Open enquiries this many minutes of opening hours from their first-response target (or past it)
# are sent once to the nurses on duty (helpline.response_targets); checked every minute.
HELPLINE_TARGET_WARN_MINUTES = env_int("HELPLINE_TARGET_WARN_MINUTES", 60)
CELERY_BEAT_SCHEDULE["helpline-target-warnings"] = {"task": "helpline.warn_targets", "schedule": 60.0}
# Idempotent: slots already published are kept; a shift added to the rota is bookable within the hour.
CELERY_BEAT_SCHEDULE["helpline-callback-slots"] = {"task": "helpline.publish_callback_slots", "schedule": 60.0 * 60}
CELERY_BEAT_SCHEDULE["helpline-retention"] = {"task": "helpline.anonymise_closed", "schedule": 60.0 * 60}
# Risk flags on a woman whose review date has come: a crisis flag ends, the others are marked due for
# review. Daily, just after midnight; it is idempotent, so a missed or repeated run does no harm.
CELERY_BEAT_SCHEDULE["helpline-flags-review"] = {
    "task": "helpline.flags_review",
    "schedule": crontab(hour=0, minute=10),
}

# ---- privacy (security): anonymise ended peer requests and introductions past retention, hourly
PEERS_RETENTION_DAYS = env_int("PEERS_RETENTION_DAYS", 2 * 365)
PEERS_MESSAGE_MAX_CHARS = env_int("PEERS_MESSAGE_MAX_CHARS", 2000)  # the longest message two peers may send
PEERS_NOTIFY_EVERY_MINUTES = env_int(
    "PEERS_NOTIFY_EVERY_MINUTES", 60
)  # "new message" emails, per woman and conversation
CELERY_BEAT_SCHEDULE["peers-retention"] = {"task": "peers.anonymise_ended", "schedule": 60.0 * 60}
# Messages between two peers go sooner than the rest: six months after the introduction ends.
PEERS_CONVERSATION_RETENTION_DAYS = env_int("PEERS_CONVERSATION_RETENTION_DAYS", 180)
CELERY_BEAT_SCHEDULE["peers-conversation-retention"] = {
    "task": "peers.delete_ended_conversations",
    "schedule": 60.0 * 60,
}

# ---------------------------------------------------------------- email
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Helpline <helpline@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
if PRODUCTION:
    EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
else:
    EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))

# The outbox (portal/outbox/): retries with exponential backoff and jitter, then FAILED.
# 8 attempts at 1, 2, 4 ... 60 minutes apart give up after about 3 hours.
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 60)
OUTBOX_RETRY_MAX_SECONDS = env_int("OUTBOX_RETRY_MAX_SECONDS", 3600)
# A published task not delivered after this long is presumed lost (Redis restarted without
# its data) and published again; long enough that a big backlog is not published twice.
OUTBOX_REPUBLISH_AFTER_SECONDS = env_int("OUTBOX_REPUBLISH_AFTER_SECONDS", 600)
# SENDING for longer than any task may run (CELERY_TASK_TIME_LIMIT) means its worker died.
OUTBOX_STALE_SENDING_SECONDS = env_int("OUTBOX_STALE_SENDING_SECONDS", 600)
OUTBOX_SWEEP_BATCH = env_int("OUTBOX_SWEEP_BATCH", 1000)
# After a failed publish a process leaves the broker alone this long (the sweeper catches up),
# so an outage slows one action per process per window, not every action.
OUTBOX_BROKER_PAUSE_SECONDS = env_int("OUTBOX_BROKER_PAUSE_SECONDS", 30)
# A temporary delivery failure (4.x.x) reported after our server handed the email on: the outbox sends
# it again after this many hours, up to this many times; an address failing on this many different days
# within the window is suppressed as if it had bounced for good.
OUTBOX_SOFT_BOUNCE_RETRY_HOURS = env_int("OUTBOX_SOFT_BOUNCE_RETRY_HOURS", 24)
OUTBOX_SOFT_BOUNCE_RETRIES = env_int("OUTBOX_SOFT_BOUNCE_RETRIES", 2)
OUTBOX_SOFT_BOUNCE_DAYS = env_int("OUTBOX_SOFT_BOUNCE_DAYS", 3)
OUTBOX_SOFT_BOUNCE_WINDOW_DAYS = env_int("OUTBOX_SOFT_BOUNCE_WINDOW_DAYS", 14)

# The inbound mailbox (portal/inbound/): replies, new emails and bounces, read every minute.
# imaps://user:password@host[:port]/INBOX in production (imap:// only for tests on loopback).
# Unset in development: the Maildir under var/inbound/, so no mail server is needed; save an
# .eml file into var/inbound/new/ to simulate one arriving. Unset in production: not read.
INBOUND_MAIL_URL = env_str("INBOUND_MAIL_URL", "" if PRODUCTION else "maildir://" + str(VAR_DIR / "inbound"))
_LOOPBACK = ("127.0.0.1", "::1", "localhost")
if PRODUCTION and INBOUND_MAIL_URL.startswith("imap://") and urlsplit(INBOUND_MAIL_URL).hostname not in _LOOPBACK:
    # The mailbox password and her emails must not cross a network in clear text.
    raise ImproperlyConfigured("INBOUND_MAIL_URL must use imaps:// in production (imap:// only on loopback)")
# Handled messages are moved here (an IMAP folder, or a Maildir++ sub-folder), after commit.
INBOUND_DONE_FOLDER = env_str("INBOUND_DONE_FOLDER", "Processed")
# Bounded work per run: at most this many messages, and no new one started after this many seconds.
INBOUND_BATCH = env_int("INBOUND_BATCH", 1000)
INBOUND_RUN_SECONDS = env_int("INBOUND_RUN_SECONDS", 60)
# A bigger message is not downloaded at all: it is recorded, from its headers, as rejected.
INBOUND_MAX_MESSAGE_BYTES = env_int("INBOUND_MAX_MESSAGE_BYTES", 30 * 1024 * 1024)
INBOUND_MAX_ATTACHMENT_BYTES = env_int("INBOUND_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
# Messages no record took (automatic replies, bounces, rejected ones) are emptied after this.
INBOUND_RETENTION_DAYS = env_int("INBOUND_RETENTION_DAYS", 90)
CELERY_BEAT_SCHEDULE["inbound-read"] = {"task": "portal.inbound_read", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["inbound-retention"] = {"task": "portal.inbound_prune", "schedule": 60.0 * 60}

# ---------------------------------------------------------------- accounts
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 3600
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:account"
# Where staff land after signing in, when no page asked for it (?next=): where their work is.
# The first role she holds wins; everyone else lands on her account page (LOGIN_REDIRECT_URL).
LOGIN_REDIRECT_BY_ROLE = [("nurse", "helpline:queue"), ("editor", "leaflet:editor")]

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Confirming her address in the browser she signed up in signs her in (allauth checks it is that session).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
# Pinned rather than left to allauth's defaults, so an upgrade cannot loosen them.
# Failed sign-ins (portal/signin.py): 5 per 5 minutes per account and address, 100 an hour
# per account from all addresses (ASVS's ceiling); past either, the right password with a
# valid authenticator code still signs in. Wrong MFA codes: 5 per 5 minutes per account.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/300s/key",
    "login_failed_account": "100/h/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "10/m/user",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
# Account mail (verification, password reset) goes through the outbox as transactional mail.
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_USER_DISPLAY = "portal.adapters.user_display"
ACCOUNT_FORMS = {"login": "portal.forms.SignInForm"}

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_PERIOD = 30
MFA_TOTP_TOLERANCE = 0
MFA_RECOVERY_CODE_COUNT = 10
MFA_TRUST_ENABLED = False

# "Last seen" on the sessions page; recorded at most every 5 minutes by
# portal.usersessions (in MIDDLEWARE instead of allauth's per-request write).
USERSESSIONS_TRACK_ACTIVITY = True

# ---------------------------------------------------------------- sessions and cookies
# Sessions live in PostgreSQL only. A copy in Redis would save one primary-key read per
# signed-in request, but a sign-out (or erasure) made while Redis is unreachable could
# not remove that copy, and the session would come back with Redis.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 12 * 60 * 60
# Enforced by portal.middleware.SessionTimeoutMiddleware (seconds).
SESSION_ABSOLUTE_TIMEOUT = 12 * 60 * 60
SESSION_IDLE_TIMEOUT = 30 * 60
SESSION_IDLE_TIMEOUT_STAFF = 15 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"

# ---------------------------------------------------------------- security headers
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Proxies in front of the app that append to X-Forwarded-For (nginx: 1). portal.client_address reads it
# for the audit log, rate limits and sessions; allauth asks the same helper through the account adapter.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# ---------------------------------------------------------------- static files
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
WHITENOISE_AUTOREFRESH = DEBUG
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers ask for at the site's root (/favicon.ico), served by WhiteNoise as they are.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Files people send us (inbound email attachments): outside MEDIA and static, with no URL;
    # only an audited view streams them, to helpline staff, as downloads.
    "private": {
        "BACKEND": "portal.storage.PrivateStorage",
        "OPTIONS": {"location": env_str("PRIVATE_FILES_ROOT", str(VAR_DIR / "private"))},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# ---------------------------------------------------------------- i18n
LANGUAGE_CODE = "en-gb"
# The interface languages (portal/i18n.py). A language other than English is offered only
# once its catalogue in locale/ is translated far enough (LANGUAGE_OFFERED_AT).
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_OFFERED_AT = 0.95
# Her choice is kept in this cookie (and on her account when she is signed in). It holds
# only a language code and does what she asked for, so it needs no cookie banner.
LANGUAGE_COOKIE_NAME = "language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------- logging
# Log lines carry ids, never names, emails or health details.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"()": "portal.logsafe.EscapingFormatter", "format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # flufl.bounce logs every detector it tries at INFO.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "flufl.bounce": {"level": "WARNING"}},
}
