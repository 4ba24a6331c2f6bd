"""Pages: what people see, forms that keep what was typed, 409 for impossible steps."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from journeys import actions
from journeys.models import ExitReason, Journey, JourneyTask, Stage, TaskState, add_months
from kb import actions as kb_actions
from tests.conftest import login
from tests.journeys.conftest import hold, to_cape


def reload_link(response) -> str:
    """The address of the 409 page's "Reload" link."""
    (url,) = re.findall(r'<a href="([^"]*)">Reload</a>', response.content.decode())
    return url


def step_url(journey, step):
    return reverse("journeys:journey-step", args=[journey.pk, step])


def test_my_path_shows_the_stages_tasks_and_contacts(member_client, cape_journey, advisor):
    response = member_client.get(reverse("journeys:journey-mine"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Participer aux deux journées d&#x27;accueil" in body
    assert 'class="path-step step-done"' in body
    assert 'class="path-step step-current" aria-current="step"' in body
    assert 'class="path-step step-next"' in body
    assert advisor.email in body
    assert "/aide/fiches/journees-accueil/" in body  # a task's "how to"
    english = member_client.get(reverse("journeys:journey-mine"),
                                headers={"accept-language": "en"}).content.decode()
    assert "Who: You" in english  # not the French "Who : You"


def test_my_path_offers_the_articles_tagged_for_the_current_stage(
    member_client, cape_journey, agent
):
    def article(title: str, stages: list[str]):
        draft = kb_actions.create_article(by=agent, title=title, summary="S", body="B",
                                          stages=stages)
        return kb_actions.publish_article(draft, by=agent)

    cape = article("Tester son activité", ["cape"])
    article("Devenir associé·e", ["associate"])
    body = member_client.get(reverse("journeys:journey-mine")).content.decode()
    assert cape.get_absolute_url() in body and "Devenir associé·e" not in body


def test_my_path_without_a_journey_offers_the_meetings(member_client, meeting):
    response = member_client.get(reverse("journeys:journey-mine"))
    assert response.status_code == 200
    assert reverse("journeys:meeting-register", args=[meeting.pk]) in response.content.decode()


def test_my_path_shows_overdue_tasks(member_client, cape_journey):
    cape_journey.tasks.filter(key="journees-accueil").update(
        due_date=timezone.localdate() - timedelta(days=3))
    body = member_client.get(reverse("journeys:journey-mine")).content.decode()
    assert "is-overdue" in body


def test_my_path_shows_the_backup_while_the_advisor_is_away(
    member_client, journey, advisor, backup_advisor
):
    advisor.backup_advisor = backup_advisor
    advisor.away_from = timezone.localdate()
    advisor.away_until = timezone.localdate() + timedelta(days=5)
    advisor.save()
    body = member_client.get(reverse("journeys:journey-mine")).content.decode()
    assert backup_advisor.email in body


def test_asking_for_adaptation_from_my_path(member_client, journey, advisor):
    response = member_client.post(reverse("journeys:journey-adapt"),
                                  {"message": "Je fais aussi de la formation"})
    assert response.status_code == 302
    journey.refresh_from_db()
    assert journey.adaptation_requested_at is not None


def test_an_empty_adaptation_request_is_a_form_error(member_client, journey):
    response = member_client.post(reverse("journeys:journey-adapt"), {"message": ""})
    assert response.status_code == 400
    assert response.context["adaptation_form"].errors


def test_member_marks_their_task_done(member_client, cape_journey):
    task = cape_journey.tasks.get(key="journees-accueil")
    response = member_client.post(reverse("journeys:task-complete", args=[task.pk]))
    assert response.status_code == 302 and response.url == reverse("journeys:journey-mine")
    task.refresh_from_db()
    assert task.state == TaskState.DONE


def test_a_task_without_its_document_is_a_form_error(member_client, diagnosis_journey):
    task = diagnosis_journey.tasks.get(key="france-travail")
    response = member_client.post(reverse("journeys:task-complete", args=[task.pk]))
    assert response.status_code == 400
    upload = SimpleUploadedFile("att.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = member_client.post(reverse("journeys:task-complete", args=[task.pk]),
                                  {"document": upload})
    assert response.status_code == 302


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


WELCOME_DAYS = "“Participer aux deux journées d'accueil”"


@pytest.mark.parametrize("who, said", [
    ("advisor", f"The task {WELCOME_DAYS} was already marked as done by Claire."),
    ("member", f"You had already marked the task {WELCOME_DAYS} as done."),
])
def test_completing_a_task_already_done_says_so_and_leads_to_the_path(
    request, member_client, cape_journey, who, said
):
    """What she wanted holds: good news, not the "Not possible right now" page."""
    task = actions.complete_task(
        cape_journey.tasks.get(key="journees-accueil"), by=request.getfixturevalue(who)
    )
    response = member_client.post(reverse("journeys:task-complete", args=[task.pk]))
    assert response.status_code == 302 and response.url == reverse("journeys:journey-mine")
    assert flashed(response) == [said]
    assert JourneyTask.objects.get(pk=task.pk).done_by == request.getfixturevalue(who)


def test_reopening_a_task_already_to_do_says_so(member_client, cape_journey):
    task = cape_journey.tasks.get(key="journees-accueil")
    response = member_client.post(reverse("journeys:task-reopen", args=[task.pk]))
    assert response.status_code == 302 and response.url == reverse("journeys:journey-mine")
    assert flashed(response) == [f"The task {WELCOME_DAYS} is already to do."]


def test_a_task_no_longer_needed_is_409_and_leads_back_to_a_page_that_opens(
    member_client, cape_journey
):
    task = cape_journey.tasks.get(key="journees-accueil")
    JourneyTask.objects.filter(pk=task.pk).update(state=TaskState.DROPPED)
    url = reverse("journeys:task-complete", args=[task.pk])
    on_page = f"http://testserver{reverse('journeys:journey-mine')}"
    response = member_client.post(url, headers={"referer": on_page})
    assert response.status_code == 409
    assert reload_link(response) == on_page  # not the task's POST-only URL (405)
    assert member_client.get(reload_link(response)).status_code == 200


def test_next_is_only_followed_to_this_site(member_client, cape_journey):
    task = cape_journey.tasks.get(key="journees-accueil")
    response = member_client.post(reverse("journeys:task-complete", args=[task.pk]),
                                  {"next": "https://evil.example/"})
    assert response.url == reverse("journeys:journey-mine")


def test_the_advisor_signs_the_cape_and_the_member_sees_the_tasks(
    client, advisor_client, diagnosis_journey, advisor, member
):
    journey = hold(diagnosis_journey, advisor)
    start = timezone.localdate()
    response = advisor_client.post(step_url(journey, "sign-cape"), {
        "version": journey.version, "start": start.isoformat(),
        "end": (add_months(start, 4) - timedelta(days=1)).isoformat(),
    })
    assert response.status_code == 302
    client.force_login(member)
    body = client.get(reverse("journeys:journey-mine")).content.decode()
    assert "Hébergement juridique" in body and "Assurance RC Pro" in body


def test_cape_of_seven_months_is_a_form_error_keeping_the_dates(
    advisor_client, diagnosis_journey, advisor
):
    journey = hold(diagnosis_journey, advisor)
    start = timezone.localdate()
    end = add_months(start, 7)
    response = advisor_client.post(step_url(journey, "sign-cape"), {
        "version": journey.version, "start": start.isoformat(), "end": end.isoformat()})
    assert response.status_code == 400
    assert f'value="{end.isoformat()}"' in response.content.decode()
    assert Journey.objects.get(pk=journey.pk).state == Stage.DIAGNOSIS


@pytest.mark.parametrize("which, why", [
    ("journey", "while the path is at “Information meeting”"),
    ("diagnosis_journey", "The diagnosis has not been held yet: record it before the CAPE."),
])
def test_impossible_step_answers_409_with_a_plain_message(request, advisor_client, which, why):
    journey = request.getfixturevalue(which)
    start = timezone.localdate()
    response = advisor_client.post(step_url(journey, "sign-cape"), {
        "version": journey.version, "start": start.isoformat(),
        "end": add_months(start, 2).isoformat()})
    assert response.status_code == 409
    assert why in response.content.decode()


def test_stale_page_answers_409(advisor_client, journey, advisor):
    stale = journey.version
    actions.advance_journey(journey, by=advisor)
    response = advisor_client.post(step_url(journey, "exit"),
                                   {"version": stale, "reason": "other"})
    assert response.status_code == 409
    assert Journey.objects.get(pk=journey.pk).state == Stage.DIAGNOSIS
    assert reload_link(response) == journey.get_absolute_url()
    assert advisor_client.get(reload_link(response)).status_code == 200


def test_unknown_step_is_404(advisor_client, journey):
    assert advisor_client.post(step_url(journey, "teleport"), {}).status_code == 404


def test_the_whole_path_through_the_advisor_pages(advisor_client, cape_journey, advisor):
    journey = cape_journey
    later = (timezone.localdate() + timedelta(days=1)).isoformat()  # the CAPE began today
    for step, data in [
        ("renew-cape", {"end": add_months(journey.cape_end, 2).isoformat()}),
        ("salaried", {"start": later}),
        ("membership", {"on": later}),
        ("exit", {"reason": ExitReason.MOVED, "note": "Part à Nantes"}),
    ]:
        journey.refresh_from_db()
        response = advisor_client.post(step_url(journey, step), {"version": journey.version,
                                                                 **data})
        assert response.status_code == 302, (step, response.content[:500])
    journey.refresh_from_db()
    assert journey.state == Stage.EXITED and journey.cape_renewals == 1
    response = advisor_client.post(reverse("journeys:journey-reenter", args=[journey.pk]),
                                   {"path": journey.path_id, "stage": "info_meeting"})
    new = Journey.objects.get(member=journey.member, is_latest=True)
    assert response.url == new.get_absolute_url() and new.cycle == 2
    page = advisor_client.get(new.get_absolute_url()).content.decode()
    assert reverse("journeys:journey-detail", args=[journey.pk]) in page  # earlier cycle


def test_switch_path_from_the_detail_page(advisor_client, cape_journey, sap_path):
    response = advisor_client.post(step_url(cape_journey, "switch-path"), {
        "version": cape_journey.version, "path": sap_path.pk, "note": ""})
    assert response.status_code == 302
    assert Journey.objects.get(pk=cape_journey.pk).path == sap_path


def test_the_detail_page_offers_only_possible_steps(advisor_client, cape_journey):
    body = advisor_client.get(cape_journey.get_absolute_url()).content.decode()
    assert step_url(cape_journey, "renew-cape") in body
    assert step_url(cape_journey, "salaried") in body
    assert step_url(cape_journey, "sign-cape") not in body
    assert step_url(cape_journey, "membership") not in body


def test_booking_a_diagnosis_from_the_member_page(member_client, diagnosis_journey, free_slot):
    page = member_client.get(reverse("journeys:slot-list")).content.decode()
    assert reverse("journeys:slot-book", args=[free_slot.pk]) in page
    response = member_client.post(reverse("journeys:slot-book", args=[free_slot.pk]))
    assert response.status_code == 302
    free_slot.refresh_from_db()
    assert free_slot.journey == diagnosis_journey


def test_advisor_offers_a_slot_and_overlaps_are_409(advisor_client, advisor):
    starts = (timezone.localtime() + timedelta(days=3)).replace(minute=0)
    data = {"starts_at": starts.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 60,
            "place": "Lyon"}
    assert advisor_client.post(reverse("journeys:slot-manage"), data).status_code == 302
    assert advisor_client.post(reverse("journeys:slot-manage"), data).status_code == 409


def test_a_slot_in_the_past_is_a_form_error(advisor_client):
    data = {"starts_at": "2020-01-01T10:00", "duration_minutes": 60, "place": "Lyon"}
    response = advisor_client.post(reverse("journeys:slot-manage"), data)
    assert response.status_code == 400 and 'value="Lyon"' in response.content.decode()


@pytest.mark.parametrize("starts_at, error", [
    ("9999-12-31T23:59", "Choose a date no later than "),
    ("9999-12-31 23:59:59", "Choose a date no later than "),
    ("0001-01-01T00:00", "Choose a time in the future."),
])
def test_a_slot_at_the_ends_of_the_calendar_is_a_form_error(advisor_client, advisor, starts_at,
                                                            error):
    """It was a 500: the end of a slot on 31 December 9999 falls after Python's last day."""
    advisor.language = "en"
    advisor.save(update_fields=["language"])
    data = {"starts_at": starts_at, "duration_minutes": 60, "place": "Lyon"}
    response = advisor_client.post(reverse("journeys:slot-manage"), data)
    page = response.content.decode()
    assert response.status_code == 400 and 'value="Lyon"' in page and error in page
    assert not advisor.diagnosis_slots.exists()


def test_the_slot_action_refuses_a_time_years_ahead(advisor):
    from coopdesk.conflicts import Conflict

    with pytest.raises(Conflict):
        actions.add_slot(advisor=advisor, by=advisor, starts_at=timezone.now().replace(year=9999),
                         duration_minutes=60, place="Lyon")


def test_holding_without_summary_is_a_form_error(advisor_client, diagnosis_journey, free_slot,
                                                 member):
    actions.book_slot(free_slot, journey=diagnosis_journey, by=member)
    response = advisor_client.post(reverse("journeys:slot-hold", args=[free_slot.pk]),
                                   {"summary": ""})
    assert response.status_code == 400


def test_dashboard_shows_what_needs_attention(advisor_client, cape_journey, member):
    Journey.objects.filter(pk=cape_journey.pk).update(
        cape_end=timezone.localdate() + timedelta(days=12))
    cape_journey.tasks.filter(key="rc-pro").update(
        due_date=timezone.localdate() - timedelta(days=2))
    body = advisor_client.get(reverse("journeys:advisor-dashboard")).content.decode()
    assert "Assurance RC Pro" in body  # overdue
    assert member.get_full_name() in body  # CAPE ending, without mentor, stage list


def test_coop_overview_counts_the_funnel(client, lead, cape_journey):
    client.force_login(lead)
    response = client.get(reverse("journeys:coop-overview"))
    assert response.status_code == 200
    funnel = response.context["funnel"]
    assert [n for _label, n, _percent in funnel] == [1, 1, 1, 0, 0]
    medians = dict((label, days) for label, days, _n in response.context["medians"])
    assert medians[Stage.INFO_MEETING.label] == 0.0
    assert medians[Stage.SALARIED.label] is None


def test_team_tasks_list_the_teams_onboarding_work(client, legal_agent, cape_journey):
    client.force_login(legal_agent)
    body = client.get(reverse("journeys:team-tasks")).content.decode()
    assert "Hébergement juridique" in body and "Assurance RC Pro" in body
    assert "deux journées" not in body


def test_meeting_list_invites_prospects_to_sign_up(client, meeting):
    body = client.get(reverse("journeys:meeting-list")).content.decode()
    assert reverse("journeys:meeting-signup", args=[meeting.pk]) in body
    assert "2 places left" in body


def test_volunteering_as_mentor(member_client, member):
    response = member_client.post(reverse("journeys:mentor-volunteer"),
                                  {"is_active": "on", "note": "Consultante", "max_mentees": 2})
    assert response.status_code == 302
    assert member.mentor_offer.max_mentees == 2


def test_volunteering_with_a_silly_number_is_a_form_error(member_client):
    response = member_client.post(reverse("journeys:mentor-volunteer"),
                                  {"is_active": "on", "note": "x", "max_mentees": 50})
    assert response.status_code == 400


def test_a_staff_step_says_done_in_the_language_of_each_request(advisor, journey):
    """The form's fields are the action's keyword arguments; the message is translated per
    request, not once for the whole process."""
    said = []
    for language, step, data in (("fr", "advance", {"note": "Vu à la réunion"}),
                                 ("en", "exit", {"reason": ExitReason.OTHER, "note": ""})):
        client = login(advisor)
        client.cookies["django_language"] = language
        journey.refresh_from_db()
        response = client.post(step_url(journey, step), {"version": journey.version, **data},
                               follow=True)
        said += [str(m) for m in response.context["messages"]]
    assert said == ["Enregistré. L'entrepreneur·e le voit dans son parcours.",
                    "Saved. The member can see it on their path."]
    journey.refresh_from_db()
    assert journey.state == Stage.EXITED
    assert journey.events.filter(kind="advanced", note="Vu à la réunion").exists()


def test_a_prospect_menu_offers_what_applies_to_her(client, member, journey, advisor):
    """Before her CAPE contract a prospect has no invoices: the menu offers her path, her
    requests (she may file them), help and services, not "Unpaid invoices". Once she signs,
    "My path" (where the signature shows) brings back the member's menu (cached apart)."""
    def menu() -> str:
        page = client.get(reverse("kb:home")).content.decode()
        return page.split('<ul class="nav">')[1].split("</ul>")[0]

    client.force_login(member)
    links = menu()
    for name in ["journeys:journey-mine", "helpdesk:ticket-list", "helpdesk:ticket-create",
                 "kb:home", "kb:service-list"]:
        assert f'href="{reverse(name)}"' in links
    assert reverse("helpdesk:collection-list") not in links
    to_cape(journey, advisor)
    client.get(reverse("journeys:journey-mine"))
    assert f'href="{reverse("helpdesk:collection-list")}"' in menu()


def test_an_empty_list_offers_no_csv_download(member_client, journey):
    for name in ["helpdesk:ticket-list", "helpdesk:collection-list"]:
        page = member_client.get(reverse(name)).content.decode()
        assert "(CSV)" not in page
