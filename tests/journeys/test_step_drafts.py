"""Nothing typed is lost on a journey either: the note of a step (moving on, switching path,
leaving) and the diagnosis's action plan are kept as a draft while the advisor types them,
come back after a reload or on another device, stay after a refused (stale) step, are never
shown to anyone else, and go once the step is taken."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from coopdesk.accounts.models import Role
from helpdesk.models import Draft, DraftKind
from journeys import actions
from journeys.models import Journey, Stage
from tests.conftest import login
from tests.factories import UserFactory
from tests.journeys.conftest import came, future


def save(client: Client, journey, step: str, body: str):
    return client.post(reverse("journeys:journey-draft", args=[journey.pk]),
                       {"kind": step, "body": body})


def page(client: Client, journey) -> str:
    return client.get(journey.get_absolute_url()).content.decode()


def test_a_step_note_comes_back_on_another_device_and_goes_once_the_step_is_taken(
    journey, advisor
):
    response = save(login(advisor), journey, "advance", "Vue à la réunion du 3")
    assert response.status_code == 200 and response.json()["saved_at"]
    draft = Draft.objects.get()
    assert draft.owner == advisor and draft.kind == DraftKind.JOURNEY
    assert "Vue à la réunion du 3</textarea>" in page(login(advisor), journey)
    response = login(advisor).post(
        reverse("journeys:journey-step", args=[journey.pk, "advance"]),
        {"version": journey.version, "note": "Vue à la réunion du 3"},
    )
    assert response.status_code == 302
    assert Journey.objects.get(pk=journey.pk).state == Stage.DIAGNOSIS
    assert not Draft.objects.exists()


def test_a_departure_note_stays_after_a_stale_page_and_is_offered_back(journey, advisor):
    stale = journey.version
    save(login(advisor), journey, "exit", "Part à Nantes, à recontacter en mars")
    actions.advance_journey(journey, by=advisor)
    response = login(advisor).post(
        reverse("journeys:journey-step", args=[journey.pk, "exit"]),
        {"version": stale, "reason": "moved", "note": "Part à Nantes, à recontacter en mars"},
    )
    assert response.status_code == 409
    assert "Part à Nantes, à recontacter en mars</textarea>" in response.content.decode()
    assert Draft.objects.get().body == "Part à Nantes, à recontacter en mars"
    assert "Part à Nantes, à recontacter en mars</textarea>" in page(login(advisor), journey)


def test_an_emptied_note_leaves_no_draft(journey, advisor):
    save(login(advisor), journey, "switch-path", "Plutôt le parcours SAP")
    save(login(advisor), journey, "switch-path", "  ")
    assert not Draft.objects.exists()


def test_someone_elses_step_note_is_never_shown(journey, advisor):
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    save(login(advisor), journey, "advance", "Note de Claire seulement")
    assert "Note de Claire seulement" not in page(login(admin), journey)


def test_only_who_manages_the_journey_keeps_a_note_there(journey, member, other_member):
    outsider = other_member.advisor
    assert save(login(member), journey, "advance", "Je me note").status_code == 404
    assert save(login(outsider), journey, "advance", "Pas mon membre").status_code == 404
    assert not Draft.objects.exists()


def test_unknown_steps_and_overlong_notes_are_refused(journey, advisor):
    assert save(login(advisor), journey, "sign-cape", "Pas de note ici").status_code == 400
    assert save(login(advisor), journey, "advance", "x" * 5_001).status_code == 400
    assert not Draft.objects.exists()


def test_erasing_the_member_also_forgets_the_notes_typed_about_her(journey, advisor):
    from journeys.privacy import erase_path

    save(login(advisor), journey, "exit", "Camille part à Nantes")
    erase_path(journey.member)
    assert not Draft.objects.exists()


def test_the_diagnosis_action_plan_comes_back_and_goes_once_recorded(
    diagnosis_journey, advisor, member
):
    slot = actions.add_slot(advisor=advisor, by=advisor, starts_at=future(), place="Bureau",
                            duration_minutes=60)
    actions.book_slot(slot, journey=diagnosis_journey, by=member)
    came(slot)  # the form is offered once the interview has taken place
    save(login(advisor), diagnosis_journey, "hold", "Étude de marché, puis CAPE")
    assert "Étude de marché, puis CAPE</textarea>" in page(login(advisor), diagnosis_journey)
    response = login(advisor).post(reverse("journeys:slot-hold", args=[slot.pk]),
                                   {"summary": "Étude de marché, puis CAPE"})
    assert response.status_code == 302
    assert not Draft.objects.exists()
