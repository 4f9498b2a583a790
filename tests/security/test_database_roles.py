"""The runtime role cannot rewrite or erase the audit trail; only `migrate`'s owner role owns tables.

CI runs the suite with DATABASE_MIGRATE_URL (the owner) and DATABASE_URL (the runtime role),
so the rights checked here are the ones `migrate` granted. Elsewhere a runtime role is made here.
"""

from contextlib import contextmanager

import psycopg
import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from portal.dbroles import grant_runtime_privileges
from portal.models import AuditEntry
from portal.settings import database_from_url
from tests.conftest import TEST_PASSWORD

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LOCAL_RUNTIME_ROLE = "portal_runtime_check"


@pytest.fixture
def runtime():
    """The runtime role's user and password, with its rights on the test database."""
    if settings.DATABASE_RUNTIME_ROLE:
        runtime = database_from_url(settings.DATABASE_URL)
        return {"USER": runtime["USER"], "PASSWORD": runtime["PASSWORD"]}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""DO $$ BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{LOCAL_RUNTIME_ROLE}')
                THEN CREATE ROLE {LOCAL_RUNTIME_ROLE} LOGIN; END IF;
            END $$"""
        )
    grant_runtime_privileges(connection, LOCAL_RUNTIME_ROLE)
    return {"USER": LOCAL_RUNTIME_ROLE, "PASSWORD": ""}


@pytest.fixture
def runtime_cursor(runtime):
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        dbname=db["NAME"],
        user=runtime["USER"],
        password=runtime["PASSWORD"] or None,
        autocommit=True,
    ) as conn:
        yield conn.cursor()


@contextmanager
def app_connected_as(credentials: dict):
    saved = {key: connection.settings_dict[key] for key in credentials}
    connection.close()
    connection.settings_dict.update(credentials)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def test_the_runtime_role_adds_and_reads_audit_rows_but_cannot_change_or_remove_them(runtime_cursor):
    runtime_cursor.execute(
        "INSERT INTO portal_auditentry (at, action, target_type, target_id, detail) "
        "VALUES (now(), 'test.event', '', '', '{}') RETURNING id"
    )
    [row_id] = runtime_cursor.fetchone()
    runtime_cursor.execute("SELECT action FROM portal_auditentry WHERE id = %s", [row_id])
    assert runtime_cursor.fetchone() == ("test.event",)

    refused = {
        "TRUNCATE": "TRUNCATE portal_auditentry",
        "DISABLE TRIGGER": "ALTER TABLE portal_auditentry DISABLE TRIGGER portal_auditentry_append_only",
        "DROP TRIGGER": "DROP TRIGGER portal_auditentry_append_only ON portal_auditentry",
        "DROP TABLE": "DROP TABLE portal_auditentry",
        "UPDATE": f"UPDATE portal_auditentry SET action = 'forged' WHERE id = {row_id}",
        "DELETE": f"DELETE FROM portal_auditentry WHERE id = {row_id}",
        "ALTER another table": "ALTER TABLE portal_user ADD COLUMN forged text",
        "CREATE a table": "CREATE TABLE forged (id int)",
    }
    allowed = []
    for name, statement in refused.items():
        try:
            runtime_cursor.execute(statement)
        except psycopg.errors.InsufficientPrivilege:
            continue
        allowed.append(name)
    assert allowed == []
    assert list(AuditEntry.objects.values_list("id", "action")) == [(row_id, "test.event")]


def test_truncating_the_audit_table_is_refused_even_to_its_owner():
    AuditEntry.objects.create(action="test.event")
    # Switched off for the test database only (tests/conftest.py); on again inside this transaction.
    with pytest.raises(DatabaseError, match="append-only: TRUNCATE"), transaction.atomic(), connection.cursor() as c:
        c.execute("ALTER TABLE portal_auditentry ENABLE TRIGGER portal_auditentry_no_truncate")
        c.execute("TRUNCATE portal_auditentry")
    assert AuditEntry.objects.count() == 1


def test_the_portal_works_as_the_runtime_role(runtime, client, mother):
    with app_connected_as(runtime):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone() == (runtime["USER"],)
        response = client.post("/accounts/login/", {"login": mother.email, "password": TEST_PASSWORD})
        assert response.status_code == 302
        assert client.get("/account/").status_code == 200
        assert AuditEntry.objects.filter(action="auth.login", actor=mother).count() == 1
