"""A phone number is checked by one rule wherever a person types one: her profile, the public
sign-up, the admin's user and team forms. It is kept as typed."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from coopdesk.accounts.validators import validate_phone
from tests.coopdesk.test_audit import team_form
from tests.factories import UserFactory

FRENCH_ERROR = "Saisissez un numéro de téléphone de 6 à 20 chiffres"
ENGLISH_ERROR = "Enter a phone number of 6 to 20 digits"


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(role="admin", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("phone", [
    "04 72 00 00 01", "+33 6 12 34 56 78", "+32 (0)2 123.45.67", "06-12-34-56-78", "123456",
    "+" + "1" * 20,
])
def test_phones_as_people_write_them_are_accepted(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", [
    "abc", "06 12 34 56 7a", "12345", "1" * 21, "06 12 ++34", "+", "06 12 34 56 78 poste 12",
    "0612345678+",
])
def test_other_phones_are_refused(phone):
    with pytest.raises(ValidationError):
        validate_phone(phone)


def test_my_profile_refuses_a_phone_that_is_not_one_and_says_why(member_client, member):
    data = {"first_name": "Camille", "phone": "abc", "language": "fr"}
    response = member_client.post(reverse("accounts:profile-edit"), data)
    assert response.status_code == 400
    assert FRENCH_ERROR in response.content.decode()
    member.refresh_from_db()
    assert member.phone != "abc"


def test_the_error_is_in_english_for_an_english_profile(member_client, member):
    member_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = {"first_name": "Camille", "phone": "abc", "language": "en"}
    response = member_client.post(reverse("accounts:profile-edit"), data)
    assert response.status_code == 400 and ENGLISH_ERROR in response.content.decode()


def test_my_profile_keeps_the_phone_as_typed(member_client, member):
    data = {"first_name": "Camille", "phone": "+32 (0)2 123.45.67", "language": "fr"}
    assert member_client.post(reverse("accounts:profile-edit"), data).status_code == 302
    member.refresh_from_db()
    assert member.phone == "+32 (0)2 123.45.67"


def test_the_admins_user_form_refuses_a_phone_that_is_not_one(admin_client, member):
    response = admin_client.post(reverse("admin:accounts_user_change", args=[member.pk]), {
        "email": member.email, "first_name": member.first_name, "last_name": member.last_name,
        "phone": "abc", "language": "fr", "role": "member", "office": "", "sector": "",
        "advisor": "", "mentor": "", "backup_advisor": "", "away_from": "", "away_until": "",
        "is_active": "on",
    })
    assert response.status_code == 200 and FRENCH_ERROR in response.content.decode()
    member.refresh_from_db()
    assert member.phone != "abc"


def test_the_admins_team_form_refuses_a_phone_that_is_not_one(admin_client, team):
    response = admin_client.post(reverse("admin:helpdesk_team_change", args=[team.pk]),
                                 team_form(team, phone="abc"))
    assert response.status_code == 200 and FRENCH_ERROR in response.content.decode()
    team.refresh_from_db()
    assert team.phone != "abc"
