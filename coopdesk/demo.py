"""French demo people: offices, advisors, agents, team leads, members.

Every demo account logs in with DEMO_PASSWORD. Each app's own demo module adds its data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from coopdesk.accounts.models import Office, Role, Sector, User

DEMO_PASSWORD = "coopdesk"


@dataclass
class People:
    admin: User
    advisors: dict[str, User] = field(default_factory=dict)
    agents: dict[str, User] = field(default_factory=dict)
    members: dict[str, User] = field(default_factory=dict)


def _user(email: str, first: str, last: str, role: str, **extra) -> User:
    user = User.objects.create_user(
        email, DEMO_PASSWORD, first_name=first, last_name=last, role=role, **extra
    )
    return user


def load_people() -> People:
    lyon = Office.objects.create(name="Lyon", city="Lyon")
    amiens = Office.objects.create(name="Amiens", city="Amiens")
    bordeaux = Office.objects.create(name="Bordeaux", city="Bordeaux")

    admin = User.objects.create_superuser(
        "admin@coopdesk.test", DEMO_PASSWORD, first_name="Alix", last_name="Admin"
    )
    people = People(admin=admin)
    today = timezone.localdate()
    karim = _user("karim@coopdesk.test", "Karim", "Benali", Role.ADVISOR, office=lyon)
    claire = _user(
        "claire@coopdesk.test", "Claire", "Martin", Role.ADVISOR, office=lyon,
        backup_advisor=karim,
    )
    sophie = _user(
        "sophie@coopdesk.test", "Sophie", "Leroy", Role.ADVISOR, office=amiens,
        backup_advisor=karim, away_from=today - timedelta(days=3),
        away_until=today + timedelta(days=10),
    )
    people.advisors = {"claire": claire, "karim": karim, "sophie": sophie}

    for key, first, last, role in [
        ("julien", "Julien", "Roussel", Role.LEAD),
        ("nadia", "Nadia", "Haddad", Role.AGENT),
        ("thomas", "Thomas", "Girard", Role.AGENT),
        ("emilie", "Émilie", "Fontaine", Role.LEAD),
        ("marc", "Marc", "Lambert", Role.AGENT),
        ("lea", "Léa", "Bonnet", Role.AGENT),
        ("yanis", "Yanis", "Mercier", Role.AGENT),
    ]:
        people.agents[key] = _user(f"{key}@coopdesk.test", first, last, role, office=lyon)

    for key, first, last, advisor, office, sector in [
        ("camille", "Camille", "Dupont", claire, lyon, Sector.CONSULTING),
        ("lucas", "Lucas", "Moreau", claire, lyon, Sector.DIGITAL),
        ("ines", "Inès", "Garcia", sophie, amiens, Sector.PERSONAL_SERVICES),
        ("hugo", "Hugo", "Petit", karim, bordeaux, Sector.BUILDING),
        ("chloe", "Chloé", "Roux", claire, lyon, Sector.ARTS),
        ("mathis", "Mathis", "Faure", sophie, amiens, Sector.CRAFTS),
        ("sarah", "Sarah", "Lefèvre", karim, bordeaux, Sector.TRADE),
        ("noah", "Noah", "André", claire, lyon, Sector.PERSONAL_SERVICES),
    ]:
        people.members[key] = _user(
            f"{key}@coopdesk.test", first, last, Role.MEMBER, advisor=advisor, office=office,
            sector=sector,
        )
    people.members["lucas"].mentor = people.members["camille"]
    people.members["lucas"].save(update_fields=["mentor"])
    return people


DEMO_LOGINS = [
    ("camille@coopdesk.test", "sociétaire (member) — Mes demandes"),
    ("ines@coopdesk.test", "sociétaire dont la conseillère est absente"),
    ("claire@coopdesk.test", "conseillère (advisor)"),
    ("karim@coopdesk.test", "conseiller, remplace Sophie absente (backup advisor)"),
    ("nadia@coopdesk.test", "agente recouvrement + relation clients"),
    ("julien@coopdesk.test", "responsable du service juridique (team lead)"),
    ("admin@coopdesk.test", "administrateur (admin /admin/)"),
]
