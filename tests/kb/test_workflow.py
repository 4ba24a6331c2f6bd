"""Members propose tutorials; staff or expert members review; every step is recorded."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation
from notifications.models import Notification

from coopdesk import outbox
from coopdesk.conflicts import Conflict
from coopdesk.models import OutboxEmail
from kb import actions, search
from kb.models import Article, ArticleEventKind, ArticleState, Audience
from kb.rendering import render_article
from tests.conftest import login


def kinds(article):
    return list(article.events.values_list("kind", flat=True))


def told(user, verb):
    return Notification.objects.filter(recipient=user, verb=verb).exists()


@pytest.fixture
def proposal(member, topic):
    return actions.create_article(
        by=member, title="Faire signer un devis en ligne", summary="Mon mode d'emploi.",
        body="J'envoie le lien de signature au client.", topic=topic,
    )


def test_member_proposal_starts_as_a_private_draft(proposal, member):
    assert proposal.state == ArticleState.DRAFT
    assert proposal.author == member
    assert kinds(proposal) == [ArticleEventKind.CREATED]
    assert not search.search("signature", audiences=[Audience.MEMBERS]).hits


def test_sending_for_review_tells_the_topic_editor_and_experts(proposal, member, agent, expert):
    actions.submit_article(proposal, by=member)
    proposal.refresh_from_db()
    assert proposal.state == ArticleState.REVIEW
    assert told(agent, "kb.submitted") and told(expert, "kb.submitted")
    assert not told(member, "kb.submitted")


def test_review_round_trip_credits_the_author(client, proposal, member, agent):
    actions.submit_article(proposal, by=member)
    actions.comment_on_article(proposal, by=agent, body="Très clair, merci !")
    actions.request_changes(proposal, by=agent, note="Ajoutez l'acompte, s'il vous plaît.")
    proposal.refresh_from_db()
    assert proposal.state == ArticleState.CHANGES
    assert told(member, "kb.changes") and told(member, "kb.commented")

    actions.update_article(proposal, by=member, body="J'envoie le lien. Acompte : 30 %.")
    actions.submit_article(proposal, by=member)
    actions.publish_article(proposal, by=agent, note="Merci !")
    proposal.refresh_from_db()
    assert proposal.state == ArticleState.PUBLISHED
    assert proposal.owner == agent and proposal.review_by is not None
    assert told(member, "kb.published")
    assert kinds(proposal) == ["created", "submitted", "commented", "changes", "edited",
                               "submitted", "published"]
    assert proposal.revisions.get().body == "J'envoie le lien. Acompte : 30 %."
    assert search.search("acompte", audiences=[Audience.MEMBERS]).hits[0].title == proposal.title

    client.force_login(member)
    page = client.get(proposal.get_absolute_url()).content.decode()
    # A member's tutorial names its author by first name unless they chose otherwise.
    assert f"Écrite par {member.first_name}, entrepreneur·e de la coopérative" in page


def test_requesting_changes_needs_a_note(proposal, member, agent):
    actions.submit_article(proposal, by=member)
    with pytest.raises(Conflict):
        actions.request_changes(proposal, by=agent, note="  ")


def test_asking_for_changes_without_saying_what_shows_the_page_again(
    client, proposal, member, agent
):
    """The note is required in the form: a blank one is an error under the box on the
    article's page (400), not the 409 dead end the action's own guard would give."""
    actions.submit_article(proposal, by=member)
    proposal.refresh_from_db()
    client.force_login(agent)
    page = client.get(proposal.get_absolute_url()).content.decode()
    box = page[page.index("<textarea", page.index("etape/request_changes/")):]
    assert 'id="changes-note"' in box[:box.index(">")]
    assert "required" in box[:box.index(">")]
    url = f"/aide/fiches/{proposal.slug}/etape/request_changes/"
    for note in ("", "   "):
        response = client.post(url, {"version": proposal.version, "note": note})
        assert response.status_code == 400
        assert response.templates[0].name == "kb/article_detail.html"
        page = response.content.decode()
        error = page.index("Indiquez ce qui doit changer")
        assert page.index('id="changes-note"') < error < page.index("Demander des modifications")
    proposal.refresh_from_db()
    assert proposal.state == ArticleState.REVIEW
    assert kinds(proposal) == [ArticleEventKind.CREATED, ArticleEventKind.SUBMITTED]


def test_a_refused_step_button_says_so_on_the_article_page(client, proposal, member):
    client.force_login(member)
    response = client.post(f"/aide/fiches/{proposal.slug}/etape/submit/", {"version": "x"})
    assert response.status_code == 400
    assert "Le formulaire était incomplet. Rechargez la page." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == ArticleState.DRAFT


def test_expert_member_reviews_their_topics_only(proposal, member, expert, other_topic, office):
    actions.submit_article(proposal, by=member)
    actions.publish_article(proposal, by=expert)
    proposal.refresh_from_db()
    assert proposal.state == ArticleState.PUBLISHED

    elsewhere = actions.create_article(by=member, title="Ma paie", summary="s", body="b",
                                       topic=other_topic)
    actions.submit_article(elsewhere, by=member)
    with pytest.raises(PermissionDenied):
        actions.publish_article(elsewhere, by=expert)


def test_expert_cannot_publish_their_own_text_nor_skip_the_review(expert, topic, member):
    own = actions.create_article(by=expert, title="Mon tuto", summary="s", body="b", topic=topic)
    actions.submit_article(own, by=expert)
    with pytest.raises(PermissionDenied):
        actions.publish_article(own, by=expert)
    draft = actions.create_article(by=member, title="Brouillon", summary="s", body="b",
                                   topic=topic)
    with pytest.raises(PermissionDenied):
        actions.publish_article(draft, by=expert)


def test_member_cannot_publish_nor_submit_someone_elses_text(proposal, other_member, member):
    with pytest.raises(PermissionDenied):
        actions.submit_article(proposal, by=other_member)
    actions.submit_article(proposal, by=member)
    with pytest.raises(PermissionDenied):
        actions.publish_article(proposal, by=member)


def test_author_cannot_edit_while_in_review(proposal, member):
    actions.submit_article(proposal, by=member)
    with pytest.raises(PermissionDenied):
        actions.update_article(proposal, by=member, body="changed")


def test_member_cannot_write_for_staff_only_or_set_staff_fields(member, topic, agent):
    with pytest.raises(PermissionDenied):
        actions.create_article(by=member, title="t", summary="s", body="b",
                               audience=Audience.STAFF)
    with pytest.raises(PermissionDenied):
        actions.create_article(by=member, title="t", summary="s", body="b", owner=agent)


def test_impossible_step_is_a_conflict_and_stale_form_too(article, agent):
    with pytest.raises(Conflict):
        actions.submit_article(article, by=article.author)  # already published
    with pytest.raises(Conflict):
        actions.update_article(article, by=agent, body="x", expected_version=article.version - 1)


def test_impossible_step_answers_409_and_keeps_the_state(client, agent, draft, member):
    actions.submit_article(draft, by=member)
    draft.refresh_from_db()
    client.force_login(agent)
    url = f"/aide/fiches/{draft.slug}/etape/archive/"
    response = client.post(url, {"version": draft.version})
    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.state == ArticleState.REVIEW


def test_stale_edit_form_keeps_what_was_typed(client, agent, article):
    client.force_login(agent)
    old_version = article.version
    actions.update_article(article, by=agent, body="Someone else's change.")
    response = client.post(f"/aide/fiches/{article.slug}/modifier/", {
        "title": article.title, "summary": article.summary, "body": "Mon texte à moi",
        "language": "fr", "audience": "members", "version": old_version,
    })
    assert response.status_code == 409
    assert "Mon texte à moi" in response.content.decode()


def test_editing_a_published_article_keeps_a_revision_readers_can_compare(client, member,
                                                                          article, agent):
    actions.update_article(article, by=agent, body="Rédigez le devis, relisez-le, envoyez-le.",
                           note="Ajout de la relecture")
    assert list(article.revisions.values_list("number", flat=True)) == [2, 1]
    client.force_login(member)
    history = client.get(f"/aide/fiches/{article.slug}/versions/").content.decode()
    assert "Ajout de la relecture" in history
    diff = client.get(f"/aide/fiches/{article.slug}/versions/2/").content.decode()
    assert "<ins>relisez-le, </ins>" in diff or "<ins>relisez-le," in diff


def test_archiving_removes_it_from_readers_and_search(article, agent, member, client):
    actions.archive_article(article, by=agent)
    assert not search.search("devis", audiences=[Audience.MEMBERS]).hits
    client.force_login(member)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_review_events_are_pushed_to_the_people_concerned_after_commit(
    proposal, member, agent, pushed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.submit_article(proposal, by=member)
    [(group, body)] = pushed  # the header's message, as for every domain; no kb.event
    assert group == f"user.{agent.pk}" and body["type"] == "notification"
    assert body["notification"]["kind"] == "kb.submitted"


def test_views_drive_the_workflow(client, member, agent, topic):
    client.force_login(member)
    response = client.post("/aide/proposer/", {
        "title": "Déclarer ses kilomètres", "summary": "Mon tableau.", "body": "Date, trajet.",
        "topic": topic.pk, "language": "fr", "audience": "members", "then": "submit",
    })
    assert response.status_code == 302
    from kb.models import Article

    article = Article.objects.get(title="Déclarer ses kilomètres")
    assert article.state == ArticleState.REVIEW
    client.force_login(agent)
    response = client.post(f"/aide/fiches/{article.slug}/etape/request_changes/",
                           {"version": article.version, "note": "Un exemple ?"})
    assert response.status_code == 302
    article.refresh_from_db()
    client.force_login(member)
    client.post(f"/aide/fiches/{article.slug}/modifier/", {
        "title": article.title, "summary": article.summary, "body": "Date, trajet, 12 km.",
        "language": "fr", "audience": "members", "topic": topic.pk, "version": article.version,
    })
    article.refresh_from_db()
    client.post(f"/aide/fiches/{article.slug}/etape/submit/", {"version": article.version})
    client.force_login(agent)
    article.refresh_from_db()
    client.post(f"/aide/fiches/{article.slug}/etape/publish/", {"version": article.version})
    article.refresh_from_db()
    assert article.state == ArticleState.PUBLISHED and article.body == "Date, trajet, 12 km."


def test_invalid_proposal_form_is_redisplayed_with_what_was_typed(client, member):
    client.force_login(member)
    response = client.post("/aide/proposer/", {"title": "", "summary": "s", "body": "Mon texte",
                                               "language": "fr", "audience": "members"})
    assert response.status_code == 400
    assert "Mon texte" in response.content.decode()


def test_review_steps_reach_reviewers_and_author_in_the_morning_summary(
    proposal, member, agent, expert, client, mailoutbox, settings
):
    settings.DIGEST_HOUR, settings.SITE_URL = 7, "https://coop.example"
    actions.submit_article(proposal, by=member)
    actions.request_changes(proposal, by=agent, note="Ajoutez l'acompte, s'il vous plaît.")
    assert not OutboxEmail.objects.exists()  # nothing urgent: no e-mail at once
    morning = timezone.localtime().replace(hour=8) + timedelta(days=1)
    assert outbox.queue_digests(now=morning) == 3  # the editor, the expert, the author
    outbox.send_pending(now=morning)
    told = {mail.to[0]: mail.body for mail in mailoutbox}
    url = f"https://coop.example{proposal.get_absolute_url()}"
    assert "Fiche «\u00a0Faire signer un devis en ligne\u00a0»" in told[expert.email]
    assert "Envoyée en relecture" in told[expert.email] and url in told[expert.email]
    assert "Modifications demandées (" in told[member.email] and url in told[member.email]
    client.force_login(member)
    assert client.get(url.removeprefix(settings.SITE_URL)).status_code == 200


def test_a_review_step_does_not_render_the_body_again(agent, draft, member):
    """Rendering links every glossary term: only a change of the text pays for it."""
    with mock.patch("kb.rendering.render_article") as render:
        actions.submit_article(draft, by=member)
        actions.publish_article(draft, by=agent)
        actions.archive_article(draft, by=agent)
    render.assert_not_called()
    with mock.patch("kb.rendering.render_article", wraps=render_article) as render:
        article = actions.update_article(draft, by=agent, body="**Nouveau** texte")
    render.assert_called_once()
    assert "<strong>Nouveau</strong>" in Article.objects.get(pk=article.pk).body_html


def test_the_step_message_follows_each_requests_language(agent, draft, member):
    actions.submit_article(draft, by=member)
    said = []
    for language in ("en", "fr"):
        client = login(agent)
        client.cookies["django_language"] = language
        draft.refresh_from_db()
        step = "publish" if language == "en" else "archive"
        url = f"/aide/fiches/{draft.slug}/etape/{step}/"
        response = client.post(url, {"version": draft.version}, follow=True)
        said += [str(m) for m in response.context["messages"]]
    archived = "Archivée\u00a0: elle n'est plus visible par les lecteurs et lectrices."
    assert said == ["Published.", archived]


def test_the_first_version_is_named_in_the_readers_language_and_only_the_first(
    make_article, agent, client
):
    article = make_article()  # published by the team, in French (the default language)
    actions.archive_article(article, by=agent)
    actions.publish_article(Article.objects.get(pk=article.pk), by=agent)
    assert list(article.revisions.values_list("note", flat=True)) == ["", ""]
    client.force_login(agent)
    url = reverse("kb:article-history", args=[article.slug])
    page = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert page.count("First publication") == 1 and "Première publication" not in page
    assert "{#" not in page  # no template comment printed


def test_a_change_in_the_settings_screens_is_named_in_the_readers_language(
    make_article, agent, client
):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(body="Un texte revu.")
    with translation.override("fr"):  # the team works in French (the default language)
        actions.after_admin_save(article, by=agent, created=False, changed=["body"])
    revision = article.revisions.get(number=2)
    assert revision.note == "" and revision.from_settings
    client.force_login(agent)
    for url in [reverse("kb:article-history", args=[article.slug]),
                revision.get_absolute_url()]:
        page = client.get(url, headers={"accept-language": "en"}).content.decode()
        assert "Changed in the settings screens" in page, url
        assert "écrans de configuration" not in page, url
