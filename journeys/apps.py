from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    name = "journeys"
    verbose_name = _("Journeys")

    def ready(self) -> None:
        register_notices()
        register_demo()


def register_notices() -> None:
    """Tell the ground floor how this app's events are heard of (coopdesk/notify)."""
    from journeys import notices

    notices.register()


def register_demo() -> None:
    from journeys import notices

    notices.register_demo()
