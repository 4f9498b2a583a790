"""The documented gunicorn and nginx access logs never record a query string or a Referer.

The portal keeps personal data out of its URLs (tests/security/test_canary.py); these
formats keep an old bookmark or a hand-typed query out of the logs too.
"""

import logging
import re
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from gunicorn.config import Config
from gunicorn.glogging import Logger

CANARY = "cnry5150"


def test_gunicorns_access_log_names_the_path_but_not_the_query_or_referer(tmp_path):
    config = Config()
    config.set("accesslog", str(tmp_path / "access.log"))
    config.set("access_log_format", runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))["access_log_format"])
    logger = Logger(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/helpline/?q=Ann+{CANARY}",
        "PATH_INFO": "/helpline/",
        "QUERY_STRING": f"q=Ann+{CANARY}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"https://portal.example.org.uk/helpline/?q={CANARY}",
        "HTTP_USER_AGENT": "test",
    }
    logger.access(SimpleNamespace(status="200 OK", sent=512, headers=[]), [], environ, timedelta(milliseconds=7))
    for handler in logger.access_log.handlers:
        handler.flush()
    line = (tmp_path / "access.log").read_text()
    assert '"GET /helpline/ HTTP/1.1" 200 512 7ms' in line
    assert CANARY not in line
    logging.getLogger("gunicorn.access").handlers.clear()


def test_nginxs_access_log_format_has_no_query_string_or_referer():
    conf = (Path(settings.BASE_DIR) / "docs" / "nginx-portal.conf").read_text()
    [log_format] = re.findall(r"log_format portal_no_query (.*?);", conf, re.S)
    assert "$uri" in log_format
    for variable in ("$request ", '$request"', "$request_uri", "$args", "$query_string", "$http_referer", "$arg_"):
        assert variable not in log_format
    access_logs = re.findall(r"^\s*access_log (.*?);", conf, re.M)
    assert access_logs and all(value == "off" or value.endswith(" portal_no_query") for value in access_logs)
    # Each server block logs with it (nginx's default format would otherwise record $request).
    assert conf.count("access_log /var/log/nginx/portal-access.log portal_no_query;") == conf.count("server {")
