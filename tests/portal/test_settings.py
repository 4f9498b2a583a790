import os
import subprocess
import sys

from django.conf import settings


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", env={"DJANGO_ENV": "production", "SECRET_KEY": "", "ALLOWED_HOSTS": "example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage("check", env={"DJANGO_ENV": "production", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_passes_the_deployment_checks():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_ENV": "production",
            "SECRET_KEY": "prod-test-9f8e7d6c5b4a3210-ZyXwVuTsRqPoNmLkJiHgFeDcBa-0123456789",
            "ALLOWED_HOSTS": "portal.example.org",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_read_the_mailbox_in_clear_text_over_a_network():
    production = {"DJANGO_ENV": "production", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "example.org"}
    result = run_manage("check", env={**production, "INBOUND_MAIL_URL": "imap://helpline:pw@mail.example.net/INBOX"})
    assert result.returncode != 0
    assert "INBOUND_MAIL_URL must use imaps:// in production" in result.stderr
    secure = run_manage("check", env={**production, "INBOUND_MAIL_URL": "imaps://helpline:pw@mail.example.net/INBOX"})
    assert secure.returncode == 0, secure.stderr
