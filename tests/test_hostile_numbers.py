"""Issue 11, hole 7: numbers out of range answer 404 or 400, never 500.

Every route with a number in its pattern is requested with ids at and past the largest
64-bit integer, by every kind of person; every list with hostile page numbers; the numeric
query parameters and form fields with ids no row can have. Run on SQLite and on PostgreSQL:
each database overflows in its own way (OverflowError, "bigint out of range").
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from coopdesk.accounts.models import Role
from kb import actions as kb_actions
from kb.models import Audience, Topic
from tests.conftest import login
from tests.factories import UserFactory
from tests.test_url_permissions import walk

LARGEST = 2**63 - 1
HOSTILE_IDS = [LARGEST, 2**63, 2**70, 10**30]
HOSTILE_PAGES = ["9223372036854775807", str(2**70), "-1", "0", "abc", "1e3", "1.5", "²"]


@pytest.fixture
def people(member, advisor, agent, lead):
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    return {"member": member, "advisor": advisor, "agent": agent, "lead": lead, "admin": admin}


@pytest.fixture
def slugs(agent, team):
    topic = Topic.objects.create(name="Devis", slug="devis", editor=agent)
    article = kb_actions.create_article(
        by=agent, title="Comment envoyer un devis", summary="s", body="b",
        audience=Audience.MEMBERS, topic=topic,
    )
    kb_actions.publish_article(article, by=agent)
    return {"slug": article.slug, "step": "publish", "stage": "cape", "kind": "fins-de-cape",
            "team": team.slug}


NUMBERED_ROUTES = [route for _name, route in walk() if re.search(r"<(id|int):", route)]


def test_every_number_in_a_route_is_bounded():
    """`<int:` takes any run of digits; the project's `<id:` converter stops at 64 bits."""
    assert NUMBERED_ROUTES
    assert not [route for route in NUMBERED_ROUTES if "<int:" in route and "admin/" not in route]


@pytest.mark.parametrize("route", [r for r in NUMBERED_ROUTES if not r.startswith("admin/")])
def test_huge_ids_in_routes_are_not_found(route, people, slugs):
    for number in HOSTILE_IDS:
        path = "/" + re.sub(
            r"<(\w+):(\w+)>",
            lambda m, n=number: str(n) if m[1] in ("id", "int") else slugs.get(m[2], "x"),
            route,
        )
        for who, user in people.items():
            client = login(user)
            for method in (client.get, client.post):
                response = method(path, {"version": str(number), "pk": str(number)})
                assert response.status_code < 500, (who, method.__name__, path)
                if number > LARGEST:
                    assert response.status_code == 404, (who, path)


def lists(slugs) -> list[tuple[str, str]]:
    """(persona, path) for every paginated list."""
    return [
        ("member", reverse("helpdesk:ticket-list")),
        ("member", reverse("helpdesk:ticket-list") + "?show=done"),
        ("member", reverse("coopdesk:notification-list")),
        ("agent", reverse("helpdesk:queue-detail", args=[slugs["team"]])),
        ("agent", reverse("helpdesk:collection-list")),
        ("advisor", reverse("helpdesk:advisor-requests")),
        ("advisor", reverse("journeys:advisor-stage", args=["cape"])),
        ("advisor", reverse("journeys:advisor-list", args=["fins-de-cape"])),
        ("agent", reverse("journeys:team-tasks")),
        ("member", reverse("kb:topic-detail", args=["devis"])),
        ("member", reverse("kb:article-search") + "?q=devis"),
    ]


def test_lists_answer_404_to_page_numbers_no_link_makes(people, slugs):
    for who, path in lists(slugs):
        client = login(people[who])
        glue = "&" if "?" in path else "?"
        assert client.get(path).status_code == 200, path
        assert client.get(f"{path}{glue}page=1").status_code == 200, path
        # a page that existed and is gone (the list got shorter): the last one, as before
        assert client.get(f"{path}{glue}page=50").status_code == 200, path
        for page in HOSTILE_PAGES:
            response = client.get(f"{path}{glue}page={page}")
            assert response.status_code == 404, (path, page, response.status_code)


@pytest.mark.parametrize("value", [str(2**63), str(2**70), "1e30", "-1", "²", "abc"])
def test_numeric_query_parameters_never_fail(value, people, slugs, category):
    member, agent = login(people["member"]), login(people["agent"])
    queue = reverse("helpdesk:queue-detail", args=[slugs["team"]])
    for client, path in [
        (member, f"{reverse('kb:suggestion-list')}?q=devis&category={value}"),
        (member, f"{reverse('helpdesk:ticket-create')}?category={value}"),
        (member, f"{reverse('helpdesk:ticket-create')}?draft={value}"),
        (member, f"{reverse('kb:article-create')}?topic={value}"),
        (agent, f"{queue}?category={value}"),
        (agent, f"{queue}?priority={value}&state={value}&sort={value}"),
        (agent, f"{queue}?q={value}"),
        (agent, f"{queue}?q=D-2026-{value}"),
        (agent, f"{reverse('helpdesk:team-health', args=[slugs['team']])}?weeks={value}"),
    ]:
        response = client.get(path)
        assert response.status_code in (200, 400, 404), (path, response.status_code)


def test_ids_in_forms_past_64_bits_are_invalid_choices(people, slugs, ticket, category):
    huge = str(2**70)
    member, agent = login(people["member"]), login(people["agent"])
    posts = [
        (member, reverse("helpdesk:ticket-create"),
         {"category": huge, "subject": "s", "body": "b", "key": "k"}),
        (agent, reverse("helpdesk:ticket-assign", args=[ticket.pk]),
         {"assignee": huge, "version": ticket.version}),
        (agent, reverse("helpdesk:ticket-transfer", args=[ticket.pk]),
         {"category": huge, "version": ticket.version, "note": "n"}),
        (agent, reverse("helpdesk:queue-bulk", args=[slugs["team"]]),
         {"tickets": [huge, str(ticket.pk)], "action": "assign", "assignee": huge}),
        (agent, reverse("kb:article-create"),
         {"title": "t", "summary": "s", "body": "b", "topic": huge, "categories": [huge],
          "audience": "members", "language": "fr", "owner": huge}),
        (member, reverse("kb:deflection-create"),
         {"article": huge, "category": huge, "q": "devis"}),
    ]
    for client, path, data in posts:
        response = client.post(path, data)
        assert response.status_code in (200, 302, 400, 404), (path, response.status_code)


def test_ids_field_refuses_ids_no_row_can_have(ticket):
    from django.core.exceptions import ValidationError

    from coopdesk.forms import IdsField
    from helpdesk.models import Ticket

    field = IdsField(queryset=Ticket.objects.all())
    assert list(field.clean([str(ticket.pk)])) == [ticket]
    for bad in (str(2**63), str(2**70), "²", "-1", "1e3"):
        with pytest.raises(ValidationError):
            field.clean([bad])
