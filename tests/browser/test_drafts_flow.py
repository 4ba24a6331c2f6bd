"""Nothing typed is lost, in a browser: a transfer reason and an article being written, each
kept as a draft while typed, survive a page reload."""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import expect

from helpdesk import actions
from tests.browser.conftest import login


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
