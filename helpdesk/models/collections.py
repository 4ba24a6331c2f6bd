"""Collections: the ladder an unpaid invoice climbs, step by step, with the member's OK.
Transitions are called only from helpdesk/actions/collections.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from coopdesk.accounts.models import Role, User
from coopdesk.models import TimelineEvent, timeline_fields
from helpdesk.models.teams import Team
from helpdesk.models.tickets import Ticket

# --- collections: the ladder an unpaid invoice climbs, step by step, with the member's OK ---


class Step(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting payment")
    REMINDER_1 = "reminder_1", _("First reminder")
    REMINDER_2 = "reminder_2", _("Second reminder")
    FORMAL_NOTICE = "formal_notice", _("Formal notice")
    LITIGATION = "litigation", _("Litigation (bailiff, then court)")
    PAID = "paid", _("Paid")
    STOPPED = "stopped", _("Stopped")


LADDER = [Step.REMINDER_1, Step.REMINDER_2, Step.FORMAL_NOTICE, Step.LITIGATION]
NEXT_STEP = {
    Step.AWAITING: Step.REMINDER_1,
    Step.REMINDER_1: Step.REMINDER_2,
    Step.REMINDER_2: Step.FORMAL_NOTICE,
    Step.FORMAL_NOTICE: Step.LITIGATION,
}
OPEN_STEPS = [Step.AWAITING, *LADDER]


class Consent(models.TextChoices):
    ALLOW = "allow", _("OK, go ahead")
    HOLD = "hold", _("Wait for my OK")


class CollectionSettings(models.Model):
    """A member's defaults: which collection steps the team may take without asking."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collection_settings"
    )
    reminder_1 = models.CharField(
        _("First reminder"), max_length=5, choices=Consent.choices, default=Consent.ALLOW
    )
    reminder_2 = models.CharField(
        _("Second reminder"), max_length=5, choices=Consent.choices, default=Consent.ALLOW
    )
    formal_notice = models.CharField(
        _("Formal notice"), max_length=5, choices=Consent.choices, default=Consent.HOLD
    )
    litigation = models.CharField(
        _("Litigation (bailiff, then court)"), max_length=5, choices=Consent.choices,
        default=Consent.HOLD,
    )
    tell_me_before = models.BooleanField(
        _("Tell me before any action"), default=True,
        help_text=_("The team announces each step two days ahead; you can still say wait."),
    )

    class Meta:
        verbose_name = _("collection settings")
        verbose_name_plural = _("collection settings")

    def __str__(self) -> str:
        return str(self.member)

    @classmethod
    def for_member(cls, member: User) -> CollectionSettings:
        found = cls.objects.filter(member=member).first()
        return found or cls(member=member)


def is_collections_agent(case: CollectionCase, user: User) -> bool:
    return CollectionCase.objects.handled_by(user).filter(pk=case.pk).exists()


class CollectionCaseQuerySet(models.QuerySet):
    def handled_by(self, user: User) -> CollectionCaseQuerySet:
        if user.role == Role.ADMIN:
            return self
        return self.filter(team__in=user.team_ids())

    def visible_to(self, user: User) -> CollectionCaseQuerySet:
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_support_staff:
            return self.handled_by(user)
        if user.is_advisor:
            return self.filter(user.followed_members_q("member__"))
        return self.filter(member=user)


class CollectionCase(ConcurrentTransitionMixin, models.Model):
    """The follow-up of one unpaid invoice (dossier de recouvrement)."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.PROTECT,
        related_name="collection_cases",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="collection_cases"
    )
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("request"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="collection_cases",
    )
    client_name = models.CharField(_("client"), max_length=200)
    invoice_number = models.CharField(_("invoice number"), max_length=50)
    amount = models.DecimalField(_("amount incl. VAT (EUR)"), max_digits=10, decimal_places=2)
    due_date = models.DateField(_("due date"))
    state = FSMField(_("step"), default=Step.AWAITING, choices=Step.choices, protected=True)
    overrides = models.JSONField(
        _("the member's choices for this invoice"), default=dict, blank=True
    )
    pending_step = models.CharField(
        _("next step proposed"), max_length=20, choices=Step.choices, blank=True
    )
    pending_since = models.DateTimeField(null=True, blank=True)
    scheduled_for = models.DateTimeField(
        _("will be taken on"), null=True, blank=True,
        help_text=_("Set when the member is told ahead and has not said wait."),
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = CollectionCaseQuerySet.as_manager()

    # coopdesk.lifecycle: how a step refuses a stale form (and, by default, a step the
    # status does not allow).
    stale_message = _(
        "This invoice's follow-up changed while you were on the page (it is now "
        "“%(state)s”). Nothing was saved: reload the page and try again."
    )

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("collection case")
        verbose_name_plural = _("collection cases")
        indexes = [
            models.Index(fields=["member", "-updated_at"], name="collection_member"),
            models.Index(fields=["team", "state"], name="collection_team"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_number} — {self.client_name}"

    def get_absolute_url(self) -> str:
        return reverse("helpdesk:collection-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STEPS

    @property
    def days_overdue(self) -> int | None:
        """Days since the due date by the local calendar (0 on the day itself), while the
        invoice is unpaid; None before the due date and once paid or stopped."""
        if not self.is_open:
            return None
        days = (timezone.localdate() - self.due_date).days
        return days if days >= 0 else None

    @property
    def lateness(self) -> str:
        """How late the invoice is, in words beside its step: the colour of a badge is not
        enough to read it."""
        days = self.days_overdue
        if days is None:
            return ""
        if days == 0:
            return gettext("Due today")
        return ngettext("%(days)d day overdue", "%(days)d days overdue", days) % {"days": days}

    @property
    def next_step(self) -> str | None:
        return NEXT_STEP.get(self.state)

    def consent_for(self, step: str, defaults: CollectionSettings | None = None) -> str:
        if step in self.overrides:
            return self.overrides[step]
        defaults = defaults or CollectionSettings.for_member(self.member)
        return getattr(defaults, step)

    def ladder(self) -> list[dict]:
        """Every step with whether it is done, current, waiting for the member, and their choice.

        On an open case the step it is at is under way, not done: taking a step starts it
        (a letter to write and send), so only the steps before it are done. On a paid or
        stopped case, the steps its timeline says were taken."""
        defaults = CollectionSettings.for_member(self.member)
        is_open = self.is_open
        if is_open:
            reached = OPEN_STEPS.index(self.state)
        else:  # paid or stopped: the steps its timeline says were taken, not the whole ladder
            taken = set(self.events.filter(kind=CollectionEventKind.TAKEN)
                        .values_list("step", flat=True))
            reached = max((OPEN_STEPS.index(s) for s in taken if s in OPEN_STEPS), default=0)
        rows = []
        for position, step in enumerate(LADDER, start=1):
            rows.append({
                "step": step,
                "label": Step(step).label,
                "done": position < reached if is_open else position <= reached,
                "current": is_open and position == reached,  # a closed case is at no step
                "pending": self.pending_step == step,
                "consent": self.consent_for(step, defaults),
                "overridden": step in self.overrides,
            })
        return rows

    def refusal(self, name: str) -> str | None:
        if name == "take_step":
            return _("There is no further step for this invoice.")
        return None

    # --- transitions: pure ---

    @transition(
        field=state, source=[Step.AWAITING, Step.REMINDER_1, Step.REMINDER_2, Step.FORMAL_NOTICE],
        target=RETURN_VALUE(*LADDER), permission=is_collections_agent,
    )
    def take_step(self) -> str:
        step = NEXT_STEP[self.state]
        self.pending_step, self.pending_since, self.scheduled_for = "", None, None
        return step

    @transition(field=state, source=OPEN_STEPS, target=Step.PAID, permission=is_collections_agent)
    def mark_paid(self) -> None:
        self.pending_step, self.pending_since, self.scheduled_for = "", None, None

    @transition(
        field=state, source=OPEN_STEPS, target=Step.STOPPED, permission=is_collections_agent
    )
    def stop(self) -> None:
        self.pending_step, self.pending_since, self.scheduled_for = "", None, None


class CollectionEventKind(models.TextChoices):
    OPENED = "opened", _("Case opened")
    PROPOSED = "proposed", _("Step proposed, waiting for the member's OK")
    SCHEDULED = "scheduled", _("Step announced")
    TAKEN = "taken", _("Step started")  # started, not done: a formal notice is still to send
    CONSENT = "consent", _("Member's choice")
    PAID = "paid", _("Paid")
    STOPPED = "stopped", _("Stopped")


class CollectionEvent(TimelineEvent):
    case = models.ForeignKey(CollectionCase, on_delete=models.CASCADE, related_name="events")
    kind, from_state, to_state = timeline_fields(CollectionEventKind, Step)
    step = models.CharField(max_length=20, choices=Step.choices, blank=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("collection event")
        verbose_name_plural = _("collection events")
