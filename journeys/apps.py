from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    name = "journeys"
    verbose_name = _("Journeys")

    def ready(self) -> None:
        # What the ground floor (coopdesk/, which imports no app) needs of this app:
        # how its events are heard of, its demo, its periodic jobs, its part of a person's data,
        # and that a prospect lands on her path and sees her own menu.
        from django.contrib.auth.signals import user_logged_in

        from coopdesk import jobs, landing
        from journeys import figures, notices, privacy
        from journeys.actions import reminders
        from journeys.views.member import prospect_landing, remember_prospect

        notices.register()
        notices.register_demo()
        privacy.register_privacy()
        landing.register(prospect_landing)
        # Not business logic: what her session remembers for her menu (journeys_tags).
        user_logged_in.connect(remember_prospect, dispatch_uid="journeys.remember_prospect")
        jobs.register("journey task reminders", 600, reminders.send_task_reminders)
        jobs.register("CAPE ending reminders", 600, reminders.send_cape_reminders)
        jobs.register("information meeting reminders", 600, reminders.send_meeting_reminders)
        jobs.register("sum up the journeys' stages", figures.REFRESH_SECONDS, figures.refresh)
