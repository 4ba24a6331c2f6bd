"""How were you served? When the member is asked, the one-click links of her e-mail, and the
results per team and month.

The question is asked once a request is closed by the member's confirmation or by itself
(not when the team closes it, nor when she withdraws it), for SATISFACTION_DAYS after it
closed: until then she may answer, and change her answer, on the request's page or from the
e-mail's links. Answers are written only by actions.rate_ticket.

The e-mail's links carry a signed token (TimestampSigner, a salt of its own) that names one
request and its member, nothing more: it opens the answer page of that request for that
person, and nothing else (no session, no other page). It expires with the question.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core import signing
from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from coopdesk.accounts.models import User
from helpdesk.models import (
    EventKind,
    Satisfaction,
    SatisfactionOptOut,
    State,
    Ticket,
    TicketEvent,
)

SATISFACTION_DAYS = 7
TOKEN_SALT = "helpdesk.satisfaction.answer"


# --- when the member is asked --------------------------------------------------------------


def closing_data(ticket: Ticket) -> dict | None:
    """The data of the step that closed the request (None if it is not closed)."""
    if ticket.state != State.CLOSED:
        return None
    return (
        TicketEvent.objects.filter(ticket=ticket, kind=EventKind.CLOSED)
        .order_by("-created_at", "-pk").values_list("data", flat=True).first()
    )


def open_until(ticket: Ticket) -> datetime | None:
    return ticket.closed_at + timedelta(days=SATISFACTION_DAYS) if ticket.closed_at else None


def is_open(ticket: Ticket, *, closing: dict | None = None, now: datetime | None = None) -> bool:
    """Whether the member may answer (or change her answer) now. `closing`: the data of the
    closing step, when the caller has read it already (the timeline it shows)."""
    if ticket.state != State.CLOSED or ticket.closed_at is None:
        return False
    if (now or timezone.now()) >= open_until(ticket):
        return False
    if closing is None:
        closing = closing_data(ticket) or {}
    return bool(closing.get("confirmed") or closing.get("automatic"))


def wants_question(member: User) -> bool:
    return not SatisfactionOptOut.objects.filter(member=member).exists()


# --- the e-mail's links ----------------------------------------------------------------------


class TokenRefused(Exception):
    """A link that opens nothing: `status` 400 (forged, expired) or 403 (not this request's)."""

    def __init__(self, reason: str, status: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def make_token(ticket: Ticket) -> str:
    """A token for this request and its member only."""
    signer = signing.TimestampSigner(salt=TOKEN_SALT)
    return signer.sign_object({"t": ticket.pk, "m": ticket.requester_id}, compress=False)


def read_token(token: str, *, ticket_id: int) -> int:
    """The id of the member the token names for this request, or TokenRefused."""
    signer = signing.TimestampSigner(salt=TOKEN_SALT)
    try:
        data = signer.unsign_object(token, max_age=timedelta(days=SATISFACTION_DAYS))
    except signing.SignatureExpired:
        raise TokenRefused("expired", 400) from None
    except signing.BadSignature:
        raise TokenRefused("forged", 400) from None
    if not isinstance(data, dict) or set(data) != {"t", "m"}:
        raise TokenRefused("forged", 400)
    if data["t"] != ticket_id or not isinstance(data["m"], int):
        raise TokenRefused("foreign", 403)
    return data["m"]


# --- results per team and month ------------------------------------------------------------------


@dataclass(frozen=True)
class MonthResult:
    month: date  # the first day of the month the answers were given
    team_id: int
    team: str
    answers: int
    average: float
    distribution: tuple[int, int, int, int, int]  # answers scoring 1, 2, 3, 4, 5

    @property
    def scores(self) -> list[tuple[int, int]]:
        return list(zip(range(1, 6), self.distribution, strict=True))


def _moment(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(datetime.combine(value, time.min))


def results_by_month(
    team_ids: Iterable[int], since: date | datetime, until: date | datetime
) -> list[MonthResult]:
    """Answers given from `since` (included) to `until` (excluded), per month (in the site's
    time zone) and team, oldest month first: one aggregate query."""
    rows = (
        Satisfaction.objects.filter(
            team_id__in=list(team_ids), created_at__gte=_moment(since),
            created_at__lt=_moment(until),
        )
        .annotate(month=TruncMonth("created_at"))
        .values("month", "team_id", "team__name")
        .annotate(
            answers=Count("pk"), average=Avg("score"),
            **{f"s{score}": Count("pk", filter=Q(score=score)) for score in range(1, 6)},
        )
        .order_by("month", "team__name", "team_id")
    )
    results = []
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime):
            month = timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
        results.append(MonthResult(
            month=month, team_id=row["team_id"], team=row["team__name"],
            answers=row["answers"], average=round(float(row["average"]), 2),
            distribution=tuple(row[f"s{score}"] for score in range(1, 6)),
        ))
    return results


def recent_comments(team_ids: Iterable[int], since: date | datetime, *, reader: User,
                    limit: int = 10):
    """The latest answers that came with a comment, newest first: what members said, in
    their own words, to the team that served them. Only the teams the reader works for or
    leads: a lead reads the cooperative's figures, not what members told another team."""
    return (
        Satisfaction.objects.filter(
            team_id__in=list(team_ids), created_at__gte=_moment(since)
        )
        .filter(Q(team_id__in=reader.team_ids()) | Q(team__lead=reader))
        .exclude(comment="")
        .select_related("ticket")
        .only("score", "comment", "created_at", "ticket__id", "ticket__subject")
        .order_by("-created_at", "-pk")[:limit]
    )
