"""Who changed which configuration row, when, and from what to what.

Django's admin already writes a `LogEntry` for every add, change and delete made through it,
with the names of the changed fields in `change_message` (a JSON list). `AuditedAdmin` adds
the values before and after to that same JSON, so the log needs no table of its own: the
admin's history pages keep working, and `LogEntryAdmin` (coopdesk/admin.py) shows the whole
log, read-only, to admins.

The apps' configuration admins (teams, categories, paths, stages, people's roles, experts,
topics) inherit the mixin; `coopdesk/` itself imports no app.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib.admin.models import LogEntry
from django.db import models


def is_secret(name: str, field) -> bool:
    """A password, typed or hashed, is never written to the log, whatever the form calls it
    (the add-person form has password1 and password2)."""
    return "password" in name or isinstance(field.widget, forms.PasswordInput)


def shown(field, value: Any) -> Any:
    """A JSON-friendly, readable form of a form value (before: as in `form.initial`, where a
    chosen row is its key; after: as in `cleaned_data`, where it is the row)."""
    queryset = getattr(field, "queryset", None)
    if value in (None, "") or isinstance(value, bool):
        return value
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, int | str) and queryset is not None:
        return str(queryset.filter(pk=value).first() or value)
    if isinstance(value, int | float | str):
        return value
    if isinstance(value, Iterable) and not isinstance(value, dict):
        items = list(value)
        if queryset is not None and items and not isinstance(items[0], models.Model):
            items = list(queryset.filter(pk__in=items))
        return sorted(str(item) for item in items)
    return str(value)  # dates, decimals, JSON: as text, always serialisable


def field_changes(form, hidden: set[str] = frozenset()) -> dict[str, dict[str, Any]]:
    """{field: {"before": …, "after": …}} for the fields this form changed. Fields in `hidden`
    are named with no value (personal data the log must not copy)."""
    changes = {}
    for name in form.changed_data:
        field = form.fields[name]
        if is_secret(name, field) or name in hidden:
            changes[name] = {}
            continue
        before = form.initial.get(name, field.initial)
        if callable(before):
            before = before()
        changes[name] = {
            "before": shown(field, before), "after": shown(field, form.cleaned_data.get(name))
        }
    return changes


class AuditedAdmin:
    """ModelAdmin mixin: the admin's log entries also carry each changed field's values.

    `audit_hidden_fields` names fields whose values stay out of the log (a person's name,
    e-mail or phone: the log says they changed, not what they were).
    """

    audit_hidden_fields: set[str] = set()

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        values = field_changes(form, set(self.audit_hidden_fields))
        if add:  # a new row had no "before"
            values = {name: {"after": v["after"]} if v else {} for name, v in values.items()}
        if values and message:
            entry = message[0].get("added" if add else "changed")
            if entry is not None:
                entry["values"] = values
        return message


def change_values(entry: LogEntry) -> dict[str, dict[str, Any]]:
    """The before/after values recorded with a log entry, by field name."""
    try:
        message = json.loads(entry.change_message or "[]")
    except json.JSONDecodeError:  # entries written by hand hold plain text
        return {}
    values = {}
    for part in message if isinstance(message, list) else []:
        for detail in part.values():
            if isinstance(detail, dict):
                values.update(detail.get("values", {}))
    return values
