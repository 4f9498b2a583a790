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


def site_url(env):
    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.SITE_URL)", env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_links_in_development_emails_follow_the_address_make_run_serves_on():
    assert site_url({"SITE_URL": "", "HOST": "localhost", "PORT": "8765"}) == "http://localhost:8765"
    assert site_url({"SITE_URL": "", "HOST": "0.0.0.0", "PORT": "9000"}) == "http://127.0.0.1:9000"
    assert site_url({"SITE_URL": "https://portal.example.org/", "PORT": "9000"}) == "https://portal.example.org"


def test_production_links_ignore_the_development_port():
    env = {"DJANGO_ENV": "production", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "portal.example.org", "PORT": "9000"}
    assert site_url({**env, "SITE_URL": ""}) == "https://portal.example.org"


def test_the_embedded_broker_connects_without_a_warning_on_every_connection(tmp_path):
    """`make run`'s worker used to log "No hostname was supplied" on each connection to the file broker."""
    code = (
        "from django.conf import settings; from kombu import Connection; "
        "c = Connection(settings.CELERY_BROKER_URL, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS); "
        "c.connect(); print(c.as_uri()); c.release()"
    )
    result = run_manage("shell", "-c", code, env={"REDIS_URL": "", "PORTAL_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("filesystem://")
    assert "No hostname was supplied" not in result.stderr


def test_production_refuses_to_read_the_mailbox_in_clear_text_over_a_network():
    production = {"DJANGO_ENV": "production", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "example.org"}
    result = run_manage("check", env={**production, "INBOUND_MAIL_URL": "imap://helpline:pw@mail.example.net/INBOX"})
    assert result.returncode != 0
    assert "INBOUND_MAIL_URL must use imaps:// in production" in result.stderr
    secure = run_manage("check", env={**production, "INBOUND_MAIL_URL": "imaps://helpline:pw@mail.example.net/INBOX"})
    assert secure.returncode == 0, secure.stderr


PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "prod-test-9f8e7d6c5b4a3210-ZyXwVuTsRqPoNmLkJiHgFeDcBa-0123456789",
    "ALLOWED_HOSTS": "portal.example.org",
}


def test_several_nodes_with_a_process_cache_and_local_files_fail_the_deployment_checks():
    env = {**PRODUCTION_ENV, "PORTAL_MULTI_NODE": "1", "REDIS_URL": "", "STORAGE_S3_BUCKET": ""}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    for check_id in ("portal.W001", "portal.W003", "portal.W004"):
        assert check_id in result.stderr
    assert "rate limits, used sign-in codes and markers would not be shared" in result.stderr
    assert "Set STORAGE_S3_BUCKET" in result.stderr


def test_several_nodes_on_redis_and_a_bucket_pass_the_deployment_checks():
    env = {
        **PRODUCTION_ENV,
        "PORTAL_MULTI_NODE": "1",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "STORAGE_S3_BUCKET": "portal-files",
        "STORAGE_S3_ENDPOINT_URL": "",
    }
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_one_node_on_local_disk_is_still_fine_for_the_deployment_checks():
    env = {**PRODUCTION_ENV, "REDIS_URL": "", "STORAGE_S3_BUCKET": "", "PORTAL_MULTI_NODE": ""}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
