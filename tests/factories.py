"""factory_boy factories, valid by default."""

import factory
from django.utils import timezone

from coopdesk.accounts.models import Office, Role, User
from helpdesk.models import Category, Team, Ticket


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ["name"]

    name = "Lyon"
    city = "Lyon"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    role = Role.MEMBER
    password = factory.django.Password("pass")

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        """UserFactory(role=Role.AGENT, teams=[team]): an agent of these teams."""
        if create and extracted:
            self.teams.add(*extracted)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")
    email = factory.LazyAttribute(lambda t: f"{t.slug}@example.test")
    first_response_hours = 24


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    team = factory.SubFactory(TeamFactory)
    label = factory.Sequence(lambda n: f"Category {n}")
    help_text = "What this category is for"


class TicketFactory(factory.django.DjangoModelFactory):
    """A bare row in state new, for read-side tests; state changes go through actions."""

    class Meta:
        model = Ticket

    category = factory.SubFactory(CategoryFactory)
    team = factory.LazyAttribute(lambda t: t.category.team)
    requester = factory.SubFactory(UserFactory)
    subject = factory.Sequence(lambda n: f"Request {n}")
    body = "Hello, I need help."
    first_response_due = factory.LazyFunction(timezone.now)
