"""The configuration log: who changed which row, when, from what to what; admins read it."""

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.urls import reverse

from coopdesk.audit import change_values
from helpdesk.models import Category, Team
from tests.factories import UserFactory


@pytest.fixture
def admin_user(db):
    return UserFactory(first_name="Alix", role="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def team_form(team: Team, **changes) -> dict:
    data = {
        "name": team.name, "slug": team.slug, "description": team.description,
        "email": team.email, "phone": team.phone, "region": team.region,
        "time_zone": team.time_zone, "first_response_hours": team.first_response_hours,
        "lead": team.lead_id or "", "agents": list(team.agents.values_list("pk", flat=True)),
        "assignment": team.assignment, "agent_capacity": team.agent_capacity or "",
    }
    for inline in ("opening_ranges", "closures", "targets", "categories"):
        data |= {f"{inline}-TOTAL_FORMS": 0, f"{inline}-INITIAL_FORMS": 0,
                 f"{inline}-MIN_NUM_FORMS": 0, f"{inline}-MAX_NUM_FORMS": 1000}
    return data | changes


def test_a_change_records_who_when_and_before_after(admin_client, admin_user, team, agent, lead):
    url = reverse("admin:helpdesk_team_change", args=[team.pk])
    response = admin_client.post(url, team_form(team, first_response_hours=4, lead=agent.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = LogEntry.objects.get(action_flag=CHANGE, object_id=str(team.pk))
    assert entry.user == admin_user and entry.object_repr == team.name
    values = change_values(entry)
    assert values["first_response_hours"]["after"] == 4
    assert values["lead"] == {"before": str(lead), "after": str(agent)}
    assert entry.get_change_message()  # Django's own summary still reads


def test_a_new_row_records_its_values(admin_client, team):
    response = admin_client.post(reverse("admin:helpdesk_category_add"), {
        "team": team.pk, "label": "Un devis", "help_text": "", "default_priority": 2,
        "position": 0, "is_active": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    category = Category.objects.get(label="Un devis")
    entry = LogEntry.objects.get(action_flag=ADDITION, object_id=str(category.pk))
    assert change_values(entry)["label"] == {"after": "Un devis"}


def test_a_role_change_is_logged_without_the_persons_data(admin_client, member):
    url = reverse("admin:accounts_user_change", args=[member.pk])
    data = {
        "email": member.email, "first_name": "Camila", "last_name": member.last_name,
        "phone": "", "language": "fr", "role": "advisor", "office": member.office_id or "",
        "sector": "", "advisor": "", "mentor": "", "backup_advisor": "", "away_from": "",
        "away_until": "", "is_active": "on",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    values = change_values(LogEntry.objects.get(action_flag=CHANGE, object_id=str(member.pk)))
    assert values["role"] == {"before": "member", "after": "advisor"}
    assert values["first_name"] == {}  # named as changed, values kept out of the log


def test_admins_read_the_log_and_nobody_edits_it(admin_client, admin_user, team):
    admin_client.post(reverse("admin:helpdesk_team_change", args=[team.pk]),
                      team_form(team, first_response_hours=4))
    entry = LogEntry.objects.get()
    page = admin_client.get(reverse("admin:admin_logentry_changelist"))
    assert page.status_code == 200 and team.name in page.content.decode()
    detail = admin_client.get(reverse("admin:admin_logentry_change", args=[entry.pk]))
    assert detail.status_code == 200 and "→ 4" in detail.content.decode()
    assert admin_client.post(
        reverse("admin:admin_logentry_delete", args=[entry.pk]), {"post": "yes"}
    ).status_code == 403
    assert admin_client.get(reverse("admin:admin_logentry_add")).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_staff_who_are_not_admins_cannot_read_the_log(client, team):
    lead = UserFactory(role="lead", is_staff=True)
    client.force_login(lead)
    assert client.get(reverse("admin:admin_logentry_changelist")).status_code == 403


def test_values_of_any_kind_are_logged_as_json(admin_client, member):
    """A date and an emptied choice of a row: the log stays serialisable, never a 500."""
    url = reverse("admin:accounts_user_change", args=[member.pk])
    response = admin_client.post(url, {
        "email": member.email, "first_name": member.first_name, "last_name": member.last_name,
        "phone": "", "language": "fr", "role": "member", "office": "", "sector": "",
        "advisor": "", "mentor": "", "backup_advisor": "", "away_from": "2026-12-24",
        "away_until": "", "is_active": "on",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    values = change_values(LogEntry.objects.get(action_flag=CHANGE, object_id=str(member.pk)))
    assert values["away_from"] == {"before": None, "after": "2026-12-24"}
    assert values["office"]["after"] is None and values["advisor"]["after"] is None


def test_a_password_is_never_logged(admin_client):
    response = admin_client.post(reverse("admin:accounts_user_add"), {
        "email": "new@example.test", "first_name": "Noé", "role": "member",
        "usable_password": "true", "password1": "Tr3s-secret-pass!",
        "password2": "Tr3s-secret-pass!",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = LogEntry.objects.get(action_flag=ADDITION)
    assert "Tr3s-secret" not in entry.change_message
    assert change_values(entry)["password1"] == {}


def test_inline_rows_are_logged_with_their_values(admin_client, team, category):
    data = team_form(team) | {
        "categories-TOTAL_FORMS": 2, "categories-INITIAL_FORMS": 1,
        "categories-0-id": category.pk, "categories-0-team": team.pk,
        "categories-0-label": "Une facture en retard", "categories-0-help_text": "",
        "categories-0-default_priority": category.default_priority,
        "categories-0-position": category.position, "categories-0-is_active": "on",
        "categories-1-team": team.pk, "categories-1-label": "Un devis",
        "categories-1-help_text": "", "categories-1-default_priority": 2,
        "categories-1-position": 1, "categories-1-is_active": "on",
    }
    response = admin_client.post(reverse("admin:helpdesk_team_change", args=[team.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    values = change_values(LogEntry.objects.get(action_flag=CHANGE, object_id=str(team.pk)))
    changed = next(v for k, v in values.items() if k.endswith("“Une facture en retard”: label"))
    assert changed == {"before": "Une facture impayée", "after": "Une facture en retard"}
    added = next(v for k, v in values.items() if k.endswith("“Un devis”: label"))
    assert added == {"after": "Un devis"}
