"""Query counts of the two busiest pages do not grow with tasks, events or members."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coopdesk.accounts.models import Role
from journeys import actions, figures
from journeys.models import Journey, StageFigures
from tests.factories import UserFactory
from tests.journeys.conftest import future, to_cape, to_diagnosis

MEMBER_PAGE_MAX = 10  # session, user, journey, stages, their links, tasks, events, mentor offer,
#   the stage's articles, the contact teams' opening hours: exact for a CAPE member, so that
#   reading a column the page leaves out (one more) fails
DASHBOARD_MAX = 15


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_my_path_queries_do_not_grow(member_client, cape_journey, member, advisor):
    url = reverse("journeys:journey-mine")
    before = count(member_client, url)
    for task in cape_journey.tasks.filter(assignee="member", required_document="")[:2]:
        actions.complete_task(task, by=member)
    actions.renew_cape(cape_journey, by=advisor, end=cape_journey.cape_end + timedelta(days=40))
    actions.request_adaptation(cape_journey, by=member, message="Nouveau métier")
    volunteer = UserFactory(role=Role.MEMBER)
    actions.volunteer_as_mentor(member=volunteer, is_active=True)
    actions.assign_mentor(cape_journey, by=advisor, mentor=volunteer)
    after = count(member_client, url)
    assert after == before
    assert after == MEMBER_PAGE_MAX


def test_my_path_shows_who_replaces_an_away_advisor_in_the_same_queries(
    member_client, cape_journey, member, advisor
):
    backup = UserFactory(role=Role.ADVISOR, first_name="Karim", phone="04 72 00 00 00")
    advisor.backup_advisor = backup
    advisor.away_from = timezone.localdate() - timedelta(days=1)
    advisor.away_until = timezone.localdate() + timedelta(days=9)
    advisor.phone = "04 72 11 11 11"
    advisor.save()
    url = reverse("journeys:journey-mine")
    with CaptureQueriesContext(connection) as queries:
        page = member_client.get(url).content.decode()
    assert len(queries) == MEMBER_PAGE_MAX
    assert backup.get_full_name() in page and "04 72 00 00 00" in page
    assert advisor.email in page and "04 72 11 11 11" in page


def test_journey_detail_queries_do_not_grow(advisor_client, cape_journey, member, advisor):
    url = cape_journey.get_absolute_url()
    before = count(advisor_client, url)
    for task in cape_journey.tasks.filter(assignee="member", required_document=""):
        actions.complete_task(task, by=member)
    for n in range(3):
        UserFactory(role=Role.MEMBER, first_name=f"Volunteer{n}")
    after = count(advisor_client, url)
    assert after == before


def add_members(advisor, n: int, prefix: str, offset: int = 0) -> None:
    """Members at every stage, with the things the dashboard lists."""
    for i in range(n):
        person = UserFactory(first_name=f"{prefix}{i}", role=Role.MEMBER, advisor=advisor)
        journey = actions.start_journey(member=person, by=person)
        if i % 3 == 0:
            continue
        if i % 3 == 1:
            journey = to_diagnosis(journey, advisor)
            slot = actions.add_slot(advisor=advisor, by=advisor, place="Lyon",
                                    starts_at=future(2 + offset + i, 9), duration_minutes=30)
            actions.book_slot(slot, journey=journey, by=person)
            continue
        journey = to_cape(journey, advisor, days=60 + offset + i, hour=15)
        Journey.objects.filter(pk=journey.pk).update(
            cape_end=timezone.localdate() + timedelta(days=10 + i))
        journey.tasks.filter(key="rc-pro").update(due_date=timezone.localdate() - timedelta(1))
        actions.request_adaptation(journey, by=person, message="Changement")


def test_advisor_dashboard_queries_do_not_grow_with_members(advisor_client, advisor, path,
                                                            backup_advisor, client):
    actions.create_meeting(by=advisor, starts_at=future(5), place="Lyon")
    add_members(advisor, 3, "A")
    url = reverse("journeys:advisor-dashboard")
    small = count(advisor_client, url)
    add_members(advisor, 12, "B", offset=20)
    large = count(advisor_client, url)
    assert large == small
    assert large <= DASHBOARD_MAX
    # Covering an absent colleague adds their members, not queries.
    advisor.backup_advisor = backup_advisor
    advisor.away_from = timezone.localdate()
    advisor.save()
    client.force_login(backup_advisor)
    assert count(client, url) == large
    assert count(client, url + "?stage=diagnosis") == large


def test_coop_overview_queries_do_not_grow(client, lead, advisor, path):
    client.force_login(lead)
    add_members(advisor, 3, "A")
    url = reverse("journeys:coop-overview")
    summing = count(client, url)  # no worker has summed the stages yet: the page does
    small = count(client, url)
    add_members(advisor, 6, "B", offset=20)
    figures.refresh()
    assert count(client, url) == small
    StageFigures.objects.all().delete()
    assert count(client, url) == summing
