from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from coopdesk import notify
from coopdesk.accounts.models import User
from coopdesk.converters import parse_id
from coopdesk.models import Delivery
from coopdesk.text import typed_line, typed_text


class CleanCharField(forms.CharField):
    """Django's CharField without control characters (coopdesk.text): the text boxes keep
    tabs and line breaks, a one-line field turns them into spaces. Every text a person
    types in a form goes through it (ModelForms name it in Meta.field_classes); never a
    password, which must reach the hasher as typed."""

    def to_python(self, value):
        if isinstance(value, str):
            multiline = isinstance(self.widget, forms.Textarea)
            value = typed_text(value) if multiline else typed_line(value)
        return super().to_python(value)


class PreferenceForm(forms.Form):
    """One choice per kind of event: in the app only, e-mail at once, or a daily summary."""

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        current = notify.preferences_for(user)
        for kind, label in notify.kinds_for(user):
            self.fields[kind] = forms.ChoiceField(
                label=label, choices=Delivery.choices, widget=forms.RadioSelect,
                initial=current[kind],
            )


class StepForm(forms.Form):
    """The form behind a step's button: the version the page showed (a stale page gets a 409)
    and an optional note for the timeline."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    note = CleanCharField(
        label=_("Note"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class IdsField(forms.ModelMultipleChoiceField):
    """Django's ModelMultipleChoiceField, refusing ids no row can have before its `pk__in`
    query: Django guards `=` against overflow but not `IN`, where an id past 64 bits made
    SQLite raise OverflowError and PostgreSQL refuse the query (a 500)."""

    def _check_values(self, value):
        for pk in value:
            if parse_id(str(pk)) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)
