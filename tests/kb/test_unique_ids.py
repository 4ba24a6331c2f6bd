"""An article's page (with its feedback form) has each id once."""

from __future__ import annotations

from tests.conftest import login
from tests.html_ids import id_problems


def test_an_articles_page_has_each_id_once(article, public_article, member):
    for user, shown in ((member, article), (None, public_article)):
        response = login(user).get(f"/aide/fiches/{shown.slug}/")
        assert response.status_code == 200
        assert id_problems(response.content.decode()) == []
