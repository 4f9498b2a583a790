"""Shared fixtures: named personas, service checks, and fast settings for tests.

Personas (see the README's testing section): `mother`, `other_mother`, `volunteer`,
`nurse`, `editor`, `admin_user` and `outsider` (signed up, no role). Staff personas
have TOTP set up, as the portal requires of them.
"""

import os
import tempfile
import warnings

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.signals import setting_changed
from django.db import connection
from django.dispatch import receiver

from portal.dbroles import owner_credentials
from portal.models import User
from portal.roles import Role, grant_role

TEST_PASSWORD = "a-long-test-password-42"
REQUIRE_SERVICES = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"


def pytest_configure(config):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        # Files from inbound email land in a throw-away folder, never the developer's var/.
        "private": {**settings.STORAGES["private"], "OPTIONS": {"location": tempfile.mkdtemp(prefix="private-")}},
    }
    settings.STORAGES["default"] = settings.STORAGES["private"]
    # The development default reads var/inbound/; tests give each reader its own mailbox.
    settings.INBOUND_MAIL_URL = ""
    from portal.celery import app

    # Tasks run in the caller unless a test starts a real worker (see tests/workers.py).
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    # pytest-django creates, migrates and flushes its database, which takes the owner role;
    # tests/security/test_database_roles.py connects as the runtime role to prove its limits.
    if owner := owner_credentials():
        connection.settings_dict.update(owner)


def _empties_tables(item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,))
    return transactional or bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker, django_db_keepdb):
    # Transactional tests empty every table with TRUNCATE between tests, which the audit
    # table refuses; the refusal itself is tested with the trigger switched back on.
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("ALTER TABLE portal_auditentry DISABLE TRIGGER portal_auditentry_no_truncate")
    yield
    # A kept database (--reuse-db, as `make test` runs) is only worth keeping as migrations left
    # it, with their seeded rows: after a run that emptied the tables it is dropped, and the next
    # run creates it afresh.
    if django_db_keepdb and any(_empties_tables(item) for item in request.session.items):
        try:
            with django_db_blocker.unblock():
                connection.creation.destroy_test_db(verbosity=0)
        except Exception as exc:  # the tests have run: say what to do rather than fail them
            warnings.warn(
                f"could not drop the emptied test database ({exc}); next time run with --create-db", stacklevel=1
            )


def service_missing(reason: str):
    """Skip on a newcomer's machine; fail in CI, where every service must be there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_runtest_setup(item):
    # Checked before any fixture runs, so a skipped test never sets up its database.
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        service_missing("needs PostgreSQL (set DATABASE_URL)")
    if item.get_closest_marker("redis") and not settings.REDIS_URL:
        service_missing("needs Redis (set REDIS_URL)")


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    from leaflet.cache import version_check

    cache.clear()
    version_check.forget()
    yield


def make_user(email: str, *, role: str | None = None, mfa: bool = False, first_name: str = "", **extra) -> User:
    user = User.objects.create_user(email, TEST_PASSWORD, first_name=first_name, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if role:
        grant_role(user, role)
    if mfa:
        TOTP.activate(user, generate_totp_secret())
    return user


def totp_secret(user: User) -> str:
    from allauth.mfa.utils import decrypt

    return decrypt(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"])


@pytest.fixture
def mother(db):
    return make_user("alice@example.org", role=Role.MOTHER, first_name="Alice")


@pytest.fixture
def other_mother(db):
    return make_user("bea@example.org", role=Role.MOTHER, first_name="Bea")


@pytest.fixture
def volunteer(db):
    return make_user("vicky@example.org", role=Role.VOLUNTEER, first_name="Vicky")


@pytest.fixture
def nurse(db):
    return make_user("nora@example.org", role=Role.NURSE, mfa=True, first_name="Nora")


@pytest.fixture
def editor(db):
    return make_user("eddie@example.org", role=Role.EDITOR, mfa=True, first_name="Edie")


@pytest.fixture
def admin_user(db):
    return make_user("root-admin@example.org", mfa=True, is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(db):
    return make_user("olive@example.org", first_name="Olive")


@pytest.fixture
def leaflet(db):
    """The whole leaflet loaded from the content files, as `make run` does (once per run: tests/leaflet_content.py)."""
    from tests.leaflet_content import leaflet_load

    return leaflet_load()


@pytest.fixture(scope="session")
def dovecot():
    """A real Dovecot IMAP server for the session (Debian's dovecot-imapd); call `.mailbox()` per test."""
    import shutil

    from tests.mailboxes import Dovecot

    if shutil.which("dovecot") is None:
        service_missing("needs Dovecot (apt-get install dovecot-imapd)")
    if os.geteuid() != 0:
        service_missing("the throw-away Dovecot runs its mail as the `mail` user, which needs root")
    server = Dovecot()
    yield server
    server.stop()


@receiver(setting_changed)
def _private_files_follow_settings(*, setting, **kwargs):
    if setting == "STORAGES":
        from django.utils.functional import empty

        from portal.storage import private_files

        private_files._wrapped = empty


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory):
    """A real S3-compatible server (moto) for the session; fails in CI if it cannot start."""
    from tests.objectstore import MotoServer

    server = MotoServer(tmp_path_factory.mktemp("moto") / "moto.log")
    try:
        server.start()
    except RuntimeError as exc:
        service_missing(str(exc))
    yield server
    server.stop()


@pytest.fixture
def s3_bucket(moto_server, settings, monkeypatch):
    """Private files in a fresh bucket on the moto server, configured as production configures them.

    Returns the bucket's name; `moto_server.client()` reads it directly, `moto_server.env(name)`
    gives another process the same settings.
    """
    bucket = moto_server.new_bucket()
    env = moto_server.env(bucket)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, env[name])
    files = {
        "BACKEND": "portal.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env["STORAGE_S3_ENDPOINT_URL"],
            "region_name": env["STORAGE_S3_REGION"],
        },
    }
    settings.STORAGES = {**settings.STORAGES, "default": files, "private": files}
    return bucket


@pytest.fixture
def maildir(tmp_path, settings):
    """The development default: a Maildir that inbound_read() reads, as under var/inbound/."""
    root = tmp_path / "inbound"
    settings.INBOUND_MAIL_URL = f"maildir://{root}"
    return root
