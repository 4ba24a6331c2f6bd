"""Knowledge-base benchmark: search, article and suggestion pages over 10,000 articles.

    python -m bench.kb                      # SQLite (FTS5)
    BENCH_DB=postgres python -m bench.kb    # PostgreSQL (GIN, kb_french)
    python -m bench kb                      # the same, through the shared harness

Runs with the harness's production-like settings (bench/harness.py) but seeds a database of
its own (bench/.data/kb.sqlite3, or `<bench database>_kb` on PostgreSQL), kept between runs,
so that reseeding another area never costs the 10,000 articles again, and the other way
round. Prints one JSON line per page: the median of 20 requests through Django's test client
after 3 warm-ups, and the number of queries one request makes.
"""

from __future__ import annotations

import functools
import itertools
import os
import random
import sys
import time

from bench import harness

ARTICLES = int(os.environ.get("BENCH_KB_ARTICLES", "10000"))
WARMUPS, RUNS = 3, 20
SEARCHES = [(1, "facture"), (3, "relance facture client")]
SUGGEST_TEXT = (
    "Bonjour, mon client ne paie pas ma facture depuis deux mois, faut-il envoyer une "
    "relance ou une mise en demeure ? Merci"
)

# Words of the cooperative, most frequent first: the seeded texts follow a Zipf law.
VOCABULARY = """facture client devis paiement relance activité coopérative contrat salaire frais
note remboursement trésorerie échéance conseiller équipe demande compte justificatif prestation
signature acompte avoir TVA cotisation paie bulletin sociétaire entrepreneur accompagnement
diagnostic assurance prévoyance mutuelle congé arrêt attestation formation atelier réunion
assemblée parts capital chiffre affaires résultat investissement achat fournisseur matériel
véhicule kilomètres déplacement train hôtel repas logiciel site internet réseaux logo carte
communication événement salon exposition mécénat droits auteur cession image musique spectacle
litige huissier tribunal recouvrement échéancier virement chèque espèces banque relevé export
étranger douane devise anglais traduction modèle mentions obligatoires conditions générales vente
délai retard pénalités indemnité forfaitaire crédit impôt services personne ménage garde enfants
soutien scolaire jardinage bricolage agrément déclaration urssaf retraite chômage allocations
mission portage hébergement juridique statut CAPE CESA sociétariat mentor parrainage bureau
agence Lyon Amiens Bordeaux planning calendrier agenda annuaire compétences partage troc
collectif mutualisation outil tutoriel guide lexique kit accueil bienvenue étape parcours""".split()
VERBS = ["envoyer", "préparer", "déclarer", "suivre", "comprendre", "modifier", "annuler",
         "relancer", "signer", "rembourser", "calculer", "demander", "choisir", "vérifier"]


STOP = "le la les de des du un une et en à pour avec sur dans par que qui est sont vous".split()
SYLLABLES = ("ba be bi bo ca ce da de di fa fe ga la le li lo ma me mi mo na ne ni no pa pe pi po "
             "ra re ri ro sa se si so ta te ti to va ve vi vo").split()


def filler(rng: random.Random, size: int = 4000) -> list[str]:
    """Pseudo-words standing for everyday French: most of an article's words."""
    return ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size)]


@functools.cache
def zipf(size: int) -> list[float]:
    return list(itertools.accumulate(1 / (rank + 1) for rank in range(size)))


def text(rng: random.Random, words: int, everyday: list[str]) -> str:
    """An article-like text: stop words, everyday words, and a few words of its subject
    (two topic words drawn by frequency, repeated, and three others)."""
    topic = rng.choices(VOCABULARY, cum_weights=zipf(len(VOCABULARY)), k=2)
    topic += rng.sample(VOCABULARY, 3)
    common = rng.choices(everyday, cum_weights=zipf(len(everyday)), k=words)
    tokens = []
    for n in range(words):
        roll = rng.random()
        if roll < 0.35:
            tokens.append(rng.choice(STOP))
        elif roll < 0.88:
            tokens.append(common[n])
        else:
            tokens.append(rng.choice(topic))
    sentences = [" ".join(tokens[i : i + 12]).capitalize() + "." for i in range(0, words, 12)]
    paragraphs = [" ".join(sentences[j : j + 4]) for j in range(0, len(sentences), 4)]
    return "\n\n".join(f"## Étape {k + 1}\n\n{p}" for k, p in enumerate(paragraphs))


def seed(count: int) -> None:
    from django.db import transaction
    from django.utils import timezone
    from django.utils.text import slugify

    from coopdesk.accounts.models import Role, User
    from helpdesk.models import Category, Team
    from kb import actions, search
    from kb.demo import TERMS
    from kb.models import (
        Article,
        ArticleState,
        Audience,
        DocKind,
        SearchDocument,
        Term,
        Topic,
    )
    from kb.rendering import Glossary, render_article

    existing = Article.objects.count()
    if existing >= count:
        return
    rng = random.Random(20260501 + existing)
    with transaction.atomic():
        author = User.objects.filter(email="bench-agent@coopdesk.test").first()
        if author is None:
            author = User.objects.create_user("bench-agent@coopdesk.test", "bench",
                                              first_name="Bench", role=Role.AGENT)
            User.objects.create_user("bench-member@coopdesk.test", "bench",
                                     first_name="Membre", role=Role.MEMBER)
            team = Team.objects.create(name="Recouvrement", slug="recouvrement")
            Category.objects.create(team=team, label="Une facture impayée")
            for term, definition, synonyms in TERMS:
                actions.save_term(Term(term=term, definition=definition, synonyms=synonyms))
        topic, _created = Topic.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
        category = Category.objects.get(label="Une facture impayée")
        glossary = Glossary.load()
        everyday = filler(random.Random(7))
        now = timezone.now()
        for start in range(existing, count, 500):
            batch = []
            for n in range(start, min(start + 500, count)):
                body = text(rng, rng.randint(150, 300), everyday)
                subject = rng.sample(VOCABULARY[:80], 3)
                title = f"{rng.choice(VERBS).capitalize()} {' '.join(subject)}"
                rendered = render_article(body, glossary)
                batch.append(Article(
                    title=title, slug=f"{slugify(title)[:180]}-{n}",
                    summary=text(rng, 20, everyday)[12:][:290],
                    body=body, body_html=rendered.html, body_text=rendered.text, topic=topic,
                    audience=rng.choice([Audience.MEMBERS] * 6 + [Audience.PUBLIC] * 3
                                        + [Audience.STAFF]),
                    author=author, owner=author, state=ArticleState.PUBLISHED,
                    published_at=now, first_published_at=now, review_by=now.date(),
                ))
            articles = Article.objects.bulk_create(batch)
            category.articles.add(*[a for a in articles if a.pk % 50 == 0])
            docs = SearchDocument.objects.bulk_create(SearchDocument(
                kind=DocKind.ARTICLE, object_id=a.pk, audience=a.audience, language="fr",
                title=a.title, summary=a.summary, body=a.body_text, url=a.get_absolute_url(),
            ) for a in articles)
            search.engine().sync(docs)


def vacuum() -> None:
    """PostgreSQL: VACUUM ANALYZE the seeded database, as production's autovacuum does after
    a bulk load (since PostgreSQL 13 it vacuums tables that only get inserts, too). ANALYZE
    alone left the GIN indexes' pending lists unmerged (the heading index held all its
    ~20,000 entries there, read one by one by every suggestion) and no page marked
    all-visible: a state production never stays in for long (the bench server runs with
    autovacuum off). Done on every run, under a second when there is nothing to do, so that
    a database seeded or migrated earlier gets it too. SQLite gets nothing: a deployment
    never runs ANALYZE or VACUUM by itself."""
    from django.db import connection

    if connection.vendor == "postgresql":
        harness.progress("kb: VACUUM ANALYZE")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def run() -> list[dict]:
    from urllib.parse import urlencode

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from coopdesk.accounts.models import User
    from helpdesk.models import Category
    from kb.models import Article, Audience

    db = connection.vendor
    test_settings = settings.DATABASES["default"].setdefault("TEST", {})
    saved_test_name = test_settings.get("NAME")
    if db == "postgresql":
        test_settings["NAME"] = f"{connection.settings_dict['NAME']}_kb"
    else:
        harness.DATA_DIR.mkdir(parents=True, exist_ok=True)
        test_settings["NAME"] = str(harness.DATA_DIR / "kb.sqlite3")
    old_name = connection.settings_dict["NAME"]
    harness.progress(f"kb: database {test_settings['NAME']}")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True)
    saved_hosts = settings.ALLOWED_HOSTS
    settings.ALLOWED_HOSTS = [*saved_hosts, "testserver"]
    try:
        started = time.perf_counter()
        seed(ARTICLES)
        vacuum()
        elapsed = time.perf_counter() - started
        harness.progress(f"kb: {ARTICLES:,} articles ready in {elapsed:.1f} s")
        count = Article.objects.count()
        client = Client()
        client.force_login(User.objects.get(email="bench-member@coopdesk.test"))
        article = Article.objects.filter(audience=Audience.MEMBERS).order_by("pk")[count // 2]
        category = Category.objects.get(label="Une facture impayée")
        pages = [
            ("kb_search", f"/aide/recherche/?{urlencode({'q': q})}", {"words": words, "q": q})
            for words, q in SEARCHES
        ] + [
            ("kb_article", article.get_absolute_url(), {}),
            ("kb_suggest", "/aide/suggestions/?"
             + urlencode({"q": SUGGEST_TEXT, "category": category.pk}), {}),
        ]
        lines = []
        for page, url, extra in pages:
            median, queries = harness.measure(client, url, warmups=WARMUPS, runs=RUNS)
            lines.append({"page": page, "db": db, "articles": count, **extra,
                          "median_ms": median, "queries": queries})
        return lines
    finally:
        settings.ALLOWED_HOSTS = saved_hosts
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=True)
        if saved_test_name is None:
            test_settings.pop("NAME", None)
        else:
            test_settings["NAME"] = saved_test_name


def main() -> None:
    harness.setup()
    for line in run():
        harness.emit(**line)


if __name__ == "__main__":
    sys.exit(main())
