"""An advisor's caseload: one small row per member they follow, and the open tasks of those
members due within 30 days. The dashboard's cards and the full lists behind them are picked
from these rows in Python.

Reading a few hundred narrow rows costs less than one query per card, and it keeps the plans
of both databases on indexes: PostgreSQL answers "journeys of the users whose advisor is X"
by scanning every journey, and puts a LIMIT on open tasks ordered by due date on the due-date
index (every open task of the cooperative when an advisor has none), while the same rows by
member or journey id always come from an index.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property

from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext

from coopdesk.accounts.models import User
from coopdesk.db import among
from journeys.models import (
    DiagnosisSlot,
    InfoMeeting,
    Journey,
    JourneyTask,
    Stage,
    TaskState,
    entered_field,
    journey_url,
)

SOON_DAYS = 30  # a CAPE ending or a task due within this many days is announced


@dataclass(slots=True)
class Followed:
    """The latest journey of a followed member, with what the lists show of it."""

    pk: int
    state: str
    cape_start: date | None
    cape_end: date | None
    cape_renewals: int
    adaptation_requested_at: datetime | None
    adaptation_note: str
    first_name: str
    last_name: str
    mentor_id: int | None
    advisor_id: int
    # Read for the rows of one page of a stage only (see with_stage_details).
    since: datetime | None = None
    open_tasks: int = 0
    next_due: date | None = None

    @property
    def url(self) -> str:
        return journey_url(self.pk)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()  # as User.get_full_name

    @property
    def stage_label(self) -> str:
        return Stage(self.state).label


@dataclass(slots=True)
class DueTask:
    """An open task of a followed member, due within SOON_DAYS or overdue. Its title and team
    are read for the tasks shown only (see with_task_details)."""

    pk: int
    journey: Followed
    due_date: date
    is_followup: bool
    title: str = ""
    team_name: str | None = None

    @property
    def label(self) -> str:
        # Follow-ups are made by code, not from a template: their title is a msgid.
        return gettext(self.title) if self.is_followup else self.title


def followed_rows(advisor_ids: list[int]) -> list[Followed]:
    """Two indexed reads: the members by advisor, then their latest journeys by member."""
    members = {
        pk: rest for pk, *rest in User.objects.filter(advisor_id__in=advisor_ids).order_by()
        .values_list("pk", "first_name", "last_name", "mentor_id", "advisor_id")
    }
    if not members:
        return []
    journeys = Journey.objects.latest().filter(among("member_id", members)).order_by()
    return [
        Followed(pk, state, start, end, renewals, asked, note, *members[member_id])
        for pk, member_id, state, start, end, renewals, asked, note in journeys.values_list(
            "pk", "member_id", "state", "cape_start", "cape_end", "cape_renewals",
            "adaptation_requested_at", "adaptation_note")
    ]


class Caseload:
    """What the advisors `advisor_ids` follow today: the dashboard for them (an advisor and
    the away colleagues they cover)."""

    def __init__(self, advisor_ids: list[int], today: date | None = None) -> None:
        self.advisor_ids = advisor_ids
        self.today = today or timezone.localdate()
        self.soon = self.today + timedelta(days=SOON_DAYS)

    @cached_property
    def rows(self) -> list[Followed]:
        return followed_rows(self.advisor_ids)

    def count_by_stage(self) -> Counter[str]:
        return Counter(row.state for row in self.rows)

    def at_stage(self, stage: str) -> list[Followed]:
        return sorted((row for row in self.rows if row.state == stage),
                      key=lambda row: (row.first_name.lower(), row.last_name, row.pk))

    def cape_ending(self) -> list[Followed]:
        """CAPE contracts ending within SOON_DAYS (or already past their end), soonest first."""
        return sorted((row for row in self.rows if row.state == Stage.CAPE and row.cape_end
                       and row.cape_end <= self.soon), key=lambda row: (row.cape_end, row.pk))

    def without_mentor(self) -> list[Followed]:
        """Members in CAPE or salaried with no mentor, the longest-standing first."""
        return sorted((row for row in self.rows if row.state in (Stage.CAPE, Stage.SALARIED)
                       and row.mentor_id is None),
                      key=lambda row: (row.cape_start or self.today, row.pk))

    def adaptations(self) -> list[Followed]:
        return sorted((row for row in self.rows if row.adaptation_requested_at),
                      key=lambda row: (row.adaptation_requested_at, row.pk))

    @cached_property
    def due_tasks(self) -> list[DueTask]:
        """Open tasks due within SOON_DAYS, overdue ones included, by due date: one read by
        journey id of columns the task_journey index holds, so that neither database visits
        the table for the several hundred overdue tasks of 400 members."""
        journeys = {row.pk: row for row in self.rows}
        if not journeys:
            return []
        tasks = (
            JourneyTask.objects.open()
            .filter(among("journey_id", journeys), due_date__lte=self.soon)
            .order_by("due_date", "pk")
            .values_list("pk", "journey_id", "due_date", "is_followup")
        )
        return [DueTask(pk, journeys[journey_id], due, followup)
                for pk, journey_id, due, followup in tasks]

    def overdue(self) -> list[DueTask]:
        return [task for task in self.due_tasks if task.due_date < self.today]

    def followups(self) -> list[DueTask]:
        """Yearly follow-up meetings due within SOON_DAYS (or late)."""
        return [task for task in self.due_tasks if task.is_followup]

    # Not read from the rows: appointments and meetings belong to the advisors themselves,
    # a handful each.

    def appointments(self):
        """Diagnosis appointments booked with these advisors, held or not yet."""
        return DiagnosisSlot.objects.filter(
            advisor_id__in=self.advisor_ids, status=DiagnosisSlot.Status.BOOKED
        ).select_related("journey__member", "advisor").only(
            "starts_at", "status", "advisor_id", "advisor__first_name", "journey__state",
            "journey__member__first_name", "journey__member__last_name",
        ).order_by("starts_at", "pk")

    def meetings(self):
        """The coming information meetings these advisors host, with their registrations."""
        return InfoMeeting.objects.upcoming().filter(host_id__in=self.advisor_ids).with_counts()


# The lists a dashboard card shows the first rows of, each in full on its own paginated page
# (templates/journeys/advisor_list.html): URL slug -> method of Caseload.
LISTS = {
    "taches-en-retard": "overdue",
    "fins-de-cape": "cape_ending",
    "sans-parrain": "without_mentor",
    "adaptations": "adaptations",
    "suivis-annuels": "followups",
    "rendez-vous": "appointments",
    "reunions": "meetings",
}


TASK_LISTS = {"taches-en-retard", "suivis-annuels"}  # their rows need with_task_details


def with_task_details(tasks: list[DueTask]) -> list[DueTask]:
    """The title and team of the tasks shown, in one read."""
    details = {
        pk: rest for pk, *rest in JourneyTask.objects.filter(pk__in=[task.pk for task in tasks])
        .order_by().values_list("pk", "title", "team__name")
    } if tasks else {}
    for task in tasks:
        task.title, task.team_name = details[task.pk]
    return tasks


def with_stage_details(rows: list[Followed], stage: str) -> list[Followed]:
    """When these members entered `stage`, their open tasks and the next one due: one read for
    the rows of a page."""
    if not rows:
        return rows
    is_open = Q(tasks__state=TaskState.OPEN)
    details = {
        pk: rest for pk, *rest in Journey.objects.filter(pk__in=[row.pk for row in rows])
        .order_by().values("pk", entered_field(stage))
        .annotate(n=Count("tasks", filter=is_open), due=Min("tasks__due_date", filter=is_open))
        .values_list("pk", entered_field(stage), "n", "due")
    }
    for row in rows:
        row.since, row.open_tasks, row.next_due = details.get(row.pk, (None, 0, None))
    return rows
