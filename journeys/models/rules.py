"""The rules every part of the path shares: stages (the journey's states), CAPE dates,
who follows whom, and the hook to knowledge-base articles.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coopdesk.accounts.models import Role, User

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
PROSPECT_STAGES = [Stage.INFO_MEETING, Stage.DIAGNOSIS]  # before any contract


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


def article_url(slug: str) -> str:
    """Where a knowledge-base article lives (a task's "how to")."""
    return reverse("kb:article-detail", kwargs={"slug": slug})


def is_journey_staff(user: User) -> bool:
    """Advisors, team leads and admins run meetings and see the cooperative's figures."""
    return user.is_authenticated and user.role in {Role.ADVISOR, Role.LEAD, Role.ADMIN}


# What the advisor types on a journey's page (a step's note; "hold": the diagnosis's
# summary), kept as a draft while typed (helpdesk.Draft, like a reply's), keyed by step and
# journey: the page reads them back, taking the step forgets them, and erasing the member
# forgets them too.
NOTED_STEPS = ("advance", "exit", "switch-path", "hold")


def step_draft_key(step: str, journey_pk: int) -> str:
    return f"journey-{step}-{journey_pk}"


def journey_url(pk: int) -> str:
    """A journey's page, from its id alone (the dashboard's rows are not Journey objects)."""
    return reverse("journeys:journey-detail", args=[pk])
