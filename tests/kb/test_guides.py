"""Guided paths: one question at a time, back, start again, and resume where one left."""

from kb.models import GuideChoice, GuideNode, GuideProgress


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
    page = client.get(guide.get_absolute_url()).content.decode()
    assert f'href="/demandes/nouvelle/?category={category.pk}"' in page
    assert category.team.name in page
    assert "Mon client ne paie pas" in page  # the answers so far are shown


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
