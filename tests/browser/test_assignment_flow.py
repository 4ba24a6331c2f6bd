"""Fair assignment in a browser: the lead sets the team to round robin; a member's new
request is given at once to an agent who is in (not the one away), and the member reads
who handles it on her request's page."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from helpdesk.models import Assignment, Team, Ticket
from tests.browser.conftest import login


def test_round_robin_gives_a_new_request_to_an_agent_who_is_in(
    new_page, member, agent, other_agent, lead, team, category
):
    other_agent.away_from = timezone.localdate()
    other_agent.save(update_fields=["away_from"])

    staff = new_page()
    login(staff, lead.email)
    staff.goto(reverse("helpdesk:team-settings", args=[team.slug]))
    staff.locator(f"input[name=assignment][value={Assignment.ROUND_ROBIN}]").check()
    staff.locator("form.stacked button[type=submit]").click()
    expect(staff.locator(f"input[name=assignment][value={Assignment.ROUND_ROBIN}]")).to_be_checked()
    assert Team.objects.get(pk=team.pk).assignment == Assignment.ROUND_ROBIN

    page = new_page()
    login(page, member.email)
    page.goto(reverse("helpdesk:ticket-create"))
    page.get_by_label(category.label).check()
    page.fill("input[name=subject]", "Contrat à relire")
    page.fill("textarea[name=body]", "Pouvez-vous relire les clauses de mon contrat ?")
    page.locator("form#ticket-form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Contrat à relire")

    ticket = Ticket.objects.get(subject="Contrat à relire")
    assert ticket.assignee in (agent, lead)  # the team's people who are in; not Yanis, away
    expect(page.locator("[data-assignee]")).to_have_text(ticket.assignee.first_name)
