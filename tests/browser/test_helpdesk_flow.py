"""A member writes a request, an agent takes it and replies, the member confirms."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import login


def test_member_request_answered_and_confirmed(new_page, member, agent, category):
    page = new_page()
    login(page, member.email)
    page.goto("/demandes/nouvelle/")
    page.get_by_label(category.label).check()
    page.fill("input[name=subject]", "Facture impayée F-77")
    page.fill("textarea[name=body]", "Mon client ne paie pas depuis un mois.")
    expect(page.locator("#draft-status")).to_contain_text(re.compile(r"\d"))
    page.reload()
    expect(page.locator("input[name=subject]")).to_have_value("Facture impayée F-77")
    expect(page.locator("textarea[name=body]")).to_have_value(
        "Mon client ne paie pas depuis un mois."
    )
    page.locator("form#ticket-form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Facture impayée F-77")
    ticket_url = page.url

    staff = new_page()
    login(staff, agent.email)
    staff.goto(ticket_url)
    staff.locator("form[action$='/etape/claim/'] button").click()
    staff.fill("textarea[name=body]", "Nous envoyons une relance aujourd'hui.")
    staff.select_option("select[name=then]", "resolve")
    staff.locator("form[action$='/repondre/'] button").click()
    expect(staff.locator(".status-line")).to_contain_text(agent.first_name)

    page.goto(ticket_url)
    expect(page.locator(".timeline")).to_contain_text("Nous envoyons une relance aujourd'hui.")
    page.locator("form[action$='/etape/confirm/'] button").click()
    expect(page.locator(".status-line .badge")).to_have_class(re.compile("state-closed"))
