"""`<foreign key>__among=ids` finds what `__in` finds, the ids travelling as one parameter."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from coopdesk.accounts.models import Role
from journeys import actions
from journeys.models import Journey, JourneyTask
from tests.factories import UserFactory


def test_among_finds_what_in_finds(advisor, path):
    people = [UserFactory(role=Role.MEMBER, advisor=advisor) for _ in range(3)]
    journeys = [actions.start_journey(member=person, by=person) for person in people]
    ids = [people[0].pk, people[2].pk]
    assert set(Journey.objects.filter(member_id__among=ids)) == {journeys[0], journeys[2]}
    tasks = JourneyTask.objects.filter(journey_id__among=[journeys[1].pk])
    assert set(tasks) == set(JourneyTask.objects.filter(journey_id__in=[journeys[1].pk]))
    assert tasks.exists()


def test_among_an_empty_list_finds_nothing(advisor, path):
    person = UserFactory(role=Role.MEMBER, advisor=advisor)
    actions.start_journey(member=person, by=person)
    assert not Journey.objects.filter(member_id__among=[]).exists()


def test_among_sends_the_ids_as_one_parameter(advisor, path):
    ids = list(range(1, 401))
    with CaptureQueriesContext(connection) as queries:
        list(Journey.objects.filter(member_id__among=ids))
    sql = queries.captured_queries[0]["sql"]
    assert sql.count("400") == 1 and " IN (1, 2," not in sql
