"""Two-factor authentication is required of everyone who works on the desk."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from allauth.mfa.utils import is_mfa_enabled
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from coopdesk.accounts.models import Role

STAFF_ROLES = {Role.ADVISOR, Role.AGENT, Role.LEAD, Role.ADMIN}
# What a staff member without an authenticator may still reach: setting one up, and leaving.
ALLOWED_URL_NAMES = {
    "accounts:logout", "account_logout", "account_reauthenticate", "set_language",
}
# Once a session has seen that its staff member has an authenticator, the session remembers it
# (the id of that user) instead of asking the database on every page. Only a "yes" is kept, so
# adding an authenticator needs nothing; removing one forgets it in every session of that
# person (forget_two_factor below), and the next page asks the database again.
SESSION_KEY = "coopdesk_has_authenticator"


def must_set_up_two_factor(user, session: SessionBase | None = None) -> bool:
    if not (
        settings.MFA_REQUIRED_FOR_STAFF
        and user.is_authenticated
        and (user.role in STAFF_ROLES or user.is_staff)
    ):
        return False
    if session is not None and session.get(SESSION_KEY) == user.pk:
        return False
    if not is_mfa_enabled(user):
        return True
    if session is not None:
        session[SESSION_KEY] = user.pk
    return False


def forget_two_factor(sender, instance, **kwargs) -> None:
    """An authenticator is gone (removed by its owner, by an admin, or with an erasure): every
    session of its owner checks the database again on its next page. Sessions are found
    through django-allauth's record of them (usersessions, written at each login)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = UserSession.objects.filter(user_id=instance.user_id).values_list("session_key",
                                                                            flat=True)
    for key in keys:
        session = store(key)
        if SESSION_KEY in session:
            del session[SESSION_KEY]
            session.save()


def forget_two_factor_here(sender, request: HttpRequest, **kwargs) -> None:
    """The session of the request that removed an authenticator is in memory, and saved at the
    end of that request: it forgets too, or it would write the old answer back."""
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(SESSION_KEY, None)


class StaffTwoFactorMiddleware:
    """Staff without TOTP are sent to set it up, whatever page they ask for (their first
    login included); members may set it up from their account menu, and are never forced."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs
                     ) -> HttpResponse | None:
        match = request.resolver_match
        name = match.view_name if match else ""
        if name in ALLOWED_URL_NAMES or name.startswith("mfa_"):
            return None
        if not must_set_up_two_factor(request.user, request.session):
            return None
        messages.info(request, _("Your role needs two-factor authentication: set it up with "
                                 "an authenticator app to continue."))
        return redirect("mfa_activate_totp")
