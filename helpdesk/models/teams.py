"""Teams and their calendar (opening hours, closures), service targets by priority, and the
categories a member picks from.
"""

from __future__ import annotations

from datetime import time
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.dates import WEEKDAYS
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from coopdesk.accounts.models import Role
from coopdesk.accounts.validators import validate_phone
from helpdesk.business_time import Calendar, hours_in_words


class HolidayRegion(models.TextChoices):
    """Regions as the `holidays` package names them (country, then subdivision)."""

    FRANCE = "FR", _("France")
    MOSELLE = "FR-57", _("France, Moselle")
    ALSACE = "FR-6AE", _("France, Alsace")
    BELGIUM = "BE", _("Belgium")


class Assignment(models.TextChoices):
    """How a team's new requests find their handler (actions.auto_assign)."""

    MANUAL = "manual", _("Manual: agents take requests from the queue")
    ROUND_ROBIN = "round_robin", _("Round robin: each agent who is in, in turn")
    LEAST_LOADED = "least_loaded", _("Least loaded: the agent with the fewest open requests")


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("short name"), unique=True)
    description = models.TextField(_("what this team does"), blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("contact phone"), max_length=30, blank=True,
                             validators=[validate_phone])
    region = models.CharField(
        _("public holidays of"), max_length=10, choices=HolidayRegion.choices,
        default=HolidayRegion.FRANCE,
    )
    time_zone = models.CharField(_("time zone"), max_length=40, default="Europe/Paris")
    first_response_hours = models.PositiveIntegerField(
        _("first-response target (business hours)"), default=24
    )
    # The team's recent pace (answer_pace in actions/jobs.py, a worker job): the median
    # business minutes one first answer took once the team could turn to it. None until
    # enough requests were answered.
    answer_minutes = models.FloatField(_("minutes per first answer"), null=True, editable=False)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("team lead"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="led_teams",
    )
    agents = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("agents"), blank=True, related_name="teams",
        limit_choices_to={"role__in": [Role.AGENT, Role.LEAD, Role.ADMIN]},
    )
    assignment = models.CharField(
        _("assignment of new requests"), max_length=20, choices=Assignment.choices,
        default=Assignment.MANUAL,
    )
    agent_capacity = models.PositiveSmallIntegerField(
        _("open requests per agent at most"), null=True, blank=True,
        help_text=_("Agents who hold this many open requests get no more automatically. "
                    "Empty: no limit. An agent's own limit, when set, comes first."),
    )
    # Round robin's pointer: the last agent given a request automatically, moved under the
    # team row's lock (actions.auto_assign), so that concurrent requests take turns.
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("helpdesk:queue-detail", args=[self.slug])

    @cached_property
    def calendar(self) -> Calendar:
        """The team's business time: its opening ranges, holidays and closures (two
        queries, once per loaded team; a prefetch of `opening_ranges` and `closures`
        spares them on lists). A team without opening hours counts clock hours."""
        weekly = self.weekly_hours
        if not weekly:
            return Calendar.always_open()
        return Calendar(
            {day: tuple(sorted(ranges)) for day, ranges in weekly.items()},
            time_zone=self.time_zone,
            region=self.region,
            closures=tuple((c.first_day, c.last_day) for c in self.closures.all()),
        )

    def targets_for(self, priority: int) -> Targets:
        for target in self.targets.all():
            if target.priority == priority:
                return target.as_targets()
        minutes = self.first_response_hours * 60
        return Targets(minutes, minutes, minutes * RESOLUTION_FACTOR)

    @cached_property
    def weekly_hours(self) -> dict[int, list]:
        """Weekday (Monday 0) -> its opening ranges (start, end)."""
        weekly: dict[int, list] = {}
        for opening in self.opening_ranges.all():
            weekly.setdefault(opening.weekday, []).append((opening.starts, opening.ends))
        return weekly

    @property
    def opening_hours(self) -> str:
        """The hours in words, generated from the opening ranges."""
        return hours_in_words(self.weekly_hours)


class OpeningRange(models.Model):
    """One range of a team's week: several a day for a lunch break; an end at 00:00 is
    midnight at the end of the day."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="opening_ranges")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=WEEKDAYS.items())
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("to"))

    class Meta:
        ordering = ["weekday", "starts"]
        verbose_name = _("opening range")
        verbose_name_plural = _("opening hours")

    def __str__(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.starts:%H:%M}–{self.ends:%H:%M}"

    def clean(self) -> None:
        if self.starts is not None and self.ends is not None:
            if self.ends != time(0) and self.ends <= self.starts:
                raise ValidationError(_("A range ends after it starts (00:00 for midnight)."))


class Closure(models.Model):
    """Days the team is closed besides public holidays (e.g. Christmas week)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="closures")
    first_day = models.DateField(_("first day closed"))
    last_day = models.DateField(_("last day closed"))
    reason = models.CharField(_("reason"), max_length=100, blank=True)

    class Meta:
        ordering = ["first_day"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")

    def __str__(self) -> str:
        return f"{self.first_day}–{self.last_day} {self.reason}".strip()

    def clean(self) -> None:
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValidationError(_("The last day comes after the first."))


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class Targets(NamedTuple):
    """A team's promises for one priority, in business minutes."""

    first_response: float
    next_update: float
    resolution: float


# A team that set no target for a priority: its first-response target, the next update in
# the same time, the resolution in five times as long.
RESOLUTION_FACTOR = 5


class ServiceTarget(models.Model):
    """What a team promises for requests of one priority, in business hours."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="targets")
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)
    first_response_hours = models.DecimalField(
        _("first response within (business hours)"), max_digits=6, decimal_places=2
    )
    next_update_hours = models.DecimalField(
        _("next update after the member writes (business hours)"), max_digits=6,
        decimal_places=2,
    )
    resolution_hours = models.DecimalField(
        _("resolution within (business hours)"), max_digits=6, decimal_places=2
    )

    class Meta:
        ordering = ["team", "-priority"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["team", "priority"], name="one_target_per_priority")
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.get_priority_display()}"

    def as_targets(self) -> Targets:
        return Targets(
            float(self.first_response_hours) * 60, float(self.next_update_hours) * 60,
            float(self.resolution_hours) * 60,
        )


class Category(models.Model):
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="categories"
    )
    label = models.CharField(_("label"), max_length=150)
    help_text = models.TextField(_("help text"), blank=True)
    default_priority = models.PositiveSmallIntegerField(
        _("default priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # The team's triage category for requests that arrived by e-mail (not offered on forms).
    by_email = models.BooleanField(_("arrived by e-mail"), default=False, editable=False)

    class Meta:
        ordering = ["team__name", "position", "label"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [  # two e-mails at once create one, not two (actions.open_by_email)
            models.UniqueConstraint(
                fields=["team"], condition=models.Q(by_email=True), name="one_by_email_category"
            )
        ]

    def __str__(self) -> str:
        return self.label
