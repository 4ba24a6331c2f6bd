"""Every page of the help centre, for every kind of person: audience rules hold everywhere."""

import pytest

from kb import actions
from kb.models import Audience, Kit, KitItem, audiences_for

LOGIN = "login"
DEFLECTION_URL = "/aide/suggestions/utile/"


@pytest.fixture
def objects(article, public_article, staff_article, draft, guide, term, member, agent):
    in_review = actions.create_article(by=member, title="Tuto en relecture", summary="s",
                                       body="Texte en relecture.", topic=article.topic)
    in_review = actions.submit_article(in_review, by=member)
    kit = Kit.objects.create(title="Kit", slug="bienvenue", for_new_members=True)
    KitItem.objects.create(kit=kit, article=article)
    return {"article": article, "public": public_article, "staff": staff_article,
            "draft": draft, "review": in_review, "guide": guide, "term": term}


def url(path: str, objects: dict) -> str:
    return path.format(**{name: getattr(obj, "slug", "") for name, obj in objects.items()})


# (path, {persona: expected status})
PAGES = [
    ("/aide/", {"anonymous": 200, "member": 200, "agent": 200}),
    ("/aide/recherche/?q=devis", {"anonymous": 200, "member": 200}),
    ("/aide/suggestions/?q=devis", {"anonymous": LOGIN, "member": 200}),
    ("/aide/themes/devis-factures/", {"anonymous": 200, "member": 200}),
    ("/aide/themes/nope/", {"member": 404}),
    ("/aide/proposer/", {"anonymous": LOGIN, "member": 200, "agent": 200}),
    ("/aide/mes-fiches/", {"anonymous": LOGIN, "member": 200}),
    ("/aide/relecture/", {"anonymous": LOGIN, "member": 404, "advisor": 404, "expert": 200,
                          "agent": 200}),
    ("/aide/statistiques/", {"anonymous": LOGIN, "member": 404, "agent": 404, "lead": 200}),
    ("/aide/fiches/{article}/", {"anonymous": LOGIN, "member": 200, "advisor": 200}),
    ("/aide/fiches/{public}/", {"anonymous": 200, "member": 200}),
    ("/aide/fiches/{staff}/", {"anonymous": 404, "member": 404, "expert": 404, "advisor": 200,
                               "agent": 200}),
    ("/aide/fiches/{draft}/", {"anonymous": 404, "member": 200, "other_member": 404,
                               "agent": 404, "expert": 404}),
    ("/aide/fiches/{review}/", {"anonymous": 404, "member": 200, "other_member": 404,
                                "agent": 200, "expert": 200}),
    ("/aide/fiches/nope/", {"member": 404, "agent": 404}),
    ("/aide/fiches/{article}/modifier/", {"anonymous": LOGIN, "member": 403, "agent": 200}),
    ("/aide/fiches/{draft}/modifier/", {"member": 200, "other_member": 404, "agent": 404}),
    ("/aide/fiches/{review}/modifier/", {"member": 403, "agent": 200}),
    ("/aide/fiches/{article}/versions/", {"anonymous": LOGIN, "member": 200}),
    ("/aide/fiches/{staff}/versions/", {"member": 404, "agent": 200}),
    ("/aide/fiches/{article}/versions/1/", {"member": 200}),
    ("/aide/fiches/{staff}/versions/1/", {"member": 404, "agent": 200}),
    ("/aide/fiches/{article}/versions/99/", {"member": 404}),
    ("/aide/guides/", {"anonymous": 200, "member": 200}),
    ("/aide/guides/{guide}/", {"anonymous": 404, "member": 200}),
    ("/aide/lexique/", {"anonymous": 200, "member": 200}),
    ("/aide/lexique/{term}/", {"anonymous": 200}),
    ("/aide/lexique/nope/", {"anonymous": 404}),
    ("/aide/kit/bienvenue/", {"anonymous": LOGIN, "member": 200}),
    ("/aide/kit/nope/", {"member": 404}),
    ("/aide/services/", {"anonymous": LOGIN, "member": 200}),
]
CASES = [(path, who, status) for path, table in PAGES for who, status in table.items()]


def as_person(client, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    return client


def check(response, status):
    if status == LOGIN:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == status


@pytest.mark.parametrize(("path", "who", "status"), CASES)
def test_page_permissions(client, request, objects, path, who, status, lead, advisor, expert):
    response = as_person(client, request, who).get(url(path, objects))
    check(response, status)


POSTS = [
    ("/aide/fiches/{review}/etape/publish/", {"member": 403, "other_member": 404, "agent": 302}),
    ("/aide/fiches/{review}/etape/request_changes/", {"member": 403, "expert": 302}),
    ("/aide/fiches/{draft}/etape/submit/", {"other_member": 404, "agent": 404, "member": 302}),
    ("/aide/fiches/{article}/etape/archive/", {"anonymous": LOGIN, "member": 403,
                                               "agent": 302}),
    ("/aide/fiches/{article}/etape/confirm/", {"member": 403, "agent": 302}),
    ("/aide/fiches/{article}/etape/explode/", {"agent": 404}),
    ("/aide/fiches/{draft}/commentaire/", {"other_member": 404, "member": 302}),
    # The editor's autosave: for who may edit the article, unknown to anyone else.
    ("/aide/fiches/{draft}/brouillon/", {"anonymous": LOGIN, "other_member": 404, "agent": 404,
                                        "member": 200}),
    ("/aide/fiches/{article}/brouillon/", {"member": 404, "agent": 200}),
    ("/aide/fiches/{review}/commentaire/", {"other_member": 404, "advisor": 404, "expert": 302}),
    ("/aide/fiches/{article}/avis/", {"anonymous": LOGIN, "member": 302}),
    ("/aide/fiches/{staff}/avis/", {"member": 404, "advisor": 302}),
    ("/aide/guides/{guide}/recommencer/", {"anonymous": 404, "member": 302}),
    ("/aide/guides/{guide}/retour/", {"member": 302}),
    # A members' guide: hidden from visitors; a member's answer without a choice is refused.
    ("/aide/guides/{guide}/repondre/", {"anonymous": 404, "member": 400}),
]
POST_CASES = [(path, who, status) for path, table in POSTS for who, status in table.items()]


@pytest.mark.parametrize(("path", "who", "status"), POST_CASES)
def test_post_permissions(client, request, objects, path, who, status, advisor, expert):
    target = objects[path.split("{")[1].split("}")[0]]
    data = {"version": getattr(target, "version", 0), "note": "Une note", "body": "Un commentaire",
            "helpful": "yes"}
    response = as_person(client, request, who).post(url(path, objects), data)
    check(response, status)


@pytest.mark.parametrize(("who", "article_key", "status"), [
    ("anonymous", "article", LOGIN), ("member", "article", 302), ("member", "staff", 404),
    ("advisor", "staff", 302),
])
def test_deflection_permissions(client, request, objects, who, article_key, status, advisor):
    response = as_person(client, request, who).post(
        DEFLECTION_URL, {"article": objects[article_key].pk, "query": "devis"}
    )
    check(response, status)


def test_get_is_refused_on_post_only_pages(client, member, objects):
    client.force_login(member)
    assert client.get(url("/aide/fiches/{article}/avis/", objects)).status_code == 405
    assert client.get(DEFLECTION_URL).status_code == 405


def test_search_and_suggestions_respect_the_audience(client, objects, member, advisor):
    def titles(response):
        return response.content.decode()

    anonymous = titles(client.get("/aide/recherche/?q=contrat OR devis OR trésorerie"))
    assert "CAPE" in anonymous
    assert "Comment envoyer un devis" not in anonymous
    assert "Procédure interne" not in anonymous
    client.force_login(member)
    seen = titles(client.get("/aide/recherche/?q=devis or trésorerie"))
    assert "Comment envoyer un devis" in seen and "Procédure interne" not in seen
    assert "Procédure interne" not in titles(client.get("/aide/suggestions/?q=procédure"))
    client.force_login(advisor)
    assert "Procédure interne" in titles(client.get("/aide/recherche/?q=trésorerie"))
    assert "Procédure interne" in titles(client.get("/aide/suggestions/?q=procédure relances"))


def test_kit_shows_only_what_the_reader_may_open(client, objects, member, staff_article):
    KitItem.objects.create(kit=Kit.objects.get(), article=staff_article, position=5)
    client.force_login(member)
    page = client.get("/aide/kit/bienvenue/").content.decode()
    assert objects["article"].title in page and staff_article.title not in page


def test_inactive_person_reads_like_anonymous(member):
    member.is_active = False
    assert audiences_for(member) == [Audience.PUBLIC]


def test_members_never_see_staff_articles_among_many_matches(client, make_article, member):
    """A common word matches more articles than a page holds: the count and every page
    leave the staff's out, on the search page and in suggestions."""
    for n in range(18):
        make_article(f"Facture et client {n}", summary="Relancer le client.",
                     audience=Audience.STAFF if n % 3 == 0 else Audience.MEMBERS)
    client.force_login(member)
    seen = []
    for number in (1, 2):
        page = client.get("/aide/recherche/", {"q": "facture", "page": number})
        assert page.context["results"].total == 12
        seen += [hit.title for hit in page.context["results"].hits]
    assert len(set(seen)) == 12 and all(int(title.rsplit(" ", 1)[1]) % 3 for title in seen)
    page = client.get("/aide/suggestions/", {"q": "facture client relance"})
    assert all(int(hit.title.rsplit(" ", 1)[1]) % 3 for hit in page.context["hits"])


def test_an_article_moved_to_staff_leaves_members_suggestions_at_once(
    client, make_article, member, agent
):
    article = make_article("Mise en demeure", summary="Dernière relance avant le tribunal.")
    client.force_login(member)
    assert "Mise en demeure" in client.get("/aide/suggestions/", {"q": "demeure"}).content.decode()
    actions.update_article(article, by=agent, audience=Audience.STAFF)
    for url in ("/aide/suggestions/", "/aide/recherche/"):
        assert "Mise en demeure" not in client.get(url, {"q": "demeure"}).content.decode()


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/parcours/reunions/"])
def test_a_visitor_finds_the_public_help_from_the_public_pages(client, db, url):
    """The help opens without an account: the login and meetings pages link to it."""
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert '<a href="/aide/">Aide</a>' in response.content.decode()
    assert client.get("/aide/").status_code == 200
