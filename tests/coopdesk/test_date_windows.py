"""The dates people type fall in a window sized for their purpose (coopdesk/validators.py):
the ends of Python's calendar are form errors, never a 500 or a slot in the year 9999."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone, translation

from coopdesk.accounts.models import User
from coopdesk.validators import DATED, PLANNED, years_from
from helpdesk.forms import AbsenceForm, CollectionCaseForm
from helpdesk.models import Team
from journeys.forms import (
    CapeForm,
    MeetingForm,
    MembershipForm,
    RenewCapeForm,
    SalariedForm,
    SlotForm,
)
from journeys.models import Journey
from kb.forms import ArticleForm

LAST_DAY, FIRST_DAY = "9999-12-31", "0001-01-01"
LAST_TIME, FIRST_TIME = "9999-12-31T23:59", "0001-01-01T00:00"


def errors(form, field: str) -> list[str]:
    with translation.override("en"):
        assert not form.is_valid()
        return [str(error) for error in form.errors.get(field, [])]


def refusal(window) -> str:
    with translation.override("en"):
        return window.error(date.max)


def test_the_windows_bounds():
    today = timezone.localdate()
    assert PLANNED.bounds() == (None, years_from(today, 2))
    assert DATED.bounds() == (years_from(today, -10), years_from(today, 2))
    assert years_from(date(2028, 2, 29), 1) == date(2029, 2, 28)
    assert PLANNED.error(timezone.now() + timedelta(days=700)) is None
    assert DATED.error(today - timedelta(days=3000)) is None
    with translation.override("en"):
        assert PLANNED.error(datetime.max).startswith("Choose a date no later than ")
        assert DATED.error(date.min).startswith("Choose a date between ")
    with translation.override("fr"):
        assert DATED.error(date.min).startswith("Choisissez une date entre le ")
        assert PLANNED.error(date.max).startswith("Choisissez une date d'ici le ")


@pytest.mark.parametrize("form_class", [SlotForm, MeetingForm])
def test_planned_times_refuse_the_ends_of_the_calendar(db, form_class):
    last = errors(form_class({"starts_at": LAST_TIME}), "starts_at")
    assert last == [refusal(PLANNED)]
    first = errors(form_class({"starts_at": FIRST_TIME}), "starts_at")
    assert first and "in the future" in first[0]


@pytest.mark.parametrize("make, field", [
    (lambda data: CollectionCaseForm(data, teams=Team.objects.all()), "due_date"),
    (lambda data: AbsenceForm(data, backups=User.objects.none(), with_capacity=False),
     "away_from"),
    (lambda data: AbsenceForm(data, backups=User.objects.none(), with_capacity=False),
     "away_until"),
    (lambda data: CapeForm(data), "start"),
    (lambda data: CapeForm(data), "end"),
    (lambda data: RenewCapeForm(data, journey=Journey()), "end"),
    (lambda data: SalariedForm(data, journey=Journey()), "start"),
    (lambda data: MembershipForm(data), "on"),
])
@pytest.mark.parametrize("day", [LAST_DAY, FIRST_DAY])
def test_dates_refuse_the_ends_of_the_calendar(db, make, field, day):
    assert errors(make({field: day}), field) == [refusal(DATED)]


@pytest.mark.parametrize("day", [LAST_DAY, FIRST_DAY])
def test_check_again_by_refuses_the_ends_of_the_calendar(agent, day):
    assert errors(ArticleForm({"review_by": day}, user=agent), "review_by") == [refusal(DATED)]


def test_dates_inside_the_window_are_accepted(db):
    soon = timezone.localdate() + timedelta(days=30)
    form = CollectionCaseForm({"due_date": soon.isoformat()}, teams=Team.objects.all())
    with translation.override("en"):
        form.is_valid()
    assert "due_date" not in form.errors


def admin_form(rf, admin_user, model_path, inline):
    from django.apps import apps
    from django.contrib import admin

    model_admin = admin.site._registry[apps.get_model(model_path)]
    request = rf.get("/")
    request.user = admin_user
    if inline:
        model_admin = next(i for i in model_admin.get_inline_instances(request)
                           if type(i).__name__ == inline)
        return model_admin.get_formset(request).form
    # The user's change form (its add form asks only for a name and a password).
    return model_admin.get_form(request, admin_user if model_path == "accounts.User" else None)


def typed(form_class, name: str, day: str) -> dict:
    from django import forms

    if isinstance(form_class.base_fields[name], forms.SplitDateTimeField):
        return {f"{name}_0": day, f"{name}_1": "10:00"}
    return {name: day}


@pytest.mark.parametrize("model_path, inline, fields", [
    ("journeys.InfoMeeting", None, ["starts_at"]),
    ("helpdesk.CollectionCase", None, ["due_date"]),
    ("helpdesk.Team", "ClosureInline", ["first_day", "last_day"]),
    ("kb.Expert", None, ["until"]),
    ("kb.Article", None, ["review_by"]),
    ("accounts.User", None, ["away_from", "away_until"]),
])
def test_the_admin_holds_typed_dates_to_the_window(rf, admin_user, model_path, inline, fields):
    form_class = admin_form(rf, admin_user, model_path, inline)
    for name in fields:
        for day in ("9999-12-31", "0001-01-01"):
            with translation.override("en"):
                form = form_class(typed(form_class, name, day))
                errors = form.errors.get(name, [])
            assert any(e.startswith("Choose a date") for e in errors), (name, day, errors)


def test_the_admin_leaves_an_old_date_nobody_changed(rf, admin_user):
    """A team's closure of long ago, left as it was, does not stop the team being saved."""
    form_class = admin_form(rf, admin_user, "helpdesk.Team", "ClosureInline")
    long_ago = years_from(timezone.localdate(), -12)
    form = form_class({"first_day": long_ago.isoformat(), "last_day": long_ago.isoformat()},
                      initial={"first_day": long_ago, "last_day": long_ago})
    form.is_valid()
    assert not form.errors.get("first_day") and not form.errors.get("last_day")
