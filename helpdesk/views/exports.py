"""The helpdesk's lists as CSV files: exactly the rows the page shows the same person, with
the same filters, all pages at once. Each export asks its page's view for the queryset
(`queue_filter`, `my_requests`, `advisor_tickets`, `collection_cases`): the permission rule is
written once."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from coopdesk import csv_export
from coopdesk.accounts.models import User
from helpdesk.models import WAITING_FOR_MEMBER, Priority, State
from helpdesk.views.collections import collection_cases
from helpdesk.views.member import my_requests
from helpdesk.views.queues import advisor_tickets, get_staff_team, queue_filter


def _name(person: User | None) -> str:
    return person.get_full_name() if person else ""


# The columns a ticket row reads: plain values, not four model instances a row (a fifth of
# the time for a 20,000-row queue).
TICKET_COLUMNS = (
    "pk", "subject", "category__label", "team__name", "state", "priority", "requester_id",
    "requester__first_name", "requester__last_name", "requester__email",
    "assignee__first_name", "assignee__last_name", "created_at", "first_response_due",
    "first_response_at", "updated_at",
)


def _ticket_rows(tickets, reader: User, *, staff: bool) -> Iterator[list]:
    priorities = {value: str(label) for value, label in Priority.choices}
    states = {value: str(label) for value, label in State.choices}
    waiting_for_her, waiting = states[State.WAITING], str(WAITING_FOR_MEMBER)
    for (pk, subject, category, team, state, priority, requester_id, first, last, email,
         handler_first, handler_last, created, due, answered, updated) in csv_export.read(
        tickets.values_list(*TICKET_COLUMNS)
    ):
        if state == State.WAITING:  # "waiting for you" is for its member only
            label = waiting_for_her if requester_id == reader.pk else waiting
        else:
            label = states.get(state, state)
        yield [
            f"D-{created.year}-{pk:05d}",  # Ticket.reference
            subject, category, team, label,
            # The priority is the team's own: the member's page never shows it.
            *([priorities.get(priority, priority)] if staff else []),
            f"{first} {last}".strip(),
            *([email] if staff else []),
            # A member reads who handles her request by first name, as on the page.
            f"{handler_first or ''} {handler_last or ''}".strip() if staff
            else (handler_first or ""),
            created, due, answered, updated,
        ]


def _ticket_header(*, staff: bool) -> list[str]:
    return [
        _("Reference"), _("Subject"), _("Category"), _("Team"), _("Status"),
        *([_("Priority")] if staff else []), _("Member"),
        *([_("Member's e-mail")] if staff else []), _("Handled by"), _("Opened"),
        _("First response due"), _("First response"), _("Last update"),
    ]


def _filename(name: str) -> str:
    return f"{name}-{timezone.localdate():%Y-%m-%d}.csv"


def _tickets_csv(
    request: HttpRequest, tickets, name: str, *, staff: bool
) -> StreamingHttpResponse:
    """A list of requests as its page shows it: the team's columns, or the member's."""
    return csv_export.stream(
        request, _filename(name), _ticket_header(staff=staff),
        _ticket_rows(tickets, request.user, staff=staff),
    )


@login_required
def queue_export(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    team = get_staff_team(request.user, slug)
    return _tickets_csv(request, queue_filter(request, team).qs, f"demandes-{team.slug}",
                        staff=True)


@login_required
def my_requests_export(request: HttpRequest) -> StreamingHttpResponse:
    tickets, _show = my_requests(request)
    return _tickets_csv(request, tickets, "mes-demandes", staff=False)


@login_required
def advisor_requests_export(request: HttpRequest) -> StreamingHttpResponse:
    tickets, _show = advisor_tickets(request)
    return _tickets_csv(request, tickets, "demandes-de-mes-membres", staff=False)


@login_required
def collection_export(request: HttpRequest) -> StreamingHttpResponse:
    user = request.user
    cases = collection_cases(user)
    header = [
        _("Invoice number"), _("Client"), _("Member"), _("Team"), _("Amount incl. VAT (EUR)"),
        _("Due date"), _("Days overdue"), pgettext("unpaid invoice", "Where it stands"),
        _("Next step proposed"),
        _("Will be taken on"), _("Opened"), _("Last update"),
    ]

    def rows() -> Iterator[list]:
        for case in csv_export.read(cases):
            yield [
                case.invoice_number, case.client_name, _name(case.member), case.team.name,
                case.amount, case.due_date, case.days_overdue, case.get_state_display(),
                case.get_pending_step_display() if case.pending_step else "",
                case.scheduled_for, case.created_at, case.updated_at,
            ]

    return csv_export.stream(request, _filename("factures-impayees"), header, rows())
