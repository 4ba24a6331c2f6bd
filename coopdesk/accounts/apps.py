from django.apps import AppConfig
from django.db.models.signals import post_save


class AccountsConfig(AppConfig):
    name = "coopdesk.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from coopdesk.accounts.addresses import record_login_address

        post_save.connect(record_login_address, sender=self.get_model("User"),
                          dispatch_uid="accounts.record_login_address")
