"""Two-factor authentication is required of everyone who works on the desk."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from coopdesk.accounts.models import Role

STAFF_ROLES = {Role.ADVISOR, Role.AGENT, Role.LEAD, Role.ADMIN}
# What a staff member without an authenticator may still reach: setting one up, and leaving.
ALLOWED_URL_NAMES = {
    "accounts:logout", "account_logout", "account_reauthenticate", "set_language",
}


def must_set_up_two_factor(user) -> bool:
    return (
        settings.MFA_REQUIRED_FOR_STAFF
        and user.is_authenticated
        and (user.role in STAFF_ROLES or user.is_staff)
        and not is_mfa_enabled(user)
    )


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
        if not must_set_up_two_factor(request.user):
            return None
        messages.info(request, _("Your role needs two-factor authentication: set it up with "
                                 "an authenticator app to continue."))
        return redirect("mfa_activate_totp")
