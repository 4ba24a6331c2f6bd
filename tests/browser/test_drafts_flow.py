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


def test_a_transfer_reason_and_an_article_survive_a_reload(
    new_page, member, agent, category, other_category
):
    ticket = actions.create_ticket(requester=member, category=category,
                                   subject="Bulletin de paie", body="Il manque mon bulletin.")
    staff = new_page()
    login(staff, agent.email)
    staff.goto(reverse("helpdesk:ticket-transfer", args=[ticket.pk]))
    reason = staff.locator("form[action$='/transferer/'] textarea[name=reason]")
    reason.fill("C'est la paie qui s'en occupe")
    expect(staff.locator("form[action$='/transferer/'] .draft-status")).to_contain_text(
        re.compile(r"\d")
    )
    staff.reload()
    expect(reason).to_have_value("C'est la paie qui s'en occupe")

    page = new_page()
    login(page, member.email)
    page.goto(reverse("kb:article-create"))
    page.locator("input[name=title]").fill("Relancer un client poliment")
    page.locator("textarea[name=body]").fill("Étape 1 : un appel aimable.")
    expect(page.locator(".draft-status")).to_contain_text(re.compile(r"\d"))
    page.reload()
    expect(page.locator("input[name=title]")).to_have_value("Relancer un client poliment")
    expect(page.locator("textarea[name=body]")).to_have_value("Étape 1 : un appel aimable.")


def test_a_request_recorded_for_a_member_and_a_step_note_survive_a_reload(
    new_page, member, agent, advisor, category, path  # noqa: F811
):
    staff = new_page()
    login(staff, agent.email)
    staff.goto(reverse("helpdesk:ticket-record"))
    form = staff.locator("#record-form")
    form.locator("input[name=subject]").fill("Appel de Camille")
    form.locator("textarea[name=body]").fill("Son client ne paie pas la facture F-12.")
    expect(form.locator(".draft-status")).to_contain_text(re.compile(r"\d"))
    staff.reload()
    expect(form.locator("input[name=subject]")).to_have_value("Appel de Camille")
    expect(form.locator("textarea[name=body]")).to_have_value(
        "Son client ne paie pas la facture F-12."
    )

    journey = journey_actions.start_journey(member=member, by=member)
    page = new_page()
    login(page, advisor.email)
    page.goto(journey.get_absolute_url())
    note = page.locator("form[action$='/etape/advance/'] textarea[name=note]")
    note.fill("Vue à la réunion, motivée")
    expect(page.locator("form[action$='/etape/advance/'] .draft-status")).to_contain_text(
        re.compile(r"\d")
    )
    page.reload()
    expect(note).to_have_value("Vue à la réunion, motivée")
