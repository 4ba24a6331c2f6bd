"""French demo people: offices, advisors, agents, team leads, members.

Every demo account logs in with DEMO_PASSWORD. Each app's own demo module adds its data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from notifications.models import Notification

from coopdesk.accounts.models import Office, Role, Sector, User
from coopdesk.models import OutboxEmail, OutboxStatus

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


# Every demo account, as load_demo prints them and the README lists them (a test keeps the
# two in step). Prospects (…@exemple.fr) are not listed one by one: DEMO_PROSPECTS says how.
DEMO_LOGINS = [
    ("camille@coopdesk.test", "sociétaire associée, marraine : demandes dans tous les états"),
    ("hugo@coopdesk.test", "sociétaire salarié (CESA), parrain disponible"),
    ("lucas@coopdesk.test", "en CAPE (fin dans 20 jours), a demandé à adapter son parcours"),
    ("ines@coopdesk.test", "en CAPE services à la personne, sa conseillère Sophie est absente"),
    ("theo@coopdesk.test", "CAPE signé il y a 12 jours"),
    ("mathis@coopdesk.test", "diagnostic fait, CAPE à signer"),
    ("chloe@coopdesk.test", "diagnostic réservé dans deux jours"),
    ("sarah@coopdesk.test", "revenue après un départ : second parcours, au diagnostic"),
    ("noah@coopdesk.test", "inscrit à la prochaine réunion d'information"),
    ("jade@coopdesk.test", "a quitté la coopérative (création de sa SARL)"),
    ("claire@coopdesk.test", "conseillère de Camille, Lucas, Chloé, Noah, Jade, Théo"),
    ("karim@coopdesk.test", "conseiller de Hugo et Sarah, remplace Sophie absente"),
    ("sophie@coopdesk.test", "conseillère absente (Inès, Mathis)"),
    ("julien@coopdesk.test", "responsable de l'équipe Juridique"),
    ("emilie@coopdesk.test", "responsable des équipes Comptabilité et Paie"),
    ("nadia@coopdesk.test", "agente Recouvrement (responsable) et Relation clients"),
    ("thomas@coopdesk.test", "agent Relation clients (responsable)"),
    ("yanis@coopdesk.test", "agent Juridique et Recouvrement"),
    ("marc@coopdesk.test", "agent Comptabilité et Paie"),
    ("lea@coopdesk.test", "agente Communication (responsable)"),
    ("admin@coopdesk.test", "administrateur (administration : /admin/)"),
]
DEMO_PROSPECTS = (
    "emma, leo, manon, nathan, zoe @exemple.fr : prospects inscrits à une réunion "
    "d'information ; tout visiteur peut s'inscrire depuis /parcours/reunions/"
)


def date_notifications_like_their_steps(loaded_at: datetime) -> None:
    """Each app's demo back-dates its history (the steps' created_at) after the real actions
    wrote its notifications, dated when the demo was loaded: date each notification like
    the step it tells of, so that the bell does not say that last year's steps happened
    today. Those steps were no news when the demo was loaded: nobody is e-mailed about
    them, at once or in a daily summary (their e-mails would have gone out back then)."""
    notifications = list(
        Notification.objects.exclude(action_object_object_id=None)
        .exclude(action_object_content_type=None)
        .only("timestamp", "action_object_content_type", "action_object_object_id")
    )
    steps = defaultdict(set)
    for notification in notifications:
        steps[notification.action_object_content_type_id].add(
            int(notification.action_object_object_id)
        )
    moments = {}
    for type_id, ids in steps.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is not None and any(f.name == "created_at" for f in model._meta.fields):
            moments |= {
                (type_id, pk): at
                for pk, at in model.objects.filter(pk__in=ids).values_list("pk", "created_at")
            }
    earlier = []
    for notification in notifications:
        key = (notification.action_object_content_type_id,
               int(notification.action_object_object_id))
        if key in moments and moments[key] < loaded_at:
            notification.timestamp = moments[key]
            notification.emailed = True
            earlier.append(notification)
    Notification.objects.bulk_update(earlier, ["timestamp", "emailed"], batch_size=500)
    OutboxEmail.objects.filter(
        notification__in=earlier, status=OutboxStatus.PENDING
    ).delete()
