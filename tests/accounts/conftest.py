"""A member with something in every part of Coopdesk, to download or to erase."""

import pytest

from coopdesk.models import Delivery, NoticeKind, NotificationPreference
from helpdesk import actions
from helpdesk.models import Draft
from journeys import actions as journeys
from kb import actions as kb
from tests.factories import UserFactory
from tests.helpdesk.flows import pdf
from tests.journeys.conftest import make_path

LAST_NAME = "Dupontel-Quist"
EMAIL = "camille.dupontel@example.test"
PHONE = "+33 6 12 34 56 78"
NOTE = "Note interne : relancer camille.dupontel@example.test avant vendredi"
NOTE_FILE = "note-interne.pdf"


@pytest.fixture
def camille(member):
    member.last_name, member.email, member.phone = LAST_NAME, EMAIL, PHONE
    member.save()
    return member


@pytest.fixture
def admin_user(db):
    return UserFactory(first_name="Alix", role="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def world(camille, other_member, advisor, agent, category, team):
    """Camille's request with a reply, a note, files; an invoice; a path with a document;
    a tutorial draft; her choices. Lucas (the other member) has his own request."""
    make_path("Parcours CAE", "cae", team, is_default=True)
    ticket = actions.create_ticket(
        requester=camille, category=category, subject=f"Facture impayée de {LAST_NAME}",
        body=f"Rappelez-moi au {PHONE}.", files=[pdf("devis-camille.pdf")],
    )
    ticket = actions.acknowledge_ticket(ticket, by=agent)
    actions.add_reply(ticket, by=agent, body=f"Bonjour Camille {LAST_NAME}, c'est noté.")
    actions.add_reply(ticket, by=camille, body="Merci !", files=[pdf("relance.pdf")])
    actions.add_note(ticket, by=agent, body=NOTE, files=[pdf(NOTE_FILE)])
    case = actions.open_collection_case(
        by=agent, member=camille, team=team, client_name=f"Client de {LAST_NAME}",
        invoice_number="F-31", amount="1850.00", due_date="2026-10-01",
    )
    journey = journeys.start_journey(member=camille, by=camille)
    task = journey.tasks.filter(required_document="").first() or journey.tasks.first()
    journeys.complete_task(task, by=camille, document=pdf("attestation.pdf"))
    article = kb.create_article(
        by=camille, title="Bien démarrer sa facturation", summary="Mes conseils.",
        body=f"Écrivez-moi : {EMAIL}",
    )
    published = kb.create_article(
        by=camille, title="Relancer un client", summary="En trois étapes.", body="Étape 1…",
    )
    reviewer = UserFactory(first_name="Alix", role="admin", is_staff=True)
    kb.submit_article(published, by=camille)
    kb.comment_on_article(published, by=reviewer, body=f"Merci {LAST_NAME}, c'est clair.")
    kb.publish_article(published, by=reviewer)
    Draft.objects.create(owner=camille, key="cle", subject=f"Brouillon de {LAST_NAME}")
    NotificationPreference.objects.create(user=camille, kind=NoticeKind.REPLIED,
                                          delivery=Delivery.DIGEST)
    lucas_ticket = actions.create_ticket(
        requester=other_member, category=category, subject="La demande de Lucas",
        body="Texte de Lucas", files=[pdf("lucas.pdf")],
    )
    return {"ticket": ticket, "case": case, "journey": journey, "task": task,
            "article": article, "published": published, "lucas_ticket": lucas_ticket}
