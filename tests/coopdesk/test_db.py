"""PostgreSQL plans prepared queries once, except where a search asks for its own plan."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coopdesk.db import custom_plans


def plan_cache_mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_custom_plans_last_for_the_block_only(transactional_db):  # no test transaction around
    with custom_plans():
        assert plan_cache_mode() == "force_custom_plan"
    assert plan_cache_mode() == "auto"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_queries_are_prepared_with_server_side_parameters(db):
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True
    assert connection.settings_dict["OPTIONS"]["prepare_threshold"] == 5


def test_only_a_searched_queue_asks_for_its_own_plans(agent_client, team):
    with CaptureQueriesContext(connection) as plain:
        agent_client.get(team.get_absolute_url())
    with CaptureQueriesContext(connection) as searched:
        agent_client.get(team.get_absolute_url(), {"q": "contrat"})
    asked = [q["sql"] for q in searched.captured_queries if "plan_cache_mode" in q["sql"]]
    assert len(asked) == (connection.vendor == "postgresql")
    assert not [q for q in plain.captured_queries if "plan_cache_mode" in q["sql"]]



def test_a_float_list_reads_back_the_same_doubles(db):
    """coopdesk.db.FloatListField (TeamDay's durations): the values JSON kept, as packed
    doubles, an empty list included."""
    from datetime import date

    from helpdesk.models import TeamDay
    from tests.factories import TeamFactory

    values = [0.0, 0.1, 59.9, 1234.5, 1e-7, 96000.3]
    day = TeamDay.objects.create(team=TeamFactory(), day=date(2026, 12, 7),
                                 response_minutes=values)
    row = TeamDay.objects.values_list("response_minutes", "resolution_minutes").get(pk=day.pk)
    assert row == (values, [])
    assert TeamDay.objects.get(pk=day.pk).response_minutes == values


def test_sqlite_named_by_database_url_waits_for_the_worker_like_the_default(tmp_path):
    """Web process and worker share one file: a SQLite DATABASE_URL got none of the default's
    options, and a request sent while the worker wrote failed with "database is locked"."""
    import json
    import os
    import subprocess
    import sys

    script = ("import django, json; django.setup(); from django.conf import settings; "
              "print(json.dumps(settings.DATABASES['default']['OPTIONS']))")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "coopdesk.settings", "DEBUG": "true",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, check=True).stdout
    options = json.loads(out.strip().splitlines()[-1])
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] == 20
