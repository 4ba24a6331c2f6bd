"""Every journey step and every refusal, through journeys/actions."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from notifications.models import Notification

from coopdesk.conflicts import Conflict
from journeys import actions
from journeys.forms import SalariedForm
from journeys.models import (
    EventKind,
    ExitReason,
    Journey,
    JourneyTask,
    Stage,
    TaskState,
    add_months,
    cape_end_bounds,
)
from tests.conftest import login
from tests.journeys.conftest import (
    cape_dates,
    hold,
    to_associate,
    to_cape,
    to_diagnosis,
    to_salaried,
)


def kinds(journey):
    return list(journey.events.values_list("kind", flat=True))


def test_start_journey_begins_at_the_information_meeting_with_its_tasks(journey, member):
    assert journey.state == Stage.INFO_MEETING
    assert journey.cycle == 1 and journey.is_latest
    assert journey.info_meeting_at is not None
    assert list(journey.tasks.values_list("key", flat=True)) == ["questions"]
    assert kinds(journey) == [EventKind.STARTED]


def test_start_journey_refused_twice(journey, member):
    with pytest.raises(Conflict):
        actions.start_journey(member=member, by=member)


def test_start_journey_refused_for_staff(advisor, path):
    with pytest.raises(Conflict):
        actions.start_journey(member=advisor, by=advisor)


def test_sector_path_offered_first(sap_path, db):
    from tests.factories import UserFactory

    person = UserFactory(sector="sap")
    assert actions.start_journey(member=person, by=person).path == sap_path


def test_advance_moves_to_diagnosis_and_records_who(journey, advisor, member):
    journey = actions.advance_journey(journey, by=advisor, note="Vu à la réunion")
    assert journey.state == Stage.DIAGNOSIS
    assert journey.diagnosis_at is not None
    event = journey.events.last()
    assert (event.kind, event.actor, event.from_state, event.to_state, event.note) == (
        EventKind.ADVANCED, advisor, Stage.INFO_MEETING, Stage.DIAGNOSIS, "Vu à la réunion"
    )
    assert journey.tasks.filter(stage=Stage.DIAGNOSIS).count() == 1
    assert Notification.objects.filter(recipient=member, verb=EventKind.ADVANCED).exists()
    assert not Notification.objects.filter(recipient=advisor, verb=EventKind.ADVANCED).exists()


def test_advance_refused_from_diagnosis(diagnosis_journey, advisor):
    with pytest.raises(Conflict, match="Diagnosis"):
        actions.advance_journey(diagnosis_journey, by=advisor)


def test_member_cannot_advance_their_own_journey(journey, member):
    with pytest.raises(PermissionDenied):
        actions.advance_journey(journey, by=member)


def test_other_advisor_cannot_advance(journey, other_member):
    with pytest.raises(PermissionDenied):
        actions.advance_journey(journey, by=other_member.advisor)


def test_stale_form_is_a_conflict(journey, advisor):
    stale = journey.version
    actions.advance_journey(journey, by=advisor)
    with pytest.raises(Conflict, match="changed by someone else"):
        actions.exit_journey(journey, by=advisor, reason=ExitReason.OTHER, expected_version=stale)


def test_sign_cape_creates_the_tasks_it_triggers(diagnosis_journey, advisor, member):
    journey = hold(diagnosis_journey, advisor)
    start, end = timezone.localdate(), add_months(timezone.localdate(), 3)
    journey = actions.sign_cape(journey, by=advisor, start=start, end=end)
    assert (journey.state, journey.cape_start, journey.cape_end) == (Stage.CAPE, start, end)
    cape_tasks = journey.tasks.filter(stage=Stage.CAPE)
    assert cape_tasks.count() == 5
    welcome = cape_tasks.get(key="journees-accueil")
    assert welcome.due_date == start + timedelta(days=14)
    assert welcome.href == "/aide/fiches/journees-accueil/"
    assert journey.events.last().data["tasks"] == 5


def test_cape_tasks_count_from_the_cape_start(diagnosis_journey, advisor):
    journey = hold(diagnosis_journey, advisor)
    start = timezone.localdate() + timedelta(days=10)
    actions.sign_cape(journey, by=advisor, start=start, end=add_months(start, 2))
    assert journey.tasks.get(key="rc-pro").due_date == start + timedelta(days=7)


@pytest.mark.parametrize("months,days", [(0, 20), (1, -2), (6, 0), (7, 0)])
def test_cape_outside_one_to_six_months_is_refused(diagnosis_journey, advisor, months, days):
    journey = hold(diagnosis_journey, advisor)
    start = timezone.localdate()
    end = add_months(start, months) + timedelta(days=days)
    with pytest.raises(ValidationError, match="one to six months"):
        actions.sign_cape(journey, by=advisor, start=start, end=end)
    journey.refresh_from_db()
    assert journey.state == Stage.DIAGNOSIS


def test_cape_bounds_include_the_end_day():
    from datetime import date

    assert cape_end_bounds(date(2026, 3, 1)) == (date(2026, 3, 31), date(2026, 8, 31))
    assert cape_end_bounds(date(2026, 8, 31)) == (date(2026, 9, 29), date(2027, 2, 27))


def test_cape_refused_before_the_diagnosis_is_held(diagnosis_journey, advisor):
    start, end = cape_dates()
    with pytest.raises(Conflict, match="diagnosis has not been held"):
        actions.sign_cape(diagnosis_journey, by=advisor, start=start, end=end)


def test_cape_refused_from_the_information_meeting(journey, advisor):
    start, end = cape_dates()
    with pytest.raises(Conflict, match="Information meeting"):
        actions.sign_cape(journey, by=advisor, start=start, end=end)


def test_renew_cape_extends_from_the_current_end(cape_journey, advisor):
    previous_end = cape_journey.cape_end
    new_end = add_months(previous_end, 2)
    journey = actions.renew_cape(cape_journey, by=advisor, end=new_end)
    assert (journey.state, journey.cape_end, journey.cape_renewals) == (Stage.CAPE, new_end, 1)
    assert journey.events.last().data == {
        "previous_end": previous_end.isoformat(), "end": new_end.isoformat()
    }


def test_renew_cape_longer_than_six_months_is_refused(cape_journey, advisor):
    with pytest.raises(ValidationError):
        actions.renew_cape(cape_journey, by=advisor, end=add_months(cape_journey.cape_end, 7))


def test_renew_cape_refused_outside_the_cape(diagnosis_journey, advisor):
    with pytest.raises(Conflict):
        actions.renew_cape(diagnosis_journey, by=advisor, end=timezone.localdate())


def test_salaried_contract_schedules_the_yearly_follow_up(cape_journey, advisor):
    start = timezone.localdate()
    journey = actions.sign_salaried_contract(cape_journey, by=advisor, start=start)
    assert (journey.state, journey.salaried_start) == (Stage.SALARIED, start)
    followup = journey.tasks.get(is_followup=True)
    assert followup.due_date == start + timedelta(days=365)
    assert followup.assignee == "advisor"


def test_the_salaried_contract_ends_the_cape_the_day_before(cape_journey, advisor):
    planned_end = cape_journey.cape_end
    start = cape_journey.cape_start + timedelta(days=30)
    assert planned_end > start
    journey = actions.sign_salaried_contract(cape_journey, by=advisor, start=start)
    journey.refresh_from_db()
    assert journey.cape_end == start - timedelta(days=1)  # the path shows when it really ended


def test_a_salaried_contract_before_the_cape_start_is_a_form_error(cape_journey):
    form = SalariedForm({"version": cape_journey.version, "start": cape_journey.cape_start},
                        journey=cape_journey)
    assert not form.is_valid()
    assert "starts after the CAPE" in form.errors["start"][0]


def test_salaried_contract_refused_before_the_cape(diagnosis_journey, advisor):
    with pytest.raises(Conflict):
        actions.sign_salaried_contract(diagnosis_journey, by=advisor, start=timezone.localdate())


def test_membership_granted_after_the_salaried_contract(journey, advisor):
    journey = to_associate(journey, advisor)
    assert journey.state == Stage.ASSOCIATE
    assert journey.associate_since == timezone.localdate()
    assert journey.tasks.filter(is_followup=True, state=TaskState.OPEN).count() == 1


def test_membership_refused_from_the_cape(cape_journey, advisor):
    with pytest.raises(Conflict):
        actions.grant_membership(cape_journey, by=advisor, on=timezone.localdate())


@pytest.mark.parametrize("walk", [
    lambda j, a: j, to_diagnosis, to_cape, to_salaried, to_associate,
])
def test_exit_from_any_stage_with_a_reason(journey, advisor, walk):
    journey = walk(journey, advisor)
    before = journey.state
    journey = actions.exit_journey(journey, by=advisor, reason=ExitReason.OWN_COMPANY,
                                   note="Crée sa SARL")
    assert journey.state == Stage.EXITED
    assert journey.exit_reason == ExitReason.OWN_COMPANY
    event = journey.events.last()
    assert (event.from_state, event.kind, event.data["reason"]) == (
        before, EventKind.EXITED, "own_company"
    )
    assert not journey.tasks.filter(state=TaskState.OPEN).exclude(stage=Stage.EXITED).exists()
    assert journey.tasks.filter(stage=Stage.EXITED, state=TaskState.OPEN).count() == 1


def test_exit_twice_is_refused(journey, advisor):
    actions.exit_journey(journey, by=advisor, reason=ExitReason.OTHER)
    with pytest.raises(Conflict):
        actions.exit_journey(journey, by=advisor, reason=ExitReason.OTHER)


def test_exit_frees_the_place_at_the_meeting(journey, advisor, meeting, prospect_factory):
    actions.register_for_meeting(meeting, journey=journey, by=journey.member)
    second = prospect_factory("Léo")
    actions.register_for_meeting(meeting, journey=second, by=second.member)
    third = prospect_factory("Zoé")
    waiting = actions.register_for_meeting(meeting, journey=third, by=third.member)
    assert waiting.status == "waiting"
    actions.exit_journey(journey, by=advisor, reason=ExitReason.NOT_A_FIT)
    waiting.refresh_from_db()
    assert waiting.status == "registered"
    # The exit is the step; freeing the place is a side event that starts from no state.
    unregistered = journey.events.get(kind=EventKind.UNREGISTERED)
    exited = journey.events.get(kind=EventKind.EXITED)
    assert (unregistered.from_state, exited.from_state) == ("", Stage.INFO_MEETING)


def test_reentry_starts_a_new_cycle_and_keeps_the_first(journey, advisor, member):
    first = to_cape(journey, advisor)
    actions.complete_task(first.tasks.get(key="journees-accueil"), by=member)
    first = actions.exit_journey(first, by=advisor, reason=ExitReason.PERSONAL)
    first_events = kinds(first)
    second = actions.reenter_journey(first, by=advisor, stage=Stage.DIAGNOSIS)
    first.refresh_from_db()
    assert (second.cycle, second.state, second.previous) == (2, Stage.DIAGNOSIS, first)
    assert second.is_latest and not first.is_latest
    assert first.state == Stage.EXITED and kinds(first) == first_events
    assert first.tasks.filter(key="journees-accueil", state=TaskState.DONE).exists()
    assert second.events.get().kind == EventKind.REENTERED
    assert Journey.objects.filter(member=member).count() == 2


def test_reentry_refused_while_the_path_goes_on(cape_journey, advisor):
    with pytest.raises(Conflict, match="still going on"):
        actions.reenter_journey(cape_journey, by=advisor)


def test_reentry_refused_from_an_older_cycle(journey, advisor):
    actions.exit_journey(journey, by=advisor, reason=ExitReason.OTHER)
    second = actions.reenter_journey(journey, by=advisor)
    actions.exit_journey(second, by=advisor, reason=ExitReason.OTHER)
    with pytest.raises(Conflict, match="newer cycle"):
        actions.reenter_journey(journey, by=advisor)


def test_reentry_refused_at_the_cape(journey, advisor):
    actions.exit_journey(journey, by=advisor, reason=ExitReason.OTHER)
    with pytest.raises(Conflict):
        actions.reenter_journey(journey, by=advisor, stage=Stage.CAPE)


def test_switch_path_keeps_what_is_done(cape_journey, advisor, member, sap_path, legal_agent):
    done = cape_journey.tasks.get(key="journees-accueil")
    actions.complete_task(done, by=member)
    journey = actions.switch_path(cape_journey, by=advisor, path=sap_path, note="Aide à domicile")
    assert (journey.state, journey.path) == (Stage.CAPE, sap_path)
    tasks = journey.tasks.filter(stage=Stage.CAPE).exclude(state=TaskState.DROPPED)
    assert sorted(tasks.values_list("key", flat=True)) == sorted(
        ["journees-accueil", "hebergement-juridique", "accompagnement", "professionnalisation",
         "rc-pro", "declaration-sap"]
    )
    assert tasks.get(key="journees-accueil").state == TaskState.DONE
    assert tasks.filter(key="journees-accueil").count() == 1
    event = journey.events.last()
    assert event.kind == EventKind.PATH_SWITCHED and event.data["added"] == 1


def test_switch_path_drops_the_open_tasks_the_new_path_does_not_have(
    cape_journey, advisor, sap_path, path
):
    journey = actions.switch_path(cape_journey, by=advisor, path=sap_path)
    journey = actions.switch_path(journey, by=advisor, path=path)
    assert journey.tasks.get(key="declaration-sap").state == TaskState.DROPPED


def test_switch_path_clears_the_adaptation_request(cape_journey, advisor, member, sap_path):
    actions.request_adaptation(cape_journey, by=member, message="Je fais aussi du ménage")
    journey = actions.switch_path(cape_journey, by=advisor, path=sap_path)
    assert journey.adaptation_requested_at is None


def test_switch_to_the_same_path_is_refused(cape_journey, advisor, path):
    with pytest.raises(Conflict):
        actions.switch_path(cape_journey, by=advisor, path=path)


def test_switch_to_a_path_without_the_current_stage_is_refused(cape_journey, advisor, sap_path):
    sap_path.stages.filter(kind=Stage.CAPE).delete()
    with pytest.raises(Conflict, match="has no"):
        actions.switch_path(cape_journey, by=advisor, path=sap_path)


def test_switch_path_refused_after_exit(journey, advisor, sap_path):
    actions.exit_journey(journey, by=advisor, reason=ExitReason.OTHER)
    with pytest.raises(Conflict):
        actions.switch_path(journey, by=advisor, path=sap_path)


def test_member_asks_for_adaptation_and_the_advisor_is_told(journey, member, advisor):
    actions.request_adaptation(journey, by=member, message="Mon activité change")
    journey.refresh_from_db()
    assert journey.adaptation_note == "Mon activité change"
    assert Notification.objects.filter(
        recipient=advisor, verb=EventKind.ADAPTATION_ASKED
    ).exists()


def test_only_the_member_asks_for_adaptation(journey, advisor):
    with pytest.raises(PermissionDenied):
        actions.request_adaptation(journey, by=advisor, message="x")


def test_backup_advisor_covers_an_away_advisor(journey, advisor, backup_advisor):
    advisor.backup_advisor = backup_advisor
    advisor.away_from = timezone.localdate() - timedelta(days=1)
    advisor.save()
    journey = actions.advance_journey(journey, by=backup_advisor)
    assert journey.state == Stage.DIAGNOSIS


def test_backup_advisor_does_not_cover_when_the_advisor_is_back(journey, advisor, backup_advisor):
    advisor.backup_advisor = backup_advisor
    advisor.away_from = timezone.localdate() - timedelta(days=10)
    advisor.away_until = timezone.localdate() - timedelta(days=1)
    advisor.save()
    with pytest.raises(PermissionDenied):
        actions.advance_journey(journey, by=backup_advisor)


def test_task_rows_snapshot_the_template(cape_journey):
    task = cape_journey.tasks.get(key="rc-pro")
    task.template.title = "Nouveau titre"
    task.template.save()
    assert JourneyTask.objects.get(pk=task.pk).title == "Assurance RC Pro"


def test_a_salaried_member_then_an_associate_reads_since_when_in_plain_english(
    journey, advisor, member
):
    to_salaried(journey, advisor)
    page = login(member).get(reverse("journeys:journey-mine")).content.decode()
    assert "You have been a salaried entrepreneur since" in page
    actions.grant_membership(Journey.objects.get(pk=journey.pk), by=advisor,
                             on=timezone.localdate())
    page = login(member).get(reverse("journeys:journey-mine")).content.decode()
    assert "You have been an associate of the cooperative since" in page
