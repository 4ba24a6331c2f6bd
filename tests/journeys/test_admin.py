"""The settings pages where paths, stages, tasks and meetings are configured."""

import pytest
from django.urls import reverse

from journeys.models import Stage, StageTemplate, TaskTemplate

MODELS = ["pathtemplate", "stagetemplate", "journey", "infomeeting", "diagnosisslot",
          "mentoroffer", "reminder"]


@pytest.mark.parametrize("model", MODELS)
def test_settings_lists_open(client, admin_user, cape_journey, meeting, model):
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:journeys_{model}_changelist")).status_code == 200


def test_a_path_and_a_stage_with_its_tasks_open_for_editing(client, admin_user, path):
    client.force_login(admin_user)
    stage = path.stages.get(kind=Stage.CAPE)
    assert client.get(reverse("admin:journeys_pathtemplate_change", args=[path.pk])
                      ).status_code == 200
    page = client.get(reverse("admin:journeys_stagetemplate_change", args=[stage.pk]))
    assert page.status_code == 200
    assert "Hébergement juridique" in page.content.decode()


def test_a_team_task_needs_its_team(path):
    from django.core.exceptions import ValidationError

    stage = StageTemplate.objects.get(path=path, kind=Stage.CAPE)
    task = TaskTemplate(stage=stage, title="Sans équipe", assignee="team")
    with pytest.raises(ValidationError):
        task.full_clean()


def test_journeys_cannot_be_added_or_changed_in_the_settings(client, admin_user, cape_journey):
    client.force_login(admin_user)
    assert client.get(reverse("admin:journeys_journey_add")).status_code == 403
    page = client.get(reverse("admin:journeys_journey_change", args=[cape_journey.pk]))
    assert page.status_code == 200 and 'name="state"' not in page.content.decode()
