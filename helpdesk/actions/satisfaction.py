"""How the member was served: her answer, and whether she wants to be asked.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopdesk import lifecycle, notify
from coopdesk.accounts.models import User
from coopdesk.conflicts import Conflict
from helpdesk import satisfaction as questions
from helpdesk.models import EventKind, Satisfaction, SatisfactionOptOut, Score, Ticket

# --- how the member was served ---------------------------------------------------------------


@transaction.atomic
def rate_ticket(
    ticket: Ticket, *, by: User, score: int, comment: str = "", now=None
) -> Satisfaction:
    """The member says how she was served, or changes what she said, while the question is
    open (helpdesk/satisfaction.py). The team hears of it on the timeline (internal: the
    comment is hers to the team, not a message of the request); a low score alerts the
    team lead, once per request."""
    ticket = lifecycle.lock(ticket)  # one answer at a time per request
    now = now or timezone.now()
    if ticket.requester_id != by.pk:
        raise PermissionDenied("only the member says how she was served")
    if score not in Score.values:
        raise Conflict(_("Choose how you were served, from 1 to 5."))
    if not questions.is_open(ticket, now=now):
        raise Conflict(_("The time to say how you were served is over for this request."))
    comment = comment.strip()
    answer = Satisfaction.objects.filter(ticket=ticket).first()
    if answer is not None and (answer.score, answer.comment) == (score, comment):
        return answer  # the same answer again (a second click): nothing new to tell
    was = answer.score if answer else None
    if answer is None:
        answer = Satisfaction(
            ticket=ticket, member=by, team_id=ticket.team_id, created_at=now
        )
    answer.score, answer.comment, answer.changed_at = score, comment, now
    answer.save()
    event = lifecycle.record(
        ticket, EventKind.RATED, by=by, from_state=ticket.state, is_internal=True,
        note=comment, data={"score": score, "was": was}, created_at=now,
    )
    notify.event(event)
    if answer.is_low and answer.lead_alerted_at is None and ticket.team.lead_id:
        answer.lead_alerted_at = now
        answer.save(update_fields=["lead_alerted_at"])
        event = lifecycle.record(
            ticket, EventKind.LOW_SCORE, by=None, from_state=ticket.state, is_internal=True,
            note=comment, data={"score": score}, created_at=now,
        )
        notify.event(event)
    return answer


def set_satisfaction_question(member: User, *, ask: bool) -> None:
    """A member's choice: whether she is asked how she was served when a request closes."""
    if ask:
        SatisfactionOptOut.objects.filter(member=member).delete()
    else:
        SatisfactionOptOut.objects.get_or_create(member=member)
