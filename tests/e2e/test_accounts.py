"""Signing up, signing in (with TOTP for staff) and resetting a password, in a real browser."""

import re

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from portal.models import User
from portal.roles import Role
from tests.conftest import TEST_PASSWORD, make_user, totp_secret

from .browsing import PHONE, screenshot, sign_in, totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "another-long-password-77"


def test_the_public_pages_pass_axe_and_stay_within_budget(browse):
    for path in (
        "/",
        "/privacy/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/no-such-page/",
    ):
        browse.goto(path)
        browse.check()
    assert browse.page.get_by_role("heading", level=1).count() == 1
    assert all(weight < 100 * 1024 for weight in browse.weights.values())
    assert browse.page.evaluate("document.documentElement.lang") == "en-GB"


def test_errors_are_summarised_at_the_top_announced_and_linked_to_their_fields(browse, mother):
    page = browse.page
    browse.goto("/accounts/login/")
    page.get_by_label("Email").fill(mother.email)
    page.get_by_label("Password").fill("not-her-password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.get_by_role("alert")
    assert "There is a problem" in summary.inner_text()
    assert "not correct" in summary.inner_text()
    # The summary takes focus, so a screen reader reads it out at once.
    # (expect() polls without evaluating strings in the page, which the CSP forbids.)
    expect(page.locator(".error-summary")).to_be_focused()
    assert page.get_by_label("Email").input_value() == mother.email  # what she typed is kept
    browse.check()

    browse.goto("/accounts/signup/")
    page.get_by_label("Email").fill("new.mum@example.org")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_role("button", name="Create account").click()
    browse.check()
    page.get_by_role("alert").get_by_role("link", name="This password is too short").click()
    assert page.evaluate("document.activeElement.id") == "id_password1"
    described_by = page.get_by_label("Password", exact=True).get_attribute("aria-describedby")
    assert "id_password1_error" in described_by
    assert page.locator("#id_password1_error").inner_text().startswith("Error:")
    screenshot(page, "accounts-form-errors")


def test_a_mother_creates_an_account_confirms_her_email_and_signs_in(open_tab, mailbox):
    tab = open_tab(viewport=PHONE)
    page = tab.page
    tab.goto("/accounts/signup/")
    tab.check()
    page.get_by_label("Email").fill("new.mum@example.org")
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_label("Password (again)").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    tab.check()

    mail = mailbox.wait_for(to="new.mum@example.org", subject="confirm")
    tab.network.reset()
    page.goto(mail.link("/accounts/confirm-email/"))
    tab.check()
    page.get_by_role("button", name="Confirm").click()

    # Confirming in the browser she signed up in signs her in.
    page.get_by_role("heading", name="Your account").wait_for()
    tab.check(public=False)
    assert User.objects.get(email="new.mum@example.org").emailaddress_set.get().verified
    screenshot(page, "accounts-signed-up")


def test_a_nurse_signs_in_with_her_password_and_authenticator_code(browse, nurse):
    page = browse.page
    browse.goto("/accounts/login/")
    page.get_by_label("Email").fill(nurse.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    assert "Incorrect code" in page.get_by_role("alert").inner_text()
    browse.check()

    page.get_by_label("Code").fill(totp_code(totp_secret(nurse)))
    page.get_by_role("button", name="Continue").click()
    # She lands where her work is.
    page.get_by_role("heading", level=1, name="Helpline queue").wait_for()
    browse.goto("/account/")
    page.get_by_role("heading", name="Your account").wait_for()
    browse.check(public=False)
    page.get_by_role("link", name="Two-factor authentication").click()
    browse.check(public=False)
    screenshot(page, "accounts-nurse-two-factor")


def test_a_new_nurse_sets_up_her_authenticator_before_she_can_go_anywhere_else(browse):
    new_nurse = make_user("nina@example.org", role=Role.NURSE)
    page = browse.page
    sign_in(browse, new_nurse.email, TEST_PASSWORD)
    # allauth asks for the password again before anyone adds an authenticator.
    assert "/accounts/reauthenticate/" in page.url
    browse.check(public=False)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    assert "/2fa/totp/activate" in page.url
    browse.check(public=False)
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    browse.check(public=False)
    assert Authenticator.objects.filter(user=new_nurse, type=Authenticator.Type.TOTP).exists()
    screenshot(page, "accounts-nurse-activated-totp")


def test_a_mother_resets_a_forgotten_password_from_the_emailed_link(browse, mother, mailbox):
    page = browse.page
    browse.goto("/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    browse.check()
    page.get_by_label("Email").fill(mother.email)
    page.get_by_role("button", name="Send the link").click()
    browse.check()

    mail = mailbox.wait_for(to=mother.email, subject="password")
    browse.network.reset()
    page.goto(mail.link("/accounts/password/reset/key/"))
    browse.check()
    page.get_by_label(re.compile(r"^new password$", re.I)).fill(NEW_PASSWORD)
    page.get_by_label(re.compile(r"^new password \(again\)$", re.I)).fill(NEW_PASSWORD)
    page.get_by_role("button", name=re.compile("change password", re.I)).click()
    browse.check()

    sign_in(browse, mother.email, NEW_PASSWORD)
    page.get_by_role("heading", name="Your account").wait_for()
    screenshot(page, "accounts-password-reset")
