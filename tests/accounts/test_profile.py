"""My profile: name, phone, language; linked from the header."""

from django.conf import settings
from django.urls import reverse

URL = "accounts:profile-edit"


def test_profile_is_linked_from_the_header(member_client):
    page = member_client.get(reverse("helpdesk:ticket-list")).content.decode()
    assert f'href="{reverse(URL)}"' in page


def test_profile_shows_my_details_and_links(member_client, member):
    response = member_client.get(reverse(URL))
    assert response.status_code == 200
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
    page = response.content.decode()
    assert member.email in page and f'value="{member.first_name}"' in page
    for name in ["coopdesk:preference-edit", "accounts:data-download", "accounts:erasure-ask"]:
        assert f'href="{reverse(name)}"' in page


def test_profile_saves_name_phone_and_language(member_client, member):
    response = member_client.post(reverse(URL), {
        "first_name": "Camille", "last_name": "Martin", "phone": "06 01 02 03 04",
        "language": "en",
    })
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.last_name, member.phone, member.language) == ("Martin", "06 01 02 03 04", "en")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_profile_refuses_bad_input_with_400(member_client, member):
    response = member_client.post(reverse(URL), {"first_name": "", "language": "xx"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page or "errorlist" in page
    member.refresh_from_db()
    assert member.first_name == "Camille"


def test_profile_in_french_and_english(member_client):
    french = member_client.get(reverse(URL), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    english = member_client.get(reverse(URL), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Mon profil" in french and "Télécharger mes données" in french
    assert "My profile" in english and "Download my data" in english


def test_profile_cannot_change_role_or_email(member_client, member):
    member_client.post(reverse(URL), {
        "first_name": "Camille", "language": "fr", "role": "admin", "email": "x@example.test",
        "is_staff": "on",
    })
    member.refresh_from_db()
    assert member.role == "member" and not member.is_staff and member.email != "x@example.test"


def test_the_headers_language_switch_is_my_profiles_language(member_client, member, client):
    """The profile said French under English pages, and saving it (for a new phone number)
    turned the pages back to French; her e-mails stayed French."""
    response = member_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    member.refresh_from_db()
    assert member.language == "en"
    page = member_client.get(reverse(URL)).content.decode()
    assert '<option value="en" selected>English</option>' in page
    member_client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    member.refresh_from_db()
    assert member.language == "en"
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302


def test_signing_in_shows_the_pages_in_my_profiles_language(client, member):
    """On a new device with an English browser, the pages stayed English for a member whose
    profile (and e-mails) said French."""
    member.set_password("coopdesk")
    member.language = "fr"
    member.save()
    response = client.post(
        reverse("account_login"), {"login": member.email, "password": "coopdesk"},
        HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9",
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    page = client.get(reverse("helpdesk:ticket-list"), HTTP_ACCEPT_LANGUAGE="en-US")
    assert '<html lang="fr"' in page.content.decode()
