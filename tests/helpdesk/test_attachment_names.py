"""A long file name is shortened to fit, but keeps its extension."""

from helpdesk import actions
from tests.helpdesk.flows import pdf


def test_long_attachment_name_keeps_its_extension(member, category):
    long_name = "Relevé de compte " * 20 + ".pdf"
    ticket = actions.create_ticket(requester=member, category=category, subject="Relevé",
                                   body="Ci-joint", files=[pdf(long_name)])
    name = ticket.attachments.get().name
    assert len(name) == 200
    assert name.endswith("….pdf") and name.startswith("Relevé de compte Relevé")


def test_short_attachment_name_is_kept_as_it_is():
    assert actions.shown_name("devis.pdf") == "devis.pdf"
    assert actions.shown_name("../../etc/devis.pdf") == "devis.pdf"
