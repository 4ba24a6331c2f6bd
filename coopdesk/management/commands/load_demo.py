"""Load the French demo data once: people, teams, requests, journeys, articles."""

from django.core.management.base import BaseCommand
from django.db import transaction

from coopdesk import demo
from coopdesk.accounts.models import User


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
        from helpdesk import demo as helpdesk_demo
        from journeys import demo as journeys_demo
        from kb import demo as kb_demo

        people = demo.load_people()
        helpdesk_demo.load_teams(people)
        helpdesk_demo.load_tickets(people)
        helpdesk_demo.load_collections(people)
        kb_demo.load(people)
        journeys_demo.load(people)

    def print_logins(self) -> None:
        self.stdout.write(f"\nDemo logins (password for all: {demo.DEMO_PASSWORD})")
        for email, who in demo.DEMO_LOGINS:
            self.stdout.write(f"  {email:<24} {who}")
        self.stdout.write(f"  {demo.DEMO_PROSPECTS}")
        self.stdout.write("")
