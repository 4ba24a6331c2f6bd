"""Fixtures for the helpdesk tests: English UI text, a client per persona."""

import pytest
from django.utils import translation

from coopdesk.accounts.models import Role
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _english(settings):
    """Assert on the English msgids, whatever the French catalogue says later."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def other_advisor(other_member):
    """The advisor of someone else."""
    return other_member.advisor


@pytest.fixture
def admin_user(db):
    return UserFactory(first_name="Alice", role=Role.ADMIN, is_staff=True, is_superuser=True)
