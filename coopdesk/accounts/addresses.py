"""Every account's login address is an allauth EmailAddress.

An address typed by staff (the admin, the demo, the test factories) counts as verified: the
person is known to the cooperative. Only the public sign-up records its address unverified,
and allauth (ACCOUNT_EMAIL_VERIFICATION = "mandatory") keeps that account out until the
link e-mailed to it is followed."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress


def record_login_address(sender: type, instance, created: bool, raw: bool = False,
                         **kwargs: Any) -> None:
    if raw or not instance.email:
        return
    if EmailAddress.objects.filter(user=instance, email__iexact=instance.email).exists():
        return
    EmailAddress.objects.filter(user=instance, primary=True).update(primary=False)
    EmailAddress.objects.create(user=instance, email=instance.email, primary=True, verified=True)
