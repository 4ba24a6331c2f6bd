"""Issue 11, holes 2 and 3: an expert member reviews only what she may read and never comes
to own what she published; revisions keep the audience they were written for."""

import pytest
from django.core.exceptions import PermissionDenied

from kb import actions
from kb.models import Article, Audience


@pytest.fixture
def staff_in_review(agent, topic):
    article = actions.create_article(
        by=agent, title="Procédure interne des mises en demeure", summary="Pour l'équipe.",
        body="Le seuil interne est de 500 euros.", audience=Audience.STAFF, topic=topic,
    )
    return actions.submit_article(article, by=agent)


@pytest.fixture
def members_in_review(member, topic):
    article = actions.create_article(
        by=member, title="Faire signer un devis en ligne", summary="Mon mode d'emploi.",
        body="J'envoie le lien de signature.", topic=topic,
    )
    return actions.submit_article(article, by=member)


def test_expert_review_list_shows_only_what_she_may_read(
    client, expert, staff_in_review, members_in_review
):
    client.force_login(expert)
    page = client.get("/aide/relecture/").content.decode()
    assert members_in_review.title in page
    assert staff_in_review.title not in page
    assert client.get(f"/aide/fiches/{staff_in_review.slug}/").status_code == 404
    assert not Article.objects.visible_to(expert).filter(pk=staff_in_review.pk).exists()


def test_expert_can_neither_publish_nor_comment_a_staff_only_text(expert, staff_in_review):
    with pytest.raises(PermissionDenied):
        actions.publish_article(staff_in_review, by=expert)
    with pytest.raises(PermissionDenied):
        actions.comment_on_article(staff_in_review, by=expert, body="Vu.")


def test_experts_are_not_told_of_a_staff_only_text_in_review(expert, staff_in_review):
    assert not expert.notifications.filter(verb="kb.submitted").exists()


def test_publishing_does_not_make_the_expert_the_owner(client, expert, members_in_review):
    article = actions.publish_article(members_in_review, by=expert)
    assert article.owner_id is None
    with pytest.raises(PermissionDenied):
        actions.update_article(article, by=expert, audience=Audience.PUBLIC)
    client.force_login(expert)
    assert client.get(f"/aide/fiches/{article.slug}/modifier/").status_code in (403, 404)


def test_staff_who_publish_still_own_the_text(agent, members_in_review):
    assert actions.publish_article(members_in_review, by=agent).owner == agent


def test_staff_only_revisions_stay_hidden_after_the_article_opens_to_members(
    client, agent, member, staff_article
):
    first = staff_article.revisions.get()
    assert first.audience == Audience.STAFF
    article = actions.update_article(
        staff_article, by=agent, audience=Audience.MEMBERS,
        body="Pour les membres : comment on relance un client.", note="Ouvert aux membres",
    )
    assert list(article.revisions.values_list("number", "audience")) == [
        (2, Audience.MEMBERS), (1, Audience.STAFF),
    ]
    client.force_login(member)
    history = client.get(f"/aide/fiches/{article.slug}/versions/").content.decode()
    assert "/versions/2/" in history and "/versions/1/" not in history
    assert client.get(f"/aide/fiches/{article.slug}/versions/1/").status_code == 404
    diff = client.get(f"/aide/fiches/{article.slug}/versions/2/").content.decode()
    assert "trésorerie" not in diff  # the staff-only text is not the diff's other side
    assert "relance un client" in diff

    client.force_login(agent)
    assert client.get(f"/aide/fiches/{article.slug}/versions/1/").status_code == 200
    diff = client.get(f"/aide/fiches/{article.slug}/versions/2/").content.decode()
    assert "trésorerie" in diff


def test_opening_an_article_to_members_without_new_text_keeps_a_revision_for_them(
    client, agent, member, staff_article
):
    article = actions.update_article(staff_article, by=agent, audience=Audience.MEMBERS)
    assert list(article.revisions.values_list("number", "audience")) == [
        (2, Audience.MEMBERS), (1, Audience.STAFF),
    ]
    client.force_login(member)
    assert client.get(f"/aide/fiches/{article.slug}/versions/2/").status_code == 200
    assert client.get(f"/aide/fiches/{article.slug}/versions/1/").status_code == 404
