"""The Content-Security-Policy blocks nothing the pages need: no violation is reported while a
member and a lead use them, the language menu still applies at once, the live socket
connects, and the funnel bars get their length."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import LIVE, login

# Recorded from the first script that runs on every page, before any of ours.
WATCH_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def server(fresh_server):
    """The live socket writes nothing, but pages seen as a lead read notifications."""
    return fresh_server


def open_watched(new_page):
    page = new_page()
    page.add_init_script(WATCH_VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text))
    return page, console


def assert_no_violation(page, console) -> None:
    assert page.evaluate("window.cspViolations") == []
    assert [text for text in console if "Content Security Policy" in text] == []


def test_member_pages_work_under_the_policy(new_page, member, category):
    page, console = open_watched(new_page)
    login(page, member.email)
    page.wait_for_function(LIVE)  # connect-src lets the websocket through
    assert_no_violation(page, console)
    for name in ["helpdesk:ticket-list", "helpdesk:ticket-create", "kb:home"]:
        page.goto(reverse(name))
        assert_no_violation(page, console)

    page.select_option("#lang-select", "en")  # submitted by static/js/page.js
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_no_violation(page, console)


def test_funnel_bars_get_their_length_without_a_style_attribute(new_page, lead):
    page, console = open_watched(new_page)
    login(page, lead.email)
    page.goto(reverse("journeys:coop-overview"))
    bar = page.locator(".funnel-bar").first
    expect(bar).to_have_attribute("data-percent", "0")
    assert page.evaluate("document.querySelector('.funnel-bar').style.getPropertyValue('--w')") \
        == "0%"
    assert_no_violation(page, console)
