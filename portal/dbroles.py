"""Two PostgreSQL roles: an owner that only `migrate` uses, and the runtime role of the
web processes and workers (docs/deploy.md, "Database roles").

The runtime role owns nothing, so it cannot ALTER, DROP or TRUNCATE any table, nor
disable or drop a trigger; on the audit table it may only INSERT and SELECT.
"""

from contextlib import contextmanager
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import connections

AUDIT_TABLE = "portal_auditentry"


def owner_credentials() -> dict[str, str] | None:
    """USER and PASSWORD from DATABASE_MIGRATE_URL, or None when there is one role only."""
    if not settings.DATABASE_MIGRATE_URL:
        return None
    parts = urlsplit(settings.DATABASE_MIGRATE_URL)
    return {"USER": unquote(parts.username or ""), "PASSWORD": unquote(parts.password or "")}


@contextmanager
def connected_as_owner(alias: str):
    """Run the block on `alias` as the owner role (same server and database), then switch back."""
    owner = owner_credentials()
    connection = connections[alias]
    if owner is None or connection.vendor != "postgresql":
        yield connection
        return
    runtime = {key: connection.settings_dict[key] for key in owner}
    connection.close()
    connection.settings_dict.update(owner)
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict.update(runtime)


def grant_runtime_privileges(connection, role: str) -> None:
    """Give `role` the data rights the portal needs, and on the audit table INSERT and SELECT only.

    Idempotent; run after every migration, so new tables are covered.
    """
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {quote(role)}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quote(role)}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quote(role)}")
        cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {quote(AUDIT_TABLE)} FROM {quote(role)}")
