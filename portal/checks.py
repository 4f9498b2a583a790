"""Deployment checks for a portal that runs on several nodes (PORTAL_MULTI_NODE=1).

Behind a load balancer each request may reach a different web node, and any worker may
run any task, so whatever one node remembers or writes must be seen by the others: the
cache (rate limits, used TOTP codes, markers) in Redis, sessions in the database, files
in the object store, the broker and the mailbox on servers. Each check names what would
stay on one machine; `manage.py check --deploy` reports them as warnings.
"""

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

PROCESS_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
)
LOCAL_SESSION_ENGINES = ("django.contrib.sessions.backends.file",)


def _on_local_disk(alias: str) -> bool:
    from django.core.files.storage import FileSystemStorage

    backend = settings.STORAGES.get(alias, {}).get("BACKEND", "")
    return bool(backend) and issubclass(import_string(backend), FileSystemStorage)


def check_multi_node(app_configs, **kwargs):
    if not settings.PORTAL_MULTI_NODE:
        return []
    found = []
    for alias, cache in settings.CACHES.items():
        if cache["BACKEND"] in PROCESS_LOCAL_CACHES:
            found.append(
                checks.Warning(
                    f"The {alias!r} cache ({cache['BACKEND']}) is kept by each process, but PORTAL_MULTI_NODE is on: "
                    "rate limits, used sign-in codes and markers would not be shared between nodes.",
                    hint="Set REDIS_URL (or REDIS_CACHE_URL) to the Redis every node uses.",
                    id="portal.W001",
                )
            )
    if settings.SESSION_ENGINE in LOCAL_SESSION_ENGINES:
        found.append(
            checks.Warning(
                "Sessions are kept in files on one machine, but PORTAL_MULTI_NODE is on.",
                hint="Keep SESSION_ENGINE on the database (django.contrib.sessions.backends.db).",
                id="portal.W002",
            )
        )
    for alias in ("private", "default"):
        if _on_local_disk(alias):
            found.append(
                checks.Warning(
                    f"The {alias!r} file storage writes to this machine's disk, but PORTAL_MULTI_NODE is on: "
                    "a file saved by one node would be missing on the others.",
                    hint="Set STORAGE_S3_BUCKET (and STORAGE_S3_ENDPOINT_URL for a store other than AWS S3).",
                    id="portal.W003",
                )
            )
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        found.append(
            checks.Warning(
                "The task broker is a folder on this machine, but PORTAL_MULTI_NODE is on: "
                "tasks queued on one node would never reach workers on the others.",
                hint="Set REDIS_URL.",
                id="portal.W004",
            )
        )
    if settings.INBOUND_MAIL_URL.startswith("maildir://"):
        found.append(
            checks.Warning(
                "The inbound mailbox is a folder on this machine, but PORTAL_MULTI_NODE is on.",
                hint="Point INBOUND_MAIL_URL at the IMAP mailbox every node reads.",
                id="portal.W005",
            )
        )
    return found


def register() -> None:
    checks.register(check_multi_node, checks.Tags.compatibility, deploy=True)
