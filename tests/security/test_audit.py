"""The audit trail: one row per security event, with who, what, when (UTC) and from where, and no personal data."""

import datetime
import logging

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.db import DatabaseError, connection, transaction

from portal.logsafe import EscapingFormatter
from portal.models import AuditEntry
from portal.roles import Role, grant_role, revoke_role
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def rows(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def sign_in(client, user):
    assert client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD}).status_code == 302


def test_a_sign_in_writes_one_row_with_who_when_and_where(client, mother):
    sign_in(client, mother)
    [row] = rows("auth.login")
    assert row.actor_id == mother.pk
    assert (row.target_type, row.target_id) == ("portal.user", str(mother.pk))
    assert row.ip == "127.0.0.1"
    assert row.at.utcoffset() == datetime.timedelta(0)


def test_a_sign_out_is_recorded(client, mother):
    sign_in(client, mother)
    client.post("/accounts/logout/")
    assert [r.actor_id for r in rows("auth.logout")] == [mother.pk]


def test_adding_and_removing_mfa_is_recorded(client, mother, django_capture_on_commit_callbacks):
    sign_in(client, mother)
    client.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    secret = page.context["form"].secret
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/accounts/2fa/totp/activate/", {"code": code}).status_code == 302
    assert [(r.actor_id, r.detail) for r in rows("mfa.added")] == [
        (mother.pk, {"type": "totp"}),
        (mother.pk, {"type": "recovery_codes"}),
    ]

    client.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302
    assert [(r.actor_id, r.detail) for r in rows("mfa.removed")] == [
        (mother.pk, {"type": "totp"}),
        (mother.pk, {"type": "recovery_codes"}),
    ]


def test_a_wrong_mfa_code_is_recorded(client, nurse):
    client.post("/accounts/login/", {"login": nurse.email, "password": TEST_PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    client.post("/accounts/2fa/authenticate/", {"code": "999999"})
    assert len(rows("mfa.code_failed")) >= 1
    assert "000000" not in str([r.detail for r in AuditEntry.objects.all()])


def test_granting_and_removing_a_role_is_recorded(outsider):
    grant_role(outsider, Role.VOLUNTEER)
    revoke_role(outsider, Role.VOLUNTEER)
    assert [(r.action, r.target_id, r.detail) for r in AuditEntry.objects.filter(action__startswith="role.")] == [
        ("role.revoked", str(outsider.pk), {"roles": ["volunteer"]}),
        ("role.granted", str(outsider.pk), {"roles": ["volunteer"]}),
    ]


def test_a_role_given_in_the_admin_names_the_admin(client, admin_user, outsider):
    from django.contrib.auth.models import Group

    client.force_login(admin_user)
    response = client.post(
        f"/admin/portal/user/{outsider.pk}/change/",
        {
            "email": outsider.email,
            "first_name": outsider.first_name,
            "last_name": "",
            "is_active": "on",
            "groups": [Group.objects.get(name=Role.NURSE).pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    [row] = rows("role.granted")
    assert (row.actor_id, row.target_id, row.detail) == (admin_user.pk, str(outsider.pk), {"roles": ["nurse"]})


def test_adding_an_email_address_is_recorded_without_the_address(client, mother):
    sign_in(client, mother)
    client.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})
    response = client.post("/accounts/email/", {"action_add": "", "email": "second-address@example.org"})
    assert response.status_code == 302
    assert [r.actor_id for r in rows("email.added")] == [mother.pk]
    assert "second-address" not in str(list(AuditEntry.objects.values_list("detail", "target_id")))


def test_exports_are_recorded(client, mother):
    sign_in(client, mother)
    client.get("/account/data.json")
    client.get("/account/data/")
    assert [r.actor_id for r in rows("data.exported")] == [mother.pk, mother.pk]


@pytest.mark.postgres
def test_postgresql_refuses_to_change_or_delete_audit_rows(mother):
    row = AuditEntry.objects.create(action="test.event", actor=mother)
    for statement in (
        "UPDATE portal_auditentry SET action = 'forged' WHERE id = %s",
        "DELETE FROM portal_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [row.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=row.pk).delete()
    row.refresh_from_db()
    assert row.action == "test.event"


def test_log_lines_cannot_be_forged_with_line_breaks():
    formatter = EscapingFormatter("%(levelname)s %(message)s")
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/x\r\nINFO forged",), None
    )
    line = formatter.format(record)
    assert "\n" not in line and "\r" not in line
    assert line == "WARNING Not Found: /x\\r\\nINFO forged"


def test_a_404_for_a_path_with_a_line_break_logs_one_line(client, caplog):
    import io

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(EscapingFormatter("%(levelname)s %(message)s"))
    logging.getLogger("django.request").addHandler(handler)
    try:
        client.get("/no-such-page%0D%0AINFO%20forged")
    finally:
        logging.getLogger("django.request").removeHandler(handler)
    assert stream.getvalue().count("\n") == 1


def test_admins_can_filter_the_trail_but_not_change_it(client, admin_user, mother):
    sign_in(client, mother)
    row = rows("auth.login")[0]
    client.force_login(admin_user)
    base = "/admin/portal/auditentry/"
    for query in ("", "?action=auth.login", f"?actor={mother.pk}", "?actor=none", "?q=auth", f"?q={mother.pk}"):
        assert client.get(base + query).status_code == 200, query
    listing = client.get(f"{base}?actor={mother.pk}").content.decode()
    assert "auth.login" in listing
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{row.pk}/change/", {"action": "forged"}).status_code == 403
    assert client.post(f"{base}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    row.refresh_from_db()
    assert row.action == "auth.login"


def test_other_staff_cannot_read_the_trail(client, nurse):
    client.force_login(nurse)
    assert client.get("/admin/portal/auditentry/").status_code in (302, 403)
