"""Accounts in a real browser: a forgotten password, and an agent's first login with TOTP."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests.browser.conftest import _daphne, login


@pytest.fixture
def server(django_db_setup, django_db_blocker, tmp_path_factory, transactional_db):
    """A server of its own: two-factor required of staff as in production."""
    with _daphne(django_db_blocker, tmp_path_factory, MFA_REQUIRED_FOR_STAFF="true") as url:
        yield url


def wait_for_link(sent_mail, pattern: str) -> str:
    """The link in an e-mail the server queued, once the worker's sending job sent it."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for mail in sent_mail():
            found = re.search(pattern, mail.body)
            if found:
                return found.group(1)
        time.sleep(0.2)
    raise AssertionError(f"no e-mail with {pattern} was sent")


def totp_code(secret: str, step: int) -> str:
    return format_hotp_value(hotp_value(secret, step))


def test_a_member_who_forgot_her_password_resets_it_and_logs_in(new_page, member, sent_mail):
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    page.fill("input[name=email]", member.email)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    link = wait_for_link(sent_mail, r"https?://[^/\s]+(/accounts/password/reset/key/\S+)")
    page.goto(link)
    page.fill("input[name=password1]", "Un-nouveau-mot-42")
    page.fill("input[name=password2]", "Un-nouveau-mot-42")
    page.click("button[type=submit][name=action]")
    page.wait_for_load_state()
    login(page, member.email, "Un-nouveau-mot-42")
    assert page.locator(".whoami").first.inner_text().strip() == member.first_name


def test_an_agent_sets_up_totp_at_first_login_and_needs_it_afterwards(new_page, agent, team):
    page = new_page()
    login(page, agent.email)
    # Sent to the setup, which asks for the password once more before adding a factor.
    page.goto(f"/equipes/{team.slug}/")
    assert "/accounts/reauthenticate/" in page.url
    page.fill("input[name=password]", "pass")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/2fa/totp/activate/" in page.url
    secret = page.input_value("#authenticator_secret")
    step = int(time.time()) // 30
    page.fill("input[name=code]", totp_code(secret, step))
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"/equipes/{team.slug}/")
    assert page.url.endswith(f"/equipes/{team.slug}/")

    later = new_page()
    login(later, agent.email)
    assert "/accounts/2fa/authenticate/" in later.url
    later.goto(f"/equipes/{team.slug}/")  # the password alone opens nothing
    assert "/accounts/2fa/authenticate/" in later.url
    while int(time.time()) // 30 == step:  # a code is accepted once: wait for the next one
        time.sleep(0.5)
    later.fill("input[name=code]", totp_code(secret, int(time.time()) // 30))
    later.click("main button[type=submit]")
    later.wait_for_load_state()
    later.goto(f"/equipes/{team.slug}/")
    assert later.url.endswith(f"/equipes/{team.slug}/")
