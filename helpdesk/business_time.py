"""Business time: the minutes during which a team is open.

A `Calendar` knows a team's weekly opening ranges (several a day), its public holidays and
its closures, in its time zone. It adds business minutes to an instant and counts the
business minutes between two instants by walking whole days and their ranges, never
minute by minute: a target of a few days costs a few dozen range comparisons.

Instants are aware datetimes; each day's ranges are placed in the team's time zone and
compared in UTC, so a range on a daylight-saving day lasts what the clock really says.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_package

# A calendar with no open minute would make `add` walk forever: past this many days
# without an open range, it gives up.
MAX_DAYS = 3 * 366

Range = tuple[time, time]  # start, end; an end of 00:00 means midnight at the day's end


@lru_cache(maxsize=64)
def public_holidays(region: str, year: int) -> frozenset[date]:
    """The public holidays of a region ("FR", "FR-57" for Moselle, "BE"…) in one year."""
    if not region:
        return frozenset()
    country, _, subdivision = region.partition("-")
    return frozenset(
        holidays_package.country_holidays(country, subdiv=subdivision or None, years=year)
    )


@dataclass(frozen=True)
class Calendar:
    weekly: dict[int, tuple[Range, ...]]  # weekday (Monday 0) -> its opening ranges
    time_zone: str = "Europe/Paris"
    region: str = ""
    closures: tuple[tuple[date, date], ...] = ()  # first and last day, both closed
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_zone", ZoneInfo(self.time_zone))

    @classmethod
    def always_open(cls) -> Calendar:
        """Round the clock: what a team without opening hours promises (clock hours)."""
        return cls({day: ((time(0), time(0)),) for day in range(7)}, time_zone="UTC")

    def is_closed_on(self, day: date) -> bool:
        if day in public_holidays(self.region, day.year):
            return True
        return any(first <= day <= last for first, last in self.closures)

    def open_ranges(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's opening ranges as UTC instants, in order."""
        if self.is_closed_on(day):
            return []
        ranges = []
        for start, end in self.weekly.get(day.weekday(), ()):
            begins = datetime.combine(day, start, tzinfo=self._zone).astimezone(UTC)
            end_day = day + timedelta(days=1) if end == time(0) else day
            ends = datetime.combine(end_day, end, tzinfo=self._zone).astimezone(UTC)
            if ends > begins:
                ranges.append((begins, ends))
        return ranges

    def _days_from(self, moment: datetime) -> Iterable[list[tuple[datetime, datetime]]]:
        day = moment.astimezone(self._zone).date()
        for offset in range(MAX_DAYS):
            yield self.open_ranges(day + timedelta(days=offset))

    def add(self, moment: datetime, minutes: float) -> datetime:
        """The instant `minutes` business minutes after `moment`.

        Zero minutes from a closed moment gives the next opening: a promise is never
        made for a time the team is closed.
        """
        left = timedelta(minutes=minutes)
        moment = moment.astimezone(UTC)
        for ranges in self._days_from(moment):
            for begins, ends in ranges:
                if ends <= moment:
                    continue
                begins = max(begins, moment)
                if begins + left <= ends:
                    return begins + left
                left -= ends - begins
        raise ValueError("this calendar has no opening in the next three years")

    def subtract(self, moment: datetime, minutes: float) -> datetime:
        """The instant `minutes` business minutes before `moment` (the inverse of add)."""
        left = timedelta(minutes=minutes)
        moment = moment.astimezone(UTC)
        day = moment.astimezone(self._zone).date()
        for offset in range(MAX_DAYS):
            for begins, ends in reversed(self.open_ranges(day - timedelta(days=offset))):
                if begins >= moment:
                    continue
                ends = min(ends, moment)
                if ends - left >= begins:
                    return ends - left
                left -= ends - begins
        raise ValueError("this calendar has no opening in the last three years")

    def minutes_between(self, start: datetime, end: datetime) -> float:
        """Business minutes from `start` to `end`; negative when `end` comes first."""
        if end < start:
            return -self.minutes_between(end, start)
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        total = timedelta()
        day = start.astimezone(self._zone).date()
        last_day = end.astimezone(self._zone).date()
        while day <= last_day:
            for begins, ends in self.open_ranges(day):
                overlap = min(ends, end) - max(begins, start)
                if overlap > timedelta():
                    total += overlap
            day += timedelta(days=1)
        return total.total_seconds() / 60

    def is_open_at(self, moment: datetime) -> bool:
        moment = moment.astimezone(UTC)
        day = moment.astimezone(self._zone).date()
        # A range ending at midnight started the day before.
        for ranges in (self.open_ranges(day - timedelta(days=1)), self.open_ranges(day)):
            if any(begins <= moment < ends for begins, ends in ranges):
                return True
        return False

    def minutes_per_week(self) -> float:
        """Open minutes in an ordinary week (no holiday): to say "1 working day"."""
        total = 0.0
        for ranges in self.weekly.values():
            for start, end in ranges:
                ends = 24 * 60 if end == time(0) else end.hour * 60 + end.minute
                total += max(0, ends - (start.hour * 60 + start.minute))
        return total

    def minutes_per_day(self) -> float:
        """The length of an average open day, at least one hour."""
        open_days = sum(1 for ranges in self.weekly.values() if ranges) or 1
        return max(60.0, self.minutes_per_week() / open_days)


def _clock(hour: int, minute: int) -> str:
    from django.utils.translation import gettext as _

    if minute:
        return _("%(hour)d:%(minute)02d") % {"hour": hour, "minute": minute}
    return _("%(hour)d:00") % {"hour": hour}


def _span(start: time, end: time) -> str:
    end_hour = 24 if end == time(0) else end.hour  # a range may end at midnight
    return f"{_clock(start.hour, start.minute)}–{_clock(end_hour, end.minute)}"


def hours_in_words(weekly: dict[int, Iterable[Range]]) -> str:
    """ "Monday–Thursday 9:00–12:30, 14:00–17:00; Friday 9:00–12:00" (French: "lundi–jeudi
    9 h–12 h 30, 14 h–17 h ; vendredi 9 h–12 h"): consecutive days with the same ranges
    are read together."""
    from django.utils.dates import WEEKDAYS
    from django.utils.translation import gettext as _

    runs: list[tuple[int, int, tuple[Range, ...]]] = []
    for day in range(7):
        ranges = tuple(sorted(weekly.get(day, ())))
        if not ranges:
            continue
        if runs and runs[-1][1] == day - 1 and runs[-1][2] == ranges:
            runs[-1] = (runs[-1][0], day, ranges)
        else:
            runs.append((day, day, ranges))
    parts = []
    for first, last, ranges in runs:
        days = str(WEEKDAYS[first])
        if last == first + 1:
            days = _("%(first)s and %(second)s") % {
                "first": WEEKDAYS[first], "second": WEEKDAYS[last]
            }
        elif last > first:
            days = f"{WEEKDAYS[first]}–{WEEKDAYS[last]}"
        parts.append(f"{days} {', '.join(_span(start, end) for start, end in ranges)}")
    return _("; ").join(parts)
