"""An article's steps go through coopdesk.notify like every domain's: recipients, the
article named, words in the reader's language when read, the header's message pushed."""

from django.utils import translation
from notifications.models import Notification

from coopdesk import notify
from kb import actions


def test_a_proposal_reaches_the_reviewers_named_and_worded_when_read(
    draft, member, agent, expert, django_capture_on_commit_callbacks, pushed
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.submit_article(draft, by=member)
    told = Notification.objects.filter(verb="kb.submitted")
    assert {n.recipient for n in told} == {agent, expert}  # never the author
    for_agent = told.get(recipient=agent)
    assert "title" in for_agent.data and for_agent.description == ""  # codes, not sentences
    with translation.override("en"):
        assert notify.label(for_agent) == "Sent for review"
        assert notify.about(for_agent) == "Article “Mon astuce pour les devis”"
    with translation.override("fr"):
        assert notify.about(for_agent) == "Fiche «\u00a0Mon astuce pour les devis\u00a0»"
    assert {group for group, body in pushed if body["type"] == "notification"} == {
        notify.user_group(agent.pk), notify.user_group(expert.pk)
    }
    assert {body["type"] for _group, body in pushed} == {"notification"}  # no kb.event
