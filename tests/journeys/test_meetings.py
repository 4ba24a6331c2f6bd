"""Information meetings: capacity and waiting list, attendance, and the public sign-up form."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse
from django.utils import timezone
from notifications.models import Notification

from coopdesk.accounts.models import User
from coopdesk.conflicts import Conflict
from journeys import actions
from journeys.models import EventKind, InfoMeeting, Journey, Registration, Stage
from journeys.views.meetings import SIGNUPS_PER_HOUR
from tests.journeys.conftest import future, meeting_now


def test_places_then_waiting_list(meeting, prospect_factory):
    statuses = [
        actions.register_for_meeting(meeting, journey=j, by=j.member).status
        for j in (prospect_factory("A"), prospect_factory("B"), prospect_factory("C"))
    ]
    assert statuses == ["registered", "registered", "waiting"]
    assert InfoMeeting.objects.with_counts().get(pk=meeting.pk).waiting_count == 1


def test_cancelling_gives_the_place_to_the_first_waiting(meeting, prospect_factory):
    first, second, third, fourth = (prospect_factory(n) for n in "ABCD")
    registrations = [actions.register_for_meeting(meeting, journey=j, by=j.member)
                     for j in (first, second, third, fourth)]
    actions.cancel_registration(registrations[0], by=first.member)
    statuses = [Registration.objects.get(pk=r.pk).status for r in registrations]
    assert statuses == ["cancelled", "registered", "registered", "waiting"]
    assert third.events.last().kind == EventKind.PROMOTED
    assert Notification.objects.filter(recipient=third.member, verb=EventKind.PROMOTED).exists()


def test_cancelling_from_the_waiting_list_promotes_nobody(meeting, prospect_factory):
    journeys = [prospect_factory(n) for n in "ABCD"]
    registrations = [actions.register_for_meeting(meeting, journey=j, by=j.member)
                     for j in journeys]
    actions.cancel_registration(registrations[2], by=journeys[2].member)
    assert Registration.objects.get(pk=registrations[3].pk).status == "waiting"


def test_the_meetings_tasks_are_due_by_the_meeting(journey, member, advisor):
    task = journey.tasks.get(key="questions")
    assert task.due_date == timezone.localdate() + timedelta(days=7)
    soon = actions.create_meeting(by=advisor, starts_at=future(3, 9), place="Lyon", capacity=5)
    actions.register_for_meeting(soon, journey=journey, by=member)
    task.refresh_from_db()
    assert task.due_date == timezone.localdate(soon.starts_at)  # not the day after it


def test_registering_twice_is_refused(meeting, journey, member):
    actions.register_for_meeting(meeting, journey=journey, by=member)
    with pytest.raises(Conflict, match="already registered for this meeting"):
        actions.register_for_meeting(meeting, journey=journey, by=member)


def test_one_coming_meeting_at_a_time(meeting, journey, member, advisor):
    actions.register_for_meeting(meeting, journey=journey, by=member)
    other = actions.create_meeting(by=advisor, starts_at=future(9), place="Visio")
    with pytest.raises(Conflict, match="cancel it first"):
        actions.register_for_meeting(other, journey=journey, by=member)


def test_registering_after_the_start_is_refused(journey, member, advisor):
    started = actions.create_meeting(by=advisor, starts_at=future(1), place="Lyon")
    InfoMeeting.objects.filter(pk=started.pk).update(starts_at=timezone.now() - timedelta(1))
    with pytest.raises(Conflict, match="already started"):
        actions.register_for_meeting(started, journey=journey, by=member)


def test_someone_else_cannot_register_a_member(meeting, journey, other_member):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.register_for_meeting(meeting, journey=journey, by=other_member)


def test_attendance_moves_attendees_to_the_diagnosis(advisor, prospect_factory):
    meeting = meeting_now(advisor, capacity=5)
    came, missed = prospect_factory("Emma"), prospect_factory("Léo")
    reg_came = actions.register_for_meeting(meeting, journey=came, by=came.member)
    reg_missed = actions.register_for_meeting(meeting, journey=missed, by=missed.member)
    counts = actions.mark_attendance(meeting, by=advisor, present=[reg_came.pk])
    assert counts == {"attended": 1, "absent": 1, "advanced": 1}
    came.refresh_from_db()
    missed.refresh_from_db()
    assert (came.state, missed.state) == (Stage.DIAGNOSIS, Stage.INFO_MEETING)
    assert Registration.objects.get(pk=reg_missed.pk).status == "absent"
    assert [e.kind for e in came.events.all()][-2:] == [EventKind.ATTENDED, EventKind.ADVANCED]


def test_attendance_can_be_corrected_without_moving_twice(advisor, prospect_factory):
    meeting = meeting_now(advisor)
    journey = prospect_factory()
    registration = actions.register_for_meeting(meeting, journey=journey, by=journey.member)
    actions.mark_attendance(meeting, by=advisor, present=[])
    assert actions.mark_attendance(meeting, by=advisor, present=[registration.pk]) == {
        "attended": 1, "absent": 0, "advanced": 1
    }
    assert actions.mark_attendance(meeting, by=advisor, present=[registration.pk]) == {
        "attended": 0, "absent": 0, "advanced": 0
    }


def test_a_member_further_along_is_not_moved_back(advisor, cape_journey, member):
    meeting = meeting_now(advisor)
    registration = actions.register_for_meeting(meeting, journey=cape_journey, by=member)
    actions.mark_attendance(meeting, by=advisor, present=[registration.pk])
    cape_journey.refresh_from_db()
    assert cape_journey.state == Stage.CAPE


def test_attendance_refused_long_before_the_meeting(meeting, advisor):
    with pytest.raises(Conflict, match="30 minutes"):
        actions.mark_attendance(meeting, by=advisor, present=[])


def test_members_do_not_take_the_roll(member):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.mark_attendance(meeting_now(member.advisor), by=member, present=[])


# --- the public sign-up form -------------------------------------------------------------------


def signup_data(**overrides):
    data = {
        "first_name": "Emma", "last_name": "Laurent", "email": "Emma.Laurent@Exemple.fr",
        "phone": "06 12 34 56 78", "sector": "consulting", "password": "un-Mot-de-passe-42",
        "consent": "on", "website": "",
    }
    data.update(overrides)
    return data


def test_signup_creates_account_journey_and_registration(client, meeting):
    response = client.post(reverse("journeys:meeting-signup", args=[meeting.pk]), signup_data())
    assert response.status_code == 302
    assert response.url == reverse("journeys:signup-done")
    person = User.objects.get(email="emma.laurent@exemple.fr")
    assert (person.role, person.first_name, person.office) == ("member", "Emma", meeting.office)
    journey = Journey.objects.get(member=person)
    assert journey.state == Stage.INFO_MEETING
    assert journey.registrations.get().meeting == meeting
    assert authenticate(username="emma.laurent@exemple.fr", password="un-Mot-de-passe-42")
    assert "_auth_user_id" not in client.session  # the same answer as for a known address


def test_signup_with_a_known_address_changes_nothing(client, meeting, member, sent_mail):
    old_hash = member.password
    data = signup_data(email=member.email.upper(), first_name="Pirate", password="autre-Mot-42")
    response = client.post(reverse("journeys:meeting-signup", args=[meeting.pk]), data)
    assert response.status_code == 302 and response.url == reverse("journeys:signup-done")
    member.refresh_from_db()
    assert (member.password, member.first_name) == (old_hash, "Camille")
    assert User.objects.filter(email__iexact=member.email).count() == 1
    assert not Registration.objects.exists()
    assert "_auth_user_id" not in client.session
    [mail] = sent_mail()  # "you already have an account", in her language (French)
    assert mail.to == [member.email] and "existe déjà" in mail.body


def test_signup_answer_is_the_same_for_known_and_new_addresses(client, meeting, member):
    url = reverse("journeys:meeting-signup", args=[meeting.pk])
    known = client.post(url, signup_data(email=member.email), follow=True)
    new = client.post(url, signup_data(email="nouvelle@exemple.fr"), follow=True)
    assert known.redirect_chain == new.redirect_chain

    def page(response):
        return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", response.content.decode())

    assert page(known) == page(new)


def test_signup_to_a_full_meeting_is_not_told_its_place_is_booked(client, meeting,
                                                                  prospect_factory):
    for name in "AB":
        journey = prospect_factory(name)
        actions.register_for_meeting(meeting, journey=journey, by=journey.member)
    url = reverse("journeys:meeting-signup", args=[meeting.pk])
    response = client.post(url, signup_data(), follow=True)
    assert Registration.objects.get(journey__member__email="emma.laurent@exemple.fr").status \
        == "waiting"
    page = response.content.decode()
    assert "waiting list" in page and "your place is booked" not in page


def test_signup_with_a_free_place_is_told_it_is_booked(client, meeting):
    url = reverse("journeys:meeting-signup", args=[meeting.pk])
    page = client.post(url, signup_data(), follow=True).content.decode()
    assert "your place is booked" in page and "waiting list" not in page


def test_signing_up_on_the_english_page_gives_an_english_account(client, meeting, sent_mail):
    url = reverse("journeys:meeting-signup", args=[meeting.pk])
    client.post(url, signup_data(), headers={"accept-language": "en"})
    assert User.objects.get(email="emma.laurent@exemple.fr").language == "en"
    [mail] = sent_mail()  # the address to confirm, in the language she read the form in
    assert "Please Confirm Your Email Address" in mail.subject
    client.post(url, signup_data(email="jules@exemple.fr"), headers={"accept-language": "fr"})
    assert User.objects.get(email="jules@exemple.fr").language == "fr"


def test_signup_with_bad_input_keeps_what_was_typed(client, meeting):
    data = signup_data(email="pas-une-adresse", password="123", consent="")
    response = client.post(reverse("journeys:meeting-signup", args=[meeting.pk]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="Laurent"' in body and 'value="pas-une-adresse"' in body
    form = response.context["form"]
    assert set(form.errors) >= {"email", "password", "consent"}
    assert not User.objects.filter(last_name="Laurent").exists()


def test_the_public_signup_refuses_a_phone_that_is_not_one(client, meeting):
    url = reverse("journeys:meeting-signup", args=[meeting.pk])
    response = client.post(url, signup_data(phone="abc"), headers={"accept-language": "fr"})
    assert response.status_code == 400
    assert "Saisissez un numéro de téléphone de 6 à 20 chiffres" in response.content.decode()
    assert not User.objects.filter(email="emma.laurent@exemple.fr").exists()


def test_signup_refuses_a_password_like_the_name(client, meeting):
    data = signup_data(password="emmalaurent")
    response = client.post(reverse("journeys:meeting-signup", args=[meeting.pk]), data)
    assert response.status_code == 400 and "password" in response.context["form"].errors


def test_signup_robots_filling_the_hidden_field_get_nothing(client, meeting):
    data = signup_data(website="http://spam.example")
    response = client.post(reverse("journeys:meeting-signup", args=[meeting.pk]), data)
    assert response.status_code == 302
    assert not User.objects.filter(last_name="Laurent").exists()


def test_signup_is_throttled_per_address(client, meeting):
    url = reverse("journeys:meeting-signup", args=[meeting.pk])
    for n in range(SIGNUPS_PER_HOUR):
        assert client.post(url, signup_data(email=f"p{n}@exemple.fr")).status_code == 302
    response = client.post(url, signup_data(email="encore@exemple.fr"))
    assert response.status_code == 429
    assert not User.objects.filter(email="encore@exemple.fr").exists()


def test_signup_for_a_past_meeting_is_not_found(client, meeting):
    InfoMeeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(1))
    response = client.post(reverse("journeys:meeting-signup", args=[meeting.pk]), signup_data())
    assert response.status_code == 404


def test_signup_when_full_goes_to_the_waiting_list(client, meeting, prospect_factory):
    for name in "AB":
        journey = prospect_factory(name)
        actions.register_for_meeting(meeting, journey=journey, by=journey.member)
    client.post(reverse("journeys:meeting-signup", args=[meeting.pk]), signup_data())
    person = User.objects.get(email="emma.laurent@exemple.fr")
    assert Registration.objects.get(journey__member=person).status == "waiting"


def test_logged_in_member_registers_with_their_account(member_client, meeting, member, path):
    response = member_client.post(reverse("journeys:meeting-register", args=[meeting.pk]))
    assert response.status_code == 302
    assert Journey.objects.get(member=member).registrations.get().meeting == meeting


def test_member_cancels_their_registration(member_client, meeting, journey, member):
    actions.register_for_meeting(meeting, journey=journey, by=member)
    response = member_client.post(reverse("journeys:meeting-unregister", args=[meeting.pk]))
    assert response.status_code == 302
    assert journey.registrations.get().status == "cancelled"


def test_staff_creates_a_meeting(advisor_client, advisor):
    starts = (timezone.localtime() + timedelta(days=8)).strftime("%Y-%m-%dT%H:%M")
    data = {"title": "Réunion", "starts_at": starts, "duration_minutes": 120, "place": "Lyon",
            "video_url": "", "capacity": 10, "office": "", "description": ""}
    response = advisor_client.post(reverse("journeys:meeting-create"), data)
    assert response.status_code == 302
    assert InfoMeeting.objects.get().host == advisor


def test_meeting_needs_a_place_or_a_link(advisor_client):
    starts = (timezone.localtime() + timedelta(days=8)).strftime("%Y-%m-%dT%H:%M")
    data = {"title": "Réunion", "starts_at": starts, "duration_minutes": 120, "place": "",
            "video_url": "", "capacity": 10}
    response = advisor_client.post(reverse("journeys:meeting-create"), data)
    assert response.status_code == 400
    assert not InfoMeeting.objects.exists()


@pytest.mark.parametrize("starts_at", ["9999-12-31T23:59", "0001-01-01T00:00"])
def test_a_meeting_at_the_ends_of_the_calendar_is_a_form_error(advisor_client, starts_at):
    data = {"title": "Réunion", "starts_at": starts_at, "duration_minutes": 90, "place": "Lyon",
            "video_url": "", "capacity": 10}
    response = advisor_client.post(reverse("journeys:meeting-create"), data)
    assert response.status_code == 400
    assert not InfoMeeting.objects.exists()


def test_attendance_page_marks_and_moves_forward(advisor_client, advisor, prospect_factory):
    meeting = meeting_now(advisor)
    journey = prospect_factory()
    registration = actions.register_for_meeting(meeting, journey=journey, by=journey.member)
    url = reverse("journeys:meeting-attendance", args=[meeting.pk])
    response = advisor_client.post(url, {"present": [registration.pk]})
    assert response.status_code == 302
    journey.refresh_from_db()
    assert journey.state == Stage.DIAGNOSIS


def test_attendance_with_a_forged_registration_is_a_form_error(advisor_client, advisor, meeting):
    other = meeting_now(advisor)
    url = reverse("journeys:meeting-attendance", args=[other.pk])
    assert advisor_client.post(url, {"present": [999999]}).status_code == 400


def test_raising_the_capacity_moves_the_waiting_list_up(meeting, advisor, prospect_factory):
    journeys = [prospect_factory(name) for name in "ABCD"]
    registrations = [actions.register_for_meeting(meeting, journey=j, by=j.member)
                     for j in journeys]
    InfoMeeting.objects.filter(pk=meeting.pk).update(capacity=3)
    assert actions.fill_freed_places(meeting, by=advisor) == 1
    statuses = [Registration.objects.get(pk=r.pk).status for r in registrations]
    assert statuses == ["registered", "registered", "registered", "waiting"]
    assert journeys[2].events.last().kind == EventKind.PROMOTED


def test_the_settings_page_fills_freed_places(client, admin_user, meeting, prospect_factory):
    journeys = [prospect_factory(name) for name in "ABC"]
    for journey in journeys:
        actions.register_for_meeting(meeting, journey=journey, by=journey.member)
    client.force_login(admin_user)
    url = reverse("admin:journeys_infomeeting_change", args=[meeting.pk])
    data = {
        "title": meeting.title, "starts_at_0": timezone.localtime(meeting.starts_at).strftime(
            "%Y-%m-%d"), "starts_at_1": timezone.localtime(meeting.starts_at).strftime("%H:%M"),
        "duration_minutes": 120, "place": meeting.place, "video_url": "", "capacity": 5,
        "office": "", "host": meeting.host_id, "description": "",
        "registrations-TOTAL_FORMS": 3, "registrations-INITIAL_FORMS": 3,
        "registrations-MIN_NUM_FORMS": 0, "registrations-MAX_NUM_FORMS": 1000,
    }
    for index, registration in enumerate(meeting.registrations.order_by("pk")):
        data[f"registrations-{index}-id"] = registration.pk
        data[f"registrations-{index}-meeting"] = meeting.pk
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors, response.context["inline_admin_formsets"][0]
        .formset.errors)
    assert meeting.registrations.filter(status="registered").count() == 3


def test_the_last_place_taken_meanwhile_puts_her_on_the_waiting_list_and_says_so(
    client, meeting, prospect_factory, monkeypatch
):
    """The page read a free place; someone took the last ones before her sign-up locked
    the meeting."""
    from journeys.views import meetings as views

    sign_up = views.actions.sign_up_prospect

    def others_first(**kwargs):
        for name in "AB":
            journey = prospect_factory(name)
            actions.register_for_meeting(meeting, journey=journey, by=journey.member)
        return sign_up(**kwargs)

    monkeypatch.setattr(views.actions, "sign_up_prospect", others_first)
    url = reverse("journeys:meeting-signup", args=[meeting.pk])
    page = client.post(url, signup_data(), follow=True).content.decode()
    assert "waiting list" in page and "your place is booked" not in page


def test_a_full_meetings_button_says_waiting_list(client, meeting, prospect_factory):
    """The list and the sign-up form name what the button does once the places are gone."""
    meeting.capacity = 1
    meeting.save(update_fields=["capacity"])
    journey = prospect_factory("A")
    actions.register_for_meeting(meeting, journey=journey, by=journey.member)
    listing = client.get(reverse("journeys:meeting-list"), headers={"accept-language": "en"})
    assert ">Join the waiting list</a>" in listing.content.decode()
    form = client.get(reverse("journeys:meeting-signup", args=[meeting.pk]),
                      headers={"accept-language": "en"})
    assert ">Join the waiting list</button>" in form.content.decode()
