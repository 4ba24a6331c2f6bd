"""The 409 page leads back to a page that opens: never to the refused form's POST-only URL."""

from __future__ import annotations

import re

from django.test import RequestFactory

from coopdesk.conflicts import back_url, conflict_response

REFUSED = "/demandes/336/etape/acknowledge/"


class Page:
    def get_absolute_url(self) -> str:
        return "/demandes/336/"


def back_and_reload(page: str) -> list[str]:
    """The addresses of the 409 page's "Go back" and "Reload" links."""
    links = r'<a href="([^"]*)"[^>]*>(?:Go back|Reload|Revenir en arrière|Recharger)<'
    return re.findall(links, page)


def refused(**headers):
    return RequestFactory().post(REFUSED, {"reason": "Texte tapé"}, headers=headers)


def test_the_page_the_form_was_on_comes_first():
    request = refused(referer="http://testserver/demandes/?state=new")
    assert back_url(request, Page()) == "http://testserver/demandes/?state=new"


def test_another_sites_referer_or_the_refused_url_itself_is_not_followed():
    assert back_url(refused(referer="https://evil.example/"), Page()) == "/demandes/336/"
    assert back_url(refused(referer=f"http://testserver{REFUSED}"), Page()) == "/demandes/336/"
    assert back_url(refused(referer=f"http://testserver{REFUSED}")) == "/"


def test_without_a_referer_nor_an_object_the_page_leads_home():
    assert back_url(refused()) == "/"


def test_the_page_links_back_and_reload_to_the_objects_page_and_keeps_the_text():
    request = refused()
    request.user = None
    page = conflict_response(request, "Someone changed this.", Page()).content.decode()
    assert back_and_reload(page) == ["/demandes/336/"] * 2
    assert "Texte tapé</textarea>" in page


def test_switching_language_after_a_post_comes_back_to_a_page_that_opens(db, client):
    """The language switch sends the reader back to the page she is on; a page answering a
    form (refused, not found) has an address that takes only POST, so it comes back where
    "Reload" leads, or home."""
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    page = client.post(REFUSED, {"reason": "x"}).content.decode()
    language_next = re.search(r'<input name="next" type="hidden" value="([^"]*)"', page)
    assert language_next and language_next.group(1) != REFUSED
    assert client.get(language_next.group(1), follow=True).status_code == 200
    # The bell's "mark all as read" (without script, a form) comes back the same way.
    read_all_next = re.search(r'<input type="hidden" name="next" value="([^"]*)"', page)
    assert read_all_next and read_all_next.group(1) == language_next.group(1)
