"""A member writes a request, an agent takes it and replies, the member confirms."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.factories import CategoryFactory, TeamFactory


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


def test_subject_search_finds_its_own_example(new_page, member, category, other_category):
    """The placeholder's "bulletin de paie" shows the payslip subjects though no subject
    says "bulletin"; words found everywhere still narrow the list; accents do not matter."""
    payslip = CategoryFactory(team=TeamFactory(name="Paie", slug="paie"),
                              label="Une question sur ma fiche de paie")
    page = new_page()
    login(page, member.email)
    page.goto("/demandes/nouvelle/")
    search = page.locator("#category-search")
    search.fill("bulletin de paie")
    expect(page.get_by_label(payslip.label)).to_be_visible()
    expect(page.get_by_label(category.label)).to_be_hidden()
    expect(page.locator("#category-none")).to_be_hidden()
    search.fill("litige")
    expect(page.get_by_label(other_category.label)).to_be_visible()
    expect(page.get_by_label(payslip.label)).to_be_hidden()
    search.fill("IMPAYEE")
    expect(page.get_by_label(category.label)).to_be_visible()
    search.fill("zzzz")
    expect(page.locator("#category-none")).to_be_visible()
