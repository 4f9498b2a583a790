"""allauth customisation: account mail goes through the outbox like every other email, in the
portal's voice, and the confirmation link keeps where she was going."""

from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import get_next_redirect_url
from allauth.core import context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied
from django.shortcuts import resolve_url
from django.template.loader import render_to_string

from . import signin
from .client_address import client_ip
from .identity import charity_identity
from .models import OutboundEmail
from .outbox import email_record
from .roles import has_role
from .validators import validate_email_characters


def user_display(user) -> str:
    """How allauth names an account on its pages and in its emails (ACCOUNT_USER_DISPLAY)."""
    return user.first_name or user.email


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject: str) -> str:
        """allauth's subjects are in title case ("Please Confirm Your Email Address"); ours are in sentence case."""
        subject = super().format_email_subject(subject).strip()
        return subject[:1].upper() + subject[1:].lower()

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        """The link carries where she was going when she signed up (a path on this site, checked by
        allauth), so that confirming and signing in take her there rather than to her account page."""
        url = super().get_email_confirmation_url(request, emailconfirmation)
        next_url = get_next_redirect_url(request) if request is not None else None
        return f"{url}?{urlencode({'next': next_url})}" if next_url else url

    def get_login_redirect_url(self, request) -> str:
        """Staff land where their work is (settings.LOGIN_REDIRECT_BY_ROLE): the queue for a nurse,
        the review list for an editor. allauth asks only when no ?next= was given, so a page she
        was sent to sign in for still comes first."""
        for role, url_name in settings.LOGIN_REDIRECT_BY_ROLE:
            if has_role(request.user, role):
                return resolve_url(url_name)
        return super().get_login_redirect_url(request)

    def get_client_ip(self, request) -> str:
        """The portal's one answer (portal.client_address), for allauth's rate limits, its
        "where you are signed in" records and the address in its security notices."""
        address = client_ip(request)
        if address is None:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    # Failed sign-in limits: see portal/signin.py for the rules and why.
    def pre_authenticate(self, request, **credentials) -> None:
        email, address = credentials.get("email", ""), self.get_client_ip(request)
        usages = signin.consume_attempt(request, email, address)
        self._signin_usages = usages or []
        if usages is None and not signin.password_and_code_accepted(request, credentials):
            raise self.validation_error("too_many_login_attempts")

    def _rollback_login_failed_rl_usage(self) -> None:
        # A successful sign-in takes back its own attempt only (as allauth does).
        for usage in getattr(self, "_signin_usages", []):
            usage.rollback()

    def _delete_login_attempts_cached_email(self, request, **credentials) -> None:
        # After a password reset.
        signin.clear_attempts(request, credentials.get("email", ""), self.get_client_ip(request))

    def add_message(self, request, level, message_template=None, message_context=None, extra_tags="", message=None):
        # "Confirmation email sent to ..." is added for some addresses at sign-up and not for others
        # (one that already has an account, in another case, or signed up twice), so the pages told
        # who has an account. Signed out, the "Check your email" page alone says it, the same for all.
        if message_template == "account/messages/email_confirmation_sent.txt" and not request.user.is_authenticated:
            return
        super().add_message(request, level, message_template, message_context, extra_tags, message)

    def clean_email(self, email: str) -> str:
        # Sign-up, adding or changing an address, and password reset.
        validate_email_characters(email)
        return super().clean_email(email)

    def get_login_stages(self) -> list[str]:
        return [
            "portal.signin.CodeCheckedAuthenticateStage" if stage == "allauth.mfa.stages.AuthenticateStage" else stage
            for stage in super().get_login_stages()
        ]

    def send_mail(self, template_prefix: str, email: str, context_: dict) -> None:
        """Render allauth's message as allauth would, then record it as transactional outbox mail.

        It is then sent by the worker with the same retries and visibility as the
        rest, and never from inside the request (an SMTP hiccup cannot break sign-up).
        """
        request = context.request
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "site_url": settings.SITE_URL,
            **charity_identity(),
            **context_,
        }
        rendered = self.render_mail(template_prefix, email, ctx)
        if rendered.content_subtype == "html":
            body_text, body_html = "", rendered.body
        else:
            body_text = rendered.body
            html_parts = [
                content for content, mimetype in getattr(rendered, "alternatives", []) if mimetype == "text/html"
            ]
            body_html = (
                html_parts[0]
                if html_parts
                else render_to_string(
                    "portal/email/account_message.html", {**ctx, "body": body_text, "subject": rendered.subject}
                )
            )
        email_record(
            to=email,
            template=template_prefix,
            subject=rendered.subject,
            body_text=body_text,
            body_html=body_html,
            kind=OutboundEmail.Kind.TRANSACTIONAL,
        )
