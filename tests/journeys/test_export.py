"""The funders' export: every journey of every cycle, its stage and CAPE dates, its exit."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from coopdesk.accounts.models import Role
from coopdesk.csv_export import BOM
from journeys import actions
from journeys.models import Journey
from tests.factories import UserFactory


def rows_of(response) -> list[dict]:
    assert response.status_code == 200 and response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text[len(BOM):])))


def test_each_cycle_with_its_dates_and_exit(client, cape_journey, advisor, member,
                                            django_assert_max_num_queries):
    actions.exit_journey(cape_journey, by=advisor, reason="employed", note="Privé : santé")
    actions.reenter_journey(Journey.objects.get(pk=cape_journey.pk), by=advisor)
    first, second = Journey.objects.filter(member=member).order_by("cycle")
    client.force_login(UserFactory(role=Role.ADMIN))
    with django_assert_max_num_queries(5):
        rows = rows_of(client.get(reverse("journeys:coop-export")))
    assert [(row["Member"], row["Cycle"]) for row in rows] == [
        (member.get_full_name(), "1"), (member.get_full_name(), "2")
    ]
    assert rows[0]["CAPE start"] == str(first.cape_start)
    assert rows[0]["CAPE end"] == str(first.cape_end)
    assert rows[0]["Reason for leaving"] == "Found a job"
    assert rows[0]["Left"] and not rows[1]["Left"]
    assert rows[1]["Stage"] == "Diagnosis"
    assert "Privé" not in str(rows)  # the free note on leaving is not for funders


def test_only_admins_it_names_every_member(client, member, advisor, lead):
    for person in (member, advisor, lead):
        client.force_login(person)
        assert client.get(reverse("journeys:coop-export")).status_code == 404
