"""The advisor's page of a journey shows several step forms at once (adapt the path, exit,
sign…), each with a note: each has its own ids, so each label focuses its own field."""

from __future__ import annotations

import pytest

from journeys import actions
from journeys.models import ExitReason
from tests.conftest import login
from tests.html_ids import id_problems
from tests.journeys.conftest import hold, to_diagnosis


def advisor_page(advisor, journey, status: int = 200) -> str:
    response = login(advisor).get(f"/parcours/suivi/{journey.pk}/")
    assert response.status_code == status
    return response.content.decode()


@pytest.mark.parametrize("stage", ["info", "diagnosis", "held", "cape", "exited"])
def test_the_advisors_journey_page_has_each_id_once(request, journey, advisor, stage):
    if stage == "diagnosis":
        journey = to_diagnosis(journey, advisor)
    elif stage == "held":
        journey = hold(to_diagnosis(journey, advisor), advisor)
    elif stage == "cape":
        journey = request.getfixturevalue("cape_journey")
    elif stage == "exited":  # the form to come back, with its own path field
        journey = actions.exit_journey(journey, by=advisor, reason=ExitReason.choices[0][0])
    assert id_problems(advisor_page(advisor, journey)) == []


def test_a_refused_step_shows_again_with_each_id_once(journey, advisor):
    journey = hold(to_diagnosis(journey, advisor), advisor)
    response = login(advisor).post(f"/parcours/suivi/{journey.pk}/etape/sign-cape/",
                                   {"version": journey.version, "start": "", "end": ""})
    assert response.status_code == 400
    assert id_problems(response.content.decode()) == []
