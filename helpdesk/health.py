"""Team health: is the promise kept? The figures of a team (or of the cooperative) over a
period, for its lead and agents.

What happened each day is summed once into `TeamDay` rows by `refresh` (a worker job keeps
today and yesterday; `rebuild` writes a whole history, for the demo and the bench), so that
the page reads a few dozen rows instead of every request of the period. What is true now
(the backlog by age, at risk, late, each agent's open requests) is counted live on the
queue's indexes.

Durations are business minutes in the team's calendar (helpdesk/business_time.py):
- first response: from the request's arrival in the team (its creation, or its last
  transfer in) to the team's first public answer;
- resolution: from its arrival to its last resolution, the clock paused while the request
  waited for the member or stood resolved before a reopening;
- in time: answered no later than the first-response promise the request carried (which
  already counts pauses, transfers and priority changes).
A day is the team's local day of the step: a request answered on Tuesday counts on Tuesday.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models import (
    Count,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from helpdesk.models import (
    ACTIVE_STATES,
    EventKind,
    State,
    Team,
    TeamDay,
    Ticket,
    TicketEvent,
)

PERIODS = (4, 12, 26)  # weeks a page may show
DEFAULT_WEEKS = 12
# Backlog ages, in working days of the team: under 1, 1-3, 3-7, over 7.
AGE_LIMITS = (1, 3, 7)
# The services catalogue's promise check.
CATALOGUE_DAYS = 90
# The cooperative page keeps its live counts this long (seconds); a team's page counts anew.
COOP_NOW_SECONDS = 60


# --- writing the days -------------------------------------------------------------------


@dataclass
class DayFigures:
    incoming: int = 0
    answered: int = 0
    answered_in_time: int = 0
    response_minutes: list = field(default_factory=list)
    resolved: int = 0
    resolution_minutes: list = field(default_factory=list)
    reopened: int = 0
    transfers_in: int = 0
    transfers_out: int = 0
    avoided: int = 0


def _local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def _bounds(first: date, last: date, zones: dict[int, ZoneInfo]) -> tuple[datetime, datetime]:
    """UTC instants covering `first` to `last` (both included) in every team's time zone."""
    starts = [datetime.combine(first, time(0), tzinfo=zone) for zone in zones.values()]
    ends = [datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone)
            for zone in zones.values()]
    return min(starts) - timedelta(hours=1), max(ends) + timedelta(hours=1)


def _pauses(events: list[tuple[datetime, str]], until: datetime) -> list[tuple[datetime, datetime]]:
    """The spans the request waited for the member or stood resolved, before `until`."""
    spans, since = [], None
    for at, state in events:
        if at >= until:
            break
        if state in (State.WAITING, State.RESOLVED):
            since = since or at
        elif since is not None:
            spans.append((since, at))
            since = None
    return spans


def compute(first: date, last: date, teams: list[Team]) -> dict[tuple[int, date], DayFigures]:
    """Each team's figures for each day from `first` to `last` (both included)."""
    zones = {team.pk: ZoneInfo(team.time_zone) for team in teams}
    by_id = {team.pk: team for team in teams}
    by_name = {team.name: team.pk for team in teams}
    start, end = _bounds(first, last, zones)
    figures: dict[tuple[int, date], DayFigures] = defaultdict(DayFigures)

    def day_of(team_id: int, moment: datetime) -> tuple[int, date] | None:
        if team_id not in zones:
            return None
        day = _local_day(moment, zones[team_id])
        return (team_id, day) if first <= day <= last else None

    tickets = Ticket.objects.filter(team__in=by_id)
    for team_id, created in tickets.filter(created_at__gte=start, created_at__lt=end).values_list(
        "team_id", "created_at"
    ):
        if key := day_of(team_id, created):
            figures[key].incoming += 1

    # Steps of the period: transfers and reopenings.
    for kind, team_id, at, data in TicketEvent.objects.filter(
        kind__in=[EventKind.TRANSFERRED, EventKind.REOPENED], created_at__gte=start,
        created_at__lt=end,
    ).values_list("kind", "ticket__team_id", "created_at", "data"):
        if kind == EventKind.REOPENED:
            if key := day_of(team_id, at):
                figures[key].reopened += 1
            continue
        if key := day_of(data.get("from_team_id"), at):
            figures[key].transfers_out += 1
        if key := day_of(by_name.get(data.get("to_team")), at):
            figures[key].transfers_in += 1

    answered = list(tickets.filter(first_response_at__gte=start, first_response_at__lt=end)
                    .values_list("pk", "team_id", "created_at", "first_response_at",
                                 "first_response_due"))
    resolved = list(tickets.filter(resolved_at__gte=start, resolved_at__lt=end)
                    .values_list("pk", "team_id", "created_at", "resolved_at"))
    # Arrivals by transfer and the states each resolved request went through.
    arrivals: dict[int, list[datetime]] = defaultdict(list)
    states: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    ids = {row[0] for row in answered} | {row[0] for row in resolved}
    if ids:
        resolved_ids = {row[0] for row in resolved}
        for ticket_id, kind, at, to_state in TicketEvent.objects.filter(
            ticket__in=ids
        ).exclude(to_state="").order_by("created_at", "pk").values_list(
            "ticket_id", "kind", "created_at", "to_state"
        ):
            if kind == EventKind.TRANSFERRED:
                arrivals[ticket_id].append(at)
            if ticket_id in resolved_ids:
                states[ticket_id].append((at, to_state))

    def arrival(ticket_id: int, created: datetime, before: datetime) -> datetime:
        return max([created, *(at for at in arrivals[ticket_id] if at <= before)])

    for ticket_id, team_id, created, at, due in answered:
        if not (key := day_of(team_id, at)):
            continue
        day = figures[key]
        day.answered += 1
        day.answered_in_time += at <= due
        calendar = by_id[team_id].calendar
        day.response_minutes.append(
            round(calendar.minutes_between(arrival(ticket_id, created, at), at), 1)
        )
    for ticket_id, team_id, created, at in resolved:
        if not (key := day_of(team_id, at)):
            continue
        calendar = by_id[team_id].calendar
        since = arrival(ticket_id, created, at)
        minutes = calendar.minutes_between(since, at) - sum(
            calendar.minutes_between(max(begins, since), ends)
            for begins, ends in _pauses(states[ticket_id], at) if ends > since
        )
        figures[key].resolved += 1
        figures[key].resolution_minutes.append(round(max(0.0, minutes), 1))

    deflection = apps.get_model("kb", "Deflection")
    for team_id, at in deflection.objects.filter(
        created_at__gte=start, created_at__lt=end, category__team__in=by_id
    ).values_list("category__team_id", "created_at"):
        if key := day_of(team_id, at):
            figures[key].avoided += 1
    return figures


def rebuild(first: date, last: date) -> int:
    """Write every team's days from `first` to `last` again; returns the rows written."""
    teams = list(Team.objects.prefetch_related("opening_ranges", "closures"))
    figures = compute(first, last, teams)
    for day in figures.values():  # sorted once here: a period's lists are then sorted runs
        day.response_minutes.sort()
        day.resolution_minutes.sort()
    now = timezone.now()
    rows = [
        TeamDay(team=team, day=first + timedelta(days=n), computed_at=now,
                **vars(figures.get((team.pk, first + timedelta(days=n)), DayFigures())))
        for team in teams
        for n in range((last - first).days + 1)
    ]
    with transaction.atomic():
        TeamDay.objects.filter(day__gte=first, day__lte=last).delete()
        TeamDay.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def refresh() -> int | None:
    """The worker job: yesterday and today again (yesterday for the steps taken just
    before midnight in a team's time zone). Earlier days keep what was true then."""
    today = timezone.localdate()
    rebuild(today - timedelta(days=1), today + timedelta(days=1))
    return None


# --- reading: the page ----------------------------------------------------------------------


def percentile(values: list[float], share: float, *, ordered: bool = False) -> float | None:
    """The nearest-rank percentile: the smallest value at or above `share` of them."""
    if not values:
        return None
    values = values if ordered else sorted(values)
    return values[max(0, math.ceil(share * len(values)) - 1)]


def median(values: list[float], *, ordered: bool = False) -> float | None:
    if not values:
        return None
    values = values if ordered else sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


@dataclass
class Week:
    first: date
    incoming: int = 0
    answered: int = 0
    answered_in_time: int = 0

    @property
    def compliance(self) -> int | None:
        """% of the week's first responses given in time; None when none was given."""
        if not self.answered:
            return None
        return round(100 * self.answered_in_time / self.answered)


@dataclass
class Health:
    weeks: list[Week]
    first: date
    last: date
    response_minutes: list = field(default_factory=list)
    resolution_minutes: list = field(default_factory=list)
    resolved: int = 0
    reopened: int = 0
    transfers_in: int = 0
    transfers_out: int = 0
    avoided: int = 0
    backlog: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    at_risk: int = 0
    late: int = 0
    counted_at: datetime | None = None  # when the live counts come from the cache
    minutes_per_day: float = 60.0

    @property
    def incoming(self) -> int:
        return sum(week.incoming for week in self.weeks)

    @property
    def answered(self) -> int:
        return sum(week.answered for week in self.weeks)

    @property
    def compliance(self) -> int | None:
        answered = self.answered
        if not answered:
            return None
        return round(100 * sum(week.answered_in_time for week in self.weeks) / answered)

    def hours(self, minutes: float | None) -> float | None:
        return None if minutes is None else round(minutes / 60, 1)

    # Each list sorted once for its median and 90th percentile (thousands of values).
    @cached_property
    def _responses(self) -> list[float]:
        return sorted(self.response_minutes)

    @cached_property
    def _resolutions(self) -> list[float]:
        return sorted(self.resolution_minutes)

    @property
    def response_median(self) -> float | None:
        return self.hours(median(self._responses, ordered=True))

    @property
    def response_p90(self) -> float | None:
        return self.hours(percentile(self._responses, 0.9, ordered=True))

    @property
    def resolution_median(self) -> float | None:
        return self.hours(median(self._resolutions, ordered=True))

    @property
    def resolution_p90(self) -> float | None:
        return self.hours(percentile(self._resolutions, 0.9, ordered=True))

    @property
    def reopen_rate(self) -> int | None:
        """Reopenings of the period per 100 resolutions of the period."""
        if not self.resolved:
            return None
        return round(100 * self.reopened / self.resolved)

    @property
    def backlog_total(self) -> int:
        return sum(self.backlog)


def period(weeks: int, today: date) -> list[date]:
    """The Monday of each week of the period, the last one this week's (up to today)."""
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(days=7 * (weeks - 1 - n)) for n in range(weeks)]


def health(
    teams: list[Team], weeks: int, now: datetime | None = None, *, keep_now_for: int = 0
) -> Health:
    """The figures of `teams` (one team, or all of them) over the last `weeks` weeks.

    Three queries: the days, the active requests by age and promise, nothing per team or
    person. The teams' calendars must be loaded (prefetch opening_ranges and closures).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    firsts = period(weeks, today)
    result = Health(weeks=[Week(first) for first in firsts], first=firsts[0], last=today)
    team_ids = [team.pk for team in teams]
    rows = TeamDay.objects.filter(team__in=team_ids, day__gte=firsts[0], day__lte=today)
    for row in rows.values_list(
        "day", "incoming", "answered", "answered_in_time", "response_minutes", "resolved",
        "resolution_minutes", "reopened", "transfers_in", "transfers_out", "avoided",
    ):
        (day, incoming, answered, in_time, response, resolved, resolution, reopened,
         transfers_in, transfers_out, avoided) = row
        week = result.weeks[min((day - firsts[0]).days // 7, weeks - 1)]
        week.incoming += incoming
        week.answered += answered
        week.answered_in_time += in_time
        result.response_minutes += response
        result.resolution_minutes += resolution
        result.resolved += resolved
        result.reopened += reopened
        result.avoided += avoided
        result.transfers_in += transfers_in
        result.transfers_out += transfers_out
    _count_now(result, teams, now, keep_now_for)
    return result


def _younger_than(teams: list[Team], now: datetime) -> list[Q]:
    """For each age limit (1, 3, 7 working days), the active requests younger than it, each
    aged in working days of its own team.

    Teams whose limits fall at the same instants (the same calendar, as most teams of a
    cooperative share) share one test of the creation; a team test only when the teams'
    limits differ."""
    def limits(team: Team) -> tuple[datetime, ...]:
        calendar, day = team.calendar, team.calendar.minutes_per_day()
        return tuple(calendar.subtract(now, days * day) for days in AGE_LIMITS)

    groups: dict[tuple[datetime, ...], list[int]] = defaultdict(list)
    for team in teams:
        groups[limits(team)].append(team.pk)
    if len(groups) == 1:
        return [Q(created_at__gt=instant) for instant in next(iter(groups))]
    return [
        Q(*(Q(team_id__in=ids, created_at__gt=instants[n]) for instants, ids in groups.items()),
          _connector=Q.OR)
        for n in range(len(AGE_LIMITS))
    ]


def _count_now(result: Health, teams: list[Team], now: datetime, keep_for: int = 0) -> None:
    """The backlog by age, at risk and late now. With `keep_for` (seconds), the counts are
    kept in the cache that long and read from it meanwhile: the cooperative page counts
    every active request of every team (~36 ms at 28,000), and says when it counted."""
    key = "health-now:" + ",".join(str(pk) for pk in sorted(team.pk for team in teams))
    counted = _cached(key) if keep_for else None
    # The age is judged here, not by the cache's own expiry: Redis keeps time on its own
    # clock, and a minute is a promise the page makes in words.
    if counted is not None and not 0 <= (now - counted[-1]).total_seconds() < keep_for:
        counted = None
    if counted is None:
        counted = (*_counts(teams, now), now)
        if keep_for:
            _keep(key, counted, keep_for)
    result.backlog, result.at_risk, result.late, counted_at = counted
    result.counted_at = counted_at if keep_for else None


def _cached(key: str):
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 (a cache out of reach: count, as without one)
        return None


def _keep(key: str, value, seconds: int) -> None:
    try:
        cache.set(key, value, seconds)
    except Exception:  # noqa: BLE001, S110 (the next page counts again)
        pass


def _counts(teams: list[Team], now: datetime) -> tuple[list[int], int, int]:
    """One aggregate row, no grouping: the active requests younger than each age limit
    (cumulative counts, each band the difference of two), at risk and late. Every count is
    taken in the same pass over the index (team, state, created_at, due_at, risk_at); a
    GROUP BY on the age's CASE sorted the rows first (on SQLite a temporary B-tree), for
    twice the time at 6,000 active requests."""
    younger = _younger_than(teams, now)
    row = Ticket.objects.filter(
        team__in=[team.pk for team in teams], state__in=ACTIVE_STATES
    ).aggregate(
        n=Count("pk"),
        **{f"younger{n}": Count("pk", filter=test) for n, test in enumerate(younger)},
        at_risk=Count("pk", filter=Q(risk_at__lte=now, due_at__gt=now)),
        late=Count("pk", filter=Q(due_at__lte=now)),
    )
    cumulative = [row[f"younger{n}"] for n in range(len(younger))] + [row["n"]]
    backlog = [cumulative[0]] + [
        cumulative[n] - cumulative[n - 1] for n in range(1, len(cumulative))
    ]
    return backlog, row["at_risk"], row["late"]


def workload(team: Team) -> list[dict]:
    """Each agent of the team with the requests of the team open and assigned to them: for
    the lead, to balance work. Every agent, those with none too. One query: each agent's
    count is read from the queue's index (team, state, assignee)."""
    open_requests = (
        Ticket.objects.filter(team=team, state__in=ACTIVE_STATES, assignee=OuterRef("pk"))
        .order_by().values("assignee").annotate(n=Count("pk")).values("n")
    )
    agents = team.agents.only("first_name", "last_name", "email").annotate(
        open=Coalesce(Subquery(open_requests), 0)
    ).order_by("first_name", "last_name")
    return [{"agent": agent, "open": agent.open} for agent in agents]


def by_team(teams: list[Team], weeks: int, now: datetime | None = None) -> list[dict]:
    """The cooperative page's table: each team's main figures over the period (one query
    for the days; the live counts come from `health`)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    first = period(weeks, today)[0]
    sums = {
        row["team"]: row for row in TeamDay.objects.filter(
            team__in=[team.pk for team in teams], day__gte=first, day__lte=today
        ).values("team").annotate(
            incoming_sum=Sum("incoming"), answered_sum=Sum("answered"),
            in_time_sum=Sum("answered_in_time"), avoided_sum=Sum("avoided"),
        ).order_by()
    }
    rows = []
    for team in teams:
        row = sums.get(team.pk, {})
        answered = row.get("answered_sum") or 0
        rows.append({
            "team": team,
            "incoming": row.get("incoming_sum") or 0,
            "answered": answered,
            "compliance": round(100 * row["in_time_sum"] / answered) if answered else None,
            "avoided": row.get("avoided_sum") or 0,
        })
    return rows


def median_first_response(days: int = CATALOGUE_DAYS) -> dict[int, float]:
    """Each team's median first response over the last `days` days, in business hours:
    the services catalogue shows it beside the team's promise. One query."""
    since = timezone.localdate() - timedelta(days=days)
    minutes: dict[int, list] = defaultdict(list)
    for team_id, values in TeamDay.objects.filter(day__gt=since).exclude(
        answered=0
    ).values_list("team_id", "response_minutes"):
        minutes[team_id] += values
    return {team_id: round(statistics.median(values) / 60, 1)
            for team_id, values in minutes.items() if values}
