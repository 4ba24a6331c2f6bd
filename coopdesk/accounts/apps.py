from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "coopdesk.accounts"
    label = "accounts"
    verbose_name = _("People and offices")  # allauth's own app is "Accounts"

    def ready(self) -> None:
        from allauth.mfa.models import Authenticator
        from allauth.mfa.signals import authenticator_removed
        from django.db.models.signals import post_delete

        from coopdesk.accounts import middleware, notices

        notices.register()

        # Not business logic: what staff sessions remember of two-factor is forgotten when an
        # authenticator goes, whoever deletes it (coopdesk/accounts/middleware.py).
        post_delete.connect(middleware.forget_two_factor, sender=Authenticator,
                            dispatch_uid="coopdesk.forget_two_factor")
        authenticator_removed.connect(middleware.forget_two_factor_here, sender=Authenticator,
                                      dispatch_uid="coopdesk.forget_two_factor_here")
