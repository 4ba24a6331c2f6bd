"""Load the French demo data once: people, teams, requests, journeys, articles."""

from django.core.management.base import BaseCommand
from django.db import transaction

from coopdesk import demo
from coopdesk.accounts.models import User
from coopdesk.notify.registry import registry


class Command(BaseCommand):
    help = "Load the French demo data (skipped when it is already there) and print the logins."

    def handle(self, *args, **options) -> None:
        if User.objects.filter(email="admin@coopdesk.test").exists():
            self.stdout.write("Demo data already loaded.")
        else:
            with transaction.atomic():
                self.load()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.print_logins()

    def load(self) -> None:
        # Each app registered its loader at start-up (coopdesk/notify/registry.py), in the
        # order they build on each other: teams and requests, articles, then paths.
        people = demo.load_people()
        for _order, load in registry.demo_loaders:
            load(people)

    def print_logins(self) -> None:
        self.stdout.write(f"\nDemo logins (password for all: {demo.DEMO_PASSWORD})")
        for email, who in demo.DEMO_LOGINS:
            self.stdout.write(f"  {email:<24} {who}")
        self.stdout.write(f"  {demo.DEMO_PROSPECTS}")
        self.stdout.write("")
