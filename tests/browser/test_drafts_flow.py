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


def expect_draft_saved(scope) -> None:
    """The box's script has saved the draft: its status under `scope` shows the time."""
    expect(scope.locator(".draft-status")).to_contain_text(re.compile(r"\d"))


def test_a_transfer_reason_and_an_article_survive_a_reload(
    new_page, member, agent, category, other_category
):
    ticket = actions.create_ticket(requester=member, category=category,
                                   subject="Bulletin de paie", body="Il manque mon bulletin.")
    staff = opened_as(new_page, agent, reverse("helpdesk:ticket-transfer", args=[ticket.pk]))
    form = staff.locator("form[action$='/transferer/']")
    reason = form.locator("textarea[name=reason]")
    reason.fill("C'est la paie qui s'en occupe")
    expect_draft_saved(form)
    staff.reload()
    expect(reason).to_have_value("C'est la paie qui s'en occupe")

    page = opened_as(new_page, member, reverse("kb:article-create"))
    page.locator("input[name=title]").fill("Relancer un client poliment")
    page.locator("textarea[name=body]").fill("Étape 1 : un appel aimable.")
    expect_draft_saved(page)
    page.reload()
    expect(page.locator("input[name=title]")).to_have_value("Relancer un client poliment")
    expect(page.locator("textarea[name=body]")).to_have_value("Étape 1 : un appel aimable.")


def test_a_request_recorded_for_a_member_and_a_step_note_survive_a_reload(
    new_page, member, agent, advisor, category, path  # noqa: F811
):
    staff = opened_as(new_page, agent, reverse("helpdesk:ticket-record"))
    form = staff.locator("#record-form")
    form.locator("input[name=subject]").fill("Appel de Camille")
    form.locator("textarea[name=body]").fill("Son client ne paie pas la facture F-12.")
    expect_draft_saved(form)
    staff.reload()
    expect(form.locator("input[name=subject]")).to_have_value("Appel de Camille")
    expect(form.locator("textarea[name=body]")).to_have_value(
        "Son client ne paie pas la facture F-12."
    )

    journey = journey_actions.start_journey(member=member, by=member)
    page = opened_as(new_page, advisor, journey.get_absolute_url())
    form = page.locator("form[action$='/etape/advance/']")
    note = form.locator("textarea[name=note]")
    note.fill("Vue à la réunion, motivée")
    expect_draft_saved(form)
    page.reload()
    expect(note).to_have_value("Vue à la réunion, motivée")
