"""The cooperative's funnel and median time per stage (journeys/figures.py): hand-computed
figures, summed by the worker's job, read from its rows, summed again when stale."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from coopdesk import jobs
from coopdesk.accounts.models import Role
from journeys import actions, figures
from journeys.models import Journey, Stage, StageFigures
from tests.factories import UserFactory

DAY = timedelta(days=1)


def journey_with(path, start, **offsets) -> Journey:
    """A journey whose stage dates are `start` plus the given offsets (in days)."""
    member = UserFactory(role=Role.MEMBER)
    journey = actions.start_journey(member=member, by=member)
    fields = {f"{stage}_at": None for stage in
              ["info_meeting", "diagnosis", "cape", "salaried", "associate", "exited"]}
    fields.update({f"{stage}_at": start + days * DAY for stage, days in offsets.items()})
    Journey.objects.filter(pk=journey.pk).update(**fields)
    return journey


def hand_made_journeys(path) -> None:
    start = timezone.now() - 400 * DAY
    journey_with(path, start, info_meeting=0, diagnosis=2, cape=12)
    journey_with(path, start, info_meeting=0, diagnosis=4, exited=5.5)  # left before the CAPE
    journey_with(path, start, info_meeting=0, exited=0.25)
    journey_with(path, start, info_meeting=0, diagnosis=3, cape=4, salaried=100, associate=130)


def test_each_stage_counts_who_reached_it_and_the_median_stay_of_who_left_it(db, path):
    hand_made_journeys(path)
    assert figures.compute() == {
        # info meeting: stays of 2, 4, 0.25 and 3 days: the middle two averaged.
        Stage.INFO_MEETING: (4, 2.5, 4),
        # diagnosis: 10, 1.5 (left for good) and 1 day.
        Stage.DIAGNOSIS: (3, 1.5, 3),
        Stage.CAPE: (2, 96.0, 1),  # the other CAPE is still running: no stay yet
        Stage.SALARIED: (1, 30.0, 1),
        Stage.ASSOCIATE: (1, None, 0),  # nobody left it
    }


def test_the_overview_shows_the_summed_figures(client, lead, path):
    hand_made_journeys(path)
    client.force_login(lead)
    response = client.get(reverse("journeys:coop-overview"))
    assert response.status_code == 200
    assert response.context["funnel"] == [
        (Stage.INFO_MEETING.label, 4, 100), (Stage.DIAGNOSIS.label, 3, 75),
        (Stage.CAPE.label, 2, 50), (Stage.SALARIED.label, 1, 25),
        (Stage.ASSOCIATE.label, 1, 25),
    ]
    assert response.context["medians"] == [
        (Stage.INFO_MEETING.label, 2.5, 4), (Stage.DIAGNOSIS.label, 1.5, 3),
        (Stage.CAPE.label, 96.0, 1), (Stage.SALARIED.label, 30.0, 1),
        (Stage.ASSOCIATE.label, None, 0),
    ]
    assert "were counted at" in response.content.decode()
    assert "<span>4 · 100%</span>" in response.content.decode()
    french = client.get(reverse("journeys:coop-overview"), headers={"accept-language": "fr"})
    assert "<span>4 · 100\u00a0%</span>" in french.content.decode()


def test_the_page_reads_the_rows_the_job_wrote_until_they_are_stale(client, lead, path):
    hand_made_journeys(path)
    figures.refresh()
    summed_at = StageFigures.objects.get(stage=Stage.INFO_MEETING).computed_at
    journey_with(path, timezone.now() - 10 * DAY, info_meeting=0, diagnosis=1)
    client.force_login(lead)
    funnel = client.get(reverse("journeys:coop-overview")).context["funnel"]
    assert funnel[0][1] == 4  # as summed by the job, a moment ago
    assert StageFigures.objects.get(stage=Stage.INFO_MEETING).computed_at == summed_at

    StageFigures.objects.update(computed_at=timezone.now() - figures.STALE_AFTER - DAY / 24)
    funnel = client.get(reverse("journeys:coop-overview")).context["funnel"]
    assert funnel[0][1] == 5  # no worker for too long: the page summed them itself
    assert StageFigures.objects.count() == 5


def test_the_job_rewrites_its_rows_in_place(db, path):
    hand_made_journeys(path)
    figures.refresh()
    journey_with(path, timezone.now() - 10 * DAY, info_meeting=0, diagnosis=1)
    figures.refresh()
    assert StageFigures.objects.count() == 5
    row = StageFigures.objects.get(stage=Stage.INFO_MEETING)
    assert (row.reached, row.median_days, row.stays) == (5, 2.0, 5)


def test_the_worker_runs_the_job():
    job = next(job for job in jobs.registered() if job.run is figures.refresh)
    assert job.every_seconds == figures.REFRESH_SECONDS
