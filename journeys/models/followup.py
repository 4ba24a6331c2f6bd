"""Beyond the first steps: mentors who volunteer, and the reminders sent once each.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from journeys.models.journey import Journey, JourneyTask
from journeys.models.meetings import InfoMeeting

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
