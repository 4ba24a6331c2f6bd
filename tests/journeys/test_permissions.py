"""Every journeys URL, for every kind of person: a member sees only their own journey, an
advisor only their members' and those they cover, staff pages stay staff pages."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from coopdesk.accounts.models import Role
from journeys import actions
from journeys.models import ExitReason
from journeys.urls import urlpatterns
from tests.factories import UserFactory
from tests.journeys.conftest import came, future, meeting_now


@dataclass
class World:
    journey: object
    gone: object
    slot: object
    free: object
    meeting: object
    roll: object
    task: object
    doc_task: object
    volunteer: object
    people: dict


@pytest.fixture
def world(member, other_member, advisor, backup_advisor, agent, lead, admin_user, path,
          legal_agent):
    journey = actions.advance_journey(actions.start_journey(member=member, by=member),
                                      by=advisor)
    slot = actions.add_slot(advisor=advisor, by=advisor, starts_at=future(2), place="Lyon",
                            duration_minutes=60)
    actions.book_slot(slot, journey=journey, by=member)
    free = actions.add_slot(advisor=advisor, by=advisor, starts_at=future(4), place="Lyon",
                            duration_minutes=60)
    meeting = actions.create_meeting(by=advisor, starts_at=future(6), place="Lyon")
    actions.register_for_meeting(meeting, journey=journey, by=member)
    roll = meeting_now(advisor)
    doc_task = journey.tasks.get(key="france-travail")
    actions.complete_task(doc_task, by=member, document=SimpleUploadedFile(
        "attestation.pdf", b"%PDF-1.4", content_type="application/pdf"))
    leaver = UserFactory(first_name="Jade", role=Role.MEMBER, advisor=advisor)
    gone = actions.exit_journey(actions.start_journey(member=leaver, by=leaver), by=advisor,
                                reason=ExitReason.OTHER)
    volunteer = UserFactory(first_name="Hugo", role=Role.MEMBER)
    actions.volunteer_as_mentor(member=volunteer, is_active=True)
    people = {
        "anonymous": None, "member": member, "other_member": other_member, "advisor": advisor,
        "other_advisor": other_member.advisor, "backup": backup_advisor, "agent": agent,
        "legal_agent": legal_agent, "lead": lead, "admin": admin_user,
    }
    return World(journey, gone, slot, free, meeting, roll, journey.tasks.get(key="questions"),
                 doc_task, volunteer, people)


LOGIN = "login"
# name: (method, args(world), data(world), {persona: expected status})
CASES = {
    "journey-mine": ("get", lambda w: [], None, {
        "anonymous": LOGIN, "member": 200, "other_member": 200, "advisor": 302, "lead": 302,
        "agent": 302}),
    "journey-adapt": ("post", lambda w: [], lambda w: {"message": "Mon activité change"}, {
        "anonymous": LOGIN, "member": 302, "advisor": 404, "other_member": 404}),
    "task-complete": ("post", lambda w: [w.task.pk], lambda w: {}, {
        "anonymous": LOGIN, "member": 302, "other_member": 404, "advisor": 302,
        "other_advisor": 404, "backup": 404, "agent": 404, "lead": 404, "admin": 302}),
    "task-reopen": ("post", lambda w: [w.doc_task.pk], lambda w: {}, {
        "anonymous": LOGIN, "member": 302, "other_member": 404, "other_advisor": 404,
        "agent": 404, "advisor": 302}),
    "task-document": ("get", lambda w: [w.doc_task.pk], None, {
        "anonymous": LOGIN, "member": 200, "advisor": 200, "other_member": 404,
        "other_advisor": 404, "backup": 404, "agent": 404, "lead": 404, "admin": 200}),
    "slot-list": ("get", lambda w: [], None, {
        "anonymous": LOGIN, "member": 200, "other_member": 404, "advisor": 404}),
    "slot-book": ("post", lambda w: [w.free.pk], lambda w: {}, {
        "anonymous": LOGIN, "member": 409, "other_member": 404, "advisor": 404}),
    "slot-cancel": ("post", lambda w: [w.slot.pk], lambda w: {}, {
        "anonymous": LOGIN, "member": 302, "advisor": 302, "other_member": 404,
        "other_advisor": 404, "backup": 404, "agent": 404}),
    "mentor-volunteer": ("get", lambda w: [], None, {
        "anonymous": LOGIN, "member": 200, "advisor": 404, "agent": 404, "lead": 404}),
    "meeting-list": ("get", lambda w: [], None, {
        "anonymous": 200, "member": 200, "advisor": 200, "agent": 200}),
    "meeting-create": ("get", lambda w: [], None, {
        "anonymous": LOGIN, "member": 404, "agent": 404, "advisor": 200, "lead": 200,
        "admin": 200}),
    "meeting-detail": ("get", lambda w: [w.meeting.pk], None, {
        "anonymous": LOGIN, "member": 404, "agent": 404, "advisor": 200, "other_advisor": 200,
        "lead": 200, "admin": 200}),
    "meeting-signup": ("get", lambda w: [w.meeting.pk], None, {
        "anonymous": 200, "member": 200, "advisor": 200}),
    "meeting-register": ("post", lambda w: [w.roll.pk], lambda w: {}, {
        "anonymous": LOGIN, "other_member": 302, "advisor": 404, "agent": 404}),
    "meeting-unregister": ("post", lambda w: [w.meeting.pk], lambda w: {}, {
        "anonymous": LOGIN, "member": 302, "other_member": 404, "advisor": 404}),
    "meeting-attendance": ("post", lambda w: [w.roll.pk], lambda w: {"present": []}, {
        "anonymous": LOGIN, "member": 404, "agent": 404, "advisor": 302, "lead": 302}),
    "signup-done": ("get", lambda w: [], None, {"anonymous": 200, "member": 200}),
    "advisor-dashboard": ("get", lambda w: [], None, {
        "anonymous": LOGIN, "member": 404, "agent": 404, "lead": 404, "advisor": 200,
        "backup": 200}),
    "advisor-list": ("get", lambda w: ["taches-en-retard"], None, {
        "anonymous": LOGIN, "member": 404, "agent": 404, "lead": 404, "admin": 404,
        "advisor": 200, "other_advisor": 200, "backup": 200}),
    "advisor-stage": ("get", lambda w: ["diagnosis"], None, {
        "anonymous": LOGIN, "member": 404, "agent": 404, "lead": 404, "admin": 404,
        "advisor": 200, "other_advisor": 200, "backup": 200}),
    "journey-detail": ("get", lambda w: [w.journey.pk], None, {
        "anonymous": LOGIN, "member": 302, "other_member": 404, "advisor": 200,
        "other_advisor": 404, "backup": 404, "agent": 404, "lead": 404, "admin": 200}),
    "journey-step": ("post", lambda w: [w.journey.pk, "exit"],
                     lambda w: {"version": w.journey.version, "reason": "other"}, {
        "anonymous": LOGIN, "member": 403, "other_member": 404, "advisor": 302,
        "other_advisor": 404, "backup": 404, "agent": 404, "lead": 404, "admin": 302}),
    # A step note kept while typed: only for who may take the step; never the member.
    "journey-draft": ("post", lambda w: [w.journey.pk],
                      lambda w: {"kind": "exit", "body": "Part à Nantes"}, {
        "anonymous": LOGIN, "member": 404, "other_member": 404, "advisor": 200,
        "other_advisor": 404, "backup": 404, "agent": 404, "legal_agent": 404, "lead": 404,
        "admin": 200}),
    "journey-reenter": ("post", lambda w: [w.gone.pk],
                        lambda w: {"path": w.gone.path_id, "stage": "diagnosis"}, {
        "anonymous": LOGIN, "member": 404, "advisor": 302, "other_advisor": 404, "backup": 404,
        "agent": 404, "admin": 302}),
    "journey-mentor": ("post", lambda w: [w.journey.pk], lambda w: {"mentor": w.volunteer.pk}, {
        "anonymous": LOGIN, "member": 403, "other_member": 404, "advisor": 302,
        "other_advisor": 404, "agent": 404}),
    "slot-manage": ("get", lambda w: [], None, {
        "anonymous": LOGIN, "member": 404, "agent": 404, "lead": 404, "advisor": 200,
        "other_advisor": 200}),
    "slot-remove": ("post", lambda w: [w.free.pk], lambda w: {}, {
        "anonymous": LOGIN, "member": 404, "advisor": 302, "other_advisor": 404, "admin": 404}),
    "slot-hold": ("post", lambda w: [came(w.slot).pk], lambda w: {"summary": "Plan"}, {
        "anonymous": LOGIN, "member": 404, "advisor": 302, "other_advisor": 404,
        "backup": 404}),
    "coop-overview": ("get", lambda w: [], None, {
        "anonymous": LOGIN, "member": 404, "advisor": 404, "agent": 404, "lead": 200,
        "admin": 200}),
    "coop-export": ("get", lambda w: [], None, {
        "anonymous": LOGIN, "member": 404, "advisor": 404, "agent": 404, "lead": 404,
        "admin": 200}),
    "team-tasks": ("get", lambda w: [], None, {
        "anonymous": LOGIN, "member": 404, "advisor": 404, "agent": 200, "legal_agent": 200,
        "lead": 200, "admin": 200}),
}

PARAMS = [
    pytest.param(name, persona, expected, id=f"{name}-{persona}")
    for name, (_m, _a, _d, expectations) in CASES.items()
    for persona, expected in expectations.items()
]


def test_every_url_has_a_permission_case():
    assert {pattern.name for pattern in urlpatterns} == set(CASES)


@pytest.mark.parametrize("name,persona,expected", PARAMS)
def test_url_permission(client, world, name, persona, expected):
    method, args, data, _expectations = CASES[name]
    if world.people[persona] is not None:
        client.force_login(world.people[persona])
    url = reverse(f"journeys:{name}", args=args(world))
    response = client.post(url, data(world)) if method == "post" else client.get(url)
    if expected == LOGIN:
        assert response.status_code == 302 and "/accounts/login/" in response.url
    else:
        assert response.status_code == expected


def test_the_backup_sees_the_journeys_of_an_away_advisor(client, world, advisor, backup_advisor):
    advisor.backup_advisor = backup_advisor
    advisor.away_from = timezone.localdate()
    advisor.save()
    client.force_login(backup_advisor)
    url = reverse("journeys:journey-detail", args=[world.journey.pk])
    assert client.get(url).status_code == 200
    dashboard = client.get(reverse("journeys:advisor-dashboard") + "?stage=diagnosis")
    assert world.journey.member.get_full_name() in dashboard.content.decode()


def test_a_member_sees_an_earlier_cycle_of_their_own(client, world, advisor):
    gone = world.gone
    actions.reenter_journey(gone, by=advisor)
    client.force_login(gone.member)
    assert client.get(reverse("journeys:journey-detail", args=[gone.pk])).status_code == 200


def test_the_advisor_dashboard_lists_only_followed_members(client, world, other_member, path):
    other = actions.start_journey(member=other_member, by=other_member)
    actions.advance_journey(other, by=other_member.advisor)
    client.force_login(world.people["advisor"])
    page = client.get(reverse("journeys:advisor-dashboard") + "?stage=diagnosis")
    body = page.content.decode()
    assert world.journey.member.get_full_name() in body
    assert other_member.get_full_name() not in body
