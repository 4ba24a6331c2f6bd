"""Persona fixtures: a member, another member, their advisor, a team with an agent, a lead."""

import factory.random
import pytest
from django.test import Client

from coopdesk import notify, outbox
from coopdesk.accounts.models import Role
from helpdesk import actions
from kb.models import Topic
from tests.factories import CategoryFactory, OfficeFactory, TeamFactory, UserFactory


@pytest.fixture(autouse=True)
def _same_names_every_run(request):
    """Factories draw names at random; seeding by the test's id gives each test the same
    people on every run, alone, in any order or on any xdist worker, so a name clash
    that breaks a test breaks it every time rather than once in a while."""
    factory.random.reseed_random(request.node.nodeid)


def empty_cache() -> None:
    """Empty Django's cache, and only it. On Redis, cache.clear() is FLUSHDB: it would also
    empty the channel layer that shares the database (REDIS_URL), so the sockets of a
    daphne, of `python -m bench.live` or of another test run on that Redis would lose
    their groups and hear nothing more. Delete the cache's own keys instead."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        cache.clear()
        return
    client = cache._cache.get_client(write=True)
    # Django's key function writes "<KEY_PREFIX>:<version>:<key>"; channel-layer keys
    # start with their own prefix ("asgi…"), never with a colon.
    keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _empty_cache():
    """What a page keeps in the cache (the cooperative health's live counts) stays with its
    test: ids come back from one test's rolled-back rows to the next's."""
    empty_cache()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings):
    """PBKDF2 costs ~1 s per user here. The daphne process of the browser tests checks
    passwords with the default hashers, so they keep them."""
    if request.node.get_closest_marker("browser") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def sent_mail(mailoutbox):
    """The e-mails sent by now: call it after the step that queued them, and the worker's
    sending job runs first (account e-mails go through the outbox too)."""

    def sent():
        outbox.send_pending()
        return mailoutbox

    return sent


@pytest.fixture
def pushed(monkeypatch):
    """The (group, message) pairs notify pushes to the channel layer, in order, kept here
    instead of sent (with django_capture_on_commit_callbacks(execute=True): after commit)."""
    messages = []
    monkeypatch.setattr(notify.push, "push", messages.extend)
    return messages


@pytest.fixture(autouse=True)
def _plain_http(settings):
    """The suite runs on the production defaults (DEBUG unset), except that the test client
    speaks plain HTTP (without this, every request would answer the redirect to HTTPS) and
    that static files come from the sources, as in development (nobody ran collectstatic)."""
    settings.SECURE_SSL_REDIRECT = False
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture(autouse=True)
def _no_forced_two_factor(settings):
    """Staff personas work without an authenticator; tests of two-factor turn it back on."""
    settings.MFA_REQUIRED_FOR_STAFF = False


@pytest.fixture
def office(db):
    return OfficeFactory()


@pytest.fixture
def advisor(db, office):
    return UserFactory(first_name="Claire", role=Role.ADVISOR, office=office)


@pytest.fixture
def backup_advisor(db, office):
    return UserFactory(first_name="Karim", role=Role.ADVISOR, office=office)


@pytest.fixture
def member(db, advisor, office):
    return UserFactory(first_name="Camille", role=Role.MEMBER, advisor=advisor, office=office)


@pytest.fixture
def other_member(db, office):
    other_advisor = UserFactory(first_name="Sophie", role=Role.ADVISOR, office=office)
    return UserFactory(first_name="Lucas", role=Role.MEMBER, advisor=other_advisor, office=office)


@pytest.fixture
def team(db):
    return TeamFactory(name="Recouvrement", slug="recouvrement")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Juridique", slug="juridique")


@pytest.fixture
def category(team):
    return CategoryFactory(team=team, label="Une facture impayée")


@pytest.fixture
def other_category(other_team):
    return CategoryFactory(team=other_team, label="Un litige avec un client")


@pytest.fixture
def agent(team):
    return UserFactory(first_name="Nadia", role=Role.AGENT, teams=[team])


@pytest.fixture
def other_agent(team):
    return UserFactory(first_name="Yanis", role=Role.AGENT, teams=[team])


@pytest.fixture
def outside_agent(other_team):
    return UserFactory(first_name="Julien", role=Role.AGENT, teams=[other_team])


@pytest.fixture
def lead(team):
    lead = UserFactory(first_name="Émilie", role=Role.LEAD, teams=[team])
    team.lead = lead
    team.save()
    return lead


@pytest.fixture
def ticket(member, category):
    return actions.create_ticket(
        requester=member, category=category, subject="Facture impayée F-12",
        body="Mon client ne paie pas.",
    )


@pytest.fixture
def topic(db, agent):
    """A knowledge-base topic the agent edits (the kb tests and the browser's)."""
    return Topic.objects.create(name="Devis et factures", slug="devis-factures", editor=agent)


def login(user) -> Client:
    """A fresh client logged in as `user`, or anonymous for None: each has its own cookies,
    so one test can hold several people's sessions at once."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client
