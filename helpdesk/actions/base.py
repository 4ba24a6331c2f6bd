"""What request actions share: uploads, who may reply, and the assign step itself.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from coopdesk import lifecycle, notify
from coopdesk.accounts.models import User
from helpdesk.models import Attachment, EventKind, Message, State, Ticket, is_team_agent

# --- helpers ---------------------------------------------------------------------------


def validate_upload(upload: UploadedFile) -> None:
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in settings.ATTACHMENT_CONTENT_TYPES:
        allowed = ", ".join(sorted(settings.ATTACHMENT_CONTENT_TYPES))
        raise ValidationError(
            _("“%(name)s”: this type of file is not accepted (accepted: %(allowed)s).")
            % {"name": upload.name, "allowed": allowed}
        )
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is too large (%(size)d MB at most).")
            % {"name": upload.name, "size": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
        )


def shown_name(upload_name: str) -> str:
    """The file's name as people will see it, cut to fit its column but keeping its extension:
    downloaded, "contrat….pdf" still opens as a PDF."""
    name = Path(upload_name).name
    limit = Attachment._meta.get_field("name").max_length
    if len(name) <= limit:
        return name
    suffix = Path(name).suffix  # checked against the accepted types: a few characters
    return name[: limit - len(suffix) - 1] + "…" + suffix


def _attach(ticket: Ticket, message: Message | None, files: Iterable[UploadedFile], by: User):
    for upload in files:
        validate_upload(upload)
        suffix = Path(upload.name).suffix.lower()
        attachment = Attachment(
            ticket=ticket,
            message=message,
            token=secrets.token_hex(16),
            name=shown_name(upload.name),
            size=upload.size,
            content_type=settings.ATTACHMENT_CONTENT_TYPES[suffix],
            uploaded_by=by,
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()


def may_reply(ticket: Ticket, user: User) -> bool:
    """Whether add_reply would let this person write on this request now."""
    if ticket.state in (State.CLOSED, State.WITHDRAWN):
        return False
    try:
        _check_can_reply(ticket, user)
    except PermissionDenied:
        return False
    return True


def _check_can_reply(ticket: Ticket, by: User) -> None:
    if is_team_agent(ticket, by):
        return
    if ticket.requester_id == by.pk or by.follows_member(ticket.requester):
        return
    raise PermissionDenied("not a participant")


def _assign(
    ticket: Ticket, *, by: User | None, to: User | None, note: str = "", why: dict | None = None
) -> Ticket:
    """The assign step; `by` None is Coopdesk itself (`why` says: automatically, or while
    someone is away), or `why` says the person took it by answering the member."""
    lifecycle.run(ticket, ticket.assign, by, to=to)
    lifecycle.save(ticket)
    data = {"assignee": to.first_name if to else None, "assignee_id": to.pk if to else None,
            **(why or {})}
    event = lifecycle.record(
        ticket, EventKind.ASSIGNED, by=by, note=note, data=data
    )
    notify.event(event)
    return ticket
