"""Onboarding paths: templates configured in the admin, and each member's journey along one.

A journey's stage, a task's state, a meeting registration's and a diagnosis slot's status
change only through the model transitions, and the transitions are called only from
journeys/actions, which locks, saves, writes the timeline and notifies. A package because
one module passed 900 lines: rules, paths, journey, meetings, followup, figures.
"""

from journeys.models.figures import StageFigures
from journeys.models.followup import MentorOffer, Reminder
from journeys.models.journey import (
    EventKind,
    ExitReason,
    Journey,
    JourneyEvent,
    JourneyQuerySet,
    JourneyTask,
    JourneyTaskQuerySet,
    TaskState,
    can_do_task,
    can_manage_journey,
    task_document_path,
)
from journeys.models.meetings import DiagnosisSlot, InfoMeeting, InfoMeetingQuerySet, Registration
from journeys.models.paths import (
    Assignee,
    LinkMixin,
    PathTemplate,
    PathTemplateQuerySet,
    StageLink,
    StageTemplate,
    TaskTemplate,
)
from journeys.models.rules import (
    ATTENDANCE_OPENS_BEFORE,
    CAPE_REMINDER_DAYS,
    FOLLOWUP_EVERY_DAYS,
    NOTED_STEPS,
    OPEN_STAGES,
    PROGRESSION,
    PROSPECT_STAGES,
    REENTRY_STAGES,
    STAGE_RANK,
    TASK_REMINDER_DAYS,
    Stage,
    add_months,
    article_url,
    cape_end_bounds,
    cape_period_error,
    entered_field,
    is_journey_staff,
    journey_url,
    step_draft_key,
)
