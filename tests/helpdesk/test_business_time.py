"""Business-time arithmetic: weekends, holidays, closures, overnight, daylight saving."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from helpdesk.business_time import Calendar, hours_in_words, public_holidays

PARIS = ZoneInfo("Europe/Paris")
OFFICE = {day: ((time(9), time(12, 30)), (time(14), time(17))) for day in range(5)}


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


@pytest.fixture
def office() -> Calendar:
    return Calendar(OFFICE, region="FR")


def test_within_a_day_and_over_the_lunch_break(office):
    assert office.add(paris(2026, 12, 1, 9), 60) == paris(2026, 12, 1, 10)
    assert office.add(paris(2026, 12, 1, 12), 60) == paris(2026, 12, 1, 14, 30)


def test_friday_evening_counts_from_monday_morning(office):
    assert office.add(paris(2026, 12, 4, 18), 0) == paris(2026, 12, 7, 9)
    assert office.add(paris(2026, 12, 4, 16), 120) == paris(2026, 12, 7, 10)
    assert office.minutes_between(paris(2026, 12, 4, 16), paris(2026, 12, 7, 10)) == 120


def test_overnight_a_request_opened_at_night_waits_for_the_morning(office):
    assert office.add(paris(2026, 12, 1, 23, 30), 30) == paris(2026, 12, 2, 9, 30)
    assert office.minutes_between(paris(2026, 12, 1, 17), paris(2026, 12, 2, 9)) == 0


def test_a_range_open_until_midnight():
    late = Calendar({0: ((time(20), time(0)),), 1: ((time(0), time(2)),)})
    assert late.add(paris(2026, 11, 30, 23), 120) == paris(2026, 12, 1, 1)
    assert late.is_open_at(paris(2026, 11, 30, 23, 59))


def test_public_holidays_are_skipped(office):
    # Friday 25 December 2026 is Christmas: Thursday afternoon runs on to Monday.
    assert office.add(paris(2026, 12, 24, 16), 120) == paris(2026, 12, 28, 10)
    assert date(2026, 12, 25) in public_holidays("FR", 2026)


def test_alsace_moselle_and_belgium_have_their_own_holidays():
    # 26 December (Saint Stephen) is a holiday in Moselle, not in the rest of France.
    assert date(2026, 12, 26) in public_holidays("FR-57", 2026)
    assert date(2026, 12, 26) not in public_holidays("FR", 2026)
    # 21 July, the Belgian national day.
    assert date(2026, 7, 21) in public_holidays("BE", 2026)
    moselle = Calendar({day: ((time(9), time(17)),) for day in range(7)}, region="FR-57")
    assert moselle.add(paris(2026, 12, 24, 16), 120) == paris(2026, 12, 27, 10)


def test_closures_are_skipped(office):
    closed = Calendar(OFFICE, region="FR", closures=((date(2026, 12, 21), date(2026, 12, 31)),))
    assert closed.add(paris(2026, 12, 18, 16), 120) == paris(2027, 1, 4, 10)
    assert closed.minutes_between(paris(2026, 12, 18, 16), paris(2027, 1, 4, 10)) == 120


def test_daylight_saving_keeps_the_local_opening_hours(office):
    # Clocks go forward on Sunday 29 March 2026 and back on Sunday 25 October 2026.
    assert office.add(paris(2026, 3, 27, 16), 120) == paris(2026, 3, 30, 10)
    assert office.add(paris(2026, 10, 23, 16), 120) == paris(2026, 10, 26, 10)
    assert office.add(paris(2026, 3, 27, 16), 120).astimezone(UTC).hour == 8


def test_a_night_range_on_the_day_clocks_go_back_lasts_an_hour_more():
    night = Calendar({6: ((time(1), time(4)),)})
    assert night.minutes_between(paris(2026, 10, 25, 0), paris(2026, 10, 25, 5)) == 240


def test_between_is_the_inverse_of_add(office):
    start = paris(2026, 12, 3, 11, 17)
    for minutes in (0, 1, 59, 200, 1000, 5000):
        assert office.minutes_between(start, office.add(start, minutes)) == minutes
    assert office.minutes_between(paris(2026, 12, 2, 10), paris(2026, 12, 1, 10)) == -390


def test_subtract_is_the_inverse_of_add(office):
    start = paris(2026, 12, 3, 11, 17)
    for minutes in (1, 59, 200, 1000, 5000):
        assert office.subtract(office.add(start, minutes), minutes) == start
    assert office.subtract(paris(2026, 12, 28, 10), 120) == paris(2026, 12, 24, 16)


def test_pause_and_resume_keeps_the_time_left(office):
    with time_machine.travel(paris(2026, 12, 4, 16), tick=False):
        due = office.add(datetime.now(UTC), 6 * 60)  # Monday 15:30
        left = office.minutes_between(datetime.now(UTC), due)
    with time_machine.travel(paris(2026, 12, 9, 11), tick=False):  # she answers on Wednesday
        assert office.add(datetime.now(UTC), left) == paris(2026, 12, 10, 10, 30)


def test_an_empty_calendar_gives_up():
    with pytest.raises(ValueError):
        Calendar({}).add(paris(2026, 12, 1, 9), 1)


def test_hours_in_words():
    week = {**OFFICE, 4: ((time(9), time(12)),)}
    with translation.override("en"):
        assert hours_in_words(week) == (
            "Monday–Thursday 9:00–12:30, 14:00–17:00; Friday 9:00–12:00"
        )
        assert hours_in_words({1: ((time(9), time(17)),), 2: ((time(9), time(17)),)}) == (
            "Tuesday and Wednesday 9:00–17:00"
        )
        assert hours_in_words({5: ((time(20), time(0)),)}) == "Saturday 20:00–24:00"
    with translation.override("fr"):
        assert hours_in_words(week) == "lundi–jeudi 9 h–12 h 30, 14 h–17 h\u202f; vendredi 9 h–12 h"
