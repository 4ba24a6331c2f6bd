"""Pages cost the same number of queries whatever the amount of content."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kb import actions, search
from kb.models import Term
from tests.factories import CategoryFactory


def count(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def grow(make_article, team, category):
    made = []

    def add(n):
        for i in range(len(made), len(made) + n):
            made.append(i)
            other = CategoryFactory(team=team)
            make_article(f"Devis et facture {i}", body=f"devis facture relance {i}",
                         categories=[category, other], tags=[f"tag{i}", "devis"])
            actions.save_term(Term(term=f"mot{i}", definition="définition"))
    return add


@pytest.mark.parametrize("url,params", [
    ("/aide/", {}),
    ("/aide/recherche/", {"q": "devis"}),
    ("/aide/recherche/", {"q": "devis facture relance"}),
    ("/aide/suggestions/", {"q": "un devis pour mon client"}),
    ("/aide/services/", {}),
    ("/aide/lexique/", {}),
    ("/aide/themes/devis-factures/", {}),
    ("/aide/mes-fiches/", {}),
])
def test_list_pages_have_constant_query_counts(client, member, grow, url, params):
    client.force_login(member)
    grow(2)
    search.glossary_synonyms()  # read once, then kept in the cache
    small = count(client, url, **params)
    grow(8)
    search.glossary_synonyms()
    assert count(client, url, **params) == small


def test_article_page_queries(client, member, article, django_assert_max_num_queries):
    client.force_login(member)
    with django_assert_max_num_queries(6):  # session, user, article, tags, translations,
        client.get(article.get_absolute_url())  # categories


def test_article_page_asks_for_each_list_only_when_there_is_one(
    client, member, make_article, category, django_assert_num_queries
):
    client.force_login(member)
    bare = make_article("Sans rien autour")
    with django_assert_num_queries(3):  # session, user, the article and whether lists exist
        response = client.get(bare.get_absolute_url())
    assert response.status_code == 200
    linked = make_article("Avec tout autour", categories=[category], tags=["devis"])
    english = make_article("With everything", language="en", translation_of=linked)
    with django_assert_num_queries(6):  # ... and tags, translations, categories
        page = client.get(linked.get_absolute_url()).content.decode()
    assert category.label in page and ">devis<" in page and english.get_absolute_url() in page
    category.is_active = False
    category.save()
    retired = make_article("Seulement une catégorie retirée", categories=[category])
    with django_assert_num_queries(3):  # a category no longer offered is no list to ask for
        client.get(retired.get_absolute_url())


def test_search_is_one_query_plus_the_session(client, member, grow,
                                              django_assert_max_num_queries):
    grow(5)
    client.force_login(member)
    search.glossary_synonyms()  # read once, then kept in the cache
    with django_assert_max_num_queries(3):  # session, user, search: on both databases
        client.get("/aide/recherche/", {"q": "devis facture"})
