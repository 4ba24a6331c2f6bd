"""Help centre, driven like a person would: a member follows a guided path to a request form
that opens pre-filled, and finds an answer while typing; another member proposes a tutorial,
staff asks for a change, then publishes it, and search finds it."""

import re

import pytest
from playwright.sync_api import expect

from coopdesk.accounts.models import Role
from kb import actions
from kb.models import (
    ArticleState,
    Deflection,
    Guide,
    GuideChoice,
    GuideNode,
    NodeKind,
    Term,
)
from tests.browser.conftest import login
from tests.factories import UserFactory


@pytest.fixture
def server(fresh_server):
    """Reviews write notifications: see `fresh_server`."""
    return fresh_server


@pytest.fixture
def unpaid_article(agent, topic, category):
    article = actions.create_article(
        by=agent, title="Que faire quand un client ne paie pas",
        summary="Relances, mise en demeure, contentieux.",
        body="Après l'échéance, la coopérative envoie une relance avec votre accord.",
        topic=topic, categories=[category],
    )
    return actions.publish_article(article, by=agent)


@pytest.fixture
def guide(unpaid_article, category):
    guide = Guide.objects.create(title="Un souci avec un client ?", slug="souci-client",
                                 is_published=True)
    start = GuideNode.objects.create(guide=guide, kind=NodeKind.QUESTION, text="Quel souci ?")
    due = GuideNode.objects.create(guide=guide, kind=NodeKind.QUESTION,
                                   text="L'échéance est-elle dépassée ?")
    wait = GuideNode.objects.create(guide=guide, kind=NodeKind.MESSAGE, text="Patience.")
    ask = GuideNode.objects.create(guide=guide, kind=NodeKind.REQUEST, category=category,
                                   text="Le service Recouvrement prend le relais.")
    GuideChoice.objects.create(node=start, label="Mon client ne m'a pas payé", target=due)
    GuideChoice.objects.create(node=due, label="Non, pas encore", target=wait, position=0)
    GuideChoice.objects.create(node=due, label="Oui, depuis plus de 30 jours", target=ask,
                               position=1)
    guide.start = start
    guide.save()
    return actions.save_guide(guide)


def test_member_follows_a_guided_path_to_a_prefilled_request(new_page, member, guide,
                                                             category, unpaid_article):
    page = new_page()
    login(page, member.email)
    page.goto(f"/aide/guides/{guide.slug}/")
    page.get_by_role("button", name="Mon client ne m'a pas payé").click()
    expect(page.locator("#step-title")).to_have_text("L'échéance est-elle dépassée ?")
    expect(page.locator("#step-title")).to_be_focused()
    page.get_by_role("button", name="Non, pas encore").click()
    expect(page.locator(".guide-step")).to_contain_text("Patience.")
    page.locator("form[action$='/retour/'] button").click()  # back
    page.get_by_role("button", name="Oui, depuis plus de 30 jours").click()
    expect(page.locator(".guide-step")).to_contain_text(category.team.name)

    # Leaving and coming back resumes where the member left.
    page.goto("/aide/")
    page.goto(f"/aide/guides/{guide.slug}/")
    expect(page.locator("#guide-resumed")).to_be_visible()
    page.locator("#open-request").click()
    expect(page).to_have_url(re.compile(rf"/demandes/nouvelle/\?category={category.pk}&"))
    expect(page.locator(f"input[name=category][value='{category.pk}']")).to_be_checked()
    # What she answered is written in: the subject, and her answers in the message.
    expect(page.locator("input[name=subject]")).to_have_value("Mon client ne m'a pas payé")
    expect(page.locator("textarea[name=body]")).to_contain_text("Oui, depuis plus de 30 jours")

    # While typing, the article linked to the category and matching the words shows up.
    page.fill("input[name=subject]", "Client qui ne paie pas")
    suggestions = page.locator("#kb-suggestions")
    expect(suggestions).to_contain_text(unpaid_article.title)
    suggestions.locator("button.kb-answered").first.click()
    expect(suggestions.locator(".kb-thanks")).to_be_visible()
    assert Deflection.objects.filter(user=member, article=unpaid_article).exists()


def test_member_tutorial_is_reviewed_published_and_found(new_page, agent, topic, office):
    author = UserFactory(first_name="Chloé", role=Role.MEMBER, office=office)
    actions.save_term(Term(term="Acompte", definition="Une part du prix payée d'avance."))

    page = new_page()
    login(page, author.email)
    page.goto("/aide/proposer/")
    page.fill("input[name=title]", "Faire signer un devis en ligne")
    page.fill("textarea[name=summary]", "Mon mode d'emploi, sans imprimer.")
    page.fill("textarea[name=body]", "J'envoie le lien de signature au client.")
    page.select_option("select[name=topic]", str(topic.pk))
    page.locator("button[name=then][value=submit]").click()
    expect(page.locator("h1")).to_have_text("Faire signer un devis en ligne")
    article_url = page.url

    staff = new_page()
    login(staff, agent.email)
    staff.goto("/aide/relecture/")
    staff.get_by_role("link", name="Faire signer un devis en ligne").click()
    staff.fill("#changes-note", "Ajoutez l'acompte demandé, s'il vous plaît.")
    staff.locator("form[action$='/etape/request_changes/'] button").click()
    expect(staff.locator(".timeline")).to_contain_text("Ajoutez l'acompte")

    page.goto(article_url)
    expect(page.locator(".timeline")).to_contain_text("Ajoutez l'acompte")
    page.locator("a[href$='/modifier/']").click()
    page.fill("textarea[name=body]", "J'envoie le lien de signature. Je demande un acompte de "
              "30 %.")
    page.locator("form button[type=submit].primary").click()
    page.locator("form[action$='/etape/submit/'] button").click()

    staff.goto(article_url)
    staff.locator("form[action$='/etape/publish/'] button").click()
    expect(staff.locator(".kb-article")).not_to_contain_text("Readers do not see")

    reader = new_page()
    login(reader, UserFactory(role=Role.MEMBER, office=office).email)
    reader.goto("/aide/")
    reader.fill("#kb-q", "acomptes signature")
    reader.press("#kb-q", "Enter")
    result = reader.locator(".kb-results a").first
    expect(result).to_have_text("Faire signer un devis en ligne")
    expect(reader.locator(".kb-results mark").first).to_be_visible()
    result.click()
    # A member's tutorial shows its author as she chose: her first name unless she says more.
    expect(reader.locator(".kb-meta")).to_contain_text(author.first_name)
    expect(reader.locator(".kb-meta")).not_to_contain_text(author.last_name)

    # The glossary term shows its definition on keyboard focus, not only on hover.
    tip = reader.locator(".term-tip").first
    expect(tip).to_be_hidden()
    reader.locator(".term-link").first.focus()
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("payée d'avance")
    reader.keyboard.press("Escape")
    expect(tip).to_be_hidden()

    from kb.models import Article

    assert Article.objects.get(title="Faire signer un devis en ligne").state == (
        ArticleState.PUBLISHED)
