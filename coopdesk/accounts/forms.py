from allauth.account.forms import LoginForm as AllauthLoginForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AllauthLoginForm):
    """allauth's login form in our words ("Adresse e-mail", as everywhere else)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("E-mail address")
        self.fields["login"].widget.attrs.update(autofocus=True, placeholder="")
        self.fields["password"].widget.attrs.update(placeholder="")
