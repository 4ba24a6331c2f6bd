"""The one rule for the dates people type: each falls in a window sized for its purpose.

Python's dates end at 9999-12-31: a diagnosis slot typed there ended in year 10000 (a 500),
a meeting was planned for it, and an invoice due on 0001-01-01 was "739954 days overdue".
The forms hold their date fields to a window (the form is the guard); an action that
receives a date from elsewhere asks `error()` too (journeys.actions.add_slot).
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def years_from(day: date, years: int) -> date:
    """The same day so many years later (or earlier); 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class DateWindow:
    """A field validator. A time is judged by its day as typed, without a conversion that
    could itself overflow at the ends of the calendar. `years_back=None`: the form refuses
    the past itself, to the minute, in its own words."""

    def __init__(self, *, years_back: int | None, years_ahead: int) -> None:
        self.years_back, self.years_ahead = years_back, years_ahead

    def bounds(self) -> tuple[date | None, date]:
        today = timezone.localdate()
        first = None if self.years_back is None else years_from(today, -self.years_back)
        return first, years_from(today, self.years_ahead)

    def error(self, value: date | datetime) -> str | None:
        day = value.date() if isinstance(value, datetime) else value
        first, last = self.bounds()
        if first is not None and not first <= day <= last:
            return _("Choose a date between %(first)s and %(last)s.") % {
                "first": date_format(first), "last": date_format(last)}
        if day > last:
            return _("Choose a date no later than %(last)s.") % {"last": date_format(last)}
        return None

    def __call__(self, value: date | datetime) -> None:
        error = self.error(value)
        if error:
            raise ValidationError(error, code="out_of_window")


# What is being planned (a diagnosis slot, an information meeting): two years ahead at most.
PLANNED = DateWindow(years_back=None, years_ahead=2)
# What happened or falls due (an invoice's due date, an absence, a step of a member's path,
# when to check a tutorial again): ten years back, two years ahead.
DATED = DateWindow(years_back=10, years_ahead=2)
