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


@register(Tags.database)
def squashed_history(app_configs, databases=None, **kwargs):
    """Our apps' migrations each replace older ones whose files are gone. A database that
    applied only some of those would look migrated to Django, which would skip what it
    missed: `migrate` (which runs this check) refuses it instead. Squashes whose replaced
    files are still there (a third-party app's) Django handles itself."""
    from django.db import connections
    from django.db.migrations.loader import MigrationLoader

    errors = []
    for alias in databases or []:
        loader = MigrationLoader(connections[alias], ignore_no_migrations=True)
        applied = set(loader.applied_migrations)
        on_disk = set(loader.disk_migrations)
        for (app, name), migration in sorted(loader.disk_migrations.items()):
            replaced = set(migration.replaces)
            if replaced - on_disk and replaced & applied and not replaced <= applied:
                errors.append(
                    Error(
                        f"The database applied only part of the migrations that "
                        f"{app}.{name} replaces, and their files are gone.",
                        hint='See "Upgrading an existing database" in the README.',
                        id="coopdesk.E003",
                    )
                )
    return errors
