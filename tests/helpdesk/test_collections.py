"""Unpaid invoices climb the collections ladder one step at a time, with the member's OK."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from notifications.models import Notification

from coopdesk import notify, outbox
from coopdesk.conflicts import Conflict
from coopdesk.models import Delivery
from helpdesk import actions
from helpdesk.models import CollectionCase, CollectionSettings, Consent, Step
from tests.helpdesk.test_exports import read


@pytest.fixture
def case(agent, member, team):
    return actions.open_collection_case(
        by=agent, member=member, team=team, client_name="Agence Horizon",
        invoice_number="F-31", amount="1850.00", due_date=date(2026, 10, 1),
    )


def no_announce(member):
    CollectionSettings.objects.create(member=member, tell_me_before=False)


def test_allowed_step_is_taken_at_once_and_member_told(case, agent, member):
    no_announce(member)
    actions.propose_next_step(case, by=agent)
    case.refresh_from_db()
    assert case.state == Step.REMINDER_1
    event = case.events.last()
    assert (event.kind, event.from_state, event.to_state, event.actor) == (
        "taken", "awaiting", "reminder_1", agent)
    assert member.notifications.filter(verb="collection.taken").exists()


def test_formal_notice_waits_for_member_ok_by_default(case, agent, member):
    no_announce(member)
    actions.propose_next_step(case, by=agent)
    actions.propose_next_step(case, by=agent)
    actions.propose_next_step(case, by=agent)
    case.refresh_from_db()
    assert case.state == Step.REMINDER_2
    assert case.pending_step == Step.FORMAL_NOTICE
    with pytest.raises(Conflict):
        actions.propose_next_step(case, by=agent)

    actions.set_collection_consent(case, by=member, step=Step.FORMAL_NOTICE, consent=Consent.ALLOW)
    case.refresh_from_db()
    assert case.state == Step.FORMAL_NOTICE
    assert case.pending_step == ""


def test_the_members_ok_starts_the_step_in_the_teams_name_not_hers(case, agent, member,
                                                                    client):
    no_announce(member)
    for _ in range(3):
        actions.propose_next_step(case, by=agent)  # two reminders, then the formal notice held
    actions.set_collection_consent(case, by=member, step=Step.FORMAL_NOTICE, consent=Consent.ALLOW)
    consent, taken = list(case.events.order_by("pk"))[-2:]
    assert (consent.kind, consent.actor, consent.step) == ("consent", member, "formal_notice")
    assert (taken.kind, taken.actor, taken.step) == ("taken", None, "formal_notice")
    told = Notification.objects.get(recipient=member, verb="collection.taken",
                                    data__step="formal_notice")
    with translation.override("fr"):
        assert notify.label(told) == "Étape engagée\u00a0: Mise en demeure"
    with translation.override("en"):
        assert notify.label(told) == "Step started: Formal notice"  # not "sent", not "done"
    client.force_login(member)
    page = client.get(reverse("helpdesk:collection-detail", args=[case.pk]),
                      headers={"accept-language": "fr"}).content.decode()
    assert "Coopdesk</strong> · Étape engagée\u00a0: Mise en demeure" in page
    assert "Camille</strong> · Étape engagée" not in page


def test_the_ladder_shows_the_step_under_way_and_only_the_earlier_ones_done(case, agent,
                                                                           member, client):
    no_announce(member)
    actions.propose_next_step(case, by=agent)
    actions.propose_next_step(case, by=agent)  # at the second reminder
    case.refresh_from_db()
    rows = case.ladder()
    assert [row["done"] for row in rows] == [True, False, False, False]
    assert [row["current"] for row in rows] == [False, True, False, False]
    client.force_login(member)
    url = reverse("helpdesk:collection-detail", args=[case.pk])
    page = client.get(url, headers={"accept-language": "fr"}).content.decode()
    assert page.count(">faite<") == 1 and page.count(">en cours<") == 1
    page = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert page.count(">done<") == 1 and page.count(">under way<") == 1


def test_member_can_hold_a_step_for_one_invoice_only(case, agent, member, team):
    no_announce(member)
    actions.set_collection_consent(case, by=member, step=Step.REMINDER_1, consent=Consent.HOLD)
    actions.propose_next_step(case, by=agent)
    case.refresh_from_db()
    assert case.state == Step.AWAITING and case.pending_step == Step.REMINDER_1

    other = actions.open_collection_case(
        by=agent, member=member, team=team, client_name="Studio", invoice_number="F-40",
        amount="100", due_date=date(2026, 10, 1),
    )
    actions.propose_next_step(other, by=agent)
    other.refresh_from_db()
    assert other.state == Step.REMINDER_1


def test_tell_me_before_announces_then_worker_takes_the_step(case, agent, member):
    actions.propose_next_step(case, by=agent)
    case.refresh_from_db()
    assert case.state == Step.AWAITING and case.scheduled_for is not None
    assert actions.take_announced_steps(now=timezone.now()) == 0
    assert actions.take_announced_steps(now=timezone.now() + timedelta(days=3)) == 1
    case.refresh_from_db()
    assert case.state == Step.REMINDER_1
    assert actions.take_announced_steps(now=timezone.now() + timedelta(days=3)) == 0


def test_member_saying_wait_cancels_an_announced_step(case, agent, member):
    actions.propose_next_step(case, by=agent)
    actions.set_collection_consent(case, by=member, step=Step.REMINDER_1, consent=Consent.HOLD)
    assert actions.take_announced_steps(now=timezone.now() + timedelta(days=3)) == 0
    case.refresh_from_db()
    assert case.state == Step.AWAITING and case.pending_step == Step.REMINDER_1


def test_only_the_member_decides_and_only_agents_climb(case, agent, member, other_member,
                                                        outside_agent):
    with pytest.raises(PermissionDenied):
        actions.set_collection_consent(case, by=agent, step=Step.REMINDER_1,
                                       consent=Consent.HOLD)
    with pytest.raises(PermissionDenied):
        actions.propose_next_step(case, by=outside_agent)
    with pytest.raises(PermissionDenied):
        actions.propose_next_step(case, by=member)


def test_paid_case_cannot_climb_and_past_steps_cannot_change(case, agent, member):
    no_announce(member)
    actions.propose_next_step(case, by=agent)
    with pytest.raises(Conflict):
        actions.set_collection_consent(case, by=member, step=Step.REMINDER_1,
                                       consent=Consent.HOLD)
    actions.mark_case_paid(case, by=agent)
    with pytest.raises(Conflict):
        actions.propose_next_step(case, by=agent)
    with pytest.raises(Conflict):
        actions.mark_case_paid(case, by=agent)


def test_stale_form_is_refused(case, agent, member, client):
    client.force_login(member)
    url = reverse("helpdesk:collection-consent", args=[case.pk])
    response = client.post(url, {"version": case.version + 5, "step": "reminder_1",
                                 "consent": "hold"})
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.overrides == {}


def test_member_pages_show_only_their_cases(case, member, other_member, client):
    client.force_login(other_member)
    assert client.get(reverse("helpdesk:collection-detail", args=[case.pk])).status_code == 404
    assert "F-31" not in client.get(reverse("helpdesk:collection-list")).content.decode()
    response = client.post(reverse("helpdesk:collection-consent", args=[case.pk]),
                           {"version": case.version, "step": "reminder_1", "consent": "hold"})
    assert response.status_code == 404
    client.force_login(member)
    page = client.get(reverse("helpdesk:collection-detail", args=[case.pk]))
    assert page.status_code == 200 and "Agence Horizon" in page.content.decode()


def test_member_cannot_run_agent_steps(case, member, client):
    client.force_login(member)
    response = client.post(reverse("helpdesk:collection-step", args=[case.pk, "paid"]),
                           {"version": case.version})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == Step.AWAITING


def test_advisor_sees_member_cases(case, advisor, client):
    client.force_login(advisor)
    assert client.get(reverse("helpdesk:collection-detail", args=[case.pk])).status_code == 200


def test_agent_opens_case_for_a_member_by_email(agent, member, team, client):
    client.force_login(agent)
    response = client.post(reverse("helpdesk:collection-create"), {
        "member": member.email.upper(), "team": team.pk, "client_name": "Bâti Sud",
        "invoice_number": "F-14", "amount": "2400", "due_date": "2026-10-20",
    })
    case = CollectionCase.objects.get()
    assert response.status_code == 302 and case.member == member
    bad = client.post(reverse("helpdesk:collection-create"), {
        "member": "nobody@example.test", "team": team.pk, "client_name": "X",
        "invoice_number": "F-15", "amount": "-3", "due_date": "2026-10-20",
    })
    assert bad.status_code == 400
    assert "No member has this e-mail address." in bad.content.decode()


def test_member_saves_default_preferences(member, client):
    client.force_login(member)
    response = client.post(reverse("helpdesk:collection-settings"), {
        "reminder_1": "hold", "reminder_2": "allow", "formal_notice": "hold",
        "litigation": "hold",
    })
    assert response.status_code == 302
    saved = CollectionSettings.objects.get(member=member)
    assert saved.reminder_1 == "hold" and saved.tell_me_before is False


# --- by e-mail: the member hears of each step at once, and may still say wait ---------------


def test_announced_step_emails_the_member_who_can_still_say_wait(case, agent, member, advisor,
                                                                client, mailoutbox, settings):
    settings.SITE_URL = "https://coop.example"
    outbox.send_pending()  # "case opened"
    mailoutbox.clear()
    actions.propose_next_step(case, by=agent)
    assert outbox.send_pending() == 1  # the advisor reads it in the next daily summary
    [mail] = mailoutbox
    assert mail.to == [member.email]
    assert mail.subject == "Étape annoncée : Première relance – Facture F-31 – Agence Horizon"
    assert ("Sans réponse de votre part, l'équipe passera à l'étape "
            "«\u00a0Première relance\u00a0» le") in mail.body
    url = f"https://coop.example{case.get_absolute_url()}"
    assert url in mail.body and "Répondre à l'équipe" in mail.alternatives[0][0]
    client.force_login(member)
    page = client.get(url.removeprefix(settings.SITE_URL))
    consent = reverse("helpdesk:collection-consent", args=[case.pk])
    assert page.status_code == 200 and consent in page.content.decode()  # where to say wait
    assert outbox.send_pending(now=timezone.now() + timedelta(hours=1)) == 0  # once
    assert Notification.objects.get(recipient=advisor, verb="collection.scheduled").data[
        "delivery"] == Delivery.DIGEST


def test_a_step_held_for_the_member_asks_for_their_ok_by_email(case, agent, member,
                                                               mailoutbox):
    no_announce(member)
    for _ in range(3):
        actions.propose_next_step(case, by=agent)
    outbox.send_pending()
    [asked] = [mail for mail in mailoutbox if "Mise en demeure" in mail.subject]
    assert asked.subject.startswith("Étape proposée, en attente de votre accord")
    assert "L'équipe attend votre accord avant l'étape «\u00a0Mise en demeure\u00a0»" in asked.body
    taken = [mail.subject for mail in mailoutbox if mail.subject.startswith("Étape engagée")]
    assert len(taken) == 2  # the two reminders the member had allowed


def test_each_reader_is_spoken_to_in_her_own_words(case, agent, member, client):
    CollectionSettings.objects.create(member=member, reminder_1=Consent.HOLD)
    actions.propose_next_step(case, by=agent)
    detail = reverse("helpdesk:collection-detail", args=[case.pk])
    listing = reverse("helpdesk:collection-list")
    client.force_login(member)
    page = client.get(detail, headers={"accept-language": "fr"}).content.decode()
    assert "attend votre accord" in page and "l'entrepreneur·e" not in page
    assert "1\xa0850,00 €" in page  # the amount as French readers write it
    assert "Première relance\u00a0: votre accord" in client.get(
        listing, headers={"accept-language": "fr"}).content.decode()
    told = Notification.objects.filter(recipient=member, verb="collection.proposed").get()
    assert notify.label(told) == (
        "Étape proposée, en attente de votre accord\u00a0: Première relance")
    actions.set_collection_consent(case, by=member, step=Step.REMINDER_1, consent=Consent.ALLOW)
    page = client.get(detail, headers={"accept-language": "en"}).content.decode()
    assert "Your choice: First reminder (“OK, go ahead”)" in page
    client.force_login(agent)
    page = client.get(detail, headers={"accept-language": "en"}).content.decode()
    assert "€1,850.00 due on" in page
    assert "Member&#x27;s choice: First reminder (“OK, go ahead”)" in page
    # The symbol goes where English writes it, as in the e-mails.
    assert "€1,850.00" in client.get(listing, headers={"accept-language": "en"}).content.decode()
    assert "1\xa0850,00 €" in client.get(
        listing, headers={"accept-language": "fr"}).content.decode()


def test_a_paid_case_shows_only_the_steps_taken_as_done(case, agent, member, client):
    no_announce(member)
    actions.propose_next_step(case, by=agent)  # first reminder, taken
    actions.mark_case_paid(case, by=agent)
    case.refresh_from_db()
    assert [row["done"] for row in case.ladder()] == [True, False, False, False]
    client.force_login(member)
    page = client.get(reverse("helpdesk:collection-detail", args=[case.pk]),
                      headers={"accept-language": "en"}).content.decode()
    assert page.count("not taken") == 3 and page.count(">taken<") == 1


def test_a_closed_case_is_at_no_step(case, agent, member):
    no_announce(member)
    actions.propose_next_step(case, by=agent)
    actions.stop_case(case, by=agent)
    case.refresh_from_db()
    assert not any(row["current"] for row in case.ladder())


# --- how late an unpaid invoice is, in words -----------------------------------------------------

PARIS = ZoneInfo("Europe/Paris")


def on(*args: int):
    """The clock at a Paris time (the cooperative's local time, settings.TIME_ZONE)."""
    return time_machine.travel(datetime(*args, tzinfo=PARIS), tick=False)


def test_an_unpaid_invoice_says_how_late_it_is_by_the_local_date(case):
    # Due on 1 October: 23:30 in Paris is still that day, 00:30 the next is a day late (it
    # is still 1 October in UTC then).
    with on(2026, 9, 30, 12):
        assert (case.days_overdue, case.lateness) == (None, "")
    with translation.override("en"):
        with on(2026, 10, 1, 23, 30):
            assert (case.days_overdue, case.lateness) == (0, "Due today")
        with on(2026, 10, 2, 0, 30):
            assert (case.days_overdue, case.lateness) == (1, "1 day overdue")
        with on(2026, 10, 13, 9):
            assert case.lateness == "12 days overdue"
    with translation.override("fr"):
        with on(2026, 10, 1, 9):
            assert case.lateness == "Échéance aujourd’hui"
        with on(2026, 10, 2, 9):
            assert case.lateness == "En retard de 1 jour"
        with on(2026, 10, 13, 9):
            assert case.lateness == "En retard de 12 jours"


@pytest.mark.parametrize("close", [actions.mark_case_paid, actions.stop_case])
def test_a_paid_or_stopped_invoice_is_late_no_more(case, agent, close):
    close(case, by=agent)
    case.refresh_from_db()
    with on(2026, 10, 13, 9):
        assert (case.days_overdue, case.lateness) == (None, "")


def test_the_member_and_the_team_read_how_late_the_invoice_is(case, member, agent, client):
    detail = reverse("helpdesk:collection-detail", args=[case.pk])
    listing = reverse("helpdesk:collection-list")
    with on(2026, 10, 13, 9):
        for person in (member, agent):
            client.force_login(person)
            for url in (listing, detail):
                page = client.get(url, headers={"accept-language": "fr"}).content.decode()
                assert "En retard de 12 jours" in page, (person.first_name, url)
            page = client.get(listing, headers={"accept-language": "en"}).content.decode()
            assert "12 days overdue" in page
            rows = read(client.get(reverse("helpdesk:collection-export")))
            assert rows[1][6] == "12"
        actions.mark_case_paid(case, by=agent)
        for url in (listing, detail):
            assert "En retard" not in client.get(
                url, headers={"accept-language": "fr"}).content.decode()


def test_the_list_reads_the_same_queries_however_many_invoices_are_late(case, agent, member,
                                                                         team, client):
    client.force_login(agent)
    listing = reverse("helpdesk:collection-list")

    def count() -> int:
        client.get(listing)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(listing).status_code == 200
        return len(captured)

    with on(2026, 10, 13, 9):
        before = count()
        for n in range(4):
            actions.open_collection_case(
                by=agent, member=member, team=team, client_name="Agence Horizon",
                invoice_number=f"F-4{n}", amount="100.00", due_date=date(2026, 9, 1 + n),
            )
        assert count() == before


def test_the_list_names_its_column_for_every_state_not_only_the_ladders_steps(case, member,
                                                                              client):
    # "Awaiting payment" and "Paid" are where an invoice stands, not steps of the ladder.
    client.force_login(member)
    listing = reverse("helpdesk:collection-list")
    page = client.get(listing, headers={"accept-language": "fr"}).content.decode()
    assert '<th scope="col">Où en est la facture</th>' in page
    assert 'data-label="Où en est la facture"' in page and ">Étape<" not in page
    assert "En attente de paiement" in page
    page = client.get(listing, headers={"accept-language": "en"}).content.decode()
    assert '<th scope="col">Where it stands</th>' in page
    assert read(client.get(reverse("helpdesk:collection-export")))[0][7] == "Where it stands"


def test_the_history_and_the_help_say_the_choices_in_the_buttons_words(case, member, client):
    actions.set_collection_consent(case, by=member, step=Step.REMINDER_1, consent=Consent.HOLD)
    client.force_login(member)
    fr = {"accept-language": "fr"}
    page = client.get(reverse("helpdesk:collection-detail", args=[case.pk]),
                      headers=fr).content.decode()
    assert "Votre choix\u00a0: Première relance («\u00a0Attendre mon accord\u00a0»)" in page
    assert "D'accord, allez-y pour «\u00a0Première relance\u00a0»" in page  # her button
    listing = client.get(reverse("helpdesk:collection-list"), headers=fr).content.decode()
    assert "«\u00a0D'accord, allez-y\u00a0» ou «\u00a0Attendre mon accord\u00a0»" in listing
    told = Notification.objects.get(recipient=member.advisor, verb="collection.consent")
    with translation.override("fr"):
        assert notify.label(told).endswith("(«\u00a0Attendre mon accord\u00a0»)")


def test_the_demo_help_article_names_the_steps_and_choices_as_the_pages_do():
    from kb.demo import UNPAID

    for words in ("Première relance", "Deuxième relance", "Mise en demeure",
                  "«\u00a0D'accord, allez-y\u00a0»", "«\u00a0Attendre mon accord\u00a0»",
                  "Ce que le service peut faire sans me"):
        assert words in UNPAID
    assert "Relance 1" not in UNPAID and "*OK*" not in UNPAID
