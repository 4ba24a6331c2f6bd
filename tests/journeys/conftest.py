"""Journey fixtures: a small path like the demo's, journeys walked through the real actions."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from coopdesk.accounts.models import Role, Sector
from journeys import actions
from journeys.models import (
    Assignee,
    DiagnosisSlot,
    InfoMeeting,
    PathTemplate,
    Stage,
    StageLink,
    StageTemplate,
    TaskTemplate,
    add_months,
)
from tests.factories import TeamFactory, UserFactory

CAPE_TASKS = [
    ("journees-accueil", "Participer aux deux journées d'accueil", Assignee.MEMBER, 14),
    ("hebergement-juridique", "Hébergement juridique", Assignee.TEAM, 7),
    ("accompagnement", "Premier rendez-vous d'accompagnement", Assignee.ADVISOR, 21),
    ("professionnalisation", "Parcours de professionnalisation (5 mois)", Assignee.MEMBER, 30),
    ("rc-pro", "Assurance RC Pro", Assignee.TEAM, 7),
]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hashing "pass" with PBKDF2 for every persona costs seconds per test on this machine."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions read the English msgids, whatever catalogue the lead adds later."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The sign-up throttle counts in the cache: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def legal_team(db):
    return TeamFactory(name="Juridique", slug="juridique-parcours")


def make_path(name: str, slug: str, team, *, extra_cape=(), **fields) -> PathTemplate:
    path = PathTemplate.objects.create(name=name, slug=slug, **fields)
    for kind in Stage:
        stage = StageTemplate.objects.create(path=path, kind=kind, title=f"Étape {kind.label}")
        if kind == Stage.INFO_MEETING:
            StageLink.objects.create(stage=stage, title="Le réseau des CAE",
                                     url="https://www.cooperer.coop/")
            TaskTemplate.objects.create(stage=stage, key="questions", title="Noter vos questions",
                                        due_offset_days=7)
        if kind == Stage.DIAGNOSIS:
            TaskTemplate.objects.create(
                stage=stage, key="france-travail", title="Envoyer votre attestation",
                due_offset_days=7, required_document="Attestation France Travail",
            )
        if kind == Stage.CAPE:
            for position, (key, title, who, days) in enumerate([*CAPE_TASKS, *extra_cape]):
                TaskTemplate.objects.create(
                    stage=stage, key=key, title=title, assignee=who, due_offset_days=days,
                    team=team if who == Assignee.TEAM else None, position=position,
                    article_slug="journees-accueil" if key == "journees-accueil" else "",
                )
        if kind == Stage.EXITED:
            TaskTemplate.objects.create(stage=stage, key="solde", title="Solder les comptes",
                                        assignee=Assignee.ADVISOR, due_offset_days=30)
    return path


@pytest.fixture
def path(legal_team):
    return make_path("Parcours CAE", "cae", legal_team, is_default=True)


@pytest.fixture
def sap_path(legal_team, path):
    return make_path(
        "Parcours services à la personne", "sap", legal_team, sector=Sector.PERSONAL_SERVICES,
        extra_cape=[("declaration-sap", "Déclaration SAP", Assignee.TEAM, 14)],
    )


@pytest.fixture
def legal_agent(legal_team):
    return UserFactory(first_name="Yanis", role=Role.AGENT, teams=[legal_team])


@pytest.fixture
def admin_user(db):
    return UserFactory(first_name="Alix", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def journey(member, path):
    return actions.start_journey(member=member, by=member)


def to_diagnosis(journey, advisor):
    return actions.advance_journey(journey, by=advisor)


def future(days: int = 3, hour: int = 10) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def came(slot):
    """The booked interview's time has come: it may be recorded as held."""
    DiagnosisSlot.objects.filter(pk=slot.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    slot.refresh_from_db()
    return slot


def hold(journey, advisor, *, days: int = 3, hour: int = 10):
    slot = actions.add_slot(advisor=advisor, by=advisor, starts_at=future(days, hour),
                            duration_minutes=60, place="Bureau")
    actions.book_slot(slot, journey=journey, by=journey.member)
    actions.hold_diagnosis(came(slot), by=advisor, summary="Plan d'actions")
    journey.refresh_from_db()
    return journey


def cape_dates(months: int = 6):
    start = timezone.localdate()
    return start, add_months(start, months) - timedelta(days=1)


def to_cape(journey, advisor, **kwargs):
    journey = hold(to_diagnosis(journey, advisor), advisor, **kwargs)
    start, end = cape_dates()
    return actions.sign_cape(journey, by=advisor, start=start, end=end)


def to_salaried(journey, advisor):
    journey = to_cape(journey, advisor)
    return actions.sign_salaried_contract(journey, by=advisor, start=timezone.localdate())


def to_associate(journey, advisor):
    journey = to_salaried(journey, advisor)
    return actions.grant_membership(journey, by=advisor, on=timezone.localdate())


@pytest.fixture
def diagnosis_journey(journey, advisor):
    return to_diagnosis(journey, advisor)


@pytest.fixture
def cape_journey(journey, advisor):
    return to_cape(journey, advisor)


@pytest.fixture
def meeting(advisor, path):
    return actions.create_meeting(by=advisor, starts_at=future(5, 9), place="Bureau de Lyon",
                                  capacity=2)


@pytest.fixture
def free_slot(advisor):
    return actions.add_slot(advisor=advisor, by=advisor, starts_at=future(2, 14),
                            duration_minutes=60, place="Bureau de Lyon")


@pytest.fixture
def prospect_factory(path):
    def make(first_name: str = "Emma", **fields):
        person = UserFactory(first_name=first_name, role=Role.MEMBER, **fields)
        return actions.start_journey(member=person, by=person)

    return make


@pytest.fixture
def advisor_client(client, advisor):
    client.force_login(advisor)
    return client


def meeting_now(host, **fields) -> InfoMeeting:
    """A meeting that starts in a few minutes: registration still open, roll call open."""
    fields.setdefault("place", "Bureau")
    return actions.create_meeting(by=host, starts_at=timezone.now() + timedelta(minutes=10),
                                  **fields)
