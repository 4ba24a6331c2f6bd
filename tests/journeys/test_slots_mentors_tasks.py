"""Diagnosis appointments, mentors, tasks and follow-ups."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from notifications.models import Notification

from coopdesk.accounts.models import Role
from coopdesk.conflicts import Conflict
from journeys import actions
from journeys.models import DiagnosisSlot, EventKind, JourneyTask, Stage, TaskState
from tests.concurrency import needs_postgresql, run_together
from tests.conftest import login
from tests.factories import UserFactory
from tests.journeys.conftest import came, future, to_salaried

# --- diagnosis slots ---------------------------------------------------------------------------


def test_booking_a_free_slot(diagnosis_journey, free_slot, member, advisor):
    slot = actions.book_slot(free_slot, journey=diagnosis_journey, by=member)
    assert (slot.status, slot.journey) == ("booked", diagnosis_journey)
    assert diagnosis_journey.events.last().kind == EventKind.DIAGNOSIS_BOOKED
    assert Notification.objects.filter(recipient=advisor, verb="diagnosis_booked").exists()


def test_a_slot_cannot_be_booked_twice(diagnosis_journey, free_slot, member, advisor):
    other = UserFactory(role=Role.MEMBER, advisor=advisor)
    other_journey = actions.advance_journey(actions.start_journey(member=other, by=other),
                                            by=advisor)
    actions.book_slot(free_slot, journey=diagnosis_journey, by=member)
    with pytest.raises(Conflict, match="just booked"):
        actions.book_slot(free_slot, journey=other_journey, by=other)


def test_one_booking_per_journey(diagnosis_journey, free_slot, member, advisor):
    actions.book_slot(free_slot, journey=diagnosis_journey, by=member)
    second = actions.add_slot(advisor=advisor, by=advisor, starts_at=future(6), place="Visio",
                              duration_minutes=60)
    with pytest.raises(Conflict, match="already have an appointment"):
        actions.book_slot(second, journey=diagnosis_journey, by=member)


def test_booking_before_the_information_meeting_is_refused(journey, free_slot, member):
    with pytest.raises(Conflict, match="after the information meeting"):
        actions.book_slot(free_slot, journey=journey, by=member)


def test_only_the_members_advisor_slots_are_offered(diagnosis_journey, member, other_member):
    stranger = other_member.advisor
    slot = actions.add_slot(advisor=stranger, by=stranger, starts_at=future(2), place="Visio",
                            duration_minutes=60)
    assert not actions.bookable_slots(diagnosis_journey).filter(pk=slot.pk).exists()
    with pytest.raises(Conflict, match="no longer offered"):
        actions.book_slot(slot, journey=diagnosis_journey, by=member)


def test_a_newcomer_without_advisor_gets_the_slots_advisor(prospect_factory, advisor):
    journey = prospect_factory()
    member = journey.member
    assert member.advisor is None
    slot = actions.add_slot(advisor=advisor, by=advisor, starts_at=future(2), place="Visio",
                            duration_minutes=60)
    from journeys.models import Journey

    Journey.objects.filter(pk=journey.pk)  # advance as an admin would, through the action
    admin = UserFactory(role=Role.ADMIN)
    journey = actions.advance_journey(journey, by=admin)
    actions.book_slot(slot, journey=journey, by=member)
    member.refresh_from_db()
    assert member.advisor == advisor


def test_an_away_advisors_backup_offers_slots(diagnosis_journey, advisor, backup_advisor, member):
    advisor.backup_advisor = backup_advisor
    advisor.away_from = timezone.localdate()
    advisor.save()
    slot = actions.add_slot(advisor=backup_advisor, by=backup_advisor, starts_at=future(2),
                            place="Visio", duration_minutes=60)
    member.refresh_from_db()
    actions.book_slot(slot, journey=diagnosis_journey, by=member)


def test_cancelling_frees_the_slot(diagnosis_journey, free_slot, member):
    actions.book_slot(free_slot, journey=diagnosis_journey, by=member)
    slot = actions.cancel_booking(free_slot, by=member)
    assert (slot.status, slot.journey) == ("free", None)
    assert diagnosis_journey.events.last().kind == EventKind.DIAGNOSIS_CANCELLED


def test_holding_the_diagnosis_allows_the_cape(diagnosis_journey, free_slot, member, advisor):
    actions.book_slot(free_slot, journey=diagnosis_journey, by=member)
    with pytest.raises(Conflict, match="record it once it has taken place"):
        actions.hold_diagnosis(free_slot, by=advisor, summary="Trois jours trop tôt")
    slot = actions.hold_diagnosis(came(free_slot), by=advisor, summary="Démarrage en mars")
    diagnosis_journey.refresh_from_db()
    assert slot.status == "held" and diagnosis_journey.diagnosis_held()
    with pytest.raises(Conflict, match="already been held"):
        actions.book_slot(
            actions.add_slot(advisor=advisor, by=advisor, starts_at=future(8), place="x",
                             duration_minutes=30),
            journey=diagnosis_journey, by=member,
        )


def test_the_diagnosis_form_waits_for_the_interview(diagnosis_journey, free_slot, member,
                                                    advisor):
    actions.book_slot(free_slot, journey=diagnosis_journey, by=member)
    hold_url = reverse("journeys:slot-hold", args=[free_slot.pk])
    page = login(advisor).get(diagnosis_journey.get_absolute_url()).content.decode()
    assert "once it has taken place" in page and hold_url not in page
    came(free_slot)
    page = login(advisor).get(diagnosis_journey.get_absolute_url()).content.decode()
    assert hold_url in page


def test_holding_a_free_slot_is_refused(free_slot, advisor):
    with pytest.raises(Conflict):
        actions.hold_diagnosis(free_slot, by=advisor, summary="x")


def test_another_advisor_cannot_hold_the_diagnosis(diagnosis_journey, free_slot, member,
                                                   other_member):
    actions.book_slot(free_slot, journey=diagnosis_journey, by=member)
    with pytest.raises(PermissionDenied):
        actions.hold_diagnosis(free_slot, by=other_member.advisor, summary="x")


def test_overlapping_slots_are_refused(free_slot, advisor):
    with pytest.raises(Conflict, match="already offer"):
        actions.add_slot(advisor=advisor, by=advisor, starts_at=free_slot.starts_at
                         + timedelta(minutes=30), duration_minutes=60, place="x")
    actions.add_slot(advisor=advisor, by=advisor, starts_at=free_slot.ends_at,
                     duration_minutes=60, place="back to back is fine")


def test_slots_in_the_past_are_refused(advisor):
    with pytest.raises(Conflict):
        actions.add_slot(advisor=advisor, by=advisor, place="x", duration_minutes=60,
                         starts_at=timezone.now() - timedelta(hours=1))


def test_a_booked_slot_cannot_be_withdrawn(diagnosis_journey, free_slot, member, advisor):
    actions.book_slot(free_slot, journey=diagnosis_journey, by=member)
    with pytest.raises(Conflict):
        actions.remove_slot(free_slot, by=advisor)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_people_booking_the_same_slot_at_once_one_wins(path, advisor):
    """Real concurrency: two threads, two connections, one slot."""
    journeys = []
    for name in ("A", "B"):
        person = UserFactory(first_name=name, role=Role.MEMBER, advisor=advisor)
        journeys.append(actions.advance_journey(actions.start_journey(member=person, by=person),
                                                by=advisor))
    slot = actions.add_slot(advisor=advisor, by=advisor, starts_at=future(2), place="x",
                            duration_minutes=60)

    def book(journey):
        actions.book_slot(slot, journey=journey, by=journey.member)

    refused = run_together(book, [(journey,) for journey in journeys])
    assert len(refused) == 1 and isinstance(refused[0], Conflict)  # the other one booked
    assert DiagnosisSlot.objects.get(pk=slot.pk).status == "booked"


# --- mentors -----------------------------------------------------------------------------------


@pytest.fixture
def volunteer(db, office):
    person = UserFactory(first_name="Hugo", role=Role.MEMBER, office=office, sector="building")
    actions.volunteer_as_mentor(member=person, is_active=True, max_mentees=1)
    return person


def test_assigning_a_mentor_tells_both(cape_journey, advisor, member, volunteer):
    actions.assign_mentor(cape_journey, by=advisor, mentor=volunteer)
    member.refresh_from_db()
    assert member.mentor == volunteer
    for person in (member, volunteer):
        assert Notification.objects.filter(recipient=person, verb="mentor_assigned").exists()


def test_only_volunteers_can_be_mentors(cape_journey, advisor, other_member):
    with pytest.raises(Conflict, match="not available"):
        actions.assign_mentor(cape_journey, by=advisor, mentor=other_member)


def test_a_mentor_is_not_given_more_newcomers_than_offered(cape_journey, advisor, volunteer):
    actions.assign_mentor(cape_journey, by=advisor, mentor=volunteer)
    newcomer = UserFactory(role=Role.MEMBER, advisor=advisor)
    journey = actions.start_journey(member=newcomer, by=newcomer)
    with pytest.raises(Conflict, match="the most they offered"):
        actions.assign_mentor(journey, by=advisor, mentor=volunteer)


def test_candidates_of_the_same_sector_and_office_come_first(cape_journey, volunteer, office):
    member = cape_journey.member
    member.sector = "building"
    member.save()
    far = UserFactory(role=Role.MEMBER, sector="arts")
    actions.volunteer_as_mentor(member=far, is_active=True)
    assert list(actions.mentor_candidates(member)) == [volunteer, far]


def test_another_advisor_cannot_assign_a_mentor(cape_journey, other_member, volunteer):
    with pytest.raises(PermissionDenied):
        actions.assign_mentor(cape_journey, by=other_member.advisor, mentor=volunteer)


def test_only_members_volunteer(advisor):
    with pytest.raises(PermissionDenied):
        actions.volunteer_as_mentor(member=advisor, is_active=True)


# --- tasks -------------------------------------------------------------------------------------


def test_member_completes_their_task(cape_journey, member):
    task = cape_journey.tasks.get(key="journees-accueil")
    task = actions.complete_task(task, by=member)
    assert (task.state, task.done_by) == (TaskState.DONE, member)
    assert cape_journey.events.last().kind == EventKind.TASK_DONE


def test_member_cannot_complete_the_advisors_task(cape_journey, member):
    with pytest.raises(PermissionDenied):
        actions.complete_task(cape_journey.tasks.get(key="accompagnement"), by=member)


def test_team_agent_completes_a_team_task(cape_journey, legal_agent, agent):
    task = cape_journey.tasks.get(key="rc-pro")
    with pytest.raises(PermissionDenied):
        actions.complete_task(task, by=agent)  # an agent of another team
    assert actions.complete_task(task, by=legal_agent).state == TaskState.DONE


def test_a_task_asking_for_a_document_needs_it(diagnosis_journey, member):
    task = diagnosis_journey.tasks.get(key="france-travail")
    with pytest.raises(ValidationError):
        actions.complete_task(task, by=member)
    document = SimpleUploadedFile("attestation.pdf", b"%PDF-1.4", content_type="application/pdf")
    task = actions.complete_task(task, by=member, document=document)
    assert task.document_name == "attestation.pdf" and task.document


def test_the_task_form_says_what_it_accepts_and_keeps_a_sent_document_in_view(
    diagnosis_journey, member
):
    task = diagnosis_journey.tasks.get(key="france-travail")
    page = login(member).get(reverse("journeys:journey-mine")).content.decode()
    assert 'accept=".csv,' in page and "10 MB at most" in page  # before, not after, an error
    document = SimpleUploadedFile("attestation.pdf", b"%PDF-1.4", content_type="application/pdf")
    actions.reopen_task(actions.complete_task(task, by=member, document=document), by=member)
    page = login(member).get(reverse("journeys:journey-mine")).content.decode()
    sent = reverse("journeys:task-document", args=[task.pk])
    assert f'Already sent: <a href="{sent}">attestation.pdf</a>' in page


def test_a_document_lost_from_the_storage_is_not_found(diagnosis_journey, member):
    task = diagnosis_journey.tasks.get(key="france-travail")
    document = SimpleUploadedFile("attestation.pdf", b"%PDF-1.4", content_type="application/pdf")
    task = actions.complete_task(task, by=member, document=document)
    task.document.storage.delete(task.document.name)
    response = login(member).get(reverse("journeys:task-document", args=[task.pk]))
    assert response.status_code == 404


def test_a_document_of_a_refused_type_is_refused(diagnosis_journey, member):
    task = diagnosis_journey.tasks.get(key="france-travail")
    document = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationError):
        actions.complete_task(task, by=member, document=document)
    assert JourneyTask.objects.get(pk=task.pk).state == TaskState.OPEN


def test_completing_twice_is_a_conflict(cape_journey, member):
    task = cape_journey.tasks.get(key="journees-accueil")
    actions.complete_task(task, by=member)
    with pytest.raises(Conflict):
        actions.complete_task(task, by=member)


def test_reopen_a_task(cape_journey, member):
    task = actions.complete_task(cape_journey.tasks.get(key="journees-accueil"), by=member)
    task = actions.reopen_task(task, by=member)
    assert task.state == TaskState.OPEN and task.done_at is None


def test_a_held_follow_up_schedules_next_years(journey, advisor):
    journey = to_salaried(journey, advisor)
    followup = journey.tasks.get(is_followup=True)
    actions.complete_task(followup, by=advisor)
    following = journey.tasks.get(is_followup=True, state=TaskState.OPEN)
    assert following.due_date == timezone.localdate() + timedelta(days=365)
    assert journey.state == Stage.SALARIED
