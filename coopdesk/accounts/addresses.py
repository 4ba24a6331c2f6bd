"""Every account's login address is an allauth EmailAddress.

An address typed by staff (the admin, the demo, the test factories) counts as verified: the
person is known to the cooperative. Only the public sign-up records its address unverified,
and allauth (ACCOUNT_EMAIL_VERIFICATION = "mandatory") keeps that account out until the
link e-mailed to it is followed."""

from __future__ import annotations

from allauth.account.models import EmailAddress


def record_login_address(user) -> None:
    """Called by User.save(): the address the account logs in with, verified unless the
    public sign-up says otherwise afterwards."""
    if not user.email:
        return
    if EmailAddress.objects.filter(user=user, email__iexact=user.email).exists():
        return
    EmailAddress.objects.filter(user=user, primary=True).update(primary=False)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
