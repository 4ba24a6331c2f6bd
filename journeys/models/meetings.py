"""Information meetings with their registrations, and diagnosis appointments.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from coopdesk.accounts.models import Role
from journeys.models.journey import REFUSED_AS_CHANGED, Journey
from journeys.models.rules import ATTENDANCE_OPENS_BEFORE

# --- information meetings ------------------------------------------------------------------------


class InfoMeetingQuerySet(models.QuerySet):
    def upcoming(self, now: datetime | None = None) -> InfoMeetingQuerySet:
        return self.filter(starts_at__gt=now or timezone.now()).order_by("starts_at")

    def with_counts(self) -> InfoMeetingQuerySet:
        """Each meeting's registrations and waiting list, counted for the meetings the page
        shows: a subquery a meeting on the registrations' meeting index. A join and GROUP BY
        grouped every upcoming meeting by all its columns (and its host's) before the limit:
        21 ms of the cooperative overview's page on SQLite, for 60 meetings."""
        registrations = Registration.objects.filter(meeting=OuterRef("pk")).order_by()

        def count(*statuses: str) -> Coalesce:
            counted = registrations.filter(status__in=statuses).values("meeting").annotate(
                n=models.Count("pk")
            ).values("n")
            return Coalesce(Subquery(counted), 0)

        return self.annotate(
            registered_count=count(Registration.Status.REGISTERED,
                                   Registration.Status.ATTENDED, Registration.Status.ABSENT),
            waiting_count=count(Registration.Status.WAITING),
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

    refused_message = REFUSED_AS_CHANGED

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

    refused_message = REFUSED_AS_CHANGED

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

    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    def refusal(self, name: str) -> str | None:
        if name == "hold" and self.status == self.Status.BOOKED and not self.has_started():
            return _("The diagnosis is planned for %(when)s: record it once it has taken "
                     "place.") % {"when": date_format(timezone.localtime(self.starts_at),
                                                      "DATETIME_FORMAT")}
        return None

    @transition(field=status, source=Status.BOOKED, target=Status.HELD, conditions=[has_started])
    def hold(self, *, summary: str) -> None:
        self.held_at, self.summary = timezone.now(), summary
