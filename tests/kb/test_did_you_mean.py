"""When a search finds nothing, the words nobody wrote are replaced by the closest words of
the documents the reader may read, and the page says so. Same expectations on SQLite and on
PostgreSQL (DATABASE_URL)."""

import pytest
from django.urls import reverse

from kb import actions, search
from kb.models import Audience
from kb.search import correction, search_or_correct

MEMBERS = [Audience.PUBLIC, Audience.MEMBERS]
EVERYONE = [Audience.PUBLIC, Audience.MEMBERS, Audience.STAFF]


@pytest.fixture
def library(make_article):
    make_article("Envoyer une facture", body="La facture part avec vos mentions légales.")
    make_article("Comment est remboursée une note de frais",
                 body="Vos frais avancés sont remboursés chaque mois avec la paie.")
    make_article("Devenir sociétaire", body="Les sociétaires votent en assemblée générale.")
    make_article("Procédure interne", body="Le lettrage des comptes clients chaque mois.",
                 audience=Audience.STAFF)


def test_a_misspelt_word_finds_the_results_of_the_word_the_documents_use(library):
    results, corrected = search_or_correct("facure", audiences=MEMBERS)
    assert corrected == "facture"
    assert [hit.title for hit in results.hits] == ["Envoyer une facture"]
    assert "<mark>facture</mark>" in results.hits[0].snippet


def test_only_the_unknown_words_change_and_keep_their_place(library):
    assert correction("note de frai", audiences=MEMBERS) == "note de frais"
    assert search_or_correct("note de frai", audiences=MEMBERS)[0].total == 1
    # Shown as the documents spell it, accents included; words to exclude stay as typed.
    assert correction("societaie", audiences=MEMBERS) == "sociétaire"
    assert correction("facure -societaie", audiences=MEMBERS) == "facture -societaie"


def test_a_word_that_matches_as_is_is_never_corrected(library):
    # Through its stem ("factur"), or with other words that no document holds together.
    assert search_or_correct("factur", audiences=MEMBERS)[0].total == 1
    assert correction("factur", audiences=MEMBERS) == ""
    assert search_or_correct("facture sociétaire", audiences=MEMBERS) == (
        search.Results(0, []), "")


def test_a_word_beyond_what_the_vocabulary_reads_is_not_corrected(make_article, monkeypatch):
    monkeypatch.setattr(search, "VOCABULARY_SOURCE", 20)
    make_article("Fiche", summary="", body="Début du texte. " + "plus loin " * 10 + "facturo")
    make_article("Autre", summary="", body="facture")
    assert correction("facturo", audiences=MEMBERS) == ""


def test_short_words_and_words_nothing_is_close_to_stay_as_typed(library):
    assert search_or_correct("xyzzy", audiences=MEMBERS) == (search.Results(0, []), "")
    assert correction("mos", audiences=MEMBERS) == ""  # "mois" is one letter away


def test_a_word_only_staff_may_read_is_never_suggested_to_a_member(library):
    assert correction("letrage", audiences=EVERYONE) == "lettrage"
    assert correction("letrage", audiences=MEMBERS) == ""
    assert search_or_correct("letrage", audiences=MEMBERS) == (search.Results(0, []), "")
    assert correction("societaie", audiences=[Audience.PUBLIC]) == ""


def test_the_vocabulary_follows_the_articles(make_article, agent):
    make_article("Envoyer une facture")
    assert correction("cotisaton", audiences=MEMBERS) == ""
    article = make_article("Payer sa cotisation", body="La cotisation mensuelle.")
    assert correction("cotisaton", audiences=MEMBERS) == "cotisation"
    actions.update_article(article, by=agent, audience=Audience.STAFF)
    assert correction("cotisaton", audiences=MEMBERS) == ""
    assert correction("cotisaton", audiences=EVERYONE) == "cotisation"
    actions.archive_article(article, by=agent)
    assert correction("cotisaton", audiences=EVERYONE) == ""


def test_the_page_shows_the_corrected_results_and_keeps_the_members_words(
    client, member, library
):
    client.force_login(member)
    page = client.get(reverse("kb:article-search"), {"q": "facure"}).content.decode()
    said = "Aucun résultat pour « facure » : voici les résultats pour « facture »."
    assert said in page.replace("\N{NO-BREAK SPACE}", " ")
    assert "Envoyer une facture" in page
    assert 'value="facure"' in page


def test_the_page_stays_as_it_was_when_nothing_is_close(client, member, library):
    client.force_login(member)
    page = client.get(reverse("kb:article-search"), {"q": "letrage"}).content.decode()
    page = page.replace("\N{NO-BREAK SPACE}", " ")
    assert "0 résultat pour « letrage »" in page and "voici les résultats" not in page
    assert "Procédure interne" not in page


def test_a_search_that_finds_something_reads_no_vocabulary(client, member, library,
                                                           monkeypatch):
    monkeypatch.setattr(search, "vocabulary", None)  # would fail if called
    client.force_login(member)
    assert client.get(reverse("kb:article-search"), {"q": "facture"}).status_code == 200


def test_the_correction_costs_a_few_queries_and_the_vocabulary_is_read_once(
    client, member, library, django_assert_num_queries
):
    client.force_login(member)
    search.glossary_synonyms()  # read once, then kept in the cache
    url = reverse("kb:article-search")
    # session, user, search; the documents' state, their words, whether "facure" matches
    # through its stem, the corrected search.
    with django_assert_num_queries(7):
        client.get(url, {"q": "facure"})
    with django_assert_num_queries(6):  # the words come from the cache
        client.get(url, {"q": "facure"})


def test_a_query_with_nothing_to_correct_reads_no_vocabulary(library, monkeypatch):
    monkeypatch.setattr(search, "vocabulary", None)  # would fail if called
    assert search_or_correct("la de mos 2026", audiences=MEMBERS) == (search.Results(0, []), "")


def test_an_article_leaving_the_readers_audience_takes_its_words_at_once(
    make_article, agent, library
):
    """Even when a later edit elsewhere carries the newest time: the reader's count changes."""
    from django.utils import timezone

    article = make_article("Payer sa cotisation", body="La cotisation mensuelle.")
    assert correction("cotisaton", audiences=MEMBERS) == "cotisation"
    future = timezone.now() + timezone.timedelta(minutes=2)
    search.SearchDocument.objects.exclude(object_id=article.pk).update(updated_at=future)
    assert correction("cotisaton", audiences=MEMBERS) == "cotisation"
    actions.update_article(article, by=agent, audience=Audience.STAFF)
    assert correction("cotisaton", audiences=MEMBERS) == ""


def test_while_one_search_builds_the_vocabulary_the_others_go_without_a_correction(
    library, monkeypatch
):
    built = []
    read = search.read_vocabulary
    monkeypatch.setattr(search, "read_vocabulary", lambda a: built.append(a) or read(a))
    monkeypatch.setattr(search.cache, "add", lambda *args, **kwargs: False)  # someone is
    assert correction("facure", audiences=MEMBERS) == ""
    assert built == []
