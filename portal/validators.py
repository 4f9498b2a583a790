"""Validators shared by every app's forms."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EMAIL_CONTROL_CHARACTERS = _("Enter an email address without line breaks, tabs or other control characters.")


def validate_email_characters(value: str) -> None:
    """Refuse control characters, which Django's email validation lets through in a quoted local part.

    A form feed there becomes a real line break in the To: header, and the message can never be sent.
    """
    if any(ord(char) < 32 or ord(char) == 127 for char in value or ""):
        raise ValidationError(EMAIL_CONTROL_CHARACTERS, code="control_characters")
