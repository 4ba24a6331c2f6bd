"""The glossary: an A–Z page, one page per term, synonyms shown."""

from kb import actions
from kb.models import Term


def test_a_to_z_groups_terms_by_letter_without_accents(client, db):
    for term, definition in [("Échéance", "La date de paiement."), ("CAPE", "Un contrat."),
                             ("Avoir", "Annule une facture.")]:
        actions.save_term(Term(term=term, definition=definition, synonyms="date d'échéance"
                               if term == "Échéance" else ""))
    page = client.get("/aide/lexique/").content.decode()
    assert page.index('id="letter-A"') < page.index('id="letter-C"') < page.index('id="letter-E"')
    assert 'href="#letter-E"' in page and 'href="#letter-B"' not in page
    assert "date d&#x27;échéance" in page


def test_term_page_links_to_the_article_when_readable(client, term, public_article, member):
    Term.objects.filter(pk=term.pk).update(article=public_article)
    page = client.get(term.get_absolute_url()).content.decode()
    assert "Contrat d&#x27;appui" in page and public_article.get_absolute_url() in page


def test_term_page_hides_an_article_the_reader_cannot_open(client, term, article):
    Term.objects.filter(pk=term.pk).update(article=article)
    assert article.get_absolute_url() not in client.get(term.get_absolute_url()).content.decode()
