"""What each app holds about a person: to hand it over ("download my data") and to erase it.

The ground floor imports no app, so each app registers its part from `AppConfig.ready()`
(see `<app>/privacy.py`): a title, an exporter and an eraser. `coopdesk/accounts/export.py`
and `coopdesk/accounts/erasure.py` call them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models.fields.files import FieldFile

# What an eraser puts in place of a free text the person wrote or that is about them.
ERASED = "[effacé]"


@dataclass
class Export:
    """One part of the download: records (JSON-friendly dicts) and files to copy alongside.

    `files` pairs a path inside the ZIP with the stored file; a record names that path under
    a "file" key, so the HTML view can link it.
    """

    records: list[dict[str, Any]] = field(default_factory=list)
    files: list[tuple[str, FieldFile]] = field(default_factory=list)


@dataclass
class Part:
    name: str
    title: Any  # a lazy translation
    export: Callable[[Any], Export]
    # Erases what the app holds about the person, inside the erasure's transaction, and
    # returns the records about them that stay (their notifications to others go with them).
    erase: Callable[[Any], Iterable[models.QuerySet]]


PARTS: dict[str, Part] = {}


def register(name: str, *, title, export: Callable, erase: Callable) -> None:
    PARTS[name] = Part(name, title, export, erase)


def delete_files(files: Iterable[FieldFile]) -> None:
    """Remove stored files once the erasure commits (a rolled-back erasure keeps them); their
    rows are changed or deleted by the caller."""
    doomed = [(stored.storage, stored.name) for stored in files if stored]

    def delete() -> None:
        for storage, name in doomed:
            storage.delete(name)

    transaction.on_commit(delete)
