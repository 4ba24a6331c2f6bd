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


def field_changes(
    form, hidden: set[str] = frozenset(), *, add: bool = False
) -> dict[str, dict[str, Any]]:
    """{field: {"before": …, "after": …}} for the fields this form changed (a new row: "after"
    only). Fields in `hidden` are named with no value (personal data the log must not copy)."""
    changes = {}
    for name in form.changed_data:
        field = form.fields[name]
        if is_secret(name, field) or name in hidden:
            changes[name] = {}
            continue
        changes[name] = {"after": shown(field, form.cleaned_data.get(name))}
        if not add:
            before = form.initial.get(name, field.initial)
            changes[name]["before"] = shown(field, before() if callable(before) else before)
    return changes


class AuditedAdmin:
    """ModelAdmin mixin: the admin's log entries also carry each changed field's values.

    `audit_hidden_fields` names fields whose values stay out of the log (a person's name,
    e-mail or phone: the log says they changed, not what they were).
    """

    audit_hidden_fields: set[str] = set()

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        hidden = set(self.audit_hidden_fields)
        values = field_changes(form, hidden, add=add)
        if values and message:
            entry = message[0].get("added" if add else "changed")
            if entry is not None:
                entry["values"] = values
        # Inline rows (a team's categories, a path's stages): Django names each added or
        # changed row and its fields; add their values to the same lines.
        for formset in formsets or []:
            deleted = set(map(id, formset.deleted_forms))
            for inline in formset.forms:
                if id(inline) in deleted or not inline.has_changed():
                    continue
                new = inline in formset.extra_forms
                for part in message:
                    line = part.get("added" if new else "changed")
                    if line and line.get("object") == str(inline.instance) and "values" not in line:
                        line["values"] = field_changes(inline, hidden, add=new)
                        break
        return message


def change_values(entry: LogEntry) -> dict[str, dict[str, Any]]:
    """The before/after values recorded with a log entry, by field name (an inline row's
    fields prefixed with the row)."""
    try:
        message = json.loads(entry.change_message or "[]")
    except json.JSONDecodeError:  # entries written by hand hold plain text
        return {}
    values = {}
    for part in message if isinstance(message, list) else []:
        for detail in part.values():
            if not isinstance(detail, dict):
                continue
            # An inline row's fields are named after the row: "category “Un devis”: label".
            row = f"{detail['name']} “{detail['object']}”: " if "object" in detail else ""
            values.update({row + name: value for name, value in detail.get("values", {}).items()})
    return values
