from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = _("Helpdesk")

    def ready(self) -> None:
        # What the ground floor (coopdesk/, which imports no app) needs of this app:
        # how its events are heard of, its demo, its periodic jobs, its part of a person's data.
        from anymail.signals import inbound

        from coopdesk import jobs
        from helpdesk import actions, health, notices, privacy
        from helpdesk.inbound import imap, webhook

        notices.register()
        notices.register_demo()
        privacy.register_privacy()
        jobs.register("auto-close resolved requests", 300, actions.auto_close_resolved)
        jobs.register("take announced collection steps", 300, actions.take_announced_steps)
        jobs.register("escalate requests at risk or late", 300, actions.escalate)
        jobs.register("remind members of unanswered questions", 300, actions.remind_waiting)
        jobs.register("close requests left unanswered", 300, actions.close_unanswered)
        jobs.register("measure the teams' answering pace", 600, actions.measure_answer_pace)
        jobs.register("hand over the requests of absent agents", 300, actions.hand_over_absent)
        jobs.register("read the replies mailbox (IMAP)", settings.IMAP_POLL_SECONDS, imap.poll)
        inbound.connect(webhook.received, dispatch_uid="helpdesk.inbound.webhook")
        jobs.register("sum up the teams' days (health)", 300, health.refresh)
        jobs.register("forget drafts left for weeks", 86400, actions.forget_old_drafts)
