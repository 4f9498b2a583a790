"""A service's refusal reaches the person on the form she submitted, whatever shape the service gave it."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from portal.forms import attempt


class TermForm(forms.Form):
    term = forms.CharField()


def _refuse(exc):
    def service(**kwargs):
        raise exc

    return service


def _submitted():
    form = TermForm({"term": "bone"})
    assert form.is_valid()
    return form


def test_a_plain_refusal_is_shown_at_the_top_of_the_form():
    form = _submitted()
    assert not attempt(form, _refuse(ValidationError("That synonym already exists.")))
    assert form.errors == {NON_FIELD_ERRORS: ["That synonym already exists."]}


def test_a_refusal_about_a_field_is_shown_on_that_field():
    form = _submitted()
    assert not attempt(form, _refuse(ValidationError({"term": "Use at least two letters."})))
    assert form.errors == {"term": ["Use at least two letters."]}


def test_a_refusal_about_a_field_the_form_does_not_show_is_shown_at_the_top():
    form = _submitted()
    assert not attempt(form, _refuse(ValidationError({"means": "Say what it means."})))
    assert form.errors == {NON_FIELD_ERRORS: ["Say what it means."]}


def test_an_accepted_submission_calls_the_service_with_its_arguments():
    seen = {}
    form = _submitted()
    assert attempt(form, lambda **kwargs: seen.update(kwargs), term="bone", by="nurse")
    assert seen == {"term": "bone", "by": "nurse"}
    assert form.errors == {}
