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
    """Each app's migration replaces its old ones, whose files are gone. A database that
    applied only some of them would look migrated to Django, which would skip what it
    missed: `migrate` (which runs this check) refuses it instead."""
    from django.db import connections
    from django.db.migrations.loader import MigrationLoader

    errors = []
    for alias in databases or []:
        loader = MigrationLoader(connections[alias], ignore_no_migrations=True)
        applied = set(loader.applied_migrations)
        for (app, name), migration in sorted(loader.disk_migrations.items()):
            replaced = set(migration.replaces)
            if replaced & applied and not replaced <= applied:
                errors.append(
                    Error(
                        f"The database applied only part of the migrations that "
                        f"{app}.{name} replaces.",
                        hint='Migrate with commit 7610d17 first (see "Upgrading an existing '
                        'database" in the README).',
                        id="coopdesk.E003",
                    )
                )
    return errors
