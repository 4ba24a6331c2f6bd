from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KbConfig(AppConfig):
    name = "kb"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        # Worker jobs.
        from coopdesk import jobs
        from kb import actions

        jobs.register("tell owners of articles due for a check", 3600, actions.flag_stale_articles)
