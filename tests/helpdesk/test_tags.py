"""helpdesk_tags write what the template filters they replace wrote."""

from datetime import UTC, datetime

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils import timezone, translation

from helpdesk.models import Priority, State, Ticket
from helpdesk.templatetags.helpdesk_tags import (
    local_time,
    priority_badge,
    short_datetime,
    state_badge,
    state_label,
    strftime_pattern,
)

MOMENTS = [datetime(2026, 1, 5, 7, 3, 9, tzinfo=UTC), datetime(2026, 7, 14, 22, 59, tzinfo=UTC)]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("moment", MOMENTS)
def test_short_datetime_is_the_date_filters(language, moment):
    with translation.override(language):
        local = timezone.localtime(moment)
        assert short_datetime(local) == date_filter(local, "SHORT_DATETIME_FORMAT")


def test_strftime_only_for_numeric_formats():
    assert strftime_pattern("d/m/Y H:i") == "%d/%m/%Y %H:%M"
    assert strftime_pattern("m/d/Y P") is None  # "1 p.m." is Django's own
    assert strftime_pattern("j N Y") is None
    assert strftime_pattern("d\\h") is None


def test_local_time_gives_the_instant_and_the_local_short_date():
    with translation.override("fr"):
        html = local_time(MOMENTS[1], "overdue")
    # Paris is two hours ahead of UTC in July.
    assert html == (
        '<time class="overdue" datetime="2026-07-15T00:59:00+02:00">15/07/2026 00:59</time>'
    )
    assert local_time(None) == ""


class Reader:
    def __init__(self, pk):
        self.user = type("User", (), {"pk": pk})()


def test_badges_show_the_translated_labels():
    ticket = Ticket(state=State.WAITING, priority=Priority.URGENT, requester_id=7)
    with translation.override("en"):
        assert state_badge({"request": Reader(7)}, ticket) == (
            '<span class="badge state-waiting">Waiting for you</span>'
        )
        assert priority_badge(ticket) == '<span class="badge priority-4">Urgent</span>'


def test_waiting_for_you_only_to_the_member():
    """The team and the advisor read that the member is the one expected."""
    ticket = Ticket(state=State.WAITING, requester_id=7)
    with translation.override("fr"):
        assert state_label({"request": Reader(7)}, ticket) == "En attente de votre réponse"
        assert state_label({"request": Reader(8)}, ticket) == "En attente de l'entrepreneur·e"
        assert "En attente de l&#x27;entrepreneur·e" in state_badge({}, ticket)  # escaped


def test_state_label_is_the_display_of_the_state():
    ticket = Ticket(state=State.RESOLVED, requester_id=7)
    with translation.override("en"):
        assert state_label({"request": Reader(8)}, ticket) == ticket.get_state_display()
        assert ticket.get_state_display() == "Resolved"
