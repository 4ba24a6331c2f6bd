"""The article editor keeps the title and text being typed as a draft (the same Draft as
requests' boxes): back after a reload or on another device, cleared once saved, never
anyone else's, bounded like the fields."""

from __future__ import annotations

from django.urls import reverse

from coopdesk.rendering import ARTICLE_MAX_CHARS
from helpdesk.models import Draft
from kb.models import Article
from tests.conftest import login


def save(client, url, title, body):
    return client.post(url, {"title": title, "body": body})


def test_a_new_tutorial_comes_back_on_another_device_and_goes_once_saved(member, topic):
    url = reverse("kb:article-draft-new")
    response = save(login(member), url, "Relancer un client", "Étape 1 : un appel aimable.")
    assert response.status_code == 200 and response.json()["saved_at"]
    page = login(member).get(reverse("kb:article-create")).content.decode()
    assert 'value="Relancer un client"' in page and "Étape 1 : un appel aimable.</textarea>" in page
    assert f'data-draft-url="{url}"' in page
    response = login(member).post(reverse("kb:article-create"), {
        "title": "Relancer un client", "summary": "Comment.", "body": "Étape 1 : un appel aimable.",
        "language": "fr", "audience": "members", "topic": topic.pk, "then": "draft",
    })
    assert response.status_code == 302
    assert not Draft.objects.exists()


def test_an_edit_comes_back_and_goes_once_saved(member, draft):
    url = reverse("kb:article-draft", args=[draft.slug])
    save(login(member), url, "Mon astuce", "Je relis avec le client, puis je signe.")
    edit = reverse("kb:article-edit", args=[draft.slug])
    page = login(member).get(edit).content.decode()
    assert "Je relis avec le client, puis je signe.</textarea>" in page
    data = {"title": "Mon astuce", "summary": "s",
            "body": "Je relis avec le client, puis je signe.",
            "language": "fr", "audience": "members", "version": draft.version,
            "author_shown_as": draft.author_shown_as}
    assert login(member).post(edit, data).status_code == 302
    assert Article.objects.get(pk=draft.pk).body.endswith("puis je signe.")
    assert not Draft.objects.exists()


def test_a_stale_edit_keeps_the_draft(member, draft):
    url = reverse("kb:article-draft", args=[draft.slug])
    save(login(member), url, "Mon astuce", "Ma nouvelle version")
    data = {"title": "Mon astuce", "summary": "s", "body": "Ma nouvelle version",
            "language": "fr", "audience": "members", "version": draft.version - 1,
            "author_shown_as": draft.author_shown_as}
    response = login(member).post(reverse("kb:article-edit", args=[draft.slug]), data)
    assert response.status_code == 409
    assert "Ma nouvelle version</textarea>" in response.content.decode()
    assert Draft.objects.filter(owner=member, body="Ma nouvelle version").exists()


def test_an_edit_without_its_version_is_refused_not_saved_over(member, draft):
    data = {"title": "Mon astuce", "summary": "s", "body": "Écrit sur une page sans version",
            "language": "fr", "audience": "members", "author_shown_as": draft.author_shown_as}
    response = login(member).post(reverse("kb:article-edit", args=[draft.slug]), data)
    assert response.status_code == 400
    assert Article.objects.get(pk=draft.pk).body == draft.body
    page = response.content.decode()  # said where it is read, with what was typed kept
    assert "The form was incomplete. Reload the page." in page or "incomplet" in page
    assert "Écrit sur une page sans version" in page


def test_someone_elses_article_draft_is_refused_and_never_shown(member, other_member, agent,
                                                                  draft, article):
    mine = reverse("kb:article-draft", args=[draft.slug])
    assert save(login(other_member), mine, "x", "x").status_code == 404
    assert save(login(member), reverse("kb:article-draft", args=[article.slug]), "x",
                "x").status_code == 404
    save(login(member), reverse("kb:article-draft-new"), "Le tuto de Camille", "Secret")
    page = login(other_member).get(reverse("kb:article-create")).content.decode()
    assert "Le tuto de Camille" not in page
    assert list(Draft.objects.values_list("owner", flat=True)) == [member.pk]


def test_article_drafts_are_bounded_like_the_fields(member):
    url = reverse("kb:article-draft-new")
    assert save(login(member), url, "t", "x" * (ARTICLE_MAX_CHARS + 1)).status_code == 400
    assert save(login(member), url, "t" * 201, "x").status_code == 400
    assert save(login(member), url, "", "  ").json() == {"saved_at": None}
    assert not Draft.objects.exists()


def test_an_article_draft_is_not_a_request_draft(member):
    save(login(member), reverse("kb:article-draft-new"), "Mon tuto en cours", "Texte")
    listing = login(member).get(reverse("helpdesk:ticket-list")).content.decode()
    assert "Mon tuto en cours" not in listing
    pk = Draft.objects.get().pk
    response = login(member).get(f"{reverse('helpdesk:ticket-create')}?draft={pk}")
    assert response.status_code == 404


def test_the_tutorial_form_in_french_says_who_publishes_the_text(member_client):
    """"la relit … la publie" read as if the reviewer published the procedure itself."""
    page = member_client.get(reverse("kb:article-create")).content.decode()
    assert "relit votre texte, suggère éventuellement des modifications, puis le publie" in page
