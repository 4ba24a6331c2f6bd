"""Walk the demo as every persona of the README: from their landing page, follow every link
of the site three clicks deep. No link may lead to a page that answers 403, 404 or 500: a
link shown to someone must be one they may follow."""

from __future__ import annotations

import io
from collections import defaultdict, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from coopdesk import demo
from coopdesk.accounts.models import User

DEPTH = 3
# Not pages to walk: leaving the session, files, and Django's own admin (its changelists
# multiply into thousands of sort and filter links, and it is Django's, not ours).
SKIPPED_PREFIXES = ("/accounts/logout", "/logout", "/static/", "/media/", "/admin/")
# Reference pages that read the same for everyone of a role (articles, glossary, topics,
# search, the new-request form per category): walked once per role, not once per person,
# which halves the walk. A person's own things (requests, paths, drafts) are walked for each.
SHARED_PREFIXES = ("/aide/fiches/", "/aide/lexique/", "/aide/themes/", "/aide/recherche/",
                   "/demandes/nouvelle/")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _same_site_links(page_url: str, html: str) -> set[str]:
    parser = _Links()
    parser.feed(html)
    links = set()
    for href in parser.hrefs:
        url, _fragment = urldefrag(urljoin(f"http://testserver{page_url}", href))
        parts = urlsplit(url)
        if parts.scheme != "http" or parts.netloc != "testserver":
            continue  # mailto:, tel:, other sites
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not path.startswith(SKIPPED_PREFIXES):
            links.add(path)
    return links


def walk(client: Client, start: str = "/", shared: set[str] | None = None
         ) -> dict[str, tuple[int, str]]:
    """Every page reachable from `start` within DEPTH clicks, breadth first: url → (status,
    the page that links to it), for the pages that answered 403, 404 or 500. `shared`: the
    reference pages already walked by someone of the same role (updated)."""
    shared = set() if shared is None else shared
    seen = {start: "(landing page)"}
    queue = deque([(start, 0)])
    broken = {}
    while queue:
        url, depth = queue.popleft()
        response = client.get(url, follow=True)
        if response.status_code in (403, 404, 500):
            broken[url] = (response.status_code, seen[url])
            continue
        if depth == DEPTH or "text/html" not in response.get("Content-Type", ""):
            continue
        final = response.redirect_chain[-1][0] if response.redirect_chain else url
        for link in _same_site_links(urlsplit(final).path, response.content.decode()):
            if link in seen or link in shared:
                continue
            seen[link] = url
            if link.startswith(SHARED_PREFIXES):
                shared.add(link)
            queue.append((link, depth + 1))
    return broken


def test_demo_logins_are_the_readme_logins():
    text = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    for email, _who in demo.DEMO_LOGINS:
        assert f"| {email} |" in text, f"{email} is printed by load_demo but not in the README"


@pytest.mark.django_db
def test_no_link_of_the_demo_is_broken_for_any_persona():
    call_command("load_demo", stdout=io.StringIO())
    demo_emails = {email for email, _who in demo.DEMO_LOGINS}
    assert set(User.objects.filter(is_active=True).values_list("email", flat=True)) <= (
        demo_emails | {email for email in User.objects.values_list("email", flat=True)
                       if email.endswith("@exemple.fr")}
    ), "every demo account is listed (prospects share one line)"
    broken = {}
    shared_by_role: dict[str, set[str]] = defaultdict(set)
    for email in [None, *sorted(demo_emails)]:
        client = Client()
        role = "anonymous"
        if email:
            user = User.objects.get(email=email)
            client.force_login(user)
            role = "admin" if user.is_superuser else user.role
        # Visitors land on the public pages: the meetings a prospect signs up for, the help.
        starts = ["/"] if email else ["/", reverse("journeys:meeting-list"), reverse("kb:home")]
        for start in starts:
            for url, (status, linked_from) in walk(client, start, shared_by_role[role]).items():
                broken[f"{email or 'anonymous'} {url}"] = f"{status}, linked from {linked_from}"
    assert broken == {}
