"""The authoring screens open, and what they save goes through kb/actions.py."""

import pytest

from kb.models import Article, ArticleEventKind, ArticleState, GuideChoice, Term

MODELS = ["topic", "tag", "expert", "article", "guide", "guidenode", "term", "kit", "feedback",
          "deflection"]


@pytest.mark.parametrize("model", MODELS)
def test_admin_lists_and_add_forms_open(admin_client, model):
    assert admin_client.get(f"/admin/kb/{model}/").status_code == 200
    if model not in ("feedback", "deflection"):
        assert admin_client.get(f"/admin/kb/{model}/add/").status_code == 200


def test_admin_change_forms_open(admin_client, article, guide, term):
    node = guide.start
    for url in [f"/admin/kb/article/{article.pk}/change/", f"/admin/kb/guide/{guide.pk}/change/",
                f"/admin/kb/guidenode/{node.pk}/change/", f"/admin/kb/term/{term.pk}/change/"]:
        assert admin_client.get(url).status_code == 200


def test_admin_publish_action_goes_through_the_workflow(admin_client, draft):
    response = admin_client.post("/admin/kb/article/", {
        "action": "publish", "_selected_action": [draft.pk],
    })
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == ArticleState.PUBLISHED
    assert draft.events.filter(kind=ArticleEventKind.PUBLISHED).exists()
    assert draft.revisions.count() == 1


def test_admin_term_save_relinks_articles(admin_client, make_article):
    article = make_article("Le CESA", body="Signer le CESA.")
    response = admin_client.post("/admin/kb/term/add/", {
        "term": "CESA", "slug": "cesa", "definition": "Contrat de travail.", "synonyms": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Term.objects.filter(slug="cesa").exists()
    assert "term-tip-cesa" in Article.objects.get(pk=article.pk).body_html


def test_admin_choice_targets_are_limited_to_the_same_guide(admin_client, guide):
    page = admin_client.get(f"/admin/kb/guidenode/{guide.start.pk}/change/").content.decode()
    assert GuideChoice.objects.filter(node=guide.start).exists()
    assert "Patience." in page  # a step of this guide is offered as a target
