from django.apps import AppConfig


class CoopdeskConfig(AppConfig):
    name = "coopdesk"
    verbose_name = "Coopdesk"

    def ready(self) -> None:
        from django.urls import register_converter

        from coopdesk import checks  # noqa: F401  (registers the system checks)
        from coopdesk.converters import BoundedIntConverter

        register_converter(BoundedIntConverter, "id")  # before any urls.py is read

        self.register_jobs()

    def register_jobs(self) -> None:
        # Summaries are queued before the sender runs, and the sender runs last in a
        # round, so `worker --once` sends what the other jobs just wrote.
        from coopdesk import jobs, outbox

        jobs.register("queue daily summaries", 600, outbox.queue_digests)
        jobs.register("send e-mails", 2, outbox.send_pending, every_worker=True, last=True)
