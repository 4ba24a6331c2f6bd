"""Two people at once: what the team does appears on the member's open page, live, and
what happens while the member's connection is down appears once it is back."""

import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from notifications.models import Notification
from playwright.sync_api import expect

from helpdesk import actions
from tests.browser.conftest import LIVE, login, open_live, write_request


@pytest.fixture
def server(fresh_server):
    """These pages write notifications: a daphne of their own (see `fresh_server`)."""
    return fresh_server


def test_member_sees_status_reply_and_badge_live_then_catches_up_after_a_drop(
    new_page, member, agent, category
):
    ticket = actions.create_ticket(  # before the pages open: no push needed
        requester=member, category=category, subject="Facture F-88 impayée",
        body="Mon client ne répond plus.",
    )
    page = open_live(new_page, member, ticket.get_absolute_url())
    page.evaluate("window.notReloaded = true")
    badge = page.locator("#live-badge")
    expect(badge).to_be_hidden()

    staff = new_page()
    login(staff, agent.email)
    staff.goto(ticket.get_absolute_url())
    staff.locator("form[action$='/etape/claim/'] button").click()
    staff.fill("textarea[name=body]", "Pouvez-vous m'envoyer la facture ?")
    staff.select_option("select[name=then]", "wait")
    staff.locator("form[action$='/repondre/'] button").click()
    expect(staff.locator(".status-line .badge").first).to_have_class(re.compile("state-waiting"))

    # Within 2 seconds, without reload: the new status, the reply, the unread count.
    expect(page.locator(".status-line .badge").first).to_have_class(
        re.compile("state-waiting"), timeout=2000
    )
    expect(page.locator(".timeline")).to_contain_text(
        "Pouvez-vous m'envoyer la facture ?", timeout=2000
    )
    expect(page.locator(".status-line")).to_contain_text(agent.first_name, timeout=2000)
    expect(badge).to_have_text("2", timeout=2000)
    assert page.evaluate("window.notReloaded") is True

    # The member's connection drops; the page says so; the team resolves meanwhile.
    page.context.set_offline(True)
    page.evaluate("window.coopdeskLive.drop()")
    expect(page.locator("#live-notice")).to_be_visible()
    expect(page.locator("#live-notice")).to_contain_text(re.compile(r"\w"))
    staff.locator("form[action$='/etape/resolve/'] button").click()
    expect(staff.locator(".status-line .badge").first).to_have_class(re.compile("state-resolved"))
    page.wait_for_timeout(500)
    expect(page.locator(".status-line .badge").first).to_have_class(re.compile("state-waiting"))

    # Back online: the page catches up with what it missed, still without reload.
    page.context.set_offline(False)
    page.wait_for_function(LIVE, timeout=20_000)
    expect(page.locator("#live-notice")).to_be_hidden()
    expect(badge).to_have_text("3")
    expect(page.locator(".status-line .badge").first).to_have_class(re.compile("state-resolved"))
    expect(page.locator("form[action$='/etape/confirm/']")).to_be_visible()  # side panel too
    page.locator("#live-bell").click()
    expect(page.locator("#live-menu-list li")).to_have_count(3)
    expect(page.locator("#live-menu-list li").first).to_contain_text(ticket.reference)
    assert page.evaluate("window.notReloaded") is True

    # Opening a notification marks it read; the other tab's badge follows.
    other_tab = page.context.new_page()
    other_tab.goto("/notifications/")
    other_tab.wait_for_function(LIVE)
    page.locator("#live-menu-list li a").first.click()
    expect(page).to_have_url(re.compile(rf"/demandes/{ticket.pk}/$"))
    expect(other_tab.locator("#live-badge")).to_have_text("2")


def test_team_queue_shows_new_and_claimed_requests_live(new_page, member, agent, other_agent,
                                                        category, team):
    queue = open_live(new_page, agent, team.get_absolute_url())
    queue.evaluate("window.notReloaded = true")

    page = new_page()
    login(page, member.email)
    write_request(page, category, "Échéancier pour un client", "Il propose de payer en trois fois.")
    ticket_url = page.url

    row = queue.locator("tr[data-ticket]", has_text="Échéancier pour un client")
    expect(row).to_be_visible(timeout=2000)
    expect(row).to_have_class(re.compile("fresh"))
    expect(queue.locator("#queue-live")).to_contain_text(re.compile(r"D-\d{4}-\d+"))

    colleague = new_page()
    login(colleague, other_agent.email)
    colleague.goto(ticket_url)
    colleague.locator("form[action$='/etape/claim/'] button").click()
    expect(colleague.locator(".status-line")).to_contain_text(other_agent.first_name)
    expect(row).to_contain_text(other_agent.first_name, timeout=2000)
    assert queue.evaluate("window.notReloaded") is True


def test_transfer_tells_the_old_teams_open_page_it_is_gone(new_page, member, agent, other_agent,
                                                           category, other_category):
    ticket = actions.create_ticket(
        requester=member, category=category, subject="Contrat à relire",
        body="Mon client a ajouté une clause.",
    )
    colleague = open_live(new_page, other_agent, ticket.get_absolute_url())
    expect(colleague.locator(".ticket-side")).to_be_visible()

    staff = new_page()
    login(staff, agent.email)
    staff.goto(ticket.get_absolute_url())
    staff.get_by_role("link", name="Transférer à un autre service").click()
    staff.select_option("select[name=category]", str(other_category.pk))
    staff.fill("textarea[name=reason]", "C'est un litige avec le client")
    staff.locator("form[action$='/transferer/'] button").click()

    alert = colleague.get_by_role("alert")
    expect(alert).to_contain_text("transférée à une équipe", timeout=2000)
    expect(colleague.locator(".ticket-side")).to_have_count(0)


def test_the_bell_tells_times_in_the_sites_zone_not_the_devices(new_page, member, agent, ticket):
    """Every page writes Paris time; the bell menu wrote the device's, so a member abroad read
    two different times for the same reply."""
    actions.claim_ticket(ticket, by=agent)  # one notification for the member, before the page
    at = Notification.objects.filter(recipient=member).latest("timestamp").timestamp
    paris = timezone.localtime(at, ZoneInfo("Europe/Paris")).strftime("%H:%M")
    tokyo = timezone.localtime(at, ZoneInfo("Asia/Tokyo")).strftime("%H:%M")
    page = open_live(new_page, member, "/notifications/", timezone_id="Asia/Tokyo")
    page.locator("#live-bell").click()
    item = page.locator("#live-menu-list li .who").first
    expect(item).to_contain_text(paris)
    assert tokyo not in item.inner_text()
