"""System checks that refuse unsafe production settings."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security)
def production_settings(app_configs, **kwargs):
    from coopdesk.settings import DEV_SECRET_KEY

    errors = []
    if settings.DEBUG:
        return errors
    if settings.SECRET_KEY == DEV_SECRET_KEY:
        errors.append(
            Error("SECRET_KEY is the development key.", hint="Set SECRET_KEY.", id="coopdesk.E001")
        )
    backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    if backend.endswith("InMemoryChannelLayer"):
        errors.append(
            Error(
                "The in-memory channel layer cannot serve several workers.",
                hint="Set REDIS_URL.",
                id="coopdesk.E002",
            )
        )
    return errors
