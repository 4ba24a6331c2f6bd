"""Readers' side: "was this helpful?", requests avoided while writing, leads' figures,
checks due, the new-member kit and the services catalogue."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from notifications.models import Notification

from coopdesk.jobs import registered
from kb import actions
from kb.models import Article, ArticleEventKind, Deflection, Feedback, Kit, KitItem


def test_feedback_reaches_the_owner_with_the_comment(client, member, article, agent):
    client.force_login(member)
    response = client.post(f"/aide/fiches/{article.slug}/avis/",
                           {"helpful": "no", "comment": "Il manque un exemple."})
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (0, 1)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Vous nous avez dit qu'elle ne vous a pas aidé" in page
    notification = Notification.objects.get(recipient=agent, verb="kb.feedback")
    assert notification.action_object.note == "Il manque un exemple."
    client.force_login(agent)
    page = client.get("/aide/mes-fiches/").content.decode()
    assert "Il manque un exemple." in page


def test_changing_ones_opinion_moves_the_counters(member, article):
    actions.give_feedback(article, by=member, helpful=False)
    actions.give_feedback(article, by=member, helpful=True)
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (1, 0)
    assert Feedback.objects.get().helpful is True


def test_feedback_form_errors_are_shown(client, member, article):
    client.force_login(member)
    response = client.post(f"/aide/fiches/{article.slug}/avis/", {"comment": "hmm"})
    assert response.status_code == 400 and "hmm" in response.content.decode()


def test_a_blank_feedback_shows_the_article_again_with_the_error(client, member, article):
    """Not a bare form away from the article: the article, its answer box saying what is
    missing, and the question asked once."""
    client.force_login(member)
    response = client.post(f"/aide/fiches/{article.slug}/avis/", {})
    assert response.status_code == 400
    page = response.content.decode()
    assert f'<h1 id="article-title">{article.title}</h1>' in page
    assert "Rédigez le devis" in page and "Répondez oui ou non." in page
    assert page.count("Cette fiche vous a-t-elle été utile") == 1


def test_the_feedback_box_asks_its_question_once(client, member, article):
    client.force_login(member)
    page = client.get(article.get_absolute_url()).content.decode()
    box = page.split('id="feedback"')[1].split("</section>")[0]
    assert box.count("Cette fiche vous a-t-elle été utile") == 1


def test_suggestions_while_writing_show_category_articles_first(client, member, article,
                                                                  category, make_article):
    make_article("Relancer un client qui ne paie pas", body="relance facture impayée")
    client.force_login(member)
    response = client.get("/aide/suggestions/", {"q": "client impayé relance",
                                                 "category": category.pk})
    page = response.content.decode()
    assert page.index(article.title) < page.index("Relancer un client qui ne paie pas")
    assert f'data-article="{article.pk}"' in page
    assert client.get("/aide/suggestions/", {"q": "zz"}).content.decode().strip() == ""


def test_this_answered_my_question_is_recorded(client, member, article, category):
    client.force_login(member)
    response = client.post("/aide/suggestions/utile/", {
        "article": article.pk, "query": "comment faire un devis", "category": category.pk,
    }, headers={"X-Requested-With": "fetch"})
    assert response.status_code == 200
    assert "Tant mieux si cela vous a été utile" in response.content.decode()
    deflection = Deflection.objects.get()
    assert (deflection.user, deflection.article, deflection.category) == (member, article,
                                                                          category)


def test_leads_see_how_many_requests_articles_avoided(client, lead, member, article, category):
    for _ in range(3):
        actions.record_deflection(by=member, article=article, category=category)
    client.force_login(lead)
    page = client.get("/aide/statistiques/").content.decode()
    assert 'id="deflections-total">3<' in page
    # Since the start, where a team's health page counts its own over the period it shows.
    assert "Demandes évitées, depuis le début" in page
    assert f"{category.team.name}\u00a0: 3" in page


def test_the_figures_use_each_languages_colon(client, lead, member, article, category):
    actions.record_deflection(by=member, article=article, category=category)
    client.force_login(lead)
    page = client.get("/aide/statistiques/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"{category.team.name}: 1" in page and f"{article.title}: 1" in page
    assert " : " not in page.split("<main", 1)[1]


def test_stale_articles_are_flagged_to_their_owner_once(article, agent):
    Article.objects.filter(pk=article.pk).update(review_by=timezone.localdate() - timedelta(1))
    assert actions.flag_stale_articles() == 1
    assert actions.flag_stale_articles() == 0  # a second worker, or the next hour
    assert Notification.objects.filter(recipient=agent, verb="kb.stale").count() == 1
    actions.confirm_article_current(article, by=agent)
    article.refresh_from_db()
    assert article.review_by > timezone.localdate() and article.stale_notified_at is None
    assert article.events.filter(kind=ArticleEventKind.REVIEWED).exists()


def test_stale_banner_and_confirm_button_for_the_owner(client, agent, article, member):
    Article.objects.filter(pk=article.pk).update(review_by=timezone.localdate())
    client.force_login(agent)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "kb-stale" in page and "/etape/confirm/" in page
    client.force_login(member)
    assert "kb-stale" not in client.get(article.get_absolute_url()).content.decode()


def test_worker_runs_the_stale_job(article):
    assert any(job.run is actions.flag_stale_articles for job in registered())
    Article.objects.filter(pk=article.pk).update(review_by=timezone.localdate())
    call_command("worker", "--once")
    assert Article.objects.get(pk=article.pk).stale_notified_at is not None


def test_new_member_sees_the_kit_on_the_help_home(client, member, article, office):
    kit = Kit.objects.create(title="Kit de bienvenue", slug="bienvenue", for_new_members=True)
    KitItem.objects.create(kit=kit, article=article, note="Votre premier devis.")
    client.force_login(member)
    page = client.get("/aide/").content.decode()
    assert "Votre premier devis." in page
    member.date_joined = timezone.now() - timedelta(days=400)
    member.save()
    assert "Votre premier devis." not in client.get("/aide/").content.decode()


def test_services_catalogue_is_built_from_helpdesk_teams(client, member, team, lead, category,
                                                         article, staff_article):
    staff_article.helpdesk_categories.add(category)
    client.force_login(member)
    page = client.get("/aide/services/").content.decode()
    for text in [team.name, team.email, category.label, lead.get_full_name(),
                 f"/demandes/nouvelle/?category={category.pk}", article.title]:
        assert text in page
    assert staff_article.title not in page


def test_translations_are_linked_both_ways(client, member, make_article, public_article):
    english = make_article("What is a CAPE?", body="The contract.", language="en",
                           translation_of=public_article, audience="public")
    page = client.get(public_article.get_absolute_url()).content.decode()
    assert english.get_absolute_url() in page and 'hreflang="en"' in page
    page = client.get(english.get_absolute_url()).content.decode()
    assert public_article.get_absolute_url() in page and 'lang="en"' in page


def test_article_page_shows_my_own_opinion_not_someone_elses(client, member, article, agent):
    actions.give_feedback(article, by=agent, helpful=True)
    client.force_login(member)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Vous l'avez trouvée utile" not in page and "Vous pouvez changer" not in page
    actions.give_feedback(article, by=member, helpful=True)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Vous l'avez trouvée utile" in page


def test_feedback_form_offers_back_my_own_answer_to_change(client, member, article, agent):
    """The page says "you can change your answer": the form starts from it."""
    actions.give_feedback(article, by=agent, helpful=True, comment="Parfait, merci.")
    client.force_login(member)
    form = client.get(article.get_absolute_url()).context["feedback_form"]
    assert form["helpful"].value() is None and not form["comment"].value()  # not the agent's
    client.post(f"/aide/fiches/{article.slug}/avis/",
                {"helpful": "no", "comment": "Il manque un exemple."})
    response = client.get(article.get_absolute_url())
    form = response.context["feedback_form"]
    assert (form["helpful"].value(), form["comment"].value()) == ("no", "Il manque un exemple.")
    page = response.content.decode()
    assert 'value="no" required id="id_helpful_1" checked' in page
    assert 'value="yes" required id="id_helpful_0" checked' not in page
    assert ">\nIl manque un exemple.</textarea>" in page


def test_journey_stages_are_stored_as_keys(make_article):
    article = make_article("Le CAPE", stages=["cape", "diagnosis"])
    assert set(Article.objects.for_stage("cape")) == {article}
    assert not Article.objects.for_stage("membership").exists()


def test_a_translation_pair_shows_once_in_the_readers_language(
    client, member, make_article, public_article, topic
):
    """The topic page and the help home list one version of an article: the reader's
    language when it exists, else the original."""
    english = make_article("What is a CAPE? EN", body="The contract.", language="en",
                           translation_of=public_article, audience="public")
    only_french = make_article("Relancer un client", audience="public")
    for language, shown, hidden in (("fr", public_article, english),
                                    ("en", english, public_article),
                                    ("de", public_article, english)):
        client.cookies["django_language"] = language
        for url in (f"/aide/themes/{topic.slug}/", "/aide/"):
            page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
            assert shown.get_absolute_url() in page, (language, url)
            assert only_french.get_absolute_url() in page, (language, url)
            assert f'href="{hidden.get_absolute_url()}"' not in page, (language, url)
        assert f"{topic.name}</a> <small>(2)" in client.get("/aide/").content.decode(), language
