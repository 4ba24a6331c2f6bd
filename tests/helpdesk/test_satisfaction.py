"""How were you served? When the member is asked, the e-mail's one-click links and their
token, the answer (and its change), the alert to the team lead, the member's choice not to
be asked, and the results per team and month."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from notifications.models import Notification

from coopdesk import outbox
from coopdesk.conflicts import Conflict
from coopdesk.models import OutboxEmail
from helpdesk import actions, satisfaction
from helpdesk.models import (
    EventKind,
    Satisfaction,
    SatisfactionOptOut,
    State,
    Ticket,
    TicketEvent,
)
from tests.conftest import login
from tests.factories import TicketFactory
from tests.helpdesk.flows import move_to

# --- helpers ---------------------------------------------------------------------------------


def closed_by_itself(ticket: Ticket, agent) -> Ticket:
    """Resolved by the team, then closed by the worker without the member's answer."""
    actions.resolve_ticket(ticket, by=agent)
    later = timezone.now() + timedelta(days=8)
    assert actions.auto_close_resolved(now=later) == 1
    return Ticket.objects.get(pk=ticket.pk)


def answer_url(ticket: Ticket, token: str | None = None) -> str:
    token = token or satisfaction.make_token(ticket)
    return reverse("helpdesk:satisfaction-answer", args=[ticket.pk, token])


def member_email_links(ticket: Ticket) -> list[str]:
    """The one-click links of the e-mail telling the member her request closed."""
    email = OutboxEmail.objects.filter(recipient=ticket.requester).latest("pk")
    message = outbox.build_message(email)
    return re.findall(r"https?://\S+/avis/\S+\?score=\d", message.body)


@pytest.fixture
def closed(ticket, agent):
    return closed_by_itself(ticket, agent)


# --- when she is asked ---------------------------------------------------------------------------


def test_asked_when_the_member_confirms_or_it_closes_by_itself(ticket, agent, member, category):
    confirmed = move_to(ticket, State.CLOSED, agent=agent)
    assert satisfaction.is_open(confirmed)
    by_itself = closed_by_itself(
        actions.create_ticket(requester=member, category=category, subject="B", body="b"), agent
    )
    assert satisfaction.is_open(by_itself)


def test_not_asked_when_the_team_closes_it_or_she_withdraws_it(ticket, agent, member, category):
    actions.close_ticket(ticket, by=agent)
    assert not satisfaction.is_open(Ticket.objects.get(pk=ticket.pk))
    withdrawn = move_to(
        actions.create_ticket(requester=member, category=category, subject="B", body="b"),
        State.WITHDRAWN, agent=agent,
    )
    assert not satisfaction.is_open(withdrawn)
    with pytest.raises(Conflict):
        actions.rate_ticket(withdrawn, by=member, score=4)


def test_not_asked_while_the_request_is_open(ticket, member):
    with pytest.raises(Conflict):
        actions.rate_ticket(ticket, by=member, score=5)
    assert not Satisfaction.objects.exists()


def test_closed_by_itself_mails_the_member_one_link_per_score(closed, settings):
    settings.SITE_URL = "https://coop.example"
    links = member_email_links(closed)
    assert [link[-1] for link in links] == ["5", "4", "3", "2", "1"]
    assert all(link.startswith("https://coop.example/demandes/") for link in links)
    email = OutboxEmail.objects.filter(recipient=closed.requester).latest("pk")
    html = outbox.build_message(email).alternatives[0][0]
    assert "Comment avez-vous été servi·e\u202f?" in html  # her language: French


# --- the link: opening records nothing; confirming does ---------------------------------------


def test_opening_a_link_records_nothing_and_shows_the_score_chosen(client, closed):
    response = client.get(answer_url(closed) + "?score=2")
    assert response.status_code == 200
    assert not Satisfaction.objects.exists()
    assert not TicketEvent.objects.filter(kind=EventKind.RATED).exists()
    html = response.content.decode()
    assert re.search(r'<input[^>]*value="2"[^>]*checked', html)
    assert 'type="radio"' in html and "Poorly" in html  # words, not stars alone


def test_confirming_records_the_answer_without_logging_in(client, closed, member):
    url = answer_url(closed)
    response = client.post(url, {"score": 4, "comment": "Rapide et clair"})
    assert response.status_code == 302 and response.url == url
    answer = Satisfaction.objects.get(ticket=closed)
    assert (answer.score, answer.comment, answer.member, answer.team_id) == (
        4, "Rapide et clair", member, closed.team_id
    )
    page = client.get(url).content.decode()
    assert "Your answer is recorded: 4 out of 5" in page
    assert "_auth_user_id" not in client.session  # the token logs nobody in


def test_the_same_link_changes_the_answer_within_the_days_allowed(client, closed):
    url = answer_url(closed)
    client.post(url, {"score": 2})
    client.post(url, {"score": 2})  # a second click: nothing new
    client.post(url, {"score": 5, "comment": "Finalement réglé"})
    answer = Satisfaction.objects.get(ticket=closed)
    assert (answer.score, answer.comment) == (5, "Finalement réglé")
    rated = TicketEvent.objects.filter(ticket=closed, kind=EventKind.RATED).order_by("pk")
    assert [(e.data["score"], e.data["was"]) for e in rated] == [(2, None), (5, 2)]
    assert Satisfaction.objects.count() == 1


def test_an_expired_link_opens_nothing(client, closed):
    url = answer_url(closed)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        for response in (client.get(url + "?score=5"), client.post(url, {"score": 5})):
            assert response.status_code == 400
            assert "This link has expired" in response.content.decode()
    assert not Satisfaction.objects.exists()


def test_a_fresh_link_of_a_request_closed_too_long_ago_opens_nothing(client, closed):
    Ticket.objects.filter(pk=closed.pk).update(closed_at=timezone.now() - timedelta(days=8))
    response = client.post(answer_url(closed), {"score": 5})
    assert response.status_code == 400
    assert not Satisfaction.objects.exists()


def test_a_forged_link_opens_nothing(client, closed):
    token = satisfaction.make_token(closed)
    forged = [
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature changed
        "nimportequoi",
        signing.TimestampSigner(salt="another.purpose").sign_object(
            {"t": closed.pk, "m": closed.requester_id}
        ),  # signed for another use of the site
        signing.TimestampSigner(salt=satisfaction.TOKEN_SALT).sign_object(
            {"t": closed.pk, "m": closed.requester_id, "admin": True}
        ),
    ]
    for bad in forged:
        response = client.post(answer_url(closed, bad), {"score": 1})
        assert response.status_code == 400, bad
        assert "This link is not valid" in response.content.decode()
    assert not Satisfaction.objects.exists()


def test_a_link_of_another_request_opens_nothing(client, closed, other_member, agent, category):
    other = closed_by_itself(TicketFactory(requester=other_member, category=category), agent)
    response = client.post(answer_url(closed, satisfaction.make_token(other)), {"score": 1})
    assert response.status_code == 403
    # A token for the right request, naming someone who is not its member.
    signer = signing.TimestampSigner(salt=satisfaction.TOKEN_SALT)
    token = signer.sign_object({"t": closed.pk, "m": other_member.pk}, compress=False)
    assert client.post(answer_url(closed, token), {"score": 1}).status_code == 403
    assert not Satisfaction.objects.exists()


def test_a_link_opens_nothing_once_the_member_is_gone(client, closed, member):
    member.is_active = False
    member.save()
    assert client.get(answer_url(closed)).status_code == 403


def test_a_score_out_of_range_is_a_form_error(client, closed):
    for score in ("0", "6", "x", ""):
        response = client.post(answer_url(closed), {"score": score})
        assert response.status_code == 400
    response = client.get(answer_url(closed) + "?score=9")  # ignored, nothing chosen
    assert response.status_code == 200 and "checked" not in response.content.decode()
    assert not Satisfaction.objects.exists()


# --- the request page ------------------------------------------------------------------------


def test_the_member_answers_on_the_request_page(ticket, agent, member):
    closed = move_to(ticket, State.CLOSED, agent=agent)
    client = login(member)
    page = client.get(closed.get_absolute_url()).content.decode()
    assert "How were you served?" in page and "<fieldset" in page and "3 – Fairly" in page
    url = reverse("helpdesk:ticket-satisfaction", args=[closed.pk])
    assert client.post(url, {"score": 3}).status_code == 302
    assert Satisfaction.objects.get(ticket=closed).score == 3
    assert "You answered: 3 out of 5" in client.get(closed.get_absolute_url()).content.decode()


def test_only_the_member_answers_for_herself(ticket, agent, advisor, other_member):
    closed = move_to(ticket, State.CLOSED, agent=agent)
    url = reverse("helpdesk:ticket-satisfaction", args=[closed.pk])
    assert login(agent).post(url, {"score": 1}).status_code == 403
    assert login(advisor).post(url, {"score": 1}).status_code == 403
    assert login(other_member).post(url, {"score": 1}).status_code == 404
    with pytest.raises(PermissionDenied):
        actions.rate_ticket(closed, by=agent, score=1)
    assert not Satisfaction.objects.exists()


def test_the_member_sees_only_her_own_answer(ticket, agent, member, other_member, category):
    closed = move_to(ticket, State.CLOSED, agent=agent)
    actions.rate_ticket(closed, by=member, score=2, comment="Trop long")
    other = move_to(
        actions.create_ticket(requester=other_member, category=category, subject="B", body="b"),
        State.CLOSED, agent=agent,
    )
    page = login(other_member).get(other.get_absolute_url()).content.decode()
    assert "Trop long" not in page and "You answered" not in page
    assert login(other_member).get(closed.get_absolute_url()).status_code == 404


def test_the_team_sees_the_score_and_comment_the_advisor_does_not(
    ticket, agent, member, advisor
):
    closed = move_to(ticket, State.CLOSED, agent=agent)
    actions.rate_ticket(closed, by=member, score=4, comment="Merci Julie")
    staff = login(agent).get(closed.get_absolute_url()).content.decode()
    assert "4 out of 5, “Well”" in staff and "Merci Julie" in staff
    watcher = login(advisor).get(closed.get_absolute_url()).content.decode()
    assert "Merci Julie" not in watcher and "4 out of 5" not in watcher


# --- the team hears of it; a low score alerts the lead, once ------------------------------------


def test_the_answer_reaches_the_team_on_the_timeline(ticket, agent, member):
    closed = move_to(ticket, State.CLOSED, agent=agent)
    actions.rate_ticket(closed, by=member, score=4, comment="Très clair")
    event = TicketEvent.objects.get(ticket=closed, kind=EventKind.RATED)
    assert event.is_internal and event.note == "Très clair"
    told = Notification.objects.filter(verb="rated")
    assert member.pk not in told.values_list("recipient_id", flat=True)
    assert agent.pk in told.values_list("recipient_id", flat=True)


def test_a_low_score_alerts_the_lead_once(ticket, agent, member, lead, mailoutbox):
    closed = move_to(ticket, State.CLOSED, agent=agent)
    actions.rate_ticket(closed, by=member, score=1, comment="Personne ne m'a rappelée")
    actions.rate_ticket(closed, by=member, score=2, comment="Bon, un peu mieux")
    actions.rate_ticket(closed, by=member, score=5)
    actions.rate_ticket(closed, by=member, score=1)
    alerts = Notification.objects.filter(verb="low_score")
    assert list(alerts.values_list("recipient_id", flat=True)) == [lead.pk]
    assert TicketEvent.objects.filter(ticket=closed, kind=EventKind.LOW_SCORE).count() == 1
    answer = Satisfaction.objects.get(ticket=closed)
    assert answer.lead_alerted_at is not None
    # The lead hears of it by e-mail by default, with the comment and the request's link.
    assert outbox.send_pending(now=timezone.now() + timedelta(seconds=1)) >= 1
    [mail] = [m for m in mailoutbox if m.to == [lead.email]]
    assert "Personne ne m'a rappelée" in mail.body
    assert closed.get_absolute_url() in mail.body


def test_a_good_score_alerts_nobody(ticket, agent, member, lead):
    closed = move_to(ticket, State.CLOSED, agent=agent)
    actions.rate_ticket(closed, by=member, score=3)
    assert not Notification.objects.filter(verb="low_score").exists()


def test_the_lead_sees_a_follow_up_on_a_low_score(ticket, agent, member, lead):
    closed = move_to(ticket, State.CLOSED, agent=agent)
    actions.rate_ticket(closed, by=member, score=1, comment="Déçue")
    page = login(lead).get(closed.get_absolute_url()).content.decode()
    assert "Follow up:" in page and f"mailto:{member.email}" in page


def test_the_lead_can_turn_the_alert_off(ticket, agent, member, lead):
    from coopdesk import notify
    from coopdesk.models import Delivery

    notify.save_preferences(lead, {"low_score": Delivery.APP})
    closed = move_to(ticket, State.CLOSED, agent=agent)
    actions.rate_ticket(closed, by=member, score=1)
    [alert] = Notification.objects.filter(verb="low_score")
    assert alert.data["delivery"] == Delivery.APP
    assert not OutboxEmail.objects.filter(recipient=lead).exists()
    assert "low_score" in dict(notify.kinds_for(lead))
    assert "low_score" not in dict(notify.kinds_for(member))
    assert "low_score" not in dict(notify.kinds_for(agent))


# --- the member's choice ---------------------------------------------------------------------


def test_a_member_who_turned_the_question_off_is_not_asked(ticket, agent, member):
    client = login(member)
    url = reverse("helpdesk:satisfaction-settings")
    assert client.post(url, {"ask": "no"}).status_code == 302
    assert SatisfactionOptOut.objects.filter(member=member).exists()
    closed = closed_by_itself(ticket, agent)
    assert member_email_links(closed) == []
    assert "How were you served?" not in client.get(closed.get_absolute_url()).content.decode()
    assert client.post(url, {"ask": "yes"}).status_code == 302
    assert not SatisfactionOptOut.objects.filter(member=member).exists()
    assert "How were you served?" in client.get(closed.get_absolute_url()).content.decode()


def test_the_choice_page_is_for_members(agent):
    assert login(agent).get(reverse("helpdesk:satisfaction-settings")).status_code == 404
    assert login(None).get(reverse("helpdesk:satisfaction-settings")).status_code == 302


def test_a_bad_choice_is_a_form_error(member):
    response = login(member).post(reverse("helpdesk:satisfaction-settings"), {"ask": "maybe"})
    assert response.status_code == 400


# --- results ---------------------------------------------------------------------------------


def _answer(ticket: Ticket, member, score: int, when: datetime) -> None:
    with time_machine.travel(when, tick=False):
        actions.rate_ticket(ticket, by=member, score=score)


def test_results_by_month_per_team_in_one_query(
    django_assert_num_queries, agent, member, category, other_category, outside_agent
):
    paris = ZoneInfo("Europe/Paris")
    def closed_one(cat, handler):
        ticket = actions.create_ticket(requester=member, category=cat, subject="S", body="b")
        return move_to(ticket, State.CLOSED, agent=handler)

    oct_end = datetime(2026, 10, 31, 23, 30, tzinfo=paris)  # October in Paris, not in UTC
    nov = datetime(2026, 11, 10, 9, 0, tzinfo=paris)
    for score, when, cat, handler in [
        (5, oct_end, category, agent), (1, oct_end, category, agent),
        (4, nov, category, agent), (4, nov, category, agent), (2, nov, category, agent),
        (3, nov, other_category, outside_agent),
        (5, datetime(2026, 12, 2, tzinfo=paris), category, agent),  # after the period
    ]:
        with time_machine.travel(when - timedelta(hours=1), tick=False):
            ticket = closed_one(cat, handler)
        _answer(ticket, member, score, when)

    teams = [category.team_id, other_category.team_id]
    with django_assert_num_queries(1):
        rows = satisfaction.results_by_month(teams, date(2026, 10, 1), date(2026, 12, 1))
    got = [(r.month, r.team_id, r.answers, r.average, r.distribution) for r in rows]
    assert sorted(got) == sorted([
        (date(2026, 10, 1), category.team_id, 2, 3.0, (1, 0, 0, 0, 1)),
        (date(2026, 11, 1), category.team_id, 3, 3.33, (0, 1, 0, 2, 0)),
        (date(2026, 11, 1), other_category.team_id, 1, 3.0, (0, 0, 1, 0, 0)),
    ])
    assert [(r.month, r.team) for r in rows] == sorted((r.month, r.team) for r in rows)
    only_one = satisfaction.results_by_month([other_category.team_id], date(2026, 1, 1),
                                             date(2027, 1, 1))
    assert [(r.team, r.answers) for r in only_one] == [(other_category.team.name, 1)]


def test_the_results_table_reads_in_words(rf, member, agent, ticket):
    from django.template.loader import render_to_string

    closed = move_to(ticket, State.CLOSED, agent=agent)
    actions.rate_ticket(closed, by=member, score=4)
    today = timezone.localdate()
    rows = satisfaction.results_by_month([closed.team_id], today.replace(day=1),
                                         today + timedelta(days=1))
    html = render_to_string("helpdesk/partials/satisfaction_results.html",
                            {"satisfaction_results": rows})
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    assert closed.team.name in html and "4.0" in html


# --- her data ----------------------------------------------------------------------------------


def test_her_answer_is_in_her_data_and_its_comment_goes_with_her_erasure(
    ticket, agent, member, admin_user
):
    from coopdesk.accounts.erasure import ask_erasure, erase_account
    from coopdesk.accounts.privacy import ERASED
    from helpdesk.privacy import export_requests

    closed = move_to(ticket, State.CLOSED, agent=agent)
    actions.rate_ticket(closed, by=member, score=2, comment="Mon voisin m'a mieux aidée")
    [record] = export_requests(member).records
    assert record["satisfaction"]["score"] == 2
    assert record["satisfaction"]["comment"] == "Mon voisin m'a mieux aidée"
    ask_erasure(member)
    erase_account(member, by=admin_user)
    answer = Satisfaction.objects.get(ticket=closed)
    assert (answer.score, answer.comment) == (2, ERASED)
    assert not TicketEvent.objects.filter(note="Mon voisin m'a mieux aidée").exists()
