from allauth.account.forms import LoginForm
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .validators import validate_email_characters

CONFIRM_DELETE_REQUIRED = _("Tick the box to confirm that you want to delete your account.")


def add_service_error(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's refusal on the form: errors for one of its fields on that field, everything else on top.

    Services raise ValidationError, plain or keyed by field (full_clean()); a key the form has no field
    for (a model field the form does not show) goes on top rather than failing.
    """
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def attempt(form: forms.Form, service, /, **kwargs) -> bool:
    """Call a service; if it refuses, put its reasons on the form (add_service_error) and report failure."""
    try:
        service(**kwargs)
    except ValidationError as exc:
        add_service_error(form, exc)
        return False
    return True


def error_text(exc: ValidationError) -> str:
    """A service's refusal as one line, for a flash message or a page without a form."""
    return " ".join(exc.messages)


class DateInput(forms.DateInput):
    """A browser date picker. Its value must be ISO 8601 (2026-11-30), whatever the site's date format."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class EmailAddressField(forms.EmailField):
    """The email field of every form: Django's, refusing control characters too."""

    default_validators = [*forms.EmailField.default_validators, validate_email_characters]


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand that my account and everything I have told you will be deleted, and this cannot be undone."
        ),
        error_messages={"required": CONFIRM_DELETE_REQUIRED},
    )


class SignInForm(LoginForm):
    """allauth's sign-in form, which also asks for an authenticator code once a limit is reached (portal/signin.py)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.data.get("code"):
            self.add_code_field()

    def add_code_field(self) -> None:
        self.fields["code"] = forms.CharField(
            label=_("Code from your authenticator app"),
            help_text=_(
                "There have been many failed attempts to sign in to this account. If you use an authenticator "
                "app, enter its current code with your password to sign in now; otherwise try again later "
                "or reset your password."
            ),
            required=False,
            max_length=8,
            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        )

    def clean_login(self) -> str:
        login = super().clean_login()
        validate_email_characters(login)
        return login

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError as error:
            if error.code == "too_many_login_attempts" and "code" not in self.fields:
                self.add_code_field()
            raise
