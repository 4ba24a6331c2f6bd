from __future__ import annotations

from django import forms

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
