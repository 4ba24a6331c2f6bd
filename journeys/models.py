"""Onboarding paths: templates configured in the admin, and each member's journey along one.

A journey's stage, a task's state, a meeting registration's and a diagnosis slot's status
change only through the transitions below, and the transitions are called only from
journeys/actions.py, which locks, saves, writes the timeline and notifies.
"""

from __future__ import annotations

import calendar
import functools
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from coopdesk.accounts.models import Role, Sector, User

# Reminders: how far ahead a task, a CAPE end and a meeting are announced.
TASK_REMINDER_DAYS = 2
CAPE_REMINDER_DAYS = (30, 7)
# Staff may take the roll as people arrive, a little before the official start.
ATTENDANCE_OPENS_BEFORE = timedelta(minutes=30)
FOLLOWUP_EVERY_DAYS = 365


class Stage(models.TextChoices):
    """The stages of the CAE path (seed 004), which are also the journey's states."""

    INFO_MEETING = "info_meeting", _("Information meeting")
    DIAGNOSIS = "diagnosis", _("Diagnosis")
    CAPE = "cape", _("CAPE contract")
    SALARIED = "salaried", _("Salaried entrepreneur (CESA)")
    ASSOCIATE = "associate", _("Associate (membership)")
    EXITED = "exited", _("Leaving the cooperative")


PROGRESSION = [Stage.INFO_MEETING, Stage.DIAGNOSIS, Stage.CAPE, Stage.SALARIED, Stage.ASSOCIATE]
STAGE_RANK = {kind: rank for rank, kind in enumerate([*PROGRESSION, Stage.EXITED])}
OPEN_STAGES = PROGRESSION  # every stage but "exited"
REENTRY_STAGES = [Stage.INFO_MEETING, Stage.DIAGNOSIS]


def entered_field(kind: str) -> str:
    """The journey field holding when the journey entered this stage."""
    return f"{kind}_at"


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def cape_end_bounds(start: date) -> tuple[date, date]:
    """A CAPE lasts one to six months, the end day included (1 March → 31 March is a month)."""
    return add_months(start, 1) - timedelta(days=1), add_months(start, 6) - timedelta(days=1)


def cape_period_error(start: date | None, end: date | None) -> str | None:
    """Why these CAPE dates are refused, in plain words; None when they are fine."""
    if start is None or end is None:
        return gettext("Give the start and end dates of the contract.")
    shortest, longest = cape_end_bounds(start)
    if shortest <= end <= longest:
        return None
    return gettext(
        "A CAPE contract lasts from one to six months: starting on %(start)s, it must end "
        "between %(shortest)s and %(longest)s."
    ) % {
        "start": start.strftime("%d/%m/%Y"),
        "shortest": shortest.strftime("%d/%m/%Y"),
        "longest": longest.strftime("%d/%m/%Y"),
    }


ARTICLE_ROUTES = ("kb:article-detail", "kb:article")


@functools.cache
def _article_route() -> str | None:
    for name in ARTICLE_ROUTES:
        try:
            reverse(name, kwargs={"slug": "probe"})
        except NoReverseMatch:
            continue
        return name
    return None


def article_url(slug: str) -> str:
    """Where a knowledge-base article lives. The kb app owns the route (looked up once); until
    it names one, fall back to its URL prefix so that links stay stable."""
    route = _article_route()
    return reverse(route, kwargs={"slug": slug}) if route else f"/aide/{slug}/"


def covered_advisors(user: User, on: date | None = None):
    """The away advisors this advisor covers today (the rule of User.followed_members_q)."""
    day = on or timezone.localdate()
    return User.objects.filter(
        Q(away_until__isnull=True) | Q(away_until__gte=day),
        backup_advisor=user, away_from__lte=day,
    )


def covering_advisor_ids(user: User, on: date | None = None) -> list[int]:
    """The advisors whose members this advisor follows today: themself and those they cover.

    A list of ids, so that journey queries filter on the indexed member.advisor_id instead of
    joining the advisors table."""
    return [user.pk, *covered_advisors(user, on).values_list("pk", flat=True)]


def is_journey_staff(user: User) -> bool:
    """Advisors, team leads and admins run meetings and see the cooperative's figures."""
    return user.is_authenticated and user.role in {Role.ADVISOR, Role.LEAD, Role.ADMIN}


@functools.cache
def _journey_url_format(script_prefix: str) -> str:
    return reverse("journeys:journey-detail", args=[0]).removesuffix("0/") + "{}/"


def journey_url(pk: int) -> str:
    """reverse() costs ~70 µs here and the dashboard links a hundred journeys: resolve the
    route once per script prefix, then format."""
    return _journey_url_format(get_script_prefix()).format(pk)


class LinkMixin(models.Model):
    """A link to knowledge-base content: an article slug (kb app) or any URL."""

    article_slug = models.SlugField(
        _("knowledge-base article"), max_length=200, blank=True, db_index=False,
        help_text=_("The short name of an article of the help pages."),
    )
    url = models.URLField(_("or a web address"), blank=True)

    class Meta:
        abstract = True

    @property
    def href(self) -> str:
        if self.url:
            return self.url
        return article_url(self.article_slug) if self.article_slug else ""


# --- path templates (configured in the admin) -------------------------------------------------


class PathTemplateQuerySet(models.QuerySet):
    def active(self) -> PathTemplateQuerySet:
        return self.filter(is_active=True)

    def for_member(self, member: User) -> PathTemplate | None:
        """The path offered first: the one for the member's sector, else the default one."""
        paths = list(self.active())
        for path in paths:
            if member.sector and path.sector == member.sector:
                return path
        defaults = [path for path in paths if path.is_default and not path.sector]
        return (defaults or [path for path in paths if not path.sector] or paths or [None])[0]


class PathTemplate(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), unique=True)
    description = models.TextField(_("description for members"), blank=True)
    sector = models.CharField(
        _("offered first to the sector"), max_length=20, choices=Sector.choices, blank=True
    )
    is_default = models.BooleanField(_("default path"), default=False)
    is_active = models.BooleanField(_("offered"), default=True)

    objects = PathTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("path template")
        verbose_name_plural = _("path templates")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_path"
            )
        ]

    def __str__(self) -> str:
        return self.name


class StageTemplate(models.Model):
    path = models.ForeignKey(
        PathTemplate, verbose_name=_("path"), on_delete=models.CASCADE, related_name="stages"
    )
    kind = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    rank = models.PositiveSmallIntegerField(editable=False, default=0)
    title = models.CharField(_("title in plain words"), max_length=150)
    description = models.TextField(_("what happens, for the member"), blank=True)

    class Meta:
        ordering = ["path", "rank"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(fields=["path", "kind"], name="one_stage_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.path} · {self.title}"

    def save(self, *args, **kwargs) -> None:
        self.rank = STAGE_RANK[self.kind]
        super().save(*args, **kwargs)


class StageLink(LinkMixin):
    """A tutorial or article shown to members while they are at this stage."""

    stage = models.ForeignKey(StageTemplate, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(_("title"), max_length=150)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("useful link")
        verbose_name_plural = _("useful links")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if not (self.url or self.article_slug):
            raise ValidationError(_("Give an article or a web address."))


class Assignee(models.TextChoices):
    MEMBER = "member", _("The member")
    ADVISOR = "advisor", _("The advisor")
    TEAM = "team", _("A team")


class TaskTemplate(LinkMixin):
    stage = models.ForeignKey(
        StageTemplate, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="tasks"
    )
    key = models.SlugField(
        _("key"), max_length=60, blank=True, db_index=False,
        help_text=_("Same key in two paths = same task: switching path keeps it if done."),
    )
    title = models.CharField(_("title in plain words"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    assignee = models.CharField(
        _("who does it"), max_length=10, choices=Assignee.choices, default=Assignee.MEMBER
    )
    team = models.ForeignKey(
        "helpdesk.Team", verbose_name=_("team"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    due_offset_days = models.PositiveSmallIntegerField(
        _("due after (days)"), default=7,
        help_text=_("Counted from the start of the stage (the CAPE's start date for the CAPE)."),
    )
    required_document = models.CharField(
        _("document to provide"), max_length=150, blank=True,
        help_text=_("If set, the task is done when this document is sent."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["stage", "position", "pk"]
        verbose_name = _("task template")
        verbose_name_plural = _("task templates")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.key = self.key or slugify(self.title)[:60]
        if self.assignee != Assignee.TEAM:
            self.team = None
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.assignee == Assignee.TEAM and not self.team_id:
            raise ValidationError({"team": _("Choose the team that does this task.")})


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
    return user.is_advisor and journey.member.advisor_id in covering_advisor_ids(user)


class JourneyQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> JourneyQuerySet:
        """A member sees their own; an advisor their members' and those they cover."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.ADMIN:
            return self
        if user.is_advisor:
            return self.filter(member__advisor_id__in=covering_advisor_ids(user))
        return self.filter(member=user)

    def latest(self) -> JourneyQuerySet:
        return self.filter(is_latest=True)

    def followed_by(self, advisor_ids: list[int]) -> JourneyQuerySet:
        return self.filter(is_latest=True, member__advisor_id__in=advisor_ids)


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

    def cape_days_left(self, today: date | None = None) -> int | None:
        if self.state != Stage.CAPE or not self.cape_end:
            return None
        return (self.cape_end - (today or timezone.localdate())).days

    # --- transitions: pure; they check, set fields, and return. actions.py saves. ---

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
        return user.role == Role.ADMIN or user.teams.filter(pk=task.team_id).exists()
    return can_manage_journey(task.journey, user)


def task_document_path(instance: JourneyTask, filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    return f"journeys/{timezone.now():%Y/%m}/{instance.document_token}{suffix}"


class JourneyTaskQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> JourneyTaskQuerySet:
        journeys = Journey.objects.visible_to(user).values("pk")
        if user.is_authenticated and user.is_support_staff and user.role != Role.ADMIN:
            return self.filter(Q(journey__in=journeys) | Q(team__agents=user)).distinct()
        return self.filter(journey__in=journeys)

    def open(self) -> JourneyTaskQuerySet:
        return self.filter(state=TaskState.OPEN)


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

    class Meta:
        ordering = ["due_date", "position", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            # Covers the dashboard's "open, overdue or follow-up tasks of my members" queries.
            models.Index(fields=["journey", "state", "is_followup", "due_date"],
                         name="task_journey"),
            # due_date first: SQLite, without statistics, otherwise scans every open task
            # for the dashboard's "overdue among my 400 members" (96 ms instead of 2 ms).
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

    def is_overdue(self, today: date | None = None) -> bool:
        return self.state == TaskState.OPEN and self.due_date < (today or timezone.localdate())

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


class JourneyEvent(models.Model):
    """One line of a journey's timeline: who did what, when, from which stage to which."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    from_state = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        indexes = [models.Index(fields=["journey", "-created_at"], name="journey_event_recent")]

    def __str__(self) -> str:
        return f"{self.journey_id} {self.kind}"

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


# --- information meetings ------------------------------------------------------------------------


class InfoMeetingQuerySet(models.QuerySet):
    def upcoming(self, now: datetime | None = None) -> InfoMeetingQuerySet:
        return self.filter(starts_at__gt=now or timezone.now()).order_by("starts_at")

    def with_counts(self) -> InfoMeetingQuerySet:
        return self.annotate(
            registered_count=models.Count(
                "registrations",
                filter=Q(registrations__status__in=[Registration.Status.REGISTERED,
                                                    Registration.Status.ATTENDED,
                                                    Registration.Status.ABSENT]),
            ),
            waiting_count=models.Count(
                "registrations", filter=Q(registrations__status=Registration.Status.WAITING)
            ),
        )


class InfoMeeting(models.Model):
    """A collective information meeting: the first step of the path."""

    title = models.CharField(
        _("title"), max_length=150, default="Réunion d'information collective"
    )
    starts_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=120)
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    capacity = models.PositiveSmallIntegerField(_("places"), default=15)
    office = models.ForeignKey(
        "accounts.Office", verbose_name=_("office"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("host"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="hosted_meetings",
        limit_choices_to={"role__in": [Role.ADVISOR, Role.LEAD, Role.ADMIN]},
    )
    description = models.TextField(_("what to expect"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = InfoMeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("information meeting")
        verbose_name_plural = _("information meetings")
        indexes = [models.Index(fields=["starts_at"], name="meeting_starts")]

    def __str__(self) -> str:
        when = timezone.localtime(self.starts_at).strftime("%d/%m/%Y %H:%M")
        return f"{self.title} · {when}"

    def get_absolute_url(self) -> str:
        return reverse("journeys:meeting-detail", args=[self.pk])

    def clean(self) -> None:
        if not (self.place or self.video_url):
            raise ValidationError(_("Give a place or a video link."))

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    def attendance_open(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.starts_at - ATTENDANCE_OPENS_BEFORE


class Registration(ConcurrentTransitionMixin, models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITING = "waiting", _("Waiting list")
        ATTENDED = "attended", _("Attended")
        ABSENT = "absent", _("Absent")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = [Status.REGISTERED, Status.WAITING]

    meeting = models.ForeignKey(InfoMeeting, on_delete=models.CASCADE, related_name="registrations")
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="registrations")
    status = FSMField(default=Status.REGISTERED, choices=Status.choices, protected=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "journey"], condition=~Q(status="cancelled"),
                name="registration_once_per_meeting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.journey_id} {self.status}"

    @transition(field=status, source=Status.WAITING, target=Status.REGISTERED)
    def promote(self) -> None:
        pass

    @transition(field=status, source=ACTIVE, target=Status.CANCELLED)
    def cancel(self) -> None:
        pass

    @transition(field=status, source=[Status.REGISTERED, Status.ABSENT], target=Status.ATTENDED)
    def attend(self) -> None:
        pass

    @transition(field=status, source=[Status.REGISTERED, Status.ATTENDED], target=Status.ABSENT)
    def miss(self) -> None:
        pass


# --- diagnosis appointments ------------------------------------------------------------------


class DiagnosisSlot(ConcurrentTransitionMixin, models.Model):
    """A time an advisor offers for a diagnosis interview; a journey books it."""

    class Status(models.TextChoices):
        FREE = "free", _("Free")
        BOOKED = "booked", _("Booked")
        HELD = "held", _("Held")

    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("advisor"), on_delete=models.CASCADE,
        related_name="diagnosis_slots", limit_choices_to={"role": Role.ADVISOR},
    )
    starts_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    place = models.CharField(_("place or video link"), max_length=200)
    status = FSMField(default=Status.FREE, choices=Status.choices, protected=True)
    journey = models.ForeignKey(
        Journey, null=True, blank=True, on_delete=models.SET_NULL, related_name="diagnosis_slots"
    )
    booked_at = models.DateTimeField(null=True, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(_("action plan agreed"), blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("diagnosis slot")
        verbose_name_plural = _("diagnosis slots")
        constraints = [
            models.UniqueConstraint(fields=["advisor", "starts_at"], name="slot_advisor_start"),
            models.UniqueConstraint(
                fields=["journey"], condition=Q(status="booked"), name="slot_one_booking"
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="slot_free")]

    def __str__(self) -> str:
        return f"{self.advisor} · {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @transition(field=status, source=Status.FREE, target=Status.BOOKED)
    def book(self, *, journey: Journey) -> None:
        self.journey, self.booked_at = journey, timezone.now()

    @transition(field=status, source=Status.BOOKED, target=Status.FREE)
    def release(self) -> None:
        self.journey, self.booked_at = None, None

    @transition(field=status, source=Status.BOOKED, target=Status.HELD)
    def hold(self, *, summary: str) -> None:
        self.held_at, self.summary = timezone.now(), summary


# --- mentors ---------------------------------------------------------------------------------


class MentorOffer(models.Model):
    """A member who volunteers to welcome newcomers (parrain, marraine)."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_offer"
    )
    is_active = models.BooleanField(_("I am available as a mentor"), default=True)
    note = models.TextField(
        _("What I can help with"), blank=True,
        help_text=_("A few words newcomers will read: your trade, what you learnt."),
    )
    max_mentees = models.PositiveSmallIntegerField(_("How many newcomers at most"), default=3)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mentor offer")
        verbose_name_plural = _("mentor offers")

    def __str__(self) -> str:
        return str(self.member)


# --- reminders ---------------------------------------------------------------------------------


class Reminder(models.Model):
    """One reminder sent to one person. The unique key makes every reminder go out once,
    however many workers run and however often."""

    class Kind(models.TextChoices):
        TASK_DUE = "task_due", _("A task is due soon")
        CAPE_ENDING = "cape_ending", _("The CAPE contract ends soon")
        MEETING_TOMORROW = "meeting_tomorrow", _("Information meeting tomorrow")

    key = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    journey = models.ForeignKey(
        Journey, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    task = models.ForeignKey(
        JourneyTask, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    meeting = models.ForeignKey(
        InfoMeeting, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message = models.CharField(max_length=300)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient"], name="reminder_once")
        ]

    def __str__(self) -> str:
        return self.key
