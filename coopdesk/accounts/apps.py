from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "coopdesk.accounts"
    label = "accounts"
    verbose_name = "Accounts"
