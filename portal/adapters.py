"""allauth customisation: account mail goes through the outbox like every other email."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.template.loader import render_to_string

from .identity import charity_identity
from .models import OutboundEmail
from .outbox import email_record


class AccountAdapter(DefaultAccountAdapter):
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
