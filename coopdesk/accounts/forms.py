from allauth.account import forms as allauth_forms
from allauth.account.forms import LoginForm as AllauthLoginForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AllauthLoginForm):
    """allauth's login form in our words ("Adresse e-mail", as everywhere else)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("E-mail address")
        self.fields["login"].widget.attrs.update(autofocus=True, placeholder="")
        self.fields["password"].widget.attrs.update(placeholder="")


class OurLabels:
    """allauth's password and e-mail forms with our labels, in sentence case and without
    placeholders that repeat them."""

    labels: dict = {}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, label in self.labels.items():
            if name in self.fields:
                self.fields[name].label = label
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)


NEW_PASSWORD = {"password1": _("New password"), "password2": _("The new password again")}


class ChangePasswordForm(OurLabels, allauth_forms.ChangePasswordForm):
    labels = {"oldpassword": _("Current password"), **NEW_PASSWORD}


class ResetPasswordForm(OurLabels, allauth_forms.ResetPasswordForm):
    labels = {"email": _("E-mail address")}


class ResetPasswordKeyForm(OurLabels, allauth_forms.ResetPasswordKeyForm):
    labels = NEW_PASSWORD


class ReauthenticateForm(OurLabels, allauth_forms.ReauthenticateForm):
    labels = {"password": _("Password")}
