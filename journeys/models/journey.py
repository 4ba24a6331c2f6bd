"""A member's journey (one cycle of their path), its tasks and its timeline.

The stage changes only through the transitions below, called only from journeys/actions.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from coopdesk.accounts.models import Role, User
from coopdesk.models import TimelineEvent, timeline_fields
from journeys.models.paths import Assignee, PathTemplate, TaskTemplate
from journeys.models.rules import (
    OPEN_STAGES,
    Stage,
    article_url,
    entered_field,
    journey_url,
)

# --- a member's journey ------------------------------------------------------------------------


class ExitReason(models.TextChoices):
    OWN_COMPANY = "own_company", _("Created their own company")
    EMPLOYED = "employed", _("Found a job")
    NOT_VIABLE = "not_viable", _("The activity was not viable")
    NOT_A_FIT = "not_a_fit", _("The cooperative did not fit the project")
    PERSONAL = "personal", _("Personal reasons")
    MOVED = "moved", _("Moved away")
    OTHER = "other", _("Other")


def can_manage_journey(journey: Journey, user: User) -> bool:
    """The member's advisor, the advisor covering them, or an admin."""
    if user.role == Role.ADMIN:
        return True
    return user.follows_member(journey.member)


class JourneyQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> JourneyQuerySet:
        """A member sees their own; an advisor their members' and those they cover."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.ADMIN:
            return self
        if user.is_advisor:
            return self.filter(user.followed_members_q("member__"))
        return self.filter(member=user)

    def latest(self) -> JourneyQuerySet:
        return self.filter(is_latest=True)


class Journey(ConcurrentTransitionMixin, models.Model):
    """One cycle of a member's path. Leaving and coming back starts a new cycle (a new row):
    the earlier ones keep their stages, tasks and timeline."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE,
        related_name="journeys",
    )
    path = models.ForeignKey(
        PathTemplate, verbose_name=_("path"), on_delete=models.PROTECT, related_name="journeys"
    )
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    is_latest = models.BooleanField(default=True, editable=False)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_cycle"
    )
    state = FSMField(_("stage"), default=Stage.INFO_MEETING, choices=Stage.choices, protected=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    updated_at = models.DateTimeField(_("last update"), default=timezone.now)

    # When each stage was entered (the timeline's dates, the funnel, time spent per stage).
    info_meeting_at = models.DateTimeField(null=True, blank=True)
    diagnosis_at = models.DateTimeField(null=True, blank=True)
    cape_at = models.DateTimeField(null=True, blank=True)
    salaried_at = models.DateTimeField(null=True, blank=True)
    associate_at = models.DateTimeField(null=True, blank=True)
    exited_at = models.DateTimeField(null=True, blank=True)

    diagnosis_held_at = models.DateTimeField(_("diagnosis held"), null=True, blank=True)
    cape_start = models.DateField(_("CAPE start"), null=True, blank=True)
    cape_end = models.DateField(_("CAPE end"), null=True, blank=True)
    cape_renewals = models.PositiveSmallIntegerField(_("CAPE renewals"), default=0)
    salaried_start = models.DateField(_("salaried contract start"), null=True, blank=True)
    associate_since = models.DateField(_("associate since"), null=True, blank=True)
    exit_reason = models.CharField(
        _("reason for leaving"), max_length=20, choices=ExitReason.choices, blank=True
    )
    exit_note = models.TextField(_("note on leaving"), blank=True)
    adaptation_requested_at = models.DateTimeField(null=True, blank=True)
    adaptation_note = models.TextField(blank=True)

    objects = JourneyQuerySet.as_manager()

    # coopdesk.lifecycle: what a step reads with the row, and how it refuses.
    lock_related = ("path", "member__advisor")
    stale_message = _(
        "This path was changed by someone else while you were on the page (it is now "
        "at “%(state)s”). Nothing was saved: reload the page and try again."
    )
    refused_message = _("This step is not possible while the path is at “%(state)s”.")

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("journey")
        verbose_name_plural = _("journeys")
        constraints = [
            models.UniqueConstraint(fields=["member", "cycle"], name="journey_member_cycle"),
            models.UniqueConstraint(
                fields=["member"], condition=Q(is_latest=True), name="journey_one_latest"
            ),
        ]
        indexes = [
            models.Index(fields=["is_latest", "state"], name="journey_stage"),
            models.Index(fields=["state", "cape_end"], name="journey_cape_end"),
            # Members per stage now (the cooperative's overview): SQLite reads `is_latest`
            # alone as a condition, which journey_stage cannot serve; this index can.
            models.Index(fields=["state"], condition=Q(is_latest=True),
                         name="journey_latest_state"),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_state_display()}"

    def get_absolute_url(self) -> str:
        return journey_url(self.pk)

    def entered_at(self, kind: str) -> datetime | None:
        return getattr(self, entered_field(kind), None)

    def _enter(self, kind: str, at: datetime | None = None) -> None:
        setattr(self, entered_field(kind), at or timezone.now())

    @property
    def is_open(self) -> bool:
        return self.state != Stage.EXITED

    def refusal(self, name: str) -> str | None:
        if name == "sign_cape" and self.state == Stage.DIAGNOSIS:
            return _("The diagnosis has not been held yet: record it before the CAPE.")
        return None

    # --- transitions: pure; they check, set fields, and return. journeys.actions saves. ---

    @transition(
        field=state, source=Stage.INFO_MEETING, target=Stage.DIAGNOSIS,
        permission=can_manage_journey,
    )
    def advance(self, *, at: datetime | None = None) -> None:
        self._enter(Stage.DIAGNOSIS, at)

    @transition(
        field=state, source=Stage.DIAGNOSIS, target=Stage.DIAGNOSIS,
        permission=can_manage_journey,
    )
    def record_diagnosis(self, *, at: datetime | None = None) -> None:
        self.diagnosis_held_at = at or timezone.now()

    def diagnosis_held(self) -> bool:
        return self.diagnosis_held_at is not None

    @transition(
        field=state, source=Stage.DIAGNOSIS, target=Stage.CAPE,
        conditions=[diagnosis_held], permission=can_manage_journey,
    )
    def sign_cape(self, *, start: date, end: date) -> None:
        self.cape_start, self.cape_end = start, end
        self._enter(Stage.CAPE)

    @transition(field=state, source=Stage.CAPE, target=Stage.CAPE, permission=can_manage_journey)
    def renew_cape(self, *, end: date) -> None:
        self.cape_end = end
        self.cape_renewals += 1

    @transition(
        field=state, source=Stage.CAPE, target=Stage.SALARIED, permission=can_manage_journey
    )
    def sign_salaried_contract(self, *, start: date) -> None:
        self.salaried_start = start
        # The CAPE gives way to the salaried contract: it ends the day before, not as planned.
        if self.cape_start and self.cape_end and self.cape_start < start <= self.cape_end:
            self.cape_end = start - timedelta(days=1)
        self._enter(Stage.SALARIED)

    @transition(
        field=state, source=Stage.SALARIED, target=Stage.ASSOCIATE,
        permission=can_manage_journey,
    )
    def grant_membership(self, *, on: date) -> None:
        self.associate_since = on
        self._enter(Stage.ASSOCIATE)

    @transition(
        field=state, source=OPEN_STAGES, target=Stage.EXITED, permission=can_manage_journey
    )
    def leave(self, *, reason: str, note: str = "") -> None:
        self.exit_reason, self.exit_note = reason, note
        self._enter(Stage.EXITED)

    @transition(field=state, source=OPEN_STAGES, target=None, permission=can_manage_journey)
    def switch_path(self, *, path: PathTemplate) -> None:
        self.path = path
        self.adaptation_requested_at = None
        self.adaptation_note = ""


class TaskState(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("No longer needed")


def can_do_task(task: JourneyTask, user: User) -> bool:
    """The member for their tasks, the team for its tasks, the advisor (or cover) for all."""
    if task.assignee == Assignee.MEMBER and task.journey.member_id == user.pk:
        return True
    if task.assignee == Assignee.TEAM and user.is_support_staff:
        return user.works_for_team(task.team_id)
    return can_manage_journey(task.journey, user)


def task_document_path(instance: JourneyTask, filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    return f"journeys/{timezone.now():%Y/%m}/{instance.document_token}{suffix}"


class JourneyTaskQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> JourneyTaskQuerySet:
        journeys = Journey.objects.visible_to(user).values("pk")
        if user.is_authenticated and user.is_support_staff and user.role != Role.ADMIN:
            return self.filter(Q(journey__in=journeys) | Q(team__in=user.team_ids()))
        return self.filter(journey__in=journeys)

    def open(self) -> JourneyTaskQuerySet:
        return self.filter(state=TaskState.OPEN)


# coopdesk.lifecycle's refusal for a task, a place or a slot: what changed is on the page.
REFUSED_AS_CHANGED = _("This is not possible any more: reload the page to see what changed.")


class JourneyTask(ConcurrentTransitionMixin, models.Model):
    """A task of a journey, copied from its template so that later edits of the template do
    not rewrite what the member was asked."""

    # Indexed by task_journey below (journey first), like team by task_team.
    journey = models.ForeignKey(
        Journey, on_delete=models.CASCADE, related_name="tasks", db_index=False
    )
    template = models.ForeignKey(
        TaskTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    key = models.SlugField(max_length=60, blank=True, db_index=False)
    title = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    assignee = models.CharField(_("who does it"), max_length=10, choices=Assignee.choices)
    team = models.ForeignKey(
        "helpdesk.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_index=False,
    )
    due_date = models.DateField(_("due"))
    article_slug = models.SlugField(max_length=200, blank=True, db_index=False)
    url = models.URLField(blank=True)
    required_document = models.CharField(_("document to provide"), max_length=150, blank=True)
    document = models.FileField(upload_to=task_document_path, blank=True)
    document_token = models.CharField(max_length=32, blank=True)
    document_name = models.CharField(max_length=200, blank=True)
    is_followup = models.BooleanField(default=False)
    state = FSMField(default=TaskState.OPEN, choices=TaskState.choices, protected=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = JourneyTaskQuerySet.as_manager()

    lock_related = ("journey__member__advisor", "team")  # coopdesk.lifecycle.lock
    refused_message = REFUSED_AS_CHANGED

    class Meta:
        ordering = ["due_date", "position", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            # Covers the dashboard's "open tasks of my members due within 30 days" read: the
            # due date is a range in the index, and with the id PostgreSQL answers from the
            # index alone (an index-only scan, no visit to the table for the several hundred
            # tasks of an advisor's members). SQLite keeps the rowid in every index anyway.
            models.Index(fields=["journey", "state", "due_date", "is_followup", "id"],
                         name="task_journey"),
            # due_date first: SQLite, without statistics, otherwise scans every open task
            # for the dashboard's "overdue among my members".
            models.Index(fields=["due_date", "state"], name="task_due"),
            models.Index(fields=["team", "state"], name="task_team"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        # Follow-ups are made by code, not from a template: their title is a msgid.
        return gettext(self.title) if self.is_followup else self.title

    @property
    def href(self) -> str:
        if self.url:
            return self.url
        return article_url(self.article_slug) if self.article_slug else ""

    @transition(field=state, source=TaskState.OPEN, target=TaskState.DONE, permission=can_do_task)
    def complete(self, *, by: User) -> None:
        self.done_at, self.done_by = timezone.now(), by

    @transition(field=state, source=TaskState.DONE, target=TaskState.OPEN, permission=can_do_task)
    def reopen(self) -> None:
        self.done_at, self.done_by = None, None

    @transition(field=state, source=TaskState.OPEN, target=TaskState.DROPPED)
    def drop(self) -> None:
        pass


class EventKind(models.TextChoices):
    STARTED = "started", _("Path started")
    REGISTERED = "registered", _("Registered for an information meeting")
    WAITLISTED = "waitlisted", _("On the waiting list of an information meeting")
    PROMOTED = "promoted", _("A place freed up at the information meeting")
    UNREGISTERED = "unregistered", _("Meeting registration cancelled")
    ATTENDED = "attended", _("Attended the information meeting")
    ABSENT = "absent", _("Missed the information meeting")
    ADVANCED = "advanced", _("Moved on to the next stage")
    DIAGNOSIS_BOOKED = "diagnosis_booked", _("Diagnosis appointment booked")
    DIAGNOSIS_CANCELLED = "diagnosis_cancelled", _("Diagnosis appointment cancelled")
    DIAGNOSIS_HELD = "diagnosis_held", _("Diagnosis held")
    CAPE_SIGNED = "cape_signed", _("CAPE contract signed")
    CAPE_RENEWED = "cape_renewed", _("CAPE contract renewed")
    SALARIED = "salaried", _("Salaried contract (CESA) signed")
    MEMBERSHIP = "membership", _("Became an associate")
    EXITED = "exited", _("Left the cooperative")
    REENTERED = "reentered", _("Came back: new cycle")
    PATH_SWITCHED = "path_switched", _("Path adapted")
    ADAPTATION_ASKED = "adaptation_asked", _("Asked for the path to be adapted")
    MENTOR_ASSIGNED = "mentor_assigned", _("Mentor assigned")
    TASK_DONE = "task_done", _("Task done")
    TASK_REOPENED = "task_reopened", _("Task reopened")


class JourneyEvent(TimelineEvent):
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="events")
    kind, from_state, to_state = timeline_fields(EventKind, Stage, kind_length=30)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        indexes = [models.Index(fields=["journey", "-created_at"], name="journey_event_recent")]


    # The data keeps ISO dates and codes; these give them back for display, in the reader's
    # language and time zone rather than the actor's.

    @property
    def moment(self) -> datetime | None:
        value = self.data.get("at")
        return datetime.fromisoformat(value) if value else None

    @property
    def dates(self) -> dict[str, date]:
        return {
            key: date.fromisoformat(self.data[key])
            for key in ("start", "end", "previous_end", "on") if self.data.get(key)
        }

    @property
    def reason_label(self) -> str:
        reason = self.data.get("reason", "")
        return ExitReason(reason).label if reason in ExitReason.values else ""
