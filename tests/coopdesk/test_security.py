"""Secure by default: DEBUG off unless set, HTTPS settings, Content-Security-Policy,
no-store on personal pages and files, friendly error pages."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views import defaults

from helpdesk import actions
from tests.helpdesk.flows import pdf

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-key-" + "x7Kq2" * 10,
    "ALLOWED_HOSTS": "desk.example.coop",
    "SITE_URL": "https://desk.example.coop",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}
SETTINGS_SHOWN = [
    "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER",
]


def run_django(args: list[str], **variables: str) -> subprocess.CompletedProcess:
    """A Django process with only these variables set (and PATH), as a fresh server has."""
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "coopdesk.settings",
           **variables}
    return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=120)


def settings_in_fresh_process(**variables: str) -> dict:
    code = ("import json, django; django.setup(); from django.conf import settings; "
            f"print(json.dumps({{n: getattr(settings, n) for n in {SETTINGS_SHOWN!r}}}))")
    process = run_django(["-c", code], **variables)
    assert process.returncode == 0, process.stderr
    return json.loads(process.stdout)


def test_check_deploy_reports_only_the_hsts_preload_choice():
    process = run_django(["manage.py", "check", "--deploy"], **PRODUCTION_ENV)
    assert process.returncode == 0, process.stderr
    output = process.stdout + process.stderr
    assert re.findall(r"\(([\w.]+)\)", output) == ["security.W021"], output
    assert "identified 1 issue" in output


def test_debug_is_off_and_https_on_when_nothing_is_set():
    assert settings_in_fresh_process() == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_each_https_setting_is_relaxed_by_its_variable():
    shown = settings_in_fresh_process(
        SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="0",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="false", SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false", SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
    )
    assert shown == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


def test_debug_true_turns_the_https_settings_off():
    shown = settings_in_fresh_process(DEBUG="true")
    assert shown["DEBUG"] is True
    assert shown["SECURE_SSL_REDIRECT"] is False
    assert shown["SESSION_COOKIE_SECURE"] is False


def test_csp_report_only_reports_without_blocking():
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(settings.CONTENT_SECURITY_POLICY, "
            "settings.CONTENT_SECURITY_POLICY_REPORT_ONLY['DIRECTIVES']['report-uri'])")
    process = run_django(["-c", code], CSP_REPORT_ONLY="true", CSP_REPORT_URI="/csp-reports/",
                         SITE_URL="https://desk.example.coop")
    assert process.returncode == 0, process.stderr
    assert process.stdout.split() == ["None", "['/csp-reports/']"]


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"


@pytest.mark.django_db
def test_https_answers_carry_hsts_for_a_year_with_subdomains(client):
    response = client.get("/accounts/login/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_pages_carry_a_strict_content_security_policy(member_client):
    policy = csp(member_client.get(reverse("home"), follow=True))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    # The live updates' websocket, on the site's own host.
    assert policy["connect-src"] == "'self' ws://127.0.0.1:8000"
    assert "unsafe" not in member_client.get(reverse("home"))["Content-Security-Policy"]


TEMPLATE_DIRS = [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I), "inline script"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event attribute"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style", re.I), "style element"),
    (re.compile(r"javascript:", re.I), "javascript: link"),
]


def test_no_template_needs_what_the_policy_blocks():
    """Scripts and styles come from static files; e-mails (never served under the policy)
    keep the inline styles mail readers need."""
    found = []
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            if "emails" in path.parts:
                continue
            text = path.read_text()
            found += [f"{path.relative_to(BASE_DIR)}: {what}"
                      for pattern, what in INLINE if pattern.search(text)]
    assert found == []


def test_personal_pages_are_not_stored_by_any_cache(member_client):
    response = member_client.get(reverse("helpdesk:ticket-list"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_downloads_are_not_stored_by_any_cache(member_client, member, category):
    ticket = actions.create_ticket(requester=member, category=category, subject="S",
                                   body="B", files=[pdf("devis.pdf")])
    response = member_client.get(ticket.attachments.get().get_absolute_url())
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("method", ["put", "patch", "delete", "options", "trace"])
def test_methods_other_than_get_and_post_are_refused_everywhere(member_client, ticket, method):
    for url in [ticket.get_absolute_url(), reverse("helpdesk:ticket-create"),
                reverse("helpdesk:ticket-reply", args=[ticket.pk])]:
        response = getattr(member_client, method)(url)
        assert response.status_code == 405, url
        assert response["Allow"] == "GET, HEAD, POST"
    assert member_client.head(ticket.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_static_files_keep_their_own_cache_headers(client):
    response = client.get("/static/js/page.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
@pytest.mark.parametrize("language, words", [
    ("fr", ["Page introuvable", "Retour à l'accueil"]),
    ("en", ["Page not found", "Back to the home page"]),
])
def test_unknown_address_answers_a_friendly_404(client, language, words):
    response = client.get("/nulle-part/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    page = response.content.decode()
    assert all(word in page for word in words)
    assert 'href="/"' in page


@pytest.mark.parametrize("view, status, words", [
    (defaults.server_error, 500, ["Something went wrong", "Back to the home page"]),
    (defaults.bad_request, 400, ["Request not understood", "Back to the home page"]),
])
def test_500_and_400_pages_need_neither_database_nor_request_context(view, status, words):
    """No `db` fixture: any query would fail this test."""
    request = RequestFactory().get("/")
    with translation.override("en"):
        response = view(request) if status == 500 else view(request, Exception("bad"))
    assert response.status_code == status
    page = response.content.decode()
    assert all(word in page for word in words)
    assert 'href="/"' in page
    with translation.override("fr"):
        page = defaults.server_error(request).content.decode()
    assert "Une erreur est survenue" in page and "Retour à l'accueil" in page


def test_a_refused_form_explains_itself_in_the_site_s_words(db):
    response = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"username": "x", "password": "y"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
