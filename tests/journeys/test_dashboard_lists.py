"""The advisor's dashboard shows the first rows of each list (and of the members at a stage)
and how many there are, and links to every list in full, a page at a time."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coopdesk.accounts.models import Role
from journeys import actions
from journeys.models import Journey, Stage
from journeys.views import dashboards
from journeys.views.caseload import LISTS
from tests.factories import UserFactory
from tests.journeys.conftest import future, to_cape


def cape_members(advisor, n: int, prefix: str = "Membre", offset: int = 0) -> list[Journey]:
    """Members in CAPE whose contract ends within 30 days and whose RC Pro task is late."""
    journeys = []
    today = timezone.localdate()
    for i in range(n):
        person = UserFactory(first_name=f"{prefix}{i}", last_name="Test", role=Role.MEMBER,
                             advisor=advisor)
        journey = actions.start_journey(member=person, by=person)
        journey = to_cape(journey, advisor, days=2 + offset + i, hour=9)
        Journey.objects.filter(pk=journey.pk).update(cape_end=today + timedelta(days=10 + i))
        journey.tasks.filter(key="rc-pro").update(due_date=today - timedelta(days=20 - i))
        journeys.append(journey)
    return journeys


def list_url(kind: str) -> str:
    return reverse("journeys:advisor-list", args=[kind])


def test_a_capped_card_says_how_many_and_links_to_the_full_list(advisor_client, advisor, path,
                                                                monkeypatch):
    monkeypatch.setattr(dashboards, "LISTED", 2)
    cape_members(advisor, 3)
    response = advisor_client.get(reverse("journeys:advisor-dashboard"))
    body = response.content.decode()
    card = response.context["cape_ending"]
    assert (len(card.rows), card.total) == (2, 3)
    assert [row.first_name for row in card.rows] == ["Membre0", "Membre1"]  # soonest first
    assert "3 CAPE contracts ending within 30 days" in body
    assert f'<a href="{list_url("fins-de-cape")}">See all 3</a>' in body
    assert f'<a href="{list_url("taches-en-retard")}">See all 3</a>' in body
    assert list_url("sans-parrain") in body


def test_a_card_that_shows_everything_has_no_link(advisor_client, advisor, path):
    cape_members(advisor, 2)
    body = advisor_client.get(reverse("journeys:advisor-dashboard")).content.decode()
    assert "2 CAPE contracts ending within 30 days" in body
    assert list_url("fins-de-cape") not in body


@pytest.mark.parametrize("name, key, heading", [
    ("journeys:advisor-list", "fins-de-cape", "3 CAPE contracts ending within 30 days"),
    ("journeys:advisor-stage", "cape", "3 members at this stage"),
])
def test_the_full_lists_are_paginated(
    advisor_client, advisor, path, monkeypatch, name, key, heading
):
    url = reverse(name, args=[key])
    monkeypatch.setattr(dashboards, "PAGE_SIZE", 2)
    cape_members(advisor, 3)
    first = advisor_client.get(url).content.decode()
    assert heading in first
    assert "Membre0 Test" in first and "Membre1 Test" in first
    assert "Membre2 Test" not in first
    assert "page=2" in first
    second = advisor_client.get(url + "?page=2").content.decode()
    assert "Membre2 Test" in second and "Membre0 Test" not in second


def test_the_overdue_tasks_list_names_the_task_and_its_team(advisor_client, advisor, path,
                                                             legal_team):
    cape_members(advisor, 2)
    body = advisor_client.get(list_url("taches-en-retard")).content.decode()
    assert "2 overdue tasks" in body
    assert body.count("Assurance RC Pro") == 2
    assert legal_team.name in body
    assert body.index("Membre0 Test") < body.index("Membre1 Test")  # the oldest first


def test_the_backup_sees_the_lists_of_the_advisor_they_cover(client, advisor, backup_advisor,
                                                            path):
    cape_members(advisor, 1)
    advisor.backup_advisor = backup_advisor
    advisor.away_from = timezone.localdate()
    advisor.save()
    client.force_login(backup_advisor)
    for kind in ("fins-de-cape", "taches-en-retard", "sans-parrain"):
        assert "Membre0 Test" in client.get(list_url(kind)).content.decode()


def test_an_advisor_does_not_see_the_lists_of_another(client, advisor, other_member, path):
    cape_members(advisor, 1)
    client.force_login(other_member.advisor)
    for kind in LISTS:
        assert "Membre0 Test" not in client.get(list_url(kind)).content.decode()


@pytest.mark.parametrize("kind", LISTS)
def test_every_list_answers_with_its_rows(advisor_client, advisor, path, kind):
    [journey] = cape_members(advisor, 1)
    actions.request_adaptation(journey, by=journey.member, message="Nouveau métier")
    actions.create_meeting(by=advisor, starts_at=future(5), place="Salle des fêtes")
    newcomer = UserFactory(first_name="Nina", last_name="Test", role=Role.MEMBER,
                           advisor=advisor)
    journey = actions.advance_journey(actions.start_journey(member=newcomer, by=newcomer),
                                      by=advisor)
    slot = actions.add_slot(advisor=advisor, by=advisor, starts_at=future(20, 9),
                            duration_minutes=30, place="Lyon")
    actions.book_slot(slot, journey=journey, by=newcomer)
    followup = Journey.objects.get(member__first_name="Membre0").tasks.get(key="rc-pro")
    type(followup).objects.filter(pk=followup.pk).update(is_followup=True)
    body = advisor_client.get(list_url(kind)).content.decode()
    expected = {"rendez-vous": "Nina Test", "reunions": "Salle des fêtes"}.get(kind,
                                                                               "Membre0 Test")
    assert expected in body


def test_an_unknown_list_is_not_found(advisor_client):
    assert advisor_client.get(list_url("nimporte-quoi")).status_code == 404


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("kind", LISTS)
def test_list_queries_do_not_grow_with_members(advisor_client, advisor, path, kind):
    cape_members(advisor, 1)
    small = count(advisor_client, list_url(kind))
    cape_members(advisor, 3, prefix="Autre", offset=10)
    assert count(advisor_client, list_url(kind)) == small


def stage_url(stage: str) -> str:
    return reverse("journeys:advisor-stage", args=[stage])


def test_the_dashboard_shows_the_first_members_of_a_stage_and_links_to_all(
        advisor_client, advisor, path, monkeypatch):
    monkeypatch.setattr(dashboards, "STAGE_LISTED", 2)
    cape_members(advisor, 3)
    response = advisor_client.get(reverse("journeys:advisor-dashboard") + "?stage=cape")
    assert [row.first_name for row in response.context["members"]] == ["Membre0", "Membre1"]
    body = response.content.decode()
    assert f"{Stage.CAPE.label}: 3 members" in body  # which stage, not "at this stage"
    assert f'<a href="{stage_url("cape")}">See all 3</a>' in body


def test_an_empty_stage_says_so(advisor_client, advisor, path):
    assert "Nobody at this stage." in advisor_client.get(stage_url("associate")).content.decode()


def test_the_stage_page_shows_covered_members_and_an_unknown_stage_is_not_found(
        client, advisor, backup_advisor, path):
    cape_members(advisor, 1)
    advisor.backup_advisor = backup_advisor
    advisor.away_from = timezone.localdate()
    advisor.save()
    client.force_login(backup_advisor)
    body = client.get(stage_url("cape")).content.decode()
    assert "Membre0 Test" in body and "(covered)" in body
    assert client.get(stage_url("nulle-part")).status_code == 404


def test_stage_page_queries_do_not_grow_with_members(advisor_client, advisor, path):
    cape_members(advisor, 1)
    small = count(advisor_client, stage_url("cape"))
    cape_members(advisor, 3, prefix="Autre", offset=10)
    assert count(advisor_client, stage_url("cape")) == small


def test_late_dates_say_late_in_words_not_only_in_red(client, advisor, legal_agent, path):
    """A red date alone says nothing to someone who does not see colours (or prints the page):
    every passed due date or contract end says "Late" in words, like the member's task list."""
    journey = cape_members(advisor, 1)[0]
    today = timezone.localdate()
    Journey.objects.filter(pk=journey.pk).update(cape_end=today - timedelta(days=1))
    client.force_login(advisor)
    dashboard = client.get(reverse("journeys:advisor-dashboard")).content.decode()
    stage_table = dashboard.split('id="members-title"')[1]
    assert "Late, was due" in stage_table  # the "Next due" column
    assert "Late, ended on" in dashboard  # the CAPE-ending card
    assert "Late, was due" in client.get(list_url("taches-en-retard")).content.decode()
    assert "Late, ended on" in client.get(list_url("fins-de-cape")).content.decode()
    client.force_login(legal_agent)
    assert "Late, was due" in client.get(reverse("journeys:team-tasks")).content.decode()
