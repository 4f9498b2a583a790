import re

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "page"),
    [
        ("/accounts/login/", "Sign in"),
        ("/helpline/ask/", "Ask a nurse"),
        ("/privacy/", "Privacy notice"),
        ("/no-such-page/", "Page not found"),
    ],
)
def test_a_tab_title_names_the_page_then_the_portal(client, url, page):
    title = re.search(r"<title>(.*?)</title>", client.get(url).content.decode(), re.S).group(1)
    assert title == f"{page} – {settings.SITE_NAME}"
