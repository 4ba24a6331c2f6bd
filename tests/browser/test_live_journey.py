"""A path's step, like a request's, reaches the member's open page live: the header's badge
and menu, the object named, in the language the member reads, and the page itself."""

import pytest
from playwright.sync_api import expect

from journeys import actions
from tests.browser.conftest import login, open_live
from tests.journeys.conftest import legal_team, path  # noqa: F401 (fixtures)


@pytest.fixture
def server(fresh_server):
    """These pages write notifications: a daphne of their own (see `fresh_server`)."""
    return fresh_server


def reads_english(member) -> None:
    """Her profile says English: pages follow it from her login on."""
    member.language = "en"
    member.save(update_fields=["language"])


def test_advisor_moves_a_path_on_and_the_members_header_follows_in_english(
    new_page, member, advisor, path  # noqa: F811
):
    journey = actions.start_journey(member=member, by=member)  # before the pages open
    reads_english(member)
    page = open_live(new_page, member, "/parcours/", locale="en-US")
    page.evaluate("window.notReloaded = true")
    badge = page.locator("#live-badge")
    expect(badge).to_be_hidden()
    next_step = page.locator(".next-step")
    expect(next_step).to_contain_text("Come to an information meeting")

    staff = new_page()  # the advisor works in French: the member still reads English
    login(staff, advisor.email)
    staff.goto(journey.get_absolute_url())
    staff.locator("form[action$='/etape/advance/'] button[type=submit]").click()
    staff.wait_for_load_state()

    expect(badge).to_have_text("1", timeout=3000)
    page.locator("#live-bell").click()
    item = page.locator("#live-menu-list li").first
    expect(item).to_contain_text("Moved on to the next stage")
    expect(item).to_contain_text("Your path · Diagnosis")
    expect(item).to_contain_text(advisor.first_name)
    # Nothing was being typed: the page takes the new stage as it comes, without a reload.
    expect(next_step).to_contain_text("Book your diagnosis")
    expect(page.locator("#live-changed")).to_have_count(0)
    assert page.evaluate("window.notReloaded") is True


def test_a_member_typing_on_her_path_is_offered_the_changes_not_overwritten(
    new_page, member, advisor, path  # noqa: F811
):
    journey = actions.start_journey(member=member, by=member)
    reads_english(member)
    page = open_live(new_page, member, "/parcours/", locale="en-US")
    page.locator("details:has(#id_message) summary").click()
    page.locator("#id_message").fill("I now also give training courses.")

    staff = new_page()
    login(staff, advisor.email)
    staff.goto(journey.get_absolute_url())
    staff.locator("form[action$='/etape/advance/'] button[type=submit]").click()
    staff.wait_for_load_state()

    offer = page.locator("#live-changed")
    expect(offer).to_contain_text("This page has changed since you opened it.", timeout=3000)
    expect(page.locator("#id_message")).to_have_value("I now also give training courses.")
    offer.get_by_role("button", name="Show the changes").click()
    expect(page.locator(".next-step")).to_contain_text("Book your diagnosis")
