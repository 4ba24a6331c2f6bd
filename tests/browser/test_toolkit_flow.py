"""The agent's toolkit in a browser: a saved reply inserted with the member's first name and
an article link, then sent; a colleague merges a duplicate; the member sees both requests
linked and the merged messages; a reply being typed survives a reload."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from helpdesk import actions
from helpdesk.models import SavedReply
from kb import actions as kb_actions
from kb.models import Audience, Topic
from tests.browser.conftest import login


def test_saved_reply_then_merge_seen_by_the_member(
    new_page, member, agent, other_agent, team, category
):
    topic = Topic.objects.create(name="Devis et factures", slug="devis-factures", editor=agent)
    article = kb_actions.create_article(
        by=agent, title="Relancer un client qui ne paie pas", summary="Les étapes.",
        body="Relance, mise en demeure, contentieux.", audience=Audience.MEMBERS, topic=topic,
    )
    article = kb_actions.publish_article(article, by=agent)
    reply = SavedReply.objects.create(
        team=team, title="Relance lancée",
        body="Bonjour {first_name}, nous relançons votre client.",
    )
    reply.articles.set([article])
    kept = actions.create_ticket(requester=member, category=category,
                                 subject="Facture F-12 impayée", body="Mon client ne paie pas.")
    duplicate = actions.create_ticket(requester=member, category=category,
                                      subject="Toujours F-12",
                                      body="Je relance : toujours rien pour F-12.")

    staff = new_page()
    login(staff, agent.email)
    staff.goto(kept.get_absolute_url())
    body = staff.locator("form[action$='/repondre/'] textarea[name=body]")
    body.fill("Un début de réponse")  # kept as a draft while typed: survives a reload
    expect(staff.locator("form[action$='/repondre/'] .draft-status")).to_contain_text(
        re.compile(r"\d")
    )
    staff.reload()
    expect(body).to_have_value("Un début de réponse")
    body.fill("")
    staff.get_by_role("button", name="Insérer une réponse type").click()
    staff.get_by_label("Chercher une réponse type").fill("relance")
    staff.get_by_role("button", name="Relance lancée").click()
    expect(body).to_have_value(
        f"Bonjour {member.first_name}, nous relançons votre client.\n\nÀ lire\u00a0:\n\n"
        f"- [Relancer un client qui ne paie pas]({article.get_absolute_url()})"
    )
    staff.locator("form[action$='/repondre/'] button[type=submit]").click()
    expect(staff.locator(".timeline")).to_contain_text(
        f"Bonjour {member.first_name}, nous relançons votre client."
    )
    link = staff.locator(".timeline a", has_text="Relancer un client qui ne paie pas")
    expect(link).to_have_attribute("href", article.get_absolute_url())

    colleague = new_page()
    login(colleague, other_agent.email)
    colleague.goto(duplicate.get_absolute_url())
    colleague.get_by_role("link", name="Fusionner dans une autre demande (doublon)").click()
    colleague.get_by_role("textbox", name="La demande à garder").fill(kept.reference)
    colleague.get_by_role("button", name="Fusionner", exact=True).click()
    expect(colleague.locator("h1")).to_have_text("Facture F-12 impayée")

    page = new_page()
    login(page, member.email)
    page.goto(kept.get_absolute_url())
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("Je relance : toujours rien pour F-12.")
    expect(timeline).to_contain_text(f"depuis {duplicate.reference}")
    expect(timeline).to_contain_text(f"Bonjour {member.first_name}, nous relançons votre client.")
    expect(page.locator(".related-requests")).to_contain_text(duplicate.reference)
    page.locator(".related-requests a", has_text=duplicate.reference).click()
    expect(page.locator(".related-requests")).to_contain_text(kept.reference)
    expect(page.locator(".timeline")).to_contain_text(kept.reference)
