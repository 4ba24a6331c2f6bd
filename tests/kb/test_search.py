"""Search across articles, guides and glossary: ranked, highlighted, accent- and
case-insensitive, with French stemming. These tests run on SQLite (FTS5) by default and on
PostgreSQL (GIN, kb_french) with DATABASE_URL: the same expectations hold on both."""

import pytest
from django.db import connection

from kb import actions
from kb.models import Audience, DocKind, SearchDocument, SearchHeading, Term
from kb.search import (
    SqliteEngine,
    any_words,
    fold,
    forget_synonyms,
    highlight,
    parse,
    search,
    synonym_alternatives,
    terms,
)

MEMBERS = [Audience.PUBLIC, Audience.MEMBERS]
EVERYONE = [Audience.PUBLIC, Audience.MEMBERS, Audience.STAFF]


def titles(text, audiences=MEMBERS, **kwargs):
    return [hit.title for hit in search(text, audiences=audiences, **kwargs).hits]


@pytest.fixture
def library(make_article):
    make_article("Devenir sociétaire", body="Les sociétaires votent en assemblée générale.")
    make_article("Comment est remboursée une note de frais",
                 body="Vos frais avancés sont remboursés avec la paie.")
    make_article("Facturer un client à l'étranger", body="Mentions de TVA particulières.")
    make_article("Relancer un client", body="Après l'échéance, la facturation prévoit une "
                 "relance. Plus loin dans le texte on parle aussi de devis.")
    make_article("Procédure interne", body="Contrôler les factures avant paiement.",
                 audience=Audience.STAFF)
    make_article("Brouillon secret sur les factures", body="factures", publish=False)


def test_accents_and_capitals_do_not_matter(library):
    assert titles("societaire") == ["Devenir sociétaire"]
    assert titles("SOCIÉTAIRES") == ["Devenir sociétaire"]
    assert titles("Remboursee") == ["Comment est remboursée une note de frais"]


def test_french_stemming_finds_other_forms_of_a_word(library):
    assert set(titles("factures")) == {"Facturer un client à l'étranger", "Relancer un client"}
    assert titles("remboursement") == ["Comment est remboursée une note de frais"]
    assert "Relancer un client" in titles("relances")


def test_all_words_must_match_and_stop_words_are_ignored(library):
    assert titles("relance de la facture") == ["Relancer un client"]
    assert titles("facture sociétaire") == []


def test_title_ranks_above_body(library):
    results = titles("facturer")
    assert results[0] == "Facturer un client à l'étranger"


def test_websearch_syntax_phrases_exclusion_and_or(library):
    assert titles('"note de frais"') == ["Comment est remboursée une note de frais"]
    assert titles("facture -relance") == ["Facturer un client à l'étranger"]
    assert set(titles("sociétaire or remboursement")) == {
        "Devenir sociétaire", "Comment est remboursée une note de frais"}


def test_audience_and_state_are_enforced(library):
    assert "Procédure interne" not in titles("factures")
    assert "Procédure interne" in titles("factures", audiences=EVERYONE)
    assert not any("Brouillon" in t for t in titles("factures", audiences=EVERYONE))
    assert titles("sociétaire", audiences=[Audience.PUBLIC]) == []


def test_snippets_highlight_matches_and_are_escaped(make_article):
    make_article("Sécurité", body="Le texte `<b>gras</b>` parle de facturation et de devis.")
    hit = search("facture", audiences=MEMBERS).hits[0]
    assert "<mark>facturation</mark>" in hit.snippet
    assert "gras" in hit.snippet and "<b>" not in hit.snippet


def test_long_text_snippet_is_cut_around_the_first_match(make_article):
    body = " ".join(f"avant{n}" for n in range(300)) + " la mutuelle obligatoire " + " ".join(
        f"apres{n}" for n in range(300))
    make_article("Long", body=body)
    snippet = search("mutuelle", audiences=MEMBERS).hits[0].snippet
    assert "<mark>mutuelle</mark>" in snippet and len(snippet) < 400
    assert snippet.startswith("…") and snippet.endswith("…")


def test_guides_and_glossary_are_found_too(guide, term):
    kinds = {hit.kind for hit in search("contrat", audiences=MEMBERS).hits}
    assert DocKind.TERM in kinds
    guide_hits = search("échéance dépassée", audiences=MEMBERS, kinds=[DocKind.GUIDE]).hits
    assert [h.title for h in guide_hits] == [guide.title]


def test_changes_are_reflected_in_the_index(make_article, agent):
    article = make_article("Ancien titre", body="mot unique : zibeline")
    assert titles("zibeline") == ["Ancien titre"]
    actions.update_article(article, by=agent, title="Nouveau titre", body="ornithorynque")
    assert titles("zibeline") == []
    assert titles("ornithorynque") == ["Nouveau titre"]
    actions.archive_article(article, by=agent)
    assert titles("ornithorynque") == []
    assert not SearchDocument.objects.filter(kind="article", object_id=article.pk).exists()


def test_term_changes_are_indexed_and_deletions_removed(db):
    term = actions.save_term(Term(term="Prévoyance", definition="Une assurance obligatoire."))
    assert titles("prevoyance") == ["Prévoyance"]
    actions.delete_term(term)
    assert titles("prevoyance") == []


def test_paging_and_total(make_article):
    for n in range(13):
        make_article(f"Devis numéro {n}", body="devis")
    first = search("devis", audiences=MEMBERS, limit=10)
    second = search("devis", audiences=MEMBERS, limit=10, offset=10)
    assert first.total == 13 and len(first.hits) == 10 and len(second.hits) == 3
    assert not {h.object_id for h in first.hits} & {h.object_id for h in second.hits}


def test_empty_or_meaningless_queries_find_nothing(library):
    assert search("", audiences=MEMBERS).total == 0
    assert search("le la les de", audiences=MEMBERS).total == 0
    assert search('"""  -- or OR * ( ) :', audiences=MEMBERS).total == 0


def test_suggestions_accept_any_word_of_titles_and_summaries_best_first(library):
    from kb.search import suggest

    hits = suggest("Bonjour, mon client ne paie pas, faut-il une relance ?", audiences=MEMBERS)
    assert hits[0].title == "Relancer un client"
    assert not suggest("assemblée générale", audiences=MEMBERS)  # only in a text's body
    assert suggest("sociétaire", audiences=MEMBERS)[0].title == "Devenir sociétaire"


def test_search_page_shows_ranked_highlighted_results(client, member, library):
    client.force_login(member)
    page = client.get("/aide/recherche/", {"q": "societaire"}).content.decode()
    assert "Devenir sociétaire" in page and "<mark>sociétaires</mark>" in page
    assert client.get("/aide/recherche/", {"q": "x", "page": "abc"}).status_code == 404


# --- the pieces, without a database -----------------------------------------------------------


def test_fold_and_stem_match_postgres_unaccent_and_french_stem():
    assert fold("Œuvre Élève ÇA") == "oeuvre eleve ca"
    assert terms("factures facturer facturation") == ["factur"] * 3
    assert terms("le la et sociétaires") == ["societair"]


def test_parse_websearch_syntax():
    query = parse('facture "note de frais" -relance or devis')
    assert query.groups == ((("facture",), ("note", "de", "frais")), (("devis",),))
    assert query.excluded == (("relance",),)
    assert SqliteEngine.match_expression(query) == (
        '(("factur" AND "not frais") OR ("dev")) NOT ("relanc")'
    )


def test_suggestion_query_keeps_distinct_meaningful_words():
    query = any_words("Ma facture, mes factures, 2024, le devis")
    assert query.groups == ((("facture",),), (("devis",),)) and query.headings_only
    assert SqliteEngine.match_expression(query) == '{title summary} : (("factur") OR ("dev"))'
    from kb.search import PostgresEngine

    assert PostgresEngine.query_text(query) == "facture | devis"


def test_suggestions_look_past_the_greeting_and_politeness():
    query = any_words("Bonjour Madame, depuis lundi mon client ne paie pas. Merci, cordialement")
    assert query.groups == ((("lundi",),), (("client",),), (("paie",),))


def test_highlight_escapes_everything_it_does_not_mark():
    html = highlight('a <script>x</script> facture "b"', {"factur"})
    assert "<script>" not in html and "<mark>facture</mark>" in html


# --- each database's own machinery ------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgres_uses_unaccent_french_config_and_a_gin_index(library):
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('kb_french', 'Sociétaires remboursées')::text")
        # PostgreSQL's Snowball is a little older than snowballstemmer's: both index and query
        # go through it there, so they agree.
        assert cursor.fetchone()[0] == "'rembourse':2 'societair':1"
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'kb_search_vector_gin'")
        assert "gin (search_vector)" in cursor.fetchone()[0]
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'kb_heading_vector_gin'")
        assert "gin (heading_vector)" in cursor.fetchone()[0]
    assert not SearchDocument.objects.filter(search_vector__isnull=True).exists()
    headings = SearchHeading.objects.values_list("document_id", "audience", "kind")
    assert set(headings) == set(SearchDocument.objects.values_list("id", "audience", "kind"))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_sqlite_keeps_fts5_rows_in_step_with_documents(library):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM kb_search_fts")
        assert cursor.fetchone()[0] == SearchDocument.objects.count()
        cursor.execute("SELECT title FROM kb_search_fts WHERE rowid = %s",
                       [SearchDocument.objects.get(title="Devenir sociétaire").pk])
        assert cursor.fetchone()[0] == "deven societair"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgres_keeps_vectors_in_rows_and_reads_matches_through_the_index(db):
    # Ranking reads every match's vector: moved out to TOAST, each read is an index lookup.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = "
            "'kb_searchdocument'::regclass AND attname = 'search_vector'"
        )
        assert cursor.fetchone()[0] == "m"
        # A common word matches thousands of rows: the planner would read the whole table.
        cursor.execute(
            "SELECT proname, proconfig FROM pg_proc "
            "WHERE proname IN ('kb_search_matches', 'kb_heading_matches')"
        )
        assert dict(cursor.fetchall()) == {"kb_search_matches": ["enable_seqscan=off"],
                                           "kb_heading_matches": ["enable_seqscan=off"]}


def test_how_to_articles_come_before_glossary_entries_on_the_same_words(make_article):
    """A term's short definition outranks a long article on the words alone: the article
    that says what to do still comes first (demo: "facture")."""
    actions.save_term(Term(term="Facture", definition="Le document qui réclame le paiement."))
    make_article("Que faire quand un client ne paie pas",
                 body="Les étapes de la relance. " * 30 + "Gardez une copie de la facture.")
    assert titles("facture") == ["Que faire quand un client ne paie pas", "Facture"]
    assert titles("facture", kinds=[DocKind.TERM]) == ["Facture"]


def test_articles_in_the_readers_language_come_first(make_article):
    from django.utils import translation

    make_article("Invoice a client", body="How to send an invoice. Relance facture.",
                 language="en")
    make_article("Relancer une facture", body="Relance facture client.")
    with translation.override("en"):
        assert titles("relance facture") == ["Invoice a client", "Relancer une facture"]
    with translation.override("fr"):
        assert titles("relance facture") == ["Relancer une facture", "Invoice a client"]


# --- the glossary's synonyms -------------------------------------------------------------------


def test_a_glossary_synonym_finds_what_is_written_in_the_terms_words(make_article):
    """Members say "bulletin de paie"; the cooperative writes "fiche de paie"."""
    make_article("Comprendre sa fiche de paie", body="Votre fiche de paie détaille le brut.")
    actions.save_term(Term(term="Fiche de paie", definition="Le détail du salaire.",
                              synonyms="bulletin de paie, CA"))
    forget_synonyms()
    found = search("mon bulletin de paie", audiences=["public", "members"])
    assert "Comprendre sa fiche de paie" in [hit.title for hit in found.hits]
    assert synonym_alternatives("ça ne va pas") == []  # two letters: another word
    assert synonym_alternatives("bulletin de paie -brut") == ['"Fiche de paie" -brut']
    long = "x" * 280 + " mon bulletin de paie"  # only what a search reads counts
    assert synonym_alternatives(long) == []


def test_a_changed_term_changes_the_synonyms_once_it_commits(
    db, django_capture_on_commit_callbacks
):
    assert synonym_alternatives("bulletin de paie") == []
    with django_capture_on_commit_callbacks(execute=True):
        term = actions.save_term(Term(term="Fiche de paie", definition="…",
                                         synonyms="bulletin de paie"))
    assert synonym_alternatives("bulletin de paie") == ['"Fiche de paie"']
    with django_capture_on_commit_callbacks(execute=True):
        actions.delete_term(term)
    assert synonym_alternatives("bulletin de paie") == []
