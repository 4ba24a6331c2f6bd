"""The French demo content loads through the real actions and is searchable."""

from django.core.management import call_command

from kb import search
from kb.models import Article, ArticleState, Audience, Guide, Kit, SearchDocument, Term


def test_demo_content(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Term.objects.count() == 30
    titles = set(Article.objects.published().values_list("title", flat=True))
    assert {"Comment envoyer un devis à un client", "Comment est remboursée une note de frais",
            "Qu'est-ce que le CAPE\u202f?", "What is a CAPE?"} <= titles
    tutorial = Article.objects.get(title__startswith="Faire signer un devis")
    assert tutorial.author.is_member and tutorial.state == ArticleState.PUBLISHED
    assert Article.objects.filter(state=ArticleState.REVIEW).exists()
    assert Article.objects.filter(state=ArticleState.CHANGES).exists()
    guide = Guide.objects.get()
    assert guide.start is not None and guide.nodes.count() >= 10
    assert Kit.new_member_kit().items.count() >= 5
    assert SearchDocument.objects.count() == len(titles) + 30 + 1
    hits = search.search("rembourser mes frais", audiences=[Audience.PUBLIC, Audience.MEMBERS])
    assert hits.hits[0].title == "Comment est remboursée une note de frais"
    # A member whose invoice is unpaid finds what to do first (issue 10: it was 11th).
    hits = search.search("facture", audiences=[Audience.PUBLIC, Audience.MEMBERS])
    assert hits.hits[0].title == "Que faire quand un client ne paie pas"
    assert "term-link" in Article.objects.get(title="Qu'est-ce que le CAPE\u202f?").body_html
