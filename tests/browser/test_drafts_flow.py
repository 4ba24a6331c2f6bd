"""Nothing typed is lost, in a browser: a transfer reason, an article being written, a request
being recorded for a member and an advisor's step note on a journey, each kept as a draft
while typed, survive a page reload."""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import expect

from helpdesk import actions
from journeys import actions as journey_actions
from tests.browser.conftest import login
from tests.journeys.conftest import legal_team, path  # noqa: F401 (fixtures)


def opened_as(new_page, user, url: str):
    """A fresh page (its own cookies) of `user`'s, on `url`."""
    page = new_page()
    login(page, user.email)
    page.goto(url)
    return page


def typed_survives_a_reload(page, scope, typed: dict[str, str]) -> None:
    """Type each box's text (boxes under `scope`, by selector), wait until the page's script
    has saved the draft (its status shows the time), reload: each box has its text back."""
    for box, text in typed.items():
        scope.locator(box).fill(text)
    expect(scope.locator(".draft-status")).to_contain_text(re.compile(r"\d"))
    page.reload()
    for box, text in typed.items():
        expect(scope.locator(box)).to_have_value(text)


def test_a_transfer_reason_and_an_article_survive_a_reload(
    new_page, member, agent, category, other_category
):
    ticket = actions.create_ticket(requester=member, category=category,
                                   subject="Bulletin de paie", body="Il manque mon bulletin.")
    staff = opened_as(new_page, agent, reverse("helpdesk:ticket-transfer", args=[ticket.pk]))
    typed_survives_a_reload(staff, staff.locator("form[action$='/transferer/']"), {
        "textarea[name=reason]": "C'est la paie qui s'en occupe",
    })

    page = opened_as(new_page, member, reverse("kb:article-create"))
    typed_survives_a_reload(page, page, {
        "input[name=title]": "Relancer un client poliment",
        "textarea[name=body]": "Étape 1 : un appel aimable.",
    })


def test_a_request_recorded_for_a_member_and_a_step_note_survive_a_reload(
    new_page, member, agent, advisor, category, path  # noqa: F811
):
    staff = opened_as(new_page, agent, reverse("helpdesk:ticket-record"))
    typed_survives_a_reload(staff, staff.locator("#record-form"), {
        "input[name=subject]": "Appel de Camille",
        "textarea[name=body]": "Son client ne paie pas la facture F-12.",
    })

    journey = journey_actions.start_journey(member=member, by=member)
    page = opened_as(new_page, advisor, journey.get_absolute_url())
    typed_survives_a_reload(page, page.locator("form[action$='/etape/advance/']"), {
        "textarea[name=note]": "Vue à la réunion, motivée",
    })
