"""Load the French demo data once: people, teams, requests, journeys, articles."""

from allauth.mfa.totp.internal.auth import TOTP
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from coopdesk import demo
from coopdesk.accounts.middleware import STAFF_ROLES
from coopdesk.accounts.models import User
from coopdesk.notify.registry import registry

# Every demo staff account shares this TOTP secret (add it once to an authenticator app): staff
# must use two-factor (README "Two-factor"). Demo data only: never a real account's secret.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class Command(BaseCommand):
    help = "Load the French demo data (skipped when it is already there) and print the logins."

    def handle(self, *args, **options) -> None:
        if User.objects.filter(email="admin@coopdesk.test").exists():
            self.stdout.write("Données de démonstration déjà chargées.")
        else:
            with transaction.atomic():
                self.load()
            self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
        self.print_logins()

    def load(self) -> None:
        # Each app registered its loader at start-up (coopdesk/notify/registry.py), in the
        # order they build on each other: teams and requests, articles, then paths.
        loaded_at = timezone.now()
        people = demo.load_people()
        for person in User.objects.filter(role__in=STAFF_ROLES):
            TOTP.activate(person, DEMO_TOTP_SECRET)
        for _order, load in registry.demo_loaders:
            load(people)
        demo.date_notifications_like_their_steps(loaded_at)

    def print_logins(self) -> None:
        # In French, as the demo's people and data are (coopdesk/demo.py DEMO_LOGINS).
        self.stdout.write(
            f"\nComptes de démonstration (mot de passe commun : {demo.DEMO_PASSWORD})"
        )
        for email, who in demo.DEMO_LOGINS:
            self.stdout.write(f"  {email:<24} {who}")
        self.stdout.write(f"  {demo.DEMO_PROSPECTS}")
        self.stdout.write(
            "L'équipe se connecte aussi avec un code à usage unique : ajoutez la clé "
            f"{DEMO_TOTP_SECRET} à une application d'authentification (la même pour tous "
            "les comptes d'équipe de la démo)."
        )
        self.stdout.write("")
