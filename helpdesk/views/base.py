"""What the helpdesk's pages share: a request as the reader may see it, and the teams a
member of staff works for.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404

from coopdesk.accounts.models import User
from coopdesk.models import TicketSubscription
from helpdesk.models import Team, Ticket

PAGE_SIZE = 25
PERSON_FIELDS = ("first_name", "last_name", "email")


def get_visible_ticket(
    user: User, pk: int, *, for_page: bool = False, follow_card: bool = False
) -> Ticket:
    # Only what the page shows: each joined table adds to PostgreSQL's planning time.
    related = ["team__lead", "assignee", "requester"]
    if user.is_support_staff:  # the member's context beside the request
        related += ["requester__advisor", "requester__office"]
    queryset = Ticket.objects.visible_to(user).with_team_view(user).select_related(*related)
    if for_page:
        # Of the people, their names and e-mail (and the member's sector): whole rows of
        # four people made the page's query five times wider, to compile and to read.
        people = [f"{path}__{name}" for path in related if path != "requester__office"
                  for name in PERSON_FIELDS]
        queryset = queryset.only(
            *(field.name for field in Ticket._meta.concrete_fields), *people,
            "requester__sector", "requester__advisor", "requester__office",
            "team__name", "team__slug", "team__description", "team__email", "team__phone",
            "team__region", "team__time_zone", "team__first_response_hours", "team__lead",
            "team__answer_minutes",
            *(["requester__office__name"] if user.is_support_staff else []),
        )
        # Whether it is linked to others at all: most requests are not, and asking which
        # ones the reader may open compiles the whole visibility rule (related_requests).
        queryset = queryset.annotate(has_related=Exists(
            Ticket.related_requests.through.objects.filter(from_ticket=OuterRef("pk"))
        ))
    if follow_card:
        # What the follow / mute card reads (coopdesk's ticket_follow tag), in this query
        # rather than two more at the end of the page.
        queryset = queryset.annotate(
            reader_follow_mode=Subquery(
                TicketSubscription.objects.filter(ticket=OuterRef("pk"), user=user)
                .values("mode")[:1]
            ),
            reader_watches=Exists(
                Ticket.watchers.through.objects.filter(ticket=OuterRef("pk"), user=user)
            ),
        )
    return get_object_or_404(queryset, pk=pk)


def get_team_side_ticket(user: User, pk: int, *, unseen: bool = False) -> Ticket:
    """A request as its team works on it: 404 to whoever may not see it. Those who see it
    from the member's side (its member, her advisor, a watcher) get 403: they know the
    team's steps exist. An `unseen` page (internal notes, saved replies) answers them 404,
    as to strangers: the member does not learn that it exists."""
    ticket = get_visible_ticket(user, pk)
    if not ticket.team_view:
        if unseen:
            raise Http404
        raise PermissionDenied("only the request's team")
    return ticket


def staff_teams(user: User):
    return Team.objects.filter(pk__in=user.team_ids())
