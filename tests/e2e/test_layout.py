"""Beyond axe: text at 200%, reflow at 320 px, pages without CSS, the keyboard and its focus ring."""

import pytest

from .browsing import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/privacy/"]


def overflows_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth + 1")


def test_text_at_200_percent_and_a_320_pixel_screen_need_no_sideways_scrolling(browse, open_tab):
    # Text-only resizing as a browser's font-size setting does: 16 px becomes 32 px.
    browse.page.context.new_cdp_session(browse.page).send("Page.setFontSizes", {"fontSizes": {"standard": 32}})
    narrow = open_tab(viewport={"width": 320, "height": 640})
    for path in PUBLIC_PAGES:
        browse.goto(path)
        assert browse.page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 32
        assert not overflows_sideways(browse.page), f"{path} scrolls sideways with text at 200%"
        narrow.goto(path)
        assert not overflows_sideways(narrow.page), f"{path} scrolls sideways at 320 px"
    screenshot(browse.page, "layout-text-200-percent")


def test_pages_read_in_a_sensible_order_without_css(browse):
    browse.page.route("**/*.css", lambda route: route.abort())
    browse.goto("/accounts/login/")
    assert browse.page.evaluate("getComputedStyle(document.body).fontFamily") != "Arial"  # unstyled
    assert (
        browse.page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
        == "rgba(0, 0, 0, 0)"
    )
    order = browse.page.evaluate(
        """() => [...document.querySelectorAll('a.skip-link, nav, h1, label, input:not([type=hidden]), button, footer')]
                 .map(e => e.tagName.toLowerCase())"""
    )
    assert order[0] == "a"  # the skip link comes first
    assert order.index("nav") < order.index("h1") < order.index("label") < order.index("input")
    assert order[-1] == "footer"
    assert browse.page.get_by_label("Email").is_visible()
    screenshot(browse.page, "layout-without-css")


def test_the_keyboard_reaches_the_sign_in_form_with_a_visible_focus_indicator(browse, mother):
    page = browse.page
    browse.goto("/accounts/login/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    assert page.get_by_role("link", name="Skip to main content").is_visible()
    assert browse.focused_has_visible_indicator()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    def tab_to(predicate: str, limit: int = 10) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"(e => {predicate})(document.activeElement)"):
                assert browse.focused_has_visible_indicator(), page.evaluate("document.activeElement.outerHTML")
                return
            assert browse.focused_has_visible_indicator(), page.evaluate("document.activeElement.outerHTML")
        raise AssertionError(f"Tab never reached {predicate}")

    tab_to("e.id === 'id_login'")
    page.keyboard.type(mother.email)
    tab_to("e.id === 'id_password'")
    page.keyboard.type("a-long-test-password-42")
    tab_to("e.tagName === 'BUTTON'")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your account").wait_for()
