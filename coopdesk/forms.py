from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coopdesk import notify
from coopdesk.accounts.models import User
from coopdesk.models import Delivery


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
    note = forms.CharField(
        label=_("Note"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
