"""Accounts through django-allauth: reset, brute force, verified sign-ups, staff two-factor."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from coopdesk.accounts.models import User

LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the cache: each test starts from none."""
    cache.clear()
    yield
    cache.clear()


def log_in(client: Client, email: str, password: str = "pass"):
    return client.post(reverse("accounts:login"), {"login": email, "password": password})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


# --- login and logout keep their names ---------------------------------------------------------


def test_login_by_email_and_logout(client, member):
    response = log_in(client, member.email.upper())
    assert response.status_code == 302 and logged_in(client)
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert not logged_in(client)


def test_the_login_page_links_to_the_reset_and_to_the_sign_up(client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert reverse("account_reset_password") in body
    assert reverse("journeys:meeting-list") in body


def test_nobody_signs_up_through_allauths_own_form(client, db):
    client.post("/accounts/signup/", {"email": "x@exemple.fr", "password1": "a-B-c-42x"})
    assert not User.objects.filter(email="x@exemple.fr").exists()


# --- password reset and change -----------------------------------------------------------------


def test_reset_answers_the_same_for_known_and_unknown_addresses(client, member, sent_mail):
    url = reverse("account_reset_password")
    known = client.post(url, {"email": member.email})
    unknown = client.post(url, {"email": "personne@exemple.fr"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known["Location"] == reverse("account_reset_password_done")
    assert sorted(mail.to[0] for mail in sent_mail()) == sorted([member.email,
                                                                "personne@exemple.fr"])


def test_a_member_resets_her_password_from_the_emailed_link(client, member, sent_mail):
    client.post(reverse("account_reset_password"), {"email": member.email})
    [mail] = sent_mail()
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.body).group(1)
    form_url = client.get(link)["Location"]  # allauth moves the key into the session
    response = client.post(form_url, {"password1": "Nouveau-mot-42", "password2": "Nouveau-mot-42"})
    assert response.status_code == 302
    assert not logged_in(client)  # a reset link never logs in (it would skip two-factor)
    assert log_in(client, member.email, "Nouveau-mot-42").status_code == 302 and logged_in(client)


def test_a_member_changes_her_password(member_client, member):
    response = member_client.post(reverse("account_change_password"), {
        "oldpassword": "pass", "password1": "Autre-mot-42", "password2": "Autre-mot-42",
    })
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("Autre-mot-42")


# --- brute force -------------------------------------------------------------------------------


def test_thirty_wrong_passwords_then_the_right_one_does_not_log_in(client, member):
    for _ in range(30):
        assert log_in(client, member.email, "wrong").status_code == 200
    response = log_in(client, member.email, "pass")
    assert response.status_code in {200, 429} and not logged_in(client)


def test_failed_logins_are_counted_in_the_cache_not_the_session(member):
    for _ in range(5):
        log_in(Client(), member.email, "wrong")  # a new session each time, as a robot would
    fresh = Client()
    log_in(fresh, member.email, "pass")
    assert not logged_in(fresh)


def test_resets_for_one_address_are_limited_in_the_cache(member, sent_mail):
    """Nobody floods a person's mailbox with reset e-mails, even from a new session each time."""
    statuses = [Client().post(reverse("account_reset_password"), {"email": member.email})
                .status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]
    assert len(sent_mail()) == 5


def test_forwarded_for_counts_only_behind_trusted_proxies(rf, settings):
    from allauth.core.internal.httpkit import get_client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.1", REMOTE_ADDR="10.0.0.2")
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert get_client_ip(request) == "10.0.0.2"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert get_client_ip(request) == "10.0.0.1"


# --- two-factor --------------------------------------------------------------------------------


@pytest.fixture
def mfa_required(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True


def test_staff_are_sent_to_set_up_totp_and_cannot_reach_the_queue(mfa_required, client, agent,
                                                                   team):
    log_in(client, agent.email)
    response = client.get(reverse("helpdesk:queue-detail", args=[team.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(response["Location"])["Location"].startswith(
        reverse("account_reauthenticate")  # the password once more before adding a factor
    )
    client.post(reverse("account_reauthenticate"), {"password": "pass"})
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200
    secret = setup.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get(reverse("helpdesk:queue-detail", args=[team.slug])).status_code == 200


def test_staff_with_totp_need_the_code_to_log_in(mfa_required, client, agent, team):
    secret = generate_totp_secret()
    TOTP.activate(agent, secret)
    response = log_in(client, agent.email)
    assert response["Location"] == reverse("mfa_authenticate") and not logged_in(client)
    assert client.get(reverse("helpdesk:queue-detail", args=[team.slug])).status_code == 302
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert logged_in(client)
    assert client.get(reverse("helpdesk:queue-detail", args=[team.slug])).status_code == 200


@pytest.mark.parametrize("persona", ["advisor", "lead"])
def test_every_staff_role_is_asked(mfa_required, client, persona, request):
    person = request.getfixturevalue(persona)
    log_in(client, person.email)
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")


def test_members_are_not_forced_but_may_set_it_up(mfa_required, client, member):
    log_in(client, member.email)
    assert client.get(reverse("helpdesk:ticket-list")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200
    assert not Authenticator.objects.filter(user=member).exists()


def test_login_by_emailed_code_is_off(client, member):
    assert client.get("/accounts/login/code/").status_code == 404


def test_no_emailed_link_or_code_logs_anyone_in():
    """Only allauth's login flow logs people in (a password, then the second factor): allauth
    has nothing e-mailed stand in for either, and no code of ours calls login()."""
    from pathlib import Path

    from allauth.account import app_settings as account

    assert not (account.LOGIN_BY_CODE_ENABLED or account.LOGIN_ON_EMAIL_CONFIRMATION
                or account.LOGIN_ON_PASSWORD_RESET or account.EMAIL_VERIFICATION_BY_CODE_ENABLED
                or account.PASSWORD_RESET_BY_CODE_ENABLED)
    assert "code" not in account.REAUTHENTICATION_METHODS
    root = Path(__file__).resolve().parents[2]
    logging_in = re.compile(r"\b(auth\.)?login\(\s*request|import[^\n]*\blogin\b(?! as)|auth_login")
    found = [str(path.relative_to(root)) for app in ("coopdesk", "helpdesk", "journeys", "kb")
             for path in (root / app).rglob("*.py") if logging_in.search(path.read_text())]
    assert found == []


# --- sessions ----------------------------------------------------------------------------------


def test_log_out_everywhere(member):
    here, elsewhere = Client(), Client()
    log_in(here, member.email)
    log_in(elsewhere, member.email)
    page = here.get(reverse("usersessions_list"))
    assert page.status_code == 200 and len(page.context["sessions"]) == 2
    here.post(reverse("usersessions_list"))  # "sign out other sessions"
    assert logged_in(here)
    assert elsewhere.get(reverse("helpdesk:ticket-list")).status_code == 302


def test_my_sessions_stack_on_a_phone_like_our_other_tables(member):
    """allauth's own table put a whole user agent in one column, wider than a phone."""
    member.language = "en"  # signing in shows the pages in her profile's language
    member.save()
    here = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/156.0.0.0",
                  HTTP_ACCEPT_LANGUAGE="en")
    log_in(here, member.email)
    body = here.get(reverse("usersessions_list")).content.decode()
    assert '<table class="list sessions">' in body
    assert 'data-label="Browser" class="user-agent">Mozilla/5.0' in body
    assert '<span class="badge">Current</span>' in body


def test_allauths_forms_use_our_fields_with_their_errors_beside_them(member):
    here = Client(HTTP_ACCEPT_LANGUAGE="en")
    log_in(here, member.email)
    page = here.post(reverse("account_change_password"), {"oldpassword": "wrong"})
    body = page.content.decode()
    assert '<div class="field has-error">' in body
    assert 'aria-invalid="true" aria-describedby="id_oldpassword_helptext id_oldpassword_error"' \
        in body
    assert "Current Password:" not in body  # Django's as_p label, colon and all


def test_the_header_menu_links_to_password_two_factor_and_sessions(member_client):
    body = member_client.get(reverse("helpdesk:ticket-list")).content.decode()
    for name in ("account_change_password", "mfa_index", "usersessions_list"):
        assert reverse(name) in body


def test_the_admin_login_goes_through_ours(client, db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
