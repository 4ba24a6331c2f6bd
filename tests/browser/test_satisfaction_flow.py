"""A member says how she was served from the e-mail's link, without logging in; the team
lead sees her score and her comment on the request's page and on the team's health page."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from coopdesk import outbox
from coopdesk.models import OutboxEmail
from helpdesk import actions
from tests.browser.conftest import login


def test_member_rates_from_the_email_link_and_the_lead_sees_it(
    new_page, member, agent, lead, team, category, settings
):
    ticket = actions.create_ticket(
        requester=member, category=category, subject="Attestation employeur",
        body="Il me faut une attestation pour Pôle emploi.",
    )
    actions.resolve_ticket(ticket, by=agent)
    assert actions.auto_close_resolved(now=timezone.now() + timedelta(days=8)) == 1

    # The e-mail the worker would send her: its one-click answers.
    email = OutboxEmail.objects.filter(recipient=member).latest("pk")
    body = outbox.build_message(email).body
    [path] = re.findall(r"https?://[^/\s]+(/demandes/\d+/avis/\S+\?score=2)", body)

    page = new_page()  # not logged in
    page.goto(path)
    expect(page.locator("h1")).to_have_text("Comment avez-vous été servi·e ?")
    expect(page.get_by_label("2 – Mal")).to_be_checked()
    page.get_by_label("Un commentaire pour l'équipe (facultatif)").fill(
        "Trois relances avant d'avoir une réponse."
    )
    page.get_by_role("button", name="Envoyer ma réponse").click()
    expect(page.get_by_role("status")).to_contain_text("Merci : votre réponse est enregistrée.")
    expect(page.locator(".answer-recorded")).to_contain_text(
        "Votre réponse est enregistrée : 2 sur 5, « Mal »"
    )
    expect(page.get_by_label("2 – Mal")).to_be_checked()

    staff = new_page()
    login(staff, lead.email)
    staff.goto(ticket.get_absolute_url())
    panel = staff.locator("section[aria-labelledby=satisfaction-staff-title]")
    expect(panel).to_contain_text("2 sur 5, « Mal »")
    expect(panel).to_contain_text("Trois relances avant d'avoir une réponse.")
    expect(panel.get_by_role("link", name=re.compile("Écrire à"))).to_be_visible()
    expect(staff.locator(".timeline")).to_contain_text("Note basse")

    # The team's health page: this month's results (read live, not from the worker's
    # summed days) and her words, for the team that served her.
    staff.goto(reverse("helpdesk:team-health", args=[team.slug]))
    results = staff.locator("section[aria-labelledby=satisfaction-results-title]")
    row = results.get_by_role("row").filter(has_text="Recouvrement")
    expect(row).to_have_count(1)
    expect(row.locator("td[data-label=Réponses]")).to_have_text("1")
    expect(row.locator("td[data-label='Moyenne (sur 5)']")).to_have_text("2,0")
    expect(row.locator("td[data-label='Note 2']")).to_have_text("1")
    comments = staff.locator("section[aria-labelledby=satisfaction-comments-title]")
    expect(comments).to_contain_text("Attestation employeur")
    expect(comments).to_contain_text("2 sur 5")
    expect(comments.locator("blockquote")).to_have_text("Trois relances avant d'avoir une réponse.")
