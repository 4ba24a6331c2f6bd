"""The cooperative's journey figures that read every journey ever started: how many reached
each stage and how long they stayed in it. Summed by a worker job (journeys/figures.py)
so that the cooperative's overview reads five rows instead of 20,000 journeys.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StageFigures(models.Model):
    """One stage of the progression, every path and cycle: the journeys that reached it, the
    median days spent in it by those that left it, and how many left it. Written only by
    `journeys.figures.refresh`."""

    stage = models.CharField(max_length=20, unique=True)
    reached = models.PositiveIntegerField(default=0)
    median_days = models.FloatField(null=True)
    stays = models.PositiveIntegerField(default=0)  # the journeys that left the stage
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("stage figures")
        verbose_name_plural = _("stage figures")

    def __str__(self) -> str:
        return self.stage
