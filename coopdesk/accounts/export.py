"""Download my data: one ZIP with every part as JSON and as readable HTML, and the files.

The ZIP is written to a temporary file (spilled to disk past a few megabytes) and files are
copied into it in chunks, so memory stays bounded whatever the person uploaded. Only the
person's own records go in: each app's exporter starts from the person (see privacy.py).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from typing import IO, Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from coopdesk.accounts.models import User
from coopdesk.accounts.privacy import PARTS, Export

IN_MEMORY_BYTES = 4 * 1024 * 1024


def account_part(user: User) -> Export:
    return Export(records=[{
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "phone": user.phone,
        "language": user.language,
        "role": user.get_role_display(),
        "office": str(user.office) if user.office_id else "",
        "advisor": user.advisor.get_full_name() if user.advisor_id else "",
        "joined": user.date_joined.isoformat(),
        "notification_choices": {
            choice.kind: choice.delivery for choice in user.notification_preferences.all()
        },
    }])


def as_html(value: Any) -> SafeString:
    """A readable rendering of a JSON-friendly value: lists and tables, nothing executable
    (every text is escaped)."""
    if isinstance(value, dict):
        if set(value) == {"name", "file"}:
            return format_html('<a href="{}">{}</a>', value["file"], value["name"])
        return format_html(
            "<dl>{}</dl>",
            format_html_join("", "<dt>{}</dt><dd>{}</dd>",
                             ((key.replace("_", " "), as_html(item))
                              for key, item in value.items())),
        )
    if isinstance(value, list):
        if not value:
            return format_html("<p>{}</p>", "—")
        return format_html("<ol>{}</ol>", format_html_join(
            "", "<li>{}</li>", ((as_html(item),) for item in value)
        ))
    if value in (None, ""):
        return format_html("{}", "—")
    return format_html('<span class="text">{}</span>', value)


def write_export(user: User, out: IO[bytes]) -> None:
    parts = [("account", _("My account"), account_part(user))]
    parts += [(part.name, part.title, part.export(user)) for part in PARTS.values()]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, title, export in parts:
            data = json.dumps(export.records, ensure_ascii=False, indent=2)
            archive.writestr(f"{name}.json", data)
            archive.writestr(f"{name}.html", render_to_string("accounts/export_part.html", {
                "title": title, "records": as_html(export.records), "json": f"{name}.json",
            }))
            for path, stored in export.files:
                try:
                    source = stored.open("rb")
                except FileNotFoundError:  # a row whose file was lost: say so, do not fail
                    archive.writestr(f"{path}.missing.txt", _("This file could not be found."))
                    continue
                with source, archive.open(path, "w") as target:
                    shutil.copyfileobj(source, target, 64 * 1024)
        archive.writestr("index.html", render_to_string("accounts/export_index.html", {
            "person": user, "made_at": timezone.now(),
            "parts": [(f"{name}.html", f"{name}.json", title) for name, title, __ in parts],
        }))


def build_export(user: User) -> IO[bytes]:
    """The ZIP, in a temporary file positioned at its start (closing it deletes it)."""
    out = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)
    write_export(user, out)
    out.seek(0)
    return out
