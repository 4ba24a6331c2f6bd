from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KbConfig(AppConfig):
    name = "kb"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        # What the ground floor (coopdesk/, which imports no app) needs of this app:
        # how its events are heard of, its demo, its periodic jobs, its part of a person's data.
        from coopdesk import jobs
        from kb import actions, notices, privacy

        notices.register()
        notices.register_demo()
        privacy.register_privacy()
        jobs.register("tell owners of articles due for a check", 3600, actions.flag_stale_articles)
