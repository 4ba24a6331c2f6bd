from django.apps import AppConfig


class CoopdeskConfig(AppConfig):
    name = "coopdesk"
    verbose_name = "Coopdesk"

    def ready(self) -> None:
        from coopdesk import checks  # noqa: F401  (registers the system checks)
