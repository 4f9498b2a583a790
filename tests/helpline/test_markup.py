"""The queue page as a nurse's browser reads it: its filter selects and its rows, escaped."""

import re
from html.parser import HTMLParser

import pytest

from helpline import services
from helpline.models import Channel, Enquiry, Status, Topic
from tests.conftest import make_user

from .conftest import make_enquiry

pytestmark = pytest.mark.django_db

URL = "/helpline/"


class Selects(HTMLParser):
    """Every <select> on a page: its name, attributes and (value, label, selected) options, as parsed."""

    def __init__(self, page: str):
        super().__init__()
        self.selects: dict[str, dict] = {}
        self._select = self._option = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._select = self.selects[attrs["name"]] = {"attrs": attrs, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = [attrs["value"], "", "selected" in attrs]
            self._select["options"].append(self._option)

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data

    def handle_endtag(self, tag):
        if tag == "option":
            self._option = None
        elif tag == "select":
            self._select = None


def options(page: str, name: str) -> list[tuple[str, str, bool]]:
    return [tuple(option) for option in Selects(page).selects[name]["options"]]


def test_each_filter_offers_every_choice_in_order_with_the_chosen_one_selected(nurse_client, nurse):
    odd = make_user("odd@example.org", role="nurse", mfa=True, first_name='<b>A & "B"</b>')
    page = nurse_client.get(URL, {"status": "all", "topic": "pain", "channel": "web"}).content.decode()

    assert options(page, "status") == [
        ("open", "Open (not closed)", False),
        ("all", "All", True),
        *((value, label, False) for value, label in Status.choices),
    ]
    assert options(page, "topic") == [("", "Any topic", False)] + [
        (value, label, value == "pain") for value, label in Topic.choices
    ]
    assert options(page, "channel") == [("", "Any channel", False)] + [
        (value, label, value == "web") for value, label in Channel.choices
    ]
    nurses = options(page, "assignee")
    assert nurses[:3] == [("", "Anyone", True), ("me", "Me", False), ("none", "Nobody yet", False)]
    assert (str(nurse.pk), "Nora", False) in nurses
    assert (str(odd.pk), '<b>A & "B"</b>', False) in nurses  # shown as typed, never as markup
    assert "<b>A" not in page
    for name in ("status", "topic", "channel", "assignee"):
        assert Selects(page).selects[name]["attrs"]["id"] == f"id_{name}"
        assert f'<label for="id_{name}">' in page


def test_a_refused_filter_is_marked_on_its_select_for_screen_readers(nurse_client, nurse):
    page = nurse_client.get(URL, {"channel": "fax"}).content.decode()
    attrs = Selects(page).selects["channel"]["attrs"]
    assert attrs["aria-invalid"] == "true"
    assert attrs["aria-describedby"] == "id_channel_error"
    assert options(page, "channel")[0] == ("", "Any channel", False)
    assert "aria-invalid" not in Selects(page).selects["topic"]["attrs"]


def test_her_words_and_names_in_a_row_are_text_never_markup(nurse_client, nurse):
    odd = make_user("odd2@example.org", role="nurse", mfa=True, first_name="<i>Ivy</i>")
    enquiry = make_enquiry(nurse, name="<script>Sam", summary='Is it "safe" & <ok>?')
    services.enquiry_assign(enquiry=enquiry, by=nurse, to=odd)
    Enquiry.objects.filter(pk=enquiry.pk).update(red_flag=True)

    page = nurse_client.get(URL).content.decode()

    row = re.search(rf"<tr>\s*<td><a href=\"[^\"]+\">{enquiry.reference}</a>.*?</tr>", page, re.S).group(0)
    assert '<span class="tag tag--urgent">Red flag</span>' in row
    assert "&lt;script&gt;Sam: \u201cIs it &quot;safe&quot; &amp; &lt;ok&gt;?\u201d" in row
    assert "<td>&lt;i&gt;Ivy&lt;/i&gt;</td>" in row
    assert "<td>\u2013</td>" in row  # no callback due
    assert "<script>" not in page.split("<tbody>", 1)[1]
