"""How django-allauth fits Coopdesk: nobody signs up through allauth's own form (people join
through an information meeting's sign-up), and an address recorded as unverified keeps its
account out until its owner follows the link e-mailed to it."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.email_verification import (
    send_verification_email_to_address,
)
from allauth.account.internal.stagekit import clear_login
from allauth.account.models import EmailAddress
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse


def awaiting_verification(user: AbstractBaseUser) -> EmailAddress | None:
    """The address a public sign-up recorded for this account, while it is unverified.

    Accounts made by staff (or before allauth) have no address row: they log in as before."""
    addresses = list(EmailAddress.objects.filter(user=user))
    if not addresses or any(address.verified for address in addresses):
        return None
    return addresses[0]


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_login(self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any
                  ) -> HttpResponse | None:
        response = super().pre_login(request, user, **kwargs)
        if response is not None:
            return response
        address = awaiting_verification(user)
        if address is None:
            return None
        clear_login(request)
        # The link again, at most once per cooldown (allauth's "confirm_email" rate limit).
        send_verification_email_to_address(request, address)
        return self.respond_email_verification_sent(request, user)
