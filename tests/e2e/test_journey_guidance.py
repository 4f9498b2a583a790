"""Journey 1: a mother on her phone reads the guidance, searches it and prints the exercise programme.

Also journey 5's first half: the same navigation with the keyboard alone.
"""

import pytest

from leaflet.loader import content_load

from .browsing import PHONE, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def leaflet(db):
    return content_load()


def read_search_and_print(tab) -> None:
    page = tab.page
    tab.goto("/")
    tab.check()
    page.get_by_role("link", name="Should I breastfeed?").click()
    page.get_by_role("heading", level=1, name="Breastfeeding").wait_for()
    tab.check()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    tab.check()
    page.get_by_label("Words to search for").fill("exercise")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name="for ‘exercise’").wait_for()
    tab.check()
    page.locator(".search-results").get_by_role("link", name="Exercises", exact=True).click()
    tab.check()
    page.get_by_role("link", name="Print the exercise programme on one page").click()
    page.get_by_role("heading", level=1, name="Exercise programme").wait_for()
    tab.check()
    assert_prints_the_programme_alone(page)


def assert_prints_the_programme_alone(page) -> None:
    page.emulate_media(media="print")
    try:
        assert page.get_by_role("heading", name="Safety notes: read before you start").is_visible()
        assert page.get_by_role("heading", name="Exercises for muscle strength").is_visible()
        for hidden in (".site-nav", ".site-footer", ".breadcrumbs", ".skip-link"):
            assert not page.locator(hidden).first.is_visible(), f"{hidden} shows in print"
        page.pdf(path=None)  # it lays out for paper without error
    finally:
        page.emulate_media(media="screen")


def test_a_mother_on_her_phone_reads_searches_and_prints_the_exercise_programme(open_tab, leaflet):
    tab = open_tab(viewport=PHONE, is_mobile=True, has_touch=True)
    read_search_and_print(tab)
    screenshot(tab.page, "journey-1-exercise-programme")
    assert all(weight < 100 * 1024 for weight in tab.weights.values())


def test_the_guidance_works_without_javascript(open_tab, leaflet):
    tab = open_tab(viewport=PHONE, java_script_enabled=False)
    read_search_and_print(tab)


def test_the_guidance_can_be_navigated_with_the_keyboard_alone(browse, leaflet):
    page = browse.page

    def tab_until(name: str, *, predicate: str = "", limit: int = 80) -> None:
        """Press Tab until the focused element's text is `name`, checking each stop shows focus."""
        for _ in range(limit):
            page.keyboard.press("Tab")
            assert browse.focused_has_visible_indicator(), page.evaluate("document.activeElement.outerHTML")
            if page.evaluate(predicate or f"document.activeElement.textContent.trim() === {name!r}"):
                return
        raise AssertionError(f"Tab never reached {name!r}")

    browse.goto("/")
    tab_until("Should I breastfeed?")
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1, name="Breastfeeding").wait_for()
    browse.check()

    tab_until("Search")
    page.keyboard.press("Enter")
    page.get_by_label("Words to search for").wait_for()
    tab_until("", predicate="document.activeElement.id === 'search-q'")
    page.keyboard.type("exercise")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Search"
    page.keyboard.press("Space")
    page.get_by_role("heading", name="for ‘exercise’").wait_for()
    browse.check()
    tab_until("Exercises")
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1, name="Exercises").wait_for()
    browse.check()
    tab_until("Print the exercise programme on one page")
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1, name="Exercise programme").wait_for()
    browse.check()
    assert_prints_the_programme_alone(page)
    screenshot(page, "journey-5-keyboard-guidance")
