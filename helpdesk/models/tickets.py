"""Requests (tickets): who may see them, how they are searched, their lifecycle, timeline,
messages and attachments.

A ticket's state changes only through the transitions below, and the transitions are
called only from helpdesk/actions/, which saves, writes the timeline and notifies.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Exists, ExpressionWrapper, OuterRef, Q, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from coopdesk.accounts.models import Role, User
from coopdesk.models import TimelineEvent, timeline_fields
from coopdesk.rendering import render_markdown
from helpdesk.models.teams import Category, Priority, Targets, Team


class State(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("In progress")
    WAITING = "waiting", _("Waiting for you")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The waiting state in the words of everyone but the request's member ("waiting for you" is
# hers): its team, her advisor, the queue's filter and the exports.
WAITING_FOR_MEMBER = _("Waiting for the member")

ACTIVE_STATES = [State.NEW, State.OPEN, State.WAITING]
REFERENCE_RE = re.compile(r"^\s*D-(\d{4})-(\d+)\s*$", re.IGNORECASE)


def is_requester(ticket: Ticket, user: User) -> bool:
    return ticket.requester_id == user.pk


def works_for_team(user: User, team_id: int) -> bool:
    """Agents of the team, and admins: the people who handle its requests."""
    return user.is_authenticated and user.works_for_team(team_id)


def is_team_agent(ticket: Ticket, user: User) -> bool:
    """Handles this request for its team: runs its steps, reads and writes its internal notes.

    Being staff is not enough: an agent who files a request with another team is that
    team's member there, and never sees its notes.
    """
    return works_for_team(user, ticket.team_id)


SEARCH_WORDS = 5
PEOPLE_LISTED = 1000


def people_matching(word: str) -> list[int] | models.QuerySet:
    """Ids of the people whose name or e-mail contains `word`, looked up on their own.

    A list rather than a subquery: PostgreSQL filters "subject matches OR requester in
    (subquery)" request by request, where a list of ids lets it combine the subject's
    trigram index with the requester's index. Beyond PEOPLE_LISTED people, the subquery
    again.
    """
    people = User.objects.filter(
        Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
    )
    ids = list(people.values_list("pk", flat=True)[: PEOPLE_LISTED + 1])
    return ids if len(ids) <= PEOPLE_LISTED else people.values("pk")


def without_plural(word: str) -> str:
    """The word without a final s or x ("factures", "bureaux"): since a word is looked for
    anywhere in the subject, the shorter one finds the singular and the plural alike."""
    if len(word) > 3 and word[-1] in "sxSX" and word[-2].isalpha():
        return word[:-1]
    return word


LIST_FIELDS = (
    "subject", "state", "priority", "created_at", "updated_at", "first_response_due",
    "due_at", "risk_at",
    "first_response_at", "team__name", "team__slug", "category__label",
    "requester__first_name", "requester__last_name", "requester__email",
    "assignee__first_name", "assignee__last_name", "assignee__email",
)


class TicketQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> TicketQuerySet:
        """The requests a person may open: the same rule for pages, files and sockets."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.ADMIN:
            return self
        # Requests this person was added to as a watcher (by the member: a co-worker; by
        # the team: a colleague of another team). Advisors are not counted: the member's
        # advisor is a watcher of every request, and follows it only while following her.
        # Asked of each request (EXISTS on the (ticket, user) key), not as the list of the
        # person's watched requests: prepared, that list is planned for an average watcher,
        # thousands of rows as advisors watch so much, and PostgreSQL then found the shared
        # plan dearer and planned the request page's three checks again on every view
        # (README, "Performance decisions").
        watched = Exists(self.model.watchers.through.objects.filter(
            ticket=OuterRef("pk"), user_id=user.pk
        ))
        if user.is_support_staff:
            # A subquery, not a join to the team's agents: a join would need DISTINCT.
            teams = user.team_ids()
            watching = Q(pk__in=self.model.watching_teams.through.objects.filter(
                team__in=teams
            ).values("ticket_id"))
            return self.filter(Q(team__in=teams) | Q(requester=user) | watched | watching)
        if user.is_advisor:
            return self.filter(user.followed_members_q("requester__") | Q(requester=user))
        return self.filter(Q(requester=user) | watched)

    def with_team_view(self, user: User) -> TicketQuerySet:
        """Marks each request with `team_view`: True where this person handles it for its
        team (the same rule as `is_team_agent`), False where they only take part in it (its
        member, their advisor, an agent who filed it with another team)."""
        if not user.is_authenticated or not user.is_support_staff:
            return self.annotate(team_view=Value(False))
        if user.role == Role.ADMIN:
            return self.annotate(team_view=Value(True))
        return self.annotate(team_view=ExpressionWrapper(
            Q(team__in=user.team_ids()), output_field=models.BooleanField()
        ))

    def active(self) -> TicketQuerySet:
        return self.filter(state__in=ACTIVE_STATES)

    def search(self, text: str) -> TicketQuerySet:
        """The request with this reference or number, or the requests where every word of
        `text` (up to SEARCH_WORDS), singular or plural, is in the subject or in the
        member's name or e-mail, whatever the case."""
        text = text.strip()
        match = REFERENCE_RE.match(text)
        if match:
            return self.filter(pk=int(match.group(2)))
        if text.isdecimal():  # not isdigit: "²" is a digit that int() refuses
            return self.filter(Q(pk=int(text)) | Q(subject__icontains=text))
        queryset = self
        for word in text.split()[:SEARCH_WORDS]:
            word = without_plural(word)
            queryset = queryset.filter(
                Q(subject__icontains=word) | Q(requester__in=people_matching(word))
            )
        return queryset

    def for_list(self) -> TicketQuerySet:
        """Rows for a list page: the columns lists show, their labels joined in.

        Loading whole rows (the texts, every column of two people) cost more than the query
        itself on a 25-row page; tests/helpdesk/test_query_counts.py catches a list template
        that reads a column left out here (one more query per row).
        """
        return self.select_related("team", "category", "assignee", "requester").only(
            *LIST_FIELDS
        )


class Channel(models.TextChoices):
    """How a request came in: online or by e-mail from the member, or recorded for her by
    an agent (by phone, e-mail or at the counter)."""

    WEB = "web", _("Online")
    PHONE = "phone", _("By phone")
    EMAIL = "email", _("By e-mail")
    COUNTER = "counter", _("At the counter")


class Escalation(models.IntegerChoices):
    NONE = 0, _("None")
    AT_RISK = 1, _("Handler alerted: at risk")
    LATE = 2, _("Team lead alerted: late")


# A promise is at risk once this share of its business time is used.
RISK_SHARE = 0.75


class Ticket(ConcurrentTransitionMixin, models.Model):
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("your message"))
    body_html = models.TextField(editable=False)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="tickets"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="tickets"
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.PROTECT,
        related_name="requests",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handled by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="assigned_requests",
    )
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("watchers"), blank=True,
        related_name="watched_requests",
    )
    # Other teams following the request (added by its team): its public thread and steps.
    watching_teams = models.ManyToManyField(
        Team, verbose_name=_("watching teams"), blank=True, related_name="watched_requests"
    )
    state = FSMField(_("status"), default=State.NEW, choices=State.choices, protected=True)
    channel = models.CharField(
        _("came in"), max_length=10, choices=Channel.choices, default=Channel.WEB
    )
    # A duplicate, once merged: closed, and continued in this request.
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="merged_duplicates",
    )
    related_requests = models.ManyToManyField(
        "self", verbose_name=_("related requests"), blank=True, symmetrical=True
    )
    version = models.PositiveIntegerField(default=1)
    # The opening form's own key (its hidden `key`): the same form sent twice (a double
    # click, a resend after a slow network) opens one request (actions.create_ticket).
    form_key = models.CharField(max_length=40, blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("opened"), default=timezone.now)
    updated_at = models.DateTimeField(_("last update"), default=timezone.now)
    first_response_due = models.DateTimeField(_("first response due"))
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    # The promises, in the team's business time (see `start_clock` and the steps in
    # actions/); `due_at` is the nearest of those that still bind, None while paused.
    next_update_due = models.DateTimeField(_("next update due"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    paused_at = models.DateTimeField(_("clock paused since"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # Escalation (actions.escalate): at risk once RISK_SHARE of the target is used; what
    # was said about the promise that binds now, reset when it moves.
    risk_at = models.DateTimeField(_("at risk from"), null=True, blank=True)
    escalation = models.PositiveSmallIntegerField(
        _("escalation"), choices=Escalation.choices, default=Escalation.NONE
    )
    lead_alerted_at = models.DateTimeField(_("team lead alerted"), null=True, blank=True)
    # While it waits for the member: when she was reminded (actions.remind_waiting).
    member_reminded_at = models.DateTimeField(_("member reminded"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = TicketQuerySet.as_manager()

    # coopdesk.lifecycle: what a step reads with the row, and how it refuses a stale form
    # (a step the status does not allow gets lifecycle's own sentence, naming the status).
    lock_related = ("team",)
    stale_message = _(
        "This request was changed by someone else while you were on the page "
        "(it is now “%(state)s”). Nothing was saved: reload the page and try again."
    )

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        indexes = [
            models.Index(fields=["team", "state", "-updated_at"], name="ticket_queue"),
            # A queue shows several states newest first: walking this index in order stops
            # after a page of matches, where ticket_queue had to sort every active row.
            models.Index(fields=["team", "-updated_at"], name="ticket_team_recent"),
            # A member's requests by status, newest first (my requests, the other requests
            # beside one); an advisor's members' requests start from the member, not from
            # the active requests of everyone, as (requester, -updated_at) made it do.
            models.Index(
                fields=["requester", "state", "-updated_at"], name="ticket_requester_state"
            ),
            # "Assigned to me", newest first, without sorting all of an agent's requests; on
            # PostgreSQL with the id, so that the teams overview's page of ids is read from
            # the index alone (0.9 -> 0.2 ms for a lead with 1,000 requests in hand).
            models.Index(fields=["assignee", "state", "-updated_at"], include=["id"],
                         name="ticket_assignee"),
            models.Index(fields=["state", "resolved_at"], name="ticket_autoclose"),
            # The queue by due time, and the escalation scan of the requests due soonest.
            models.Index(fields=["team", "due_at"], name="ticket_team_due"),
            # The team cards' counts (in progress, unassigned, waiting, at risk, late) read
            # from the index alone.
            models.Index(fields=["team", "state", "assignee", "due_at", "risk_at"],
                         name="ticket_team_clock"),
            # Team health: the backlog by age with at risk and late, read from the index
            # alone (without it, every active row of the team: 64 vs 15 ms at 100,000).
            models.Index(fields=["team", "state", "created_at", "due_at", "risk_at"],
                         name="ticket_team_age"),
            # The escalation scan: only the requests with a promise not yet escalated.
            models.Index(fields=["risk_at"], name="ticket_risk",
                         condition=Q(risk_at__isnull=False) & Q(escalation__lt=2)),
            # The team's recent first answers (actions.answer_pace): a few rows, newest first.
            models.Index(fields=["team", "first_response_at"], name="ticket_team_answered",
                         condition=Q(first_response_at__isnull=False)),
        ]
        constraints = [  # one request per form sent (actions.create_ticket)
            models.UniqueConstraint(fields=["requester", "form_key"], name="ticket_form_once",
                                    condition=~Q(form_key="")),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    def save(self, *args, update_fields=None, **kwargs) -> None:
        due = self.nearest_due()
        if due != self.due_at:  # a new promise: its own escalation
            self.due_at, self.escalation, self.lead_alerted_at = due, Escalation.NONE, None
            self.risk_at = self.risk_for(due)
            if update_fields is not None:
                update_fields = {
                    *update_fields, "due_at", "escalation", "lead_alerted_at", "risk_at"
                }
        # A step saves only the columns it changed: the body is rendered when it is saved.
        if update_fields is None or "body" in update_fields:
            self.body_html = render_markdown(self.body)
            if update_fields is not None:
                update_fields = {*update_fields, "body_html"}
        super().save(*args, update_fields=update_fields, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("helpdesk:ticket-detail", args=[self.pk])

    def concerns(self, user: User, *, watching: bool | None = None) -> bool:
        """Whether a person hears of this request's steps without following it: its member,
        its handler, while nobody handles it the team's agents, and its watchers (`watching`
        when already known, else one query)."""
        if user.pk in (self.requester_id, self.assignee_id):
            return True
        if self.assignee_id is None and user.role != Role.ADMIN:
            if user.works_for_team(self.team_id):
                return True
        if watching is not None:
            return watching
        return self.watchers.filter(pk=user.pk).exists()

    @property
    def reference(self) -> str:
        return f"D-{self.created_at.year}-{self.pk:05d}" if self.pk else ""

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def first_response_overdue(self) -> bool:
        due = self.first_response_due
        return self.first_response_at is None and self.is_active and due < timezone.now()

    @classmethod
    def first_response_due_for(cls, team: Team, at=None, priority: int = Priority.NORMAL):
        """The team's first-response target counted in its business time."""
        minutes = team.targets_for(priority).first_response
        return team.calendar.add(at or timezone.now(), minutes)

    # --- the clock: business-time promises, kept by the steps in actions/ ---

    def nearest_due(self) -> datetime | None:
        """The promise that binds now: none once finished or while paused."""
        if self.state not in (State.NEW, State.OPEN):
            return None
        if self.first_response_at is None:
            return self.first_response_due
        dues = [due for due in (self.next_update_due, self.resolution_due) if due]
        return min(dues, default=None)

    def member_promise(self) -> datetime | None:
        """The date her page promises: the first answer until there is one, then the
        nearest promise that binds (none while paused or finished)."""
        if self.first_response_at is None and self.is_active:
            return self.first_response_due
        return self.nearest_due()

    def promise_after_answer(self, now: datetime | None = None) -> datetime | None:
        """The date still promised once the team has answered her (what a reply that says
        "you will hear from us by ..." may name): a public answer meets the first response
        and the update she waited for (`team_answered`), so the resolution's. None where no
        date holds: finished, paused while the team waits for her (it moves when she
        answers), or already missed."""
        now = now or timezone.now()
        if self.state not in (State.NEW, State.OPEN) or self.resolution_due is None:
            return None
        return self.resolution_due if self.resolution_due > now else None

    def place_in_line(self) -> int | None:
        """Her place among the team's requests not yet answered, in the order the team
        works them (due time first): one count on the (team, due_at) index."""
        if self.first_response_at is not None or self.state not in (State.NEW, State.OPEN):
            return None
        ahead = Ticket.objects.filter(
            Q(due_at__lt=self.due_at) | Q(due_at=self.due_at, pk__lt=self.pk),
            team_id=self.team_id, due_at__lte=self.due_at, first_response_at__isnull=True,
            state__in=[State.NEW, State.OPEN],
        ).count()
        return ahead + 1

    def expected_first_answer(self, place: int, now: datetime | None = None) -> datetime:
        """When the first answer may be expected at this place in line: the team's recent
        pace (minutes per first answer, `Team.answer_minutes`) times the requests up to
        hers, in business time from now. Without a pace yet, the promise. Never earlier
        than now, never while the team is closed, never later than the promise while it
        holds: the escalation job alerts the team before it is broken, and a page must not
        say one date "at the latest" and a later one "expected"."""
        now = now or timezone.now()
        promised = self.first_response_due if self.first_response_due > now else None
        if self.team.answer_minutes is None and promised:
            return promised  # within opening hours: computed so
        # The team's calendar: its opening ranges and closures, two small queries.
        calendar = self.team.calendar
        if self.team.answer_minutes is None:
            return calendar.add(now, 0)
        expected = calendar.add(now, place * self.team.answer_minutes)
        return min(expected, promised) if promised else expected

    @property
    def closes_on(self) -> datetime | None:
        """When a resolved request closes by itself (actions.auto_close_resolved), or one
        waiting for the member's answer (actions.close_unanswered)."""
        if self.state == State.WAITING:
            return self.paused_at and self.paused_at + timedelta(
                days=settings.TICKET_WAITING_CLOSE_DAYS
            )
        if self.state != State.RESOLVED or self.resolved_at is None:
            return None
        return self.resolved_at + timedelta(days=settings.TICKET_AUTO_CLOSE_DAYS)

    @property
    def reminds_on(self) -> datetime | None:
        """When a request waiting for the member reminds her (actions.remind_waiting)."""
        if self.state != State.WAITING or self.paused_at is None:
            return None
        return self.paused_at + timedelta(days=settings.TICKET_WAITING_REMIND_DAYS)

    @property
    def late_promise(self) -> str:
        """Which promise is broken, in the member's words' keys: "first_response",
        "next_update", "resolution", or "" while none is."""
        if not self.is_late:
            return ""
        if self.first_response_at is None:
            return "first_response"
        return "next_update" if self.due_at == self.next_update_due else "resolution"

    @property
    def is_late(self) -> bool:
        return self.due_at is not None and self.due_at <= timezone.now()

    @property
    def is_at_risk(self) -> bool:
        now = timezone.now()
        return self.risk_at is not None and self.risk_at <= now < self.due_at

    def risk_for(self, due: datetime | None) -> datetime | None:
        """When the promise `due` turns at risk: the last quarter of its target."""
        if due is None:
            return None
        targets = self.team.targets_for(self.priority)
        if self.first_response_at is None:
            target = targets.first_response
        elif due == self.next_update_due:
            target = targets.next_update
        else:
            target = targets.resolution
        return self.team.calendar.subtract(due, target * (1 - RISK_SHARE))

    def start_clock(self, at: datetime) -> None:
        """A new request, or one arriving in a team: the team's targets from `at`."""
        targets, calendar = self.team.targets_for(self.priority), self.team.calendar
        self.first_response_due = calendar.add(at, targets.first_response)
        self.resolution_due = calendar.add(at, targets.resolution)
        self.next_update_due = None
        self.paused_at = None

    def pause_clock(self, at: datetime) -> None:
        if self.paused_at is None:
            self.paused_at, self.member_reminded_at = at, None

    def resume_clock(self, at: datetime) -> None:
        """Her answer: each promise still ahead when the clock paused gets the business
        time it had left; one already missed stays missed."""
        if self.paused_at is None:
            return
        calendar = self.team.calendar
        for name in ("first_response_due", "resolution_due"):
            due = getattr(self, name)
            if due is None or (name == "first_response_due" and self.first_response_at):
                continue
            left = calendar.minutes_between(self.paused_at, due)
            if left > 0:
                setattr(self, name, calendar.add(at, left))
        self.paused_at = self.member_reminded_at = None

    def member_wrote(self, at: datetime) -> None:
        """The team owes her an update within its next-update target."""
        if self.first_response_at and self.next_update_due is None:
            minutes = self.team.targets_for(self.priority).next_update
            self.next_update_due = self.team.calendar.add(at, minutes)

    def team_answered(self, at: datetime) -> None:
        """A public reply or question: the first response, and the update she waited for."""
        self.first_response_at = self.first_response_at or at
        self.next_update_due = None

    def retarget(self, at: datetime, before: Targets) -> None:
        """A new priority: each open promise keeps the time already used and gets the
        new target's length (late at once when the new target is already used up)."""
        after, calendar = self.team.targets_for(self.priority), self.team.calendar
        since = self.paused_at or at
        for name, old, new in (
            ("first_response_due", before.first_response, after.first_response),
            ("next_update_due", before.next_update, after.next_update),
            ("resolution_due", before.resolution, after.resolution),
        ):
            due = getattr(self, name)
            if due is None or (name == "first_response_due" and self.first_response_at):
                continue
            left = calendar.minutes_between(since, due) + new - old
            setattr(self, name, calendar.add(since, left) if left > 0 else since)

    # --- transitions: pure; they check, set fields, and return. The actions save. ---

    @transition(field=state, source=State.NEW, target=State.OPEN, permission=is_team_agent)
    def acknowledge(self, *, by: User) -> None:
        # Taking a request up says nothing to the member: not a first response.
        pass

    @transition(
        field=state, source=[State.NEW, State.OPEN, State.WAITING],
        target=RETURN_VALUE(State.OPEN, State.WAITING), permission=is_team_agent,
    )
    def assign(self, *, to: User | None) -> str:
        self.assignee = to
        if self.state == State.NEW:  # taken up, but nothing was said to the member yet
            return State.OPEN
        return self.state

    @transition(
        field=state, source=[State.OPEN], target=State.WAITING, permission=is_team_agent
    )
    def wait_for_member(self) -> None:
        pass

    @transition(field=state, source=State.WAITING, target=State.OPEN, permission=is_requester)
    def member_answered(self) -> None:
        pass

    @transition(
        field=state, source=[State.NEW, State.OPEN, State.WAITING], target=State.RESOLVED,
        permission=is_team_agent,
    )
    def resolve(self) -> None:
        now = timezone.now()
        self.resolved_at = now
        self.first_response_at = self.first_response_at or now
        # No longer waiting for her: a later question pauses the clock afresh.
        self.paused_at = self.member_reminded_at = None

    @transition(field=state, source=State.RESOLVED, target=State.CLOSED, permission=is_requester)
    def confirm(self) -> None:
        self.closed_at = timezone.now()

    @transition(field=state, source=State.RESOLVED, target=State.CLOSED)
    def auto_close(self) -> None:
        self.closed_at = timezone.now()

    @transition(field=state, source=State.WAITING, target=State.CLOSED)
    def close_unanswered(self) -> None:
        """The worker's, once the member left a question unanswered (close_unanswered)."""
        self.closed_at = timezone.now()

    @transition(
        field=state, source=[State.NEW, State.OPEN, State.WAITING, State.RESOLVED],
        target=State.CLOSED, permission=is_team_agent,
    )
    def close(self) -> None:
        self.closed_at = timezone.now()

    @transition(field=state, source=State.RESOLVED, target=State.OPEN, permission=is_requester)
    def reopen(self) -> None:
        self.resolved_at = None

    @transition(
        field=state, source=[State.NEW, State.OPEN, State.WAITING], target=State.WITHDRAWN,
        permission=is_requester,
    )
    def withdraw(self) -> None:
        self.closed_at = timezone.now()

    @transition(
        field=state, source=[State.NEW, State.OPEN, State.WAITING], target=State.NEW,
        permission=is_team_agent,
    )
    def transfer(self, *, to_team: Team) -> None:
        self.team = to_team
        self.assignee = None


class EventKind(models.TextChoices):
    CREATED = "created", _("Request sent")
    ACKNOWLEDGED = "acknowledged", _("Request acknowledged")
    ASSIGNED = "assigned", _("Handler assigned")
    REPLIED = "replied", _("Reply")
    NOTE = "note", _("Internal note")
    WAITING = "waiting", _("Waiting for the member")
    ANSWERED = "answered", _("Member answered")
    TRANSFERRED = "transferred", _("Transferred to another team")
    RESOLVED = "resolved", _("Resolved")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    PRIORITY = "priority", _("Priority changed")
    RESCHEDULED = "rescheduled", _("Promised date moved")
    CATEGORY = "category", _("Category changed")
    MERGED = "merged", _("Merged into another request")
    MERGED_IN = "merged_in", _("A duplicate was merged into this request")
    LINKED = "linked", _("Linked to another request")
    WATCHER = "watcher", _("Someone follows the request, or no longer does")
    AT_RISK = "at_risk", _("At risk: the handler was alerted")
    LATE = "late", _("Late: the team lead was alerted")
    REMINDED = "reminded", _("The member was reminded of the team's question")
    RATED = "rated", _("The member said how they were served")
    LOW_SCORE = "low_score", _("Low score: the team lead was alerted")


class TicketEventQuerySet(models.QuerySet):
    def public(self) -> TicketEventQuerySet:
        """What the member and their advisor see: everything but the internal notes."""
        return self.filter(is_internal=False)


class TicketEvent(TimelineEvent):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind, from_state, to_state = timeline_fields(EventKind, State)
    is_internal = models.BooleanField(default=False)
    message = models.ForeignKey(
        "Message", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = TicketEventQuerySet.as_manager()

    class Meta(TimelineEvent.Meta):
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")


class MessageQuerySet(models.QuerySet):
    def public(self) -> MessageQuerySet:
        return self.filter(is_internal=False)


class Message(models.Model):
    """A public reply between the member and the team, or an internal note for staff."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ticket_messages"
    )
    body = models.TextField(_("message"))
    body_html = models.TextField(editable=False)
    is_internal = models.BooleanField(_("internal note"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    # The reply or note form's own key: the same form sent twice posts one message.
    form_key = models.CharField(max_length=40, blank=True, default="", editable=False)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["ticket", "created_at"], name="message_ticket")]
        constraints = [  # one message per form sent (actions.add_reply, add_note)
            models.UniqueConstraint(fields=["author", "form_key"], name="message_form_once",
                                    condition=~Q(form_key="")),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {'note' if self.is_internal else 'reply'} {self.pk}"

    def save(self, *args, **kwargs) -> None:
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)


def attachment_path(instance: Attachment, filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    return f"attachments/{timezone.now():%Y/%m}/{instance.token}{suffix}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("helpdesk:attachment-download", args=[self.pk])

    def is_visible_to(self, user: User) -> bool:
        """A file sent with an internal note is for the team handling the request only (the
        request itself is checked by the caller)."""
        if self.message_id and self.message.is_internal:
            return works_for_team(user, self.ticket.team_id)
        return True
