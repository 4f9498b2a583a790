"""Behind a load balancer, each response can say which web node answered it (PORTAL_NODE_NAME)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_named_node_says_its_name_on_every_response(settings):
    settings.PORTAL_NODE_NAME = "web-2"
    client = Client()

    assert client.get("/").headers["X-Portal-Node"] == "web-2"
    assert client.get("/account/").headers["X-Portal-Node"] == "web-2"  # a redirect to sign in
    assert client.get("/no-such-page/").headers["X-Portal-Node"] == "web-2"


def test_a_node_without_a_name_sends_no_such_header(settings):
    settings.PORTAL_NODE_NAME = ""

    assert "X-Portal-Node" not in Client().get("/").headers
