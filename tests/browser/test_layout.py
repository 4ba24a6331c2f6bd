"""What only a browser can measure: every staff role's header holds on one line at 1280 px
(issue 10 asked it of the lead's), and the team settings page fits a 390 px phone."""

from __future__ import annotations

import pytest

from coopdesk.accounts.models import Role
from tests.browser.conftest import login
from tests.factories import UserFactory


@pytest.mark.parametrize("role", [Role.LEAD, Role.ADVISOR, Role.ADMIN])
def test_the_header_holds_on_one_line_at_1280_px(new_page, team, role):
    person = UserFactory(first_name="Dominique", role=role, teams=[team],
                         is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN)
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    login(page, person.email)
    brand = page.locator(".site-header .brand").bounding_box()
    language = page.locator(".site-header .lang").bounding_box()
    assert language["y"] < brand["y"] + brand["height"]  # the last item is on the first line
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_team_settings_fit_a_phone(new_page, team, lead, agent):
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 800})
    login(page, lead.email)
    page.goto(f"/equipes/{team.slug}/reglages/")
    assert page.locator("table.list").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
