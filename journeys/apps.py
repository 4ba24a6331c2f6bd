from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    name = "journeys"
    verbose_name = _("Journeys")

    def ready(self) -> None:
        # Worker jobs.
        from coopdesk import jobs
        from journeys.actions import reminders

        jobs.register("journey task reminders", 600, reminders.send_task_reminders)
        jobs.register("CAPE ending reminders", 600, reminders.send_cape_reminders)
        jobs.register("information meeting reminders", 600, reminders.send_meeting_reminders)
