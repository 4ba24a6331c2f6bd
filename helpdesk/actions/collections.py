"""Collections: the ladder an unpaid invoice climbs, step by step, with the member's OK.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import has_transition_perm

from coopdesk import lifecycle, notify
from coopdesk.accounts.models import User
from coopdesk.conflicts import Conflict
from helpdesk.models import (
    LADDER,
    CollectionCase,
    CollectionEventKind,
    CollectionSettings,
    Consent,
    Team,
    Ticket,
)

# --- collections ---------------------------------------------------------------------------------

ANNOUNCE_DAYS = 2


def _take_step(case: CollectionCase, *, by: User | None, note: str = "") -> None:
    lifecycle.run(case, case.take_step, None)
    lifecycle.save(case)
    event = lifecycle.record(
        case, CollectionEventKind.TAKEN, by=by, step=case.state, note=note
    )
    notify.event(event)


@transaction.atomic
def open_collection_case(
    *, by: User, member: User, team: Team, client_name: str, invoice_number: str, amount,
    due_date, ticket: Ticket | None = None,
) -> CollectionCase:
    if not by.works_for_team(team.pk):
        raise PermissionDenied("only the team's agents open collection cases")
    if not member.is_member:
        raise Conflict(_("Collection cases are opened for members only."))
    case = CollectionCase.objects.create(
        member=member, team=team, ticket=ticket, client_name=client_name,
        invoice_number=invoice_number, amount=amount, due_date=due_date,
    )
    event = lifecycle.record(case, CollectionEventKind.OPENED, by=by)
    notify.event(event)
    return case


@transaction.atomic
def propose_next_step(
    case: CollectionCase, *, by: User, note: str = "", expected_version: int | None = None
) -> CollectionCase:
    """The team wants to climb one step: taken, announced, or held for the member's OK."""
    case = lifecycle.lock(case, expected_version)
    step = case.next_step
    if step is None:
        raise Conflict(_("There is no further step for this invoice."))
    if not has_transition_perm(case.take_step, by):
        raise PermissionDenied("not an agent of this case's team")
    if case.pending_step:
        raise Conflict(
            _("“%(step)s” is already waiting for the member.")
            % {"step": case.get_pending_step_display()}
        )
    defaults = CollectionSettings.for_member(case.member)
    if case.consent_for(step, defaults) == Consent.HOLD:
        case.pending_step, case.pending_since = step, timezone.now()
        lifecycle.save(case)
        event = lifecycle.record(case, CollectionEventKind.PROPOSED, by=by, step=step, note=note)
        notify.event(event)
    elif defaults.tell_me_before:
        now = timezone.now()
        case.pending_step, case.pending_since = step, now
        case.scheduled_for = now + timedelta(days=ANNOUNCE_DAYS)
        lifecycle.save(case)
        event = lifecycle.record(
            case, CollectionEventKind.SCHEDULED, by=by, step=step, note=note
        )
        notify.event(event)
    else:
        _take_step(case, by=by, note=note)
    return case


@transaction.atomic
def set_collection_consent(
    case: CollectionCase, *, by: User, step: str, consent: str,
    expected_version: int | None = None,
) -> CollectionCase:
    """The member says OK or wait for one step of this invoice ("OK, go ahead" / "Wait for my
    OK"); an OK for the step the team proposed starts it."""
    case = lifecycle.lock(case, expected_version)
    if case.member_id != by.pk:
        raise PermissionDenied("only the member decides")
    if step not in LADDER or consent not in Consent.values:
        raise Conflict(_("Unknown step or choice."))
    if not case.is_open or LADDER.index(step) < LADDER.index(case.next_step or step):
        raise Conflict(_("This step is already behind: it can no longer be changed."))
    case.overrides = {**case.overrides, step: consent}
    go_now = case.pending_step == step and consent == Consent.ALLOW
    if case.pending_step == step and consent == Consent.HOLD:
        case.scheduled_for = None
    lifecycle.save(case)
    event = lifecycle.record(case, CollectionEventKind.CONSENT, by=by, step=step, note=consent)
    notify.event(event)
    if go_now:
        # Her OK is her event above; the step itself is the team's to start (as when the
        # worker takes an announced step), not something she did.
        _take_step(case, by=None)
    return case


mark_case_paid = lifecycle.plain_step("mark_paid", CollectionEventKind.PAID)


stop_case = lifecycle.plain_step("stop", CollectionEventKind.STOPPED)


def take_announced_steps(now=None) -> int:
    """Worker job: take the steps announced two days ago that the member did not hold."""
    now = now or timezone.now()
    due = CollectionCase.objects.filter(scheduled_for__lte=now).only("pk")
    taken = 0
    for case in list(due):
        with transaction.atomic():
            case = lifecycle.lock(case)
            if not case.scheduled_for or case.scheduled_for > now or not case.pending_step:
                continue
            if case.consent_for(case.pending_step) == Consent.HOLD:
                case.scheduled_for = None
                lifecycle.save(case)
                continue
            _take_step(case, by=None)
            taken += 1
    return taken
