"""Guided paths: one question at a time, back, start again, and resume where one left."""

import html
import re
from urllib.parse import parse_qs

from django.utils import translation

from kb.models import GuideChoice, GuideNode, GuideProgress
from kb.views import request_url


def choice(guide, label):
    return GuideChoice.objects.get(node__guide=guide, label=label)


def answer(client, guide, at, label):
    return client.post(f"/aide/guides/{guide.slug}/repondre/",
                       {"at": at.pk, "choice": choice(guide, label).pk})


def test_walk_to_a_prefilled_request(client, member, guide, category):
    client.force_login(member)
    page = client.get(guide.get_absolute_url()).content.decode()
    assert "Quel souci ?" in page and "Mon client ne paie pas" in page
    assert answer(client, guide, guide.start, "Mon client ne paie pas").status_code == 302
    q2 = choice(guide, "Mon client ne paie pas").target
    answer(client, guide, q2, "Oui, depuis longtemps")
    page = client.get(guide.get_absolute_url(), headers={"accept-language": "fr"})
    assert category.team.name in page.content.decode()
    assert "Mon client ne paie pas" in page.content.decode()  # the answers so far are shown
    # The request form opens with the category, and what she answered written in.
    link = html.unescape(re.search(r'id="open-request" href="([^"]+)"',
                                   page.content.decode())[1])
    path, query = link.split("?")
    assert path == "/demandes/nouvelle/"
    assert parse_qs(query)["category"] == [str(category.pk)]
    form = client.get(link, headers={"accept-language": "fr"}).context["form"]
    assert form.initial["category"] == str(category.pk)
    assert form.initial["subject"] == "Mon client ne paie pas"
    assert form.initial["body"] == (
        "Mes réponses dans le parcours guidé «\u00a0Un souci avec un client ?\u00a0»\u00a0:\n"
        "- Quel souci ? Mon client ne paie pas\n"
        "- L'échéance est-elle dépassée ? Oui, depuis longtemps\n\n")
    with translation.override("en"):
        english = request_url(guide, [(q2, choice(guide, "Oui, depuis longtemps"))],
                              choice(guide, "Oui, depuis longtemps").target)
    assert "My answers in the guided path" in parse_qs(english.split("?")[1])["body"][0]


def test_a_prefilled_request_form_is_cut_to_size_and_escaped(client, member, category):
    client.force_login(member)
    subject = "<script>alert(1)</script>" + "x" * 300
    page = client.get("/demandes/nouvelle/", {"category": category.pk, "subject": subject,
                                               "body": "<b>é</b>" + "y" * 5000})
    assert page.status_code == 200
    form = page.context["form"]
    assert len(form.initial["subject"]) == 200 and len(form.initial["body"]) == 2000
    text = page.content.decode()
    assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)" in text
    assert "&lt;b&gt;é&lt;/b&gt;" in text


def test_article_leaf_links_the_article(client, member, guide, article):
    client.force_login(member)
    answer(client, guide, guide.start, "Je dois faire un devis")
    page = client.get(guide.get_absolute_url()).content.decode()
    assert article.get_absolute_url() in page


def test_back_and_restart(client, member, guide):
    client.force_login(member)
    answer(client, guide, guide.start, "Mon client ne paie pas")
    client.post(f"/aide/guides/{guide.slug}/retour/")
    assert GuideProgress.objects.get(user=member).choices == []
    answer(client, guide, guide.start, "Mon client ne paie pas")
    q2 = choice(guide, "Mon client ne paie pas").target
    answer(client, guide, q2, "Non")
    client.post(f"/aide/guides/{guide.slug}/recommencer/")
    assert GuideProgress.objects.get(user=member).choices == []


def test_resume_where_one_left_on_another_device(client, member, guide):
    client.force_login(member)
    answer(client, guide, guide.start, "Mon client ne paie pas")
    client.logout()
    client.force_login(member)  # a new session
    page = client.get(guide.get_absolute_url()).content.decode()
    assert "L&#x27;échéance est-elle dépassée ?" in page
    assert 'id="guide-resumed"' in page


def test_answering_an_earlier_question_again_after_browser_back(client, member, guide):
    client.force_login(member)
    answer(client, guide, guide.start, "Mon client ne paie pas")
    q2 = choice(guide, "Mon client ne paie pas").target
    answer(client, guide, q2, "Non")
    # the browser's back button shows the first question again: answering it still works
    answer(client, guide, guide.start, "Je dois faire un devis")
    assert GuideProgress.objects.get(user=member).choices == [
        choice(guide, "Je dois faire un devis").pk]


def test_forged_or_stale_answers_are_refused(client, member, guide):
    client.force_login(member)
    q2 = choice(guide, "Mon client ne paie pas").target
    # a question not on the member's path
    assert answer(client, guide, q2, "Non").status_code == 409
    # a choice of another question
    response = client.post(f"/aide/guides/{guide.slug}/repondre/",
                           {"at": guide.start.pk, "choice": choice(guide, "Non").pk})
    assert response.status_code == 409
    assert client.post(f"/aide/guides/{guide.slug}/repondre/", {"at": "x"}).status_code == 400


def test_an_edited_guide_stops_the_path_where_it_no_longer_fits(client, member, guide):
    client.force_login(member)
    answer(client, guide, guide.start, "Mon client ne paie pas")
    choice(guide, "Mon client ne paie pas").delete()
    assert client.get(guide.get_absolute_url()).status_code == 200
    steps, node = guide.walk(GuideProgress.objects.get(user=member).choices)
    assert steps == [] and node == guide.start


def test_anonymous_visitor_walks_a_public_guide_in_the_session(client, guide):
    guide.audience = "public"
    guide.save()
    answer(client, guide, guide.start, "Mon client ne paie pas")
    assert "L&#x27;échéance" in client.get(guide.get_absolute_url()).content.decode()
    assert not GuideProgress.objects.exists()


def test_unpublished_guide_is_hidden(client, member, guide):
    guide.is_published = False
    guide.save()
    client.force_login(member)
    assert client.get(guide.get_absolute_url()).status_code == 404
    assert guide.title not in client.get("/aide/guides/").content.decode()


def test_node_validation_requires_the_target_of_a_leaf(guide):
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        GuideNode(guide=guide, kind="request", text="x").clean()
    with pytest.raises(ValidationError):
        GuideNode(guide=guide, kind="article", text="x").clean()


def test_a_prefilled_request_form_drops_control_characters(client, member, category):
    """What a link writes in is cleaned as if she had typed it (coopdesk.text)."""
    client.force_login(member)
    page = client.get("/demandes/nouvelle/", {"category": category.pk,
                                               "subject": "Mon\tclient\x1b[31m\x07",
                                               "body": "Ligne 1\nLigne\x00 2\x7f"})
    form = page.context["form"]
    assert form.initial["subject"] == "Mon client[31m"
    assert form.initial["body"] == "Ligne 1\nLigne 2"
