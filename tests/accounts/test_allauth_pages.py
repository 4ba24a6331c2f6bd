"""django-allauth's pages read in the project's voice, in English and in French, with the
project's buttons: sentence case, our words ("Log in", "Change my password"), and no
"contact us" that leads nowhere."""

from __future__ import annotations

import html
import re

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.accounts.test_accounts import log_in, totp_code

# allauth's own Title Case words, and a promise of contact the cooperative cannot keep here.
ALLAUTH_WORDS = [
    "Sign In", "Sign Out", "Change Password", "Password Reset", "Reset My Password",
    "Bad Token", "Confirm Access", "Two-Factor Authentication", "Authenticator App",
    "Recovery Codes", "Email Address", "Verify Your Email", "Account Inactive",
    "Started At", "IP Address", "contact us", "Change Email", "Re-send Verification",
    "Current Password", "New Password", "placeholder=\"Password\"",
]
FRENCH_LEFTOVERS = ["Changer pour", "Vu pour la dernière fois à", "Êtes-vous sûr", "Contactez"]

ANONYMOUS = [
    "account_reset_password", "account_reset_password_done",
    "account_reset_password_from_key_done", "account_email_verification_sent",
    "account_inactive",
]
MEMBER = ["account_logout", "account_change_password", "account_email",
          "account_reauthenticate", "mfa_index", "usersessions_list"]
STAFF = ["mfa_index", "mfa_deactivate_totp", "mfa_view_recovery_codes",
         "mfa_generate_recovery_codes", "mfa_reauthenticate"]


def pages(client: Client, names: list[str], language: str) -> dict[str, str]:
    urls = {name: reverse(name) for name in names}
    urls["account_reset_password_from_key"] = reverse(
        "account_reset_password_from_key", kwargs={"uidb36": "1", "key": "bad-key"})
    urls["account_confirm_email"] = reverse("account_confirm_email", args=["bad"])
    said = {}
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # over the profile's, set at login
    for name, url in urls.items():
        response = client.get(url, headers={"accept-language": language}, follow=True)
        assert response.status_code == 200, name
        said[name] = html.unescape(response.content.decode())
    return said


def content(page: str) -> str:
    return page.split('id="main"', 1)[-1].split("</main>", 1)[0]


def check(said: dict[str, str], leftovers: list[str]) -> None:
    for name, page in said.items():
        main = content(page)
        for words in leftovers:
            assert words not in main, (name, words)
        for button in re.findall(r"<button[^>]*type=\"submit\"[^>]*>", main):
            assert "class=" in button, (name, button)  # one of ours: primary, danger, link


@pytest.fixture
def staff_client(agent, settings) -> Client:
    settings.MFA_REQUIRED_FOR_STAFF = True
    secret = generate_totp_secret()
    TOTP.activate(agent, secret)
    RecoveryCodes.activate(agent)
    client = Client()
    log_in(client, agent.email)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    client.post(reverse("account_reauthenticate"), {"password": "pass"})  # no detour by it
    return client


@pytest.mark.parametrize("language", ["en", "fr"])
def test_allauth_pages_speak_our_words(client, member, staff_client, language):
    leftovers = ALLAUTH_WORDS + (FRENCH_LEFTOVERS if language == "fr" else [])
    check(pages(client, ANONYMOUS, language), leftovers)
    member_client = Client()
    member_client.force_login(member)
    check(pages(member_client, MEMBER, language), leftovers)
    check(pages(staff_client, STAFF, language), leftovers)


def test_the_pages_read_in_sentence_case(client, member):
    said = pages(client, ["account_reset_password"], "en")
    assert "<h1>Forgotten password</h1>" in re.sub(r"\s+(?=<)|(?<=>)\s+", "", said[
        "account_reset_password"])
    assert "Ask for a new link" in said["account_reset_password_from_key"]
    client.force_login(member)
    page = client.get(reverse("account_change_password"), headers={"accept-language": "en"})
    assert re.search(r'<button class="primary" type="submit">\s*Change my password',
                     page.content.decode())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(reverse("account_logout"))
    assert "Voulez-vous vous déconnecter\u202f?" in page.content.decode()


def test_the_two_factor_pages_say_what_they_do(staff_client):
    said = pages(staff_client, STAFF, "en")
    assert "Turn off the authenticator app" in content(said["mfa_deactivate_totp"])
    assert "Do you want new codes?" in content(said["mfa_generate_recovery_codes"])
    assert "Unused codes" in content(said["mfa_view_recovery_codes"])
    assert '<div class="field">' in content(said["mfa_view_recovery_codes"])  # our layout
    said = pages(staff_client, ["mfa_deactivate_totp"], "fr")
    assert "Voulez-vous la désactiver\u202f?" in content(said["mfa_deactivate_totp"])


def test_the_second_factor_at_login_says_log_in(agent, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    TOTP.activate(agent, generate_totp_secret())
    client = Client()
    log_in(client, agent.email)
    page = client.get(reverse("mfa_authenticate"), headers={"accept-language": "en"})
    main = content(html.unescape(page.content.decode()))
    assert "Two-factor authentication" in main and "Sign In" not in main
    assert re.search(r'<button class="primary" type="submit">\s*Log in', main)


def test_the_messages_after_logging_in_and_out_speak_our_words(client, member):
    response = log_in(client, member.email)
    said = [str(m) for m in response.wsgi_request._messages]
    assert said == [f"Vous êtes connecté·e en tant que {member.get_full_name()}."]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # she switched to English
    response = client.post(reverse("account_logout"))
    said = [str(m) for m in response.wsgi_request._messages]
    assert said[-1] == "You are logged out."  # after the login's, not yet shown
