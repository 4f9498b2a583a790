"""Run docs/nginx-portal.conf as our own nginx process on loopback, for the nginx benchmark.

The site file is used as written, with only what must differ on a test machine replaced:
loopback ports instead of 80/443, a throw-away self-signed certificate, a temporary cache
directory, the benchmark's gunicorn port and static root. Never touches the system nginx.
"""

import getpass
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from bench.run import BASE_DIR, PRODUCTION_ENV, PUBLIC_HOST, free_port, need, process

SITE_CONF = BASE_DIR / "docs" / "nginx-portal.conf"

MAIN_CONF = """\
{user}
worker_processes auto;  # as Debian's nginx.conf: one per core
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    access_log off;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/site.conf;
}}
"""


def site_conf(*, prefix: Path, http_port: int, https_port: int, upstream_ports: list[int]) -> str:
    replacements = {
        "listen [::]:80;\n": "",
        "listen [::]:443 ssl http2;\n": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        f"/etc/letsencrypt/live/{PUBLIC_HOST}/": f"{prefix}/tls/",
        "/var/cache/nginx/portal": f"{prefix}/cache",
        "/var/log/nginx/": f"{prefix}/",
        "/srv/portal/staticfiles/": PRODUCTION_ENV["STATIC_ROOT"].rstrip("/") + "/",
        # Several application servers: each taken out of the round robin for 5 s after one failure.
        "server 127.0.0.1:8000 max_fails=0;": "\n    ".join(
            f"server 127.0.0.1:{port} "
            + ("max_fails=0;" if len(upstream_ports) == 1 else "max_fails=1 fail_timeout=5s;")
            for port in upstream_ports
        ),
    }
    text = SITE_CONF.read_text()
    for old, new in replacements.items():
        if old not in text:
            raise SystemExit(f"docs/nginx-portal.conf changed: {old!r} not found; update bench/nginx.py")
        text = text.replace(old, new)
    return text


@contextmanager
def running_nginx(*, upstream_ports: list[int], work_dir: Path):
    """Yield the https base URL of an nginx running the portal's site file, in front of these gunicorn ports."""
    nginx = need("nginx", "apt-get install -y nginx (this runs its own nginx; the system service stays off)")
    prefix = Path(tempfile.mkdtemp(prefix="nginx-", dir=work_dir))
    try:
        (prefix / "tls").mkdir()
        subprocess.run(
            [
                need("openssl", "apt-get install -y openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-days", "2", "-subj", f"/CN={PUBLIC_HOST}",
                "-keyout", str(prefix / "tls" / "privkey.pem"), "-out", str(prefix / "tls" / "fullchain.pem"),
            ],
            check=True, capture_output=True,
        )  # fmt: skip
        http_port, https_port = free_port(), free_port()
        (prefix / "site.conf").write_text(
            site_conf(prefix=prefix, http_port=http_port, https_port=https_port, upstream_ports=upstream_ports)
        )
        user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
        (prefix / "nginx.conf").write_text(MAIN_CONF.format(prefix=prefix, user=user))
        command = [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")]
        subprocess.run([*command, "-t", "-q"], check=True)
        with process(command, env=dict(os.environ), name="nginx", port=https_port):
            yield f"https://127.0.0.1:{https_port}"
    finally:
        shutil.rmtree(prefix, ignore_errors=True)
