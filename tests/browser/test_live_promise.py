"""The promise, in a real browser with the server's clock on a Friday evening: the member
opens a request after hours, reads a first answer expected on Monday within the team's
opening hours and her place in line; an agent replies from another browser; her page moves
on to the next step, live, without reload."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from helpdesk import actions
from helpdesk.models import Team, Ticket
from tests.browser.conftest import LIVE, _daphne, login, write_request

PARIS = ZoneInfo("Europe/Paris")
FRIDAY_EVENING = datetime(2026, 12, 4, 19, tzinfo=PARIS)


@pytest.fixture
def server(django_db_setup, django_db_blocker, tmp_path_factory, transactional_db):
    """A daphne of its own whose clock starts on Friday 4 December 2026 at 19:00, Paris."""
    with _daphne(django_db_blocker, tmp_path_factory,
                 COOPDESK_FROZEN_AT=FRIDAY_EVENING.isoformat()) as url:
        yield url


def test_a_friday_evening_request_reads_a_monday_promise_and_moves_on_live(
    new_page, member, other_member, agent, team, category
):
    # Open Monday to Friday 9–12, 14–17; two business hours to a first answer; lately
    # 45 minutes per first answer.
    team.first_response_hours = 2
    team.save()
    for weekday in range(5):
        team.opening_ranges.create(weekday=weekday, starts=time(9), ends=time(12))
        team.opening_ranges.create(weekday=weekday, starts=time(14), ends=time(17))
    Team.objects.filter(pk=team.pk).update(answer_minutes=45)
    with time_machine.travel(FRIDAY_EVENING - timedelta(hours=1), tick=False):
        actions.create_ticket(  # one request ahead of hers
            requester=other_member, category=category, subject="Relance client", body="Bonjour"
        )

    page = new_page()
    login(page, member.email)
    write_request(page, category, "Facture du vendredi soir", "Mon client n'a pas payé.")

    ticket = Ticket.objects.get(subject="Facture du vendredi soir")
    assert ticket.created_at.astimezone(PARIS).date() == FRIDAY_EVENING.date()
    # The promise: two business hours from Monday 9:00; expected: two places of 45 minutes.
    promise = ticket.first_response_due.astimezone(PARIS)
    assert promise == datetime(2026, 12, 7, 11, tzinfo=PARIS)
    assert team.calendar.is_open_at(promise - timedelta(minutes=1))
    status = page.locator(".status-card")
    expect(status).to_contain_text("Première réponse promise au plus tard le 7 décembre 2026")
    next_step = page.locator("[data-next-step]")
    expect(next_step).to_contain_text("la 2e dans la file")
    expect(next_step).to_contain_text(
        "la première réponse devrait arriver d’ici le 7 décembre 2026 10:30, plus tôt que promis"
    )

    page.wait_for_function(LIVE)
    page.evaluate("window.notReloaded = true")
    staff = new_page()
    login(staff, agent.email)
    staff.goto(ticket.get_absolute_url())
    staff.fill("textarea[name=body]", "Bien reçu, nous regardons la facture lundi.")
    staff.locator("form[action$='/repondre/'] button").click()
    expect(staff.locator(".timeline")).to_contain_text("Bien reçu")

    # Her page, without reload: answered by the agent who now handles it, and what comes
    # next (the resolution, ten business hours from Monday 9:00: Tuesday 15:00).
    expect(page.locator(".timeline")).to_contain_text("Bien reçu", timeout=5000)
    expect(next_step).to_contain_text(
        re.compile(f"{agent.first_name} s’en occupe\u202f; prochaine nouvelle d’ici le "
                   "8 décembre 2026 15:00"), timeout=5000,
    )
    expect(status).to_contain_text("Première réponse donnée le 4 décembre 2026")
    expect(next_step).not_to_contain_text("dans la file")
    assert page.evaluate("window.notReloaded") is True
