from django import forms

CONFIRM_DELETE_REQUIRED = "Tick the box to confirm that you want to delete your account."


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that my account and everything I have told you will be deleted, and this cannot be undone.",
        error_messages={"required": CONFIRM_DELETE_REQUIRED},
    )
