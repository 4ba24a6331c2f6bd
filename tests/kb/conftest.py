"""Knowledge-base fixtures: topics, an expert member, articles in each state and audience,
a small guided path. Articles are made through kb/actions.py, like the pages make them."""

from __future__ import annotations

import pytest

from coopdesk.accounts.models import Role
from kb import actions
from kb.models import (
    Audience,
    Expert,
    Guide,
    GuideChoice,
    GuideNode,
    NodeKind,
    Term,
    Topic,
)
from tests.factories import UserFactory


@pytest.fixture
def other_topic(db):
    return Topic.objects.create(name="Paie", slug="paie")


@pytest.fixture
def expert(db, topic, office):
    user = UserFactory(first_name="Inès", role=Role.MEMBER, office=office)
    Expert.objects.create(user=user, mandate="Lyon 2026").topics.set([topic])
    return user


@pytest.fixture
def admin_user(db):
    return UserFactory(first_name="Alix", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def make_article(db, agent, topic):
    """Publish an article written by the team (or leave it in draft with publish=False)."""

    def make(title="Comment envoyer un devis", *, body="Rédigez le devis puis envoyez-le.",
             summary="Rédiger et envoyer un devis.", audience=Audience.MEMBERS, author=None,
             publish=True, **fields):
        author = author or agent
        article = actions.create_article(
            by=author, title=title, summary=summary, body=body, audience=audience,
            topic=fields.pop("topic", topic), **fields,
        )
        if publish:
            article = actions.publish_article(article, by=agent)
        return article

    return make


@pytest.fixture
def article(make_article, category):
    return make_article(categories=[category])


@pytest.fixture
def public_article(make_article):
    return make_article("Qu'est-ce que le CAPE ?", body="Le contrat pour tester son activité.",
                        audience=Audience.PUBLIC)


@pytest.fixture
def staff_article(make_article):
    return make_article("Procédure interne des relances", body="Vérifier la trésorerie.",
                        audience=Audience.STAFF)


@pytest.fixture
def draft(make_article, member):
    return make_article("Mon astuce pour les devis", body="Je relis avec le client.",
                        author=member, publish=False)


@pytest.fixture
def term(db):
    return actions.save_term(Term(
        term="CAPE", definition="Contrat d'appui au projet d'entreprise, de 1 à 6 mois.",
        synonyms="contrat d'appui au projet d'entreprise",
    ))


@pytest.fixture
def guide(db, article, category):
    """Q1 -> (a) article leaf, (b) Q2 -> (c) request leaf, (d) message leaf."""
    guide = Guide.objects.create(title="Un souci avec un client ?", slug="souci-client",
                                 is_published=True)
    q1 = GuideNode.objects.create(guide=guide, kind=NodeKind.QUESTION, text="Quel souci ?")
    q2 = GuideNode.objects.create(guide=guide, kind=NodeKind.QUESTION,
                                  text="L'échéance est-elle dépassée ?")
    read = GuideNode.objects.create(guide=guide, kind=NodeKind.ARTICLE, text="Lisez ceci.",
                                    article=article)
    ask = GuideNode.objects.create(guide=guide, kind=NodeKind.REQUEST,
                                   text="Le recouvrement prend le relais.", category=category)
    wait = GuideNode.objects.create(guide=guide, kind=NodeKind.MESSAGE, text="Patience.")
    GuideChoice.objects.create(node=q1, label="Je dois faire un devis", target=read, position=0)
    GuideChoice.objects.create(node=q1, label="Mon client ne paie pas", target=q2, position=1)
    GuideChoice.objects.create(node=q2, label="Oui, depuis longtemps", target=ask, position=0)
    GuideChoice.objects.create(node=q2, label="Non", target=wait, position=1)
    guide.start = q1
    guide.save()
    actions.save_guide(guide)
    return guide


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Personas are made with a password; the production hasher costs ~1 s per person."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
