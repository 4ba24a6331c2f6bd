"""A member's tutorial names its author as they chose: first name (the default), full name,
or "a member"; to anonymous visitors and other members alike, on every page that names it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kb import actions
from kb.forms import ArticleForm
from kb.models import Audience, AuthorShownAs


@pytest.fixture
def make_tutorial(make_article, member, agent):
    def make(**fields):
        member.last_name = "Boulanger"
        member.save()
        article = make_article("Mon astuce pour les devis", author=member,
                               body="Je relis avec le client.", **fields)
        return actions.update_article(article, by=agent, audience=Audience.PUBLIC)

    return make


@pytest.fixture
def tutorial(make_tutorial):
    return make_tutorial(publish=False)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_public_tutorial_shows_only_the_first_name_by_default(client, make_tutorial):
    tutorial = make_tutorial()
    assert tutorial.author_shown_as == AuthorShownAs.FIRST_NAME
    html = page(client, tutorial.get_absolute_url())  # anonymous
    assert "Camille" in html and "Boulanger" not in html


@pytest.mark.parametrize(("choice", "shown", "hidden"), [
    (AuthorShownAs.FULL_NAME, ["Camille Boulanger"], []),
    (AuthorShownAs.MEMBER, ["Écrite par un·e entrepreneur·e de la coopérative"],
     ["Camille", "Boulanger"]),
])
def test_tutorial_shows_the_author_as_they_chose(client, other_member, make_tutorial, member,
                                                 choice, shown, hidden):
    tutorial = make_tutorial(author_shown_as=choice)
    pages = [tutorial.get_absolute_url(), reverse("kb:article-history", args=[tutorial.slug])]
    for reader in (None, other_member):
        if reader:
            client.force_login(reader)
        for url in pages:
            html = page(client, url)
            for name in shown if url == tutorial.get_absolute_url() else []:
                assert name in html, (url, name)
            for name in hidden:
                assert name not in html, (url, name)


def test_staff_articles_are_signed_with_the_full_name(client, public_article, agent):
    assert agent.get_full_name() in page(client, public_article.get_absolute_url())


def test_the_author_chooses_in_the_form_and_nobody_else(member, agent, tutorial, expert):
    assert "author_shown_as" in ArticleForm(user=member).fields
    assert "author_shown_as" in ArticleForm(user=member, article=tutorial).fields
    assert "author_shown_as" not in ArticleForm(user=agent).fields
    assert "author_shown_as" not in ArticleForm(user=expert, article=tutorial).fields
    with pytest.raises(PermissionDenied):
        actions.update_article(tutorial, by=agent, author_shown_as=AuthorShownAs.FULL_NAME)


def test_member_chooses_when_proposing(client, member):
    client.force_login(member)
    response = client.post(reverse("kb:article-create"), {
        "title": "Astuce", "summary": "Court.", "body": "Texte.", "language": "fr",
        "audience": "members", "author_shown_as": "member",
    })
    assert response.status_code == 302
    assert member.kb_authored.get().author_shown_as == AuthorShownAs.MEMBER
