"""Figures: how the member was served (her answer, or her wish not to be asked), and team
health, one row per team and day.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopdesk.db import FloatListField
from helpdesk.models.teams import Team
from helpdesk.models.tickets import Ticket


class Score(models.IntegerChoices):
    """How the member was served, in words (never stars or colour alone)."""

    VERY_POORLY = 1, _("Very poorly")
    POORLY = 2, _("Poorly")
    FAIRLY = 3, _("Fairly")
    WELL = 4, _("Well")
    VERY_WELL = 5, _("Very well")


LOW_SCORES = (Score.VERY_POORLY, Score.POORLY)


class Satisfaction(models.Model):
    """The member's answer to "How were you served?", one per request, asked once it is
    closed by her confirmation or by itself (helpdesk/satisfaction.py). Written only by
    actions.rate_ticket; `team` is the team that served her, kept for the results."""

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, related_name="satisfaction"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="satisfactions"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="satisfactions")
    score = models.PositiveSmallIntegerField(_("how you were served"), choices=Score.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("answered"), default=timezone.now)
    changed_at = models.DateTimeField(_("last changed"), default=timezone.now)
    lead_alerted_at = models.DateTimeField(_("team lead alerted"), null=True, blank=True)

    class Meta:
        verbose_name = _("satisfaction answer")
        verbose_name_plural = _("satisfaction answers")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="satisfaction_score_1_5"
            )
        ]
        # Results per team and month read this index only (helpdesk/satisfaction.py).
        indexes = [
            models.Index(fields=["team", "created_at", "score"], name="satisfaction_results")
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.score}/5"

    @property
    def is_low(self) -> bool:
        return self.score in LOW_SCORES


class SatisfactionOptOut(models.Model):
    """A member who asked not to be asked how she was served (her preferences)."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
        related_name="satisfaction_opt_out",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("satisfaction question turned off")
        verbose_name_plural = _("satisfaction questions turned off")

    def __str__(self) -> str:
        return str(self.member_id)


# --- team health: one row per team and day, kept by the worker (helpdesk/health.py) ---


class TeamDay(models.Model):
    """What happened in one team on one day (its own time zone): the health page sums these
    rows instead of reading every request of the period. The business-time durations are
    kept one by one (a list of minutes, sorted, as packed doubles: `FloatListField`) so that
    a period's median and 90th percentile are exact, not an average of daily medians.
    Written only by `helpdesk.health.refresh`."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    incoming = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    answered_in_time = models.PositiveIntegerField(default=0)
    response_minutes = FloatListField()
    resolved = models.PositiveIntegerField(default=0)
    resolution_minutes = FloatListField()
    reopened = models.PositiveIntegerField(default=0)
    transfers_in = models.PositiveIntegerField(default=0)
    transfers_out = models.PositiveIntegerField(default=0)
    avoided = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["team", "day"]
        verbose_name = _("team day")
        verbose_name_plural = _("team days")
        constraints = [models.UniqueConstraint(fields=["team", "day"], name="team_day_once")]

    def __str__(self) -> str:
        return f"{self.team_id} {self.day}"
