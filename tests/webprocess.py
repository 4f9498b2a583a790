"""Run the portal in real gunicorn processes with production settings, and talk to them over HTTP.

Against the PostgreSQL test database; Redis is the test run's unless a test names its own.
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings

from tests import workers

HOST = "127.0.0.1"


def production_env() -> dict:
    return {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": "two-web-processes-test-key-" + "x" * 40,
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        "REDIS_URL": settings.REDIS_URL or "",
    }


def collect_static(root: Path) -> Path:
    """Production settings serve hashed static files: collect them once."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=settings.BASE_DIR,
        env={**production_env(), "STATIC_ROOT": str(root)},
        check=True,
    )
    return root


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


class WebProcess:
    def __init__(self, port: int, log_path: Path):
        self.port = port
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def request(self, method: str, path: str, *, cookies: dict, form: dict | None = None, host: str = HOST):
        """One HTTP request; cookies the response sets are stored into `cookies`.

        Every process sees the same Host, as behind a load balancer: allauth keys the
        per-account failed-login counter by host and email.
        """
        headers = {"Host": host}
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                cookies[name] = morsel.value
        return response, text


@contextmanager
def web_process(static_root: Path, tmp_path: Path, name: str, *, env: dict | None = None, processes: int = 1):
    port = workers.free_port()
    log_path = tmp_path / f"gunicorn-{name}.log"
    env = {
        **production_env(),
        **workers.test_database_env(),
        "STATIC_ROOT": str(static_root),
        **(env or {}),
    }
    command = [
        sys.executable, "-m", "gunicorn", "portal.wsgi",
        "--bind", f"127.0.0.1:{port}", "--workers", str(processes), "--access-logfile", "-",
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    web = WebProcess(port, log_path)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn {name} did not start:\n{web.log()[-3000:]}")
                time.sleep(0.1)
        yield web
    finally:
        workers.stop_process(process)
