from portal.outbox.consent import unsubscribe_token

CRAWLED = True

SAMPLES = {
    "portal:email-unsubscribe": lambda s: {"token": unsubscribe_token(s.mother.email)},
}

NOT_CRAWLED = {
    "healthz": "a plain-text health check for the load balancer",
    "portal:language": "POST only: the footer's language choice",
    "portal:email-cancel": "POST only: a nurse cancels a queued email",
    "portal:data-export-json": "a download (JSON)",
    "account_logout": "signs the reader out",
    "account_confirm_email": "needs an emailed key; its page is the sign-up journey's (tests/portal)",
    "account_reset_password_from_key": "needs an emailed key; its page is the reset journey's (tests/portal)",
    "mfa_download_recovery_codes": "a download (plain text)",
    # Steps inside a journey: they redirect unless the journey is under way (allauth's own tests cover them).
    "account_set_password": "only for an account without a password (the crawl's all have one)",
    "account_confirm_login_code": "only while a sign-in by emailed code is under way",
    "mfa_authenticate": "only between the password and the second factor of a sign-in",
    "mfa_activate_totp": "only for an account without TOTP; shown to staff in tests/portal",
    "mfa_deactivate_totp": "only after reauthenticating, for an account with TOTP",
    "mfa_view_recovery_codes": "only for an account with recovery codes",
    "mfa_generate_recovery_codes": "only after reauthenticating",
    # Known gap: its headings are the data export's own keys (times_that_suit_her), made readable
    # in English by portal/data_page.py; they need translated names before this page can be crawled.
    "portal:data-export": "headings are the export's keys, still English (known gap)",
}

NEEDS_APPS: dict[str, tuple[str, ...]] = {}
