"""coopdesk.db.among finds what `__in` finds, the ids travelling as one parameter."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_among_finds_what_in_finds(advisor, path):
    from coopdesk.accounts.models import Role
    from coopdesk.db import among
    from journeys import actions
    from journeys.models import Journey, JourneyTask
    from tests.factories import UserFactory

    people = [UserFactory(role=Role.MEMBER, advisor=advisor) for _ in range(3)]
    journeys = [actions.start_journey(member=person, by=person) for person in people]
    ids = [people[0].pk, people[2].pk]
    assert set(Journey.objects.filter(among("member_id", ids))) == {journeys[0], journeys[2]}
    tasks = JourneyTask.objects.filter(among("journey_id", [journeys[1].pk]))
    assert set(tasks) == set(JourneyTask.objects.filter(journey_id__in=[journeys[1].pk]))
    assert tasks.exists()
    assert not Journey.objects.filter(among("member_id", [])).exists()


def test_among_sends_the_ids_as_one_parameter(db):
    from coopdesk.db import among
    from journeys.models import Journey

    with CaptureQueriesContext(connection) as queries:
        list(Journey.objects.filter(among("member_id", range(1, 401))))
    sql = queries.captured_queries[0]["sql"]
    assert sql.count("400") == 1 and " IN (1, 2," not in sql


def test_among_is_no_lookup_of_every_foreign_key():
    from journeys.models import Journey

    assert "among" not in Journey._meta.get_field("member").get_lookups()
