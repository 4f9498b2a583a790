import sqlite3

import pytest
from django.db import connection


@pytest.mark.django_db
def test_it_reports_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_it_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    keeper = None
    if connection.vendor == "postgresql":
        monkeypatch.setitem(connection.settings_dict, "PORT", "1")
    else:
        # An in-memory test database lives only while a connection to it is open:
        # hold one until Django reconnects, or later tests would find it gone.
        keeper = sqlite3.connect(connection.settings_dict["NAME"], uri=True)
        monkeypatch.setitem(connection.settings_dict, "NAME", "/nonexistent/dir/portal.sqlite3")
    connection.close()
    try:
        response = client.get("/healthz")
    finally:
        monkeypatch.undo()
        connection.close()
        if keeper is not None:
            connection.ensure_connection()
            keeper.close()
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["database"] != "ok"


@pytest.mark.django_db
def test_it_answers_503_when_the_broker_is_configured_but_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] != "ok"


@pytest.mark.redis
@pytest.mark.django_db
def test_it_reports_the_real_broker_as_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == "ok"
