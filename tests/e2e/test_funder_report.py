"""An administrator opens the quarterly funder report in a real browser and prints it."""

from datetime import datetime

import pytest
import time_machine
from django.utils import timezone

from helpline.models import Channel, Region
from tests.conftest import TEST_PASSWORD, totp_secret
from tests.helpline.conftest import make_enquiry

from .browsing import screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_printable_report_draws_its_charts_on_screen_and_on_paper(browse, admin_user, nurse):
    with time_machine.travel(timezone.make_aware(datetime(2026, 8, 10, 10, 0)), tick=False):
        for _ in range(9):
            make_enquiry(nurse, channel=Channel.PHONE, region=Region.LONDON)
        make_enquiry(nurse, channel=Channel.LETTER, region=Region.WALES)
    refused = []
    browse.page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)

    sign_in(browse, admin_user.email, TEST_PASSWORD, totp_secret=totp_secret(admin_user), public=False)
    browse.goto("/helpline/reports/funders/?quarter=2026-Q3")
    browse.check(public=False)

    page = browse.page
    charts = page.locator("svg.chart__svg")
    assert charts.count() == 6
    assert charts.first.is_visible()
    assert charts.first.bounding_box()["height"] > 50
    # Phone's bar is drawn hidden like its figure (else 10 - 9 gives the letter away): no bar for either.
    channel = page.locator("#breakdown-channel + figure")
    assert channel.locator("text.chart__value").all_text_contents() == ["hidden", "0", "fewer than 5", "0"]
    assert channel.locator("rect.chart__bar").first.get_attribute("width") == "0"
    page.emulate_media(media="print")
    assert charts.first.is_visible()
    assert not page.get_by_label("Quarter").is_visible()  # the picker stays off the paper
    assert page.evaluate("getComputedStyle(document.querySelector('.chart__bar')).fill") != ""
    screenshot(page, "funder-report-print")
    assert refused == []
