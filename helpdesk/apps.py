from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = _("Helpdesk")

    def ready(self) -> None:
        register_notices()
        register_demo()


def register_notices() -> None:
    """Tell the ground floor how this app's events are heard of (coopdesk/notify)."""
    from helpdesk import notices

    notices.register()


def register_demo() -> None:
    from helpdesk import notices

    notices.register_demo()
