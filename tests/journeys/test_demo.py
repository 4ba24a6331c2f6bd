"""The demo shows every stage of the path, the waiting list, and an advisor's cover."""

import io

from django.core.management import call_command
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from coopdesk.accounts.models import User
from journeys.models import (
    DiagnosisSlot,
    InfoMeeting,
    Journey,
    JourneyEvent,
    PathTemplate,
    Registration,
    Stage,
    TaskTemplate,
)
from kb.models import Article


def test_demo_has_members_at_every_stage(db, client):
    call_command("load_demo", stdout=io.StringIO())
    states = set(Journey.objects.latest().values_list("state", flat=True))
    assert states == set(Stage.values)
    assert PathTemplate.objects.count() == 2
    assert Registration.objects.filter(status="waiting").exists()
    assert DiagnosisSlot.objects.filter(status="free").count() >= 6
    assert Journey.objects.filter(cycle=2).exists()
    karim = User.objects.get(email="karim@coopdesk.test")
    client.force_login(karim)
    body = client.get(reverse("journeys:advisor-dashboard")).content.decode()
    assert "Inès Garcia" in body  # Sophie's member, covered while she is away
    for email in ["camille@coopdesk.test", "lucas@coopdesk.test", "emma@exemple.fr"]:
        client.force_login(User.objects.get(email=email))
        assert client.get(reverse("journeys:journey-mine")).status_code == 200


def test_demo_publishes_every_article_a_path_links_to(db, client):
    call_command("load_demo", stdout=io.StringIO())
    member = User.objects.get(email="lucas@coopdesk.test")
    slugs = set(TaskTemplate.objects.exclude(article_slug="").values_list("article_slug",
                                                                          flat=True))
    readable = set(Article.objects.readable_by(member).values_list("slug", flat=True))
    assert slugs and slugs <= readable
    # "My path" offers the articles the knowledge base tags for the member's stage.
    client.force_login(member)
    response = client.get(reverse("journeys:journey-mine"))
    titles = [article.title for article in response.context["stage_articles"]]
    assert "Devenir sociétaire" not in titles  # tagged for associates
    # The CAPE article once, in the reader's language (English here).
    assert len({"Qu'est-ce que le CAPE ?", "What is a CAPE?"} & set(titles)) == 1


def test_demo_meetings_are_attended_on_their_day_and_registered_for_before(db):
    call_command("load_demo", stdout=io.StringIO())
    meetings = {meeting.pk: meeting for meeting in InfoMeeting.objects.all()}
    roll = JourneyEvent.objects.filter(kind__in=["attended", "absent"])
    assert roll.exists()
    for event in roll:
        assert event.created_at >= meetings[event.data["meeting"]].starts_at
    for event in JourneyEvent.objects.filter(kind__in=["registered", "waitlisted"]):
        meeting = meetings[event.data["meeting"]]
        assert parse_datetime(event.data["at"]) == meeting.starts_at
        assert event.created_at < meeting.starts_at
    for registration in Registration.objects.select_related("meeting"):
        assert registration.created_at < registration.meeting.starts_at
