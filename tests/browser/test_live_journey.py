"""A path's step, like a request's, reaches the member's open page live: the header's badge
and menu, the object named, in the language the member reads."""

import pytest
from playwright.sync_api import expect

from journeys import actions
from tests.browser.conftest import login, open_live
from tests.journeys.conftest import legal_team, path  # noqa: F401 (fixtures)


@pytest.fixture
def server(fresh_server):
    """These pages write notifications: a daphne of their own (see `fresh_server`)."""
    return fresh_server


def test_advisor_moves_a_path_on_and_the_members_header_follows_in_english(
    new_page, member, advisor, path  # noqa: F811
):
    journey = actions.start_journey(member=member, by=member)  # before the pages open

    page = open_live(new_page, member, "/parcours/", locale="en-US")
    page.evaluate("window.notReloaded = true")
    badge = page.locator("#live-badge")
    expect(badge).to_be_hidden()

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
    assert page.evaluate("window.notReloaded") is True
