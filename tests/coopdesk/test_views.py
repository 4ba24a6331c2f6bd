"""Notification centre, preferences, follow / mute: permissions and effects."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from notifications.models import Notification

from coopdesk import notify
from coopdesk.accounts.models import Role
from coopdesk.models import Delivery, NotificationPreference, TicketSubscription
from helpdesk import actions
from tests.factories import UserFactory


@pytest.fixture
def steps(ticket, agent):
    actions.claim_ticket(ticket, by=agent)
    actions.add_reply(ticket, by=agent, body="Quel montant ?", then="wait")
    actions.resolve_ticket(ticket, by=agent)
    return Notification.objects.filter(recipient=ticket.requester).order_by("pk")


def test_every_page_needs_login(client, ticket, steps):
    pages = [
        ("get", reverse("coopdesk:notification-list")),
        ("get", reverse("coopdesk:notification-open", args=[steps[0].pk])),
        ("post", reverse("coopdesk:notification-read", args=[steps[0].pk])),
        ("post", reverse("coopdesk:notification-read-all")),
        ("get", reverse("coopdesk:preference-edit")),
        ("post", reverse("helpdesk:subscription-set", args=[ticket.pk])),
    ]
    for method, url in pages:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert Notification.objects.filter(unread=True).count() == Notification.objects.count()


def test_centre_lists_unread_first_and_links_to_the_request(member_client, ticket, steps):
    Notification.objects.filter(pk=steps[2].pk).update(unread=False)  # the newest is read
    response = member_client.get(reverse("coopdesk:notification-list"))
    assert response.status_code == 200
    ids = [item["id"] for item in response.context["items"]]
    assert ids == [steps[1].pk, steps[0].pk, steps[2].pk]
    assert response.context["unread"] == 2
    page = response.content.decode()
    assert "A question for you" in page or "Une question" in page
    assert reverse("coopdesk:notification-open", args=[steps[0].pk]) in page


def test_opening_marks_read_and_shows_the_request(member_client, ticket, steps):
    response = member_client.get(reverse("coopdesk:notification-open", args=[steps[0].pk]))
    assert response.status_code == 302 and response["Location"] == ticket.get_absolute_url()
    still_unread = Notification.objects.filter(unread=True, pk__in=[n.pk for n in steps])
    assert set(still_unread) == {steps[1], steps[2]}


def test_opening_what_moved_out_of_reach_says_so_instead_of_a_404(
    agent, agent_client, ticket, other_team
):
    notification = Notification.objects.filter(recipient=agent).first()
    actions.transfer_ticket(ticket, by=agent, to_team=other_team, reason="Pour le juridique.")
    response = agent_client.get(reverse("coopdesk:notification-open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("coopdesk:notification-list")


def test_mark_one_and_all_as_read(member_client, steps):
    url = reverse("coopdesk:notification-read", args=[steps[1].pk])
    response = member_client.post(url, HTTP_ACCEPT="application/json")
    assert response.json() == {"unread": 2}
    response = member_client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("coopdesk:notification-list")
    response = member_client.post(reverse("coopdesk:notification-read-all"),
                                  {"next": "/demandes/"})
    assert response["Location"] == "/demandes/"
    assert not Notification.objects.filter(pk__in=steps, unread=True).exists()


@pytest.mark.parametrize("next_", ["0", "demandes", "javascript:alert(1)", "//evil.example/"])
def test_a_next_that_is_not_a_path_here_leads_to_the_page_itself(member_client, ticket, steps,
                                                                   next_):
    response = member_client.post(reverse("coopdesk:notification-read-all"), {"next": next_})
    assert response["Location"] == reverse("coopdesk:notification-list")
    response = member_client.post(reverse("helpdesk:subscription-set", args=[ticket.pk]),
                                  {"mode": "mute", "next": next_})
    assert response["Location"] == ticket.get_absolute_url()


def test_another_persons_notification_is_not_found(client, other_member, steps, advisor):
    client.force_login(other_member)
    theirs = steps[0].pk
    assert client.get(reverse("coopdesk:notification-open", args=[theirs])).status_code == 404
    assert client.post(reverse("coopdesk:notification-read", args=[theirs])).status_code == 404
    client.post(reverse("coopdesk:notification-read-all"))
    assert Notification.objects.get(pk=theirs).unread
    page = client.get(reverse("coopdesk:notification-list")).content.decode()
    assert steps[0].data["subject"] not in page


def test_preferences_show_defaults_and_save_choices(member_client, member):
    url = reverse("coopdesk:preference-edit")
    response = member_client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["waiting"].initial == Delivery.EMAIL and "note" not in form.fields
    choices = {name: field.initial for name, field in form.fields.items()}
    choices["replied"] = Delivery.DIGEST
    assert member_client.post(url, choices).status_code == 302
    assert list(NotificationPreference.objects.values_list("user", "kind", "delivery")) == [
        (member.pk, "replied", Delivery.DIGEST)
    ]


def test_preferences_form_errors_keep_the_other_choices(member_client):
    response = member_client.post(reverse("coopdesk:preference-edit"),
                                  {"waiting": "app", "resolved": "carrier-pigeon"})
    assert response.status_code == 400
    assert response.context["form"]["waiting"].value() == "app"
    assert not NotificationPreference.objects.exists()


def test_follow_and_mute_a_request(client, lead, member, ticket):
    url = reverse("helpdesk:subscription-set", args=[ticket.pk])
    client.force_login(lead)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert 'value="mute"' in page  # unassigned: the whole team hears of it
    assert client.post(url, {"mode": "follow"}).status_code == 302
    assert TicketSubscription.objects.get(user=lead).mode == "follow"
    assert client.post(url, {"mode": "shout"}).status_code == 400
    client.force_login(member)
    client.post(url, {"mode": "mute"})
    assert TicketSubscription.objects.get(user=member).mode == "mute"
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert 'name="mode" value="default"' in page and 'value="mute"' not in page


def test_the_card_reads_this_readers_choice_and_watching(
    client, agent, other_agent, member, ticket
):
    """The request's page reads the card's two facts in its own query: for its reader only."""
    actions.assign_ticket(ticket, by=other_agent, to=other_agent)  # not the whole team's now
    TicketSubscription.objects.create(user=other_agent, ticket=ticket, mode="mute")
    TicketSubscription.objects.create(user=member, ticket=ticket, mode="follow")
    client.force_login(agent)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert 'value="follow"' in page and 'value="default"' not in page
    ticket.watchers.add(agent)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert 'value="mute"' in page and 'value="default"' not in page
    TicketSubscription.objects.create(user=agent, ticket=ticket, mode="mute")
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert 'value="default"' in page and 'value="mute"' not in page
    with CaptureQueriesContext(connection) as queries:
        client.get(ticket.get_absolute_url())
    assert not [q for q in queries.captured_queries if q["sql"].startswith(
        ('SELECT "coopdesk_ticketsubscription"', 'SELECT 1 AS "a" FROM "accounts_user"')
    )]


def test_foreign_request_cannot_be_followed(client, other_member, outside_agent, ticket):
    url = reverse("helpdesk:subscription-set", args=[ticket.pk])
    for person in (other_member, outside_agent):
        client.force_login(person)
        assert client.post(url, {"mode": "follow"}).status_code == 404
    assert not TicketSubscription.objects.exists()


def test_every_page_has_the_live_menu_without_reading_notifications(member_client):
    # The badge and the menu come over the socket: pages pay no query for them.
    with CaptureQueriesContext(connection) as queries:
        page = member_client.get(reverse("helpdesk:ticket-list")).content.decode()
    assert 'id="live-badge"' in page and "js/live.js" in page and 'id="live-config"' in page
    assert not [q for q in queries.captured_queries if "notifications_notification" in q["sql"]]


def test_the_bells_dates_are_written_like_the_pages(member_client):
    """English pages write 5 Dec 2026 (coopdesk/formats/en): the bell's Intl locale must not
    be plain "en", which writes Dec 5."""
    url = reverse("helpdesk:ticket-list")
    for language, locale in (("en", "en-GB"), ("fr", "fr")):
        page = member_client.get(url, headers={"accept-language": language}).content.decode()
        config = json.loads(page.split('id="live-config" type="application/json">')[1]
                            .split("</script>")[0])
        assert config["locale"] == locale


def test_preferences_offer_paths_invoices_and_tutorials_to_those_they_concern(client, member,
                                                                             agent):
    url = reverse("coopdesk:preference-edit")
    client.force_login(member)
    response = client.get(url)
    form = response.context["form"]
    assert {"journey", "reminder", "collection", "kb"} <= set(form.fields)
    assert form["reminder"].initial == form["collection"].initial == Delivery.EMAIL
    assert form["kb"].initial == Delivery.DIGEST
    assert "Le suivi d&#x27;une facture impayée" in response.content.decode()
    choices = {name: field.initial for name, field in form.fields.items()}
    assert client.post(url, {**choices, "collection": Delivery.APP}).status_code == 302
    assert notify.preferences_for(member)["collection"] == Delivery.APP

    client.force_login(agent)  # no path nor unpaid invoice of their own to hear of
    form = client.get(url).context["form"]
    assert {"reminder", "kb", "note"} <= set(form.fields)
    assert not {"journey", "collection"} & set(form.fields)


def test_each_role_gets_its_own_menu_in_its_language(client, member, agent, advisor):
    """The menu is cached per role and language: one person's menu never reaches another."""
    queues = f'href="{reverse("helpdesk:queue-list")}"'
    my_path = f'href="{reverse("journeys:journey-mine")}"'
    client.force_login(member)
    page = client.get(reverse("kb:home")).content.decode()
    assert my_path in page and queues not in page and "Mon parcours" in page
    client.force_login(agent)
    page = client.get(reverse("kb:home")).content.decode()
    assert queues in page and my_path not in page
    agent.is_staff = True
    agent.save()
    assert f'href="{reverse("admin:index")}"' in client.get(reverse("kb:home")).content.decode()
    client.force_login(member)
    page = client.get(reverse("kb:home"), headers={"accept-language": "en"}).content.decode()
    assert "My path" in page and queues not in page
    client.force_login(advisor)
    page = client.get(reverse("kb:home")).content.decode()
    assert f'href="{reverse("journeys:advisor-dashboard")}"' in page and my_path not in page


def test_the_admin_names_apps_in_french_and_shows_the_site_icon(client, db):
    """The admin index said "ACCOUNTS" in English among French names, and its pages named no
    icon, so every one of them asked for a missing /favicon.ico."""
    client.force_login(UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:index"), headers={"accept-language": "fr"}).content.decode()
    assert "Personnes et antennes" in page and ">Accounts<" not in page
    assert page.count(">Comptes</a>") == 1  # allauth's e-mail addresses, not two "Comptes"
    assert 'rel="icon" href="/static/favicon.svg"' in page


def test_pages_tell_scripts_the_site_time_zone(client, member):
    """The bell menu formats its times in this zone, as the pages do, not the device's."""
    client.force_login(member)
    page = client.get(reverse("coopdesk:notification-list")).content.decode()
    assert '<body data-time-zone="Europe/Paris"' in page
