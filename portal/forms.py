from django import forms


class DateInput(forms.DateInput):
    """A browser date picker. Its value must be ISO 8601 (2026-11-30), whatever the site's date format."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


CONFIRM_DELETE_REQUIRED = "Tick the box to confirm that you want to delete your account."


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that my account and everything I have told you will be deleted, and this cannot be undone.",
        error_messages={"required": CONFIRM_DELETE_REQUIRED},
    )
