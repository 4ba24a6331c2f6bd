"""Someone asks for the erasure of their account: the administrators, who carry it out, are
told the way every step is told (in the app, live, by e-mail as each chose), and the person
sees where their request stands."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from notifications.models import Notification

from coopdesk import notify, outbox
from coopdesk.accounts.erasure import ask_erasure, erase_account
from coopdesk.accounts.models import Role
from coopdesk.models import (
    Delivery,
    ErasureRequest,
    NoticeKind,
    NotificationPreference,
    OutboxEmail,
    OutboxStatus,
)
from tests.accounts.conftest import LAST_NAME
from tests.conftest import login
from tests.factories import UserFactory


@pytest.fixture
def english_admin(db):
    return UserFactory(first_name="Sam", role=Role.ADMIN, is_staff=True, language="en")


def later() -> datetime:
    return timezone.now() + timedelta(seconds=1)


def told(asked: ErasureRequest) -> list[Notification]:
    return list(Notification.objects.filter(verb="erasure.asked", target_object_id=asked.pk))


def test_the_administrators_hear_of_it_live_and_nobody_else(
    camille, admin_user, english_admin, advisor, agent, lead, other_member, pushed,
    django_capture_on_commit_callbacks,
):
    UserFactory(role=Role.ADMIN, is_staff=True, is_active=False)  # gone
    UserFactory(role=Role.ADMIN, is_staff=False)  # no access to the admin site
    with django_capture_on_commit_callbacks(execute=True):
        asked = ask_erasure(camille)

    notifications = told(asked)
    assert {n.recipient for n in notifications} == {admin_user, english_admin}
    assert all(n.actor == camille and n.target == asked for n in notifications)
    assert sorted(group for group, _message in pushed) == sorted(
        notify.user_group(user.pk) for user in (admin_user, english_admin)
    )
    assert {message["type"] for _group, message in pushed} == {"notification"}


def test_asking_twice_tells_once(camille, admin_user, pushed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        asked = ask_erasure(camille)
    with django_capture_on_commit_callbacks(execute=True):
        assert ask_erasure(camille) == asked
    assert len(told(asked)) == 1 and len(pushed) == 1
    assert OutboxEmail.objects.count() == 1


def test_an_administrator_asking_does_not_tell_themself(admin_user, english_admin):
    asked = ask_erasure(admin_user)
    assert [n.recipient for n in told(asked)] == [english_admin]


def test_it_names_the_person_in_the_readers_language(camille, admin_user):
    [notification] = told(ask_erasure(camille))
    words = notify.serialize(notification)["i18n"]
    assert words["fr"] == {
        "text": "Effacement de compte demandé", "about": f"Compte de Camille {LAST_NAME}"
    }
    assert words["en"] == {
        "text": "Account erasure requested", "about": f"Account of Camille {LAST_NAME}"
    }


def test_each_administrator_gets_an_email_in_their_language_linking_to_the_erasure(
    camille, admin_user, english_admin, mailoutbox, settings
):
    settings.SITE_URL = "https://coop.example"
    asked = ask_erasure(camille)
    asked.requested_at = timezone.make_aware(datetime(2026, 12, 5, 10))
    asked.save()

    assert outbox.send_pending(now=later()) == 2
    mails = {mail.to[0]: mail for mail in mailoutbox}
    link = f"https://coop.example/admin/coopdesk/erasurerequest/?user__id__exact={camille.pk}"
    french, english = mails[admin_user.email], mails[english_admin.email]
    assert french.subject == f"Effacement de compte demandé – Compte de Camille {LAST_NAME}"
    assert "au plus tard le 5 janvier 2027" in french.body and link in french.body
    assert "Voir la demande d'effacement" in french.body
    assert english.subject == f"Account erasure requested – Account of Camille {LAST_NAME}"
    assert "by 5 January 2027" in english.body and link in english.body


def test_delivery_follows_each_administrators_choice(
    camille, admin_user, english_admin, mailoutbox, settings
):
    settings.DIGEST_HOUR = 0
    NotificationPreference.objects.create(
        user=english_admin, kind=NoticeKind.ERASURE, delivery=Delivery.DIGEST
    )
    other = UserFactory(role=Role.ADMIN, is_staff=True)
    NotificationPreference.objects.create(
        user=other, kind=NoticeKind.ERASURE, delivery=Delivery.APP
    )
    notifications = {n.recipient: n for n in told(ask_erasure(camille))}
    assert notifications[admin_user].data["delivery"] == Delivery.EMAIL  # the default
    assert notifications[english_admin].data["delivery"] == Delivery.DIGEST
    assert notifications[other].data["delivery"] == Delivery.APP
    assert list(OutboxEmail.objects.values_list("recipient", flat=True)) == [admin_user.pk]

    assert outbox.queue_digests(now=later()) == 1
    assert outbox.send_pending(now=later()) == 2
    [summary] = [mail for mail in mailoutbox if mail.to == [english_admin.email]]
    assert f"Account of Camille {LAST_NAME}" in summary.body
    assert "Account erasure requested (Camille)" in summary.body
    assert not [mail for mail in mailoutbox if mail.to == [other.email]]


def test_only_administrators_choose_how_they_hear_of_it(admin_user, agent, lead, advisor, member):
    assert NoticeKind.ERASURE in dict(notify.kinds_for(admin_user))
    assert not any(NoticeKind.ERASURE in dict(notify.kinds_for(user))
                   for user in (agent, lead, advisor, member))
    response = login(admin_user).get(reverse("coopdesk:preference-edit"))
    assert 'name="erasure"' in response.content.decode()


def test_admins_default_to_their_own_role_then_to_the_agents(admin_user):
    assert notify.default_delivery(admin_user, NoticeKind.ERASURE) == Delivery.EMAIL
    assert notify.default_delivery(admin_user, NoticeKind.ASSIGNED) == Delivery.EMAIL  # agents'
    assert notify.default_delivery(admin_user, NoticeKind.NOTE) == Delivery.APP


def test_no_email_once_the_account_is_erased(camille, admin_user, english_admin, mailoutbox):
    asked = ask_erasure(camille)
    erase_account(camille, by=admin_user)
    assert told(asked) == [] and not OutboxEmail.objects.exists()  # they named her
    assert outbox.send_pending(now=later()) == 0 and mailoutbox == []


def test_no_email_to_someone_no_longer_administrator(camille, admin_user, mailoutbox):
    ask_erasure(camille)
    admin_user.role, admin_user.is_superuser = Role.AGENT, False
    admin_user.save()
    assert outbox.send_pending(now=later()) == 0
    assert OutboxEmail.objects.get().status == OutboxStatus.FAILED


def test_the_notification_opens_the_erasure_where_it_is_done(camille, admin_user, other_member):
    ask_erasure(other_member)
    asked = ask_erasure(camille)
    asked.requested_at = timezone.make_aware(datetime(2027, 1, 31, 10))
    asked.save()
    [notification] = told(asked)
    client = login(admin_user)
    response = client.get(reverse("coopdesk:notification-open", args=[notification.pk]))
    url = reverse("admin:coopdesk_erasurerequest_changelist")
    assert response["Location"] == f"{url}?user__id__exact={camille.pk}"
    page = client.get(response["Location"]).content.decode()
    assert LAST_NAME in page and other_member.last_name not in page
    assert 'value="erase"' in page
    assert "À effectuer au plus tard le" in page and "28 février 2027" in page


def test_the_person_sees_since_when_it_waits_and_what_happens_then(camille, client):
    client.force_login(camille)
    client.post(reverse("accounts:erasure-ask"), {"confirm": "on"})
    asked = ErasureRequest.objects.get(user=camille)
    asked.requested_at = timezone.make_aware(datetime(2026, 12, 5, 10))
    asked.save()
    for name in ["accounts:profile-edit", "accounts:erasure-ask"]:
        page = client.get(reverse(name)).content.decode().replace("&#x27;", "'")
        assert "le 5 décembre 2026" in page and "jusqu'au 5 janvier 2027" in page
        assert "aucun e-mail ne le confirme" in page


@pytest.mark.parametrize("asked, due", [
    ((2026, 12, 5), (2027, 1, 5)),
    ((2027, 1, 31), (2027, 2, 28)),
    ((2028, 1, 30), (2028, 2, 29)),
    ((2027, 3, 31), (2027, 4, 30)),
])
def test_the_month_to_answer_ends_the_same_day_of_the_next_month_or_its_last(asked, due):
    request = ErasureRequest(requested_at=timezone.make_aware(datetime(*asked, 12)))
    assert request.answer_by == datetime(*due).date()
