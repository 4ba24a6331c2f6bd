"""Staff pages ask the database whether their reader has an authenticator once per session,
and removing it, however it is removed, sends every session of that person back to the set-up."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coopdesk.accounts.middleware import SESSION_KEY
from tests.accounts.test_accounts import log_in, totp_code


@pytest.fixture(autouse=True)
def _mfa_required(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True


@pytest.fixture
def secret(agent):
    secret = generate_totp_secret()
    TOTP.activate(agent, secret)
    return secret


def logged_in_with_totp(agent, secret) -> Client:
    client = Client()
    log_in(client, agent.email)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert "_auth_user_id" in client.session
    return client


def authenticator_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum(Authenticator._meta.db_table in query["sql"] for query in queries)


def test_a_staff_session_asks_for_the_authenticator_once(agent, secret, team):
    client = logged_in_with_totp(agent, secret)
    queue = reverse("helpdesk:queue-detail", args=[team.slug])
    assert authenticator_queries(client, queue) <= 1
    assert authenticator_queries(client, queue) == 0
    assert authenticator_queries(client, reverse("helpdesk:ticket-list")) == 0


def test_members_pages_never_ask(member_client, member):
    assert authenticator_queries(member_client, reverse("helpdesk:ticket-list")) == 0


def test_removing_the_authenticator_in_the_admin_sends_every_session_to_the_set_up(
    agent, secret, team
):
    first = logged_in_with_totp(agent, secret)
    queue = reverse("helpdesk:queue-detail", args=[team.slug])
    assert first.get(queue).status_code == 200
    assert first.session[SESSION_KEY] == agent.pk
    Authenticator.objects.filter(user=agent).delete()  # as the admin site and erasure do
    response = first.get(queue)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_removing_totp_herself_sends_this_and_her_other_sessions_to_the_set_up(
    agent, secret, team
):
    here = logged_in_with_totp(agent, secret)
    queue = reverse("helpdesk:queue-detail", args=[team.slug])
    assert here.get(queue).status_code == 200
    # Her other browser logs in with a recovery code (a TOTP code is accepted only once).
    elsewhere = Client()
    log_in(elsewhere, agent.email)
    code = RecoveryCodes.activate(agent).get_unused_codes()[0]
    elsewhere.post(reverse("mfa_authenticate"), {"code": code})
    assert elsewhere.get(queue).status_code == 200
    assert elsewhere.session[SESSION_KEY] == agent.pk

    here.post(reverse("account_reauthenticate"), {"password": "pass"})
    response = here.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=agent).exists()
    for client in (here, elsewhere):
        response = client.get(queue)
        assert response["Location"] == reverse("mfa_activate_totp")


def test_a_session_remembers_only_its_own_person(agent, secret, lead, team):
    """A session that changes hands (a login as someone else) does not carry the answer."""
    client = logged_in_with_totp(agent, secret)
    client.get(reverse("helpdesk:queue-detail", args=[team.slug]))
    session = client.session
    assert session[SESSION_KEY] == agent.pk
    client.force_login(lead)  # without an authenticator
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")
