"""A database stopped half-way through the migrations that a squash replaced is refused."""

from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from coopdesk.checks import squashed_history


def test_a_migrated_database_passes(db):
    # Applying a squash records the migrations it replaces too, as an upgraded database has.
    applied = MigrationRecorder(connection).applied_migrations()
    assert ("kb", "0012_revision_audience") in applied
    assert squashed_history(None, databases=["default"]) == []


def test_a_database_half_way_through_the_replaced_migrations_is_refused(db):
    recorder = MigrationRecorder(connection)
    recorder.record_unapplied("kb", "0012_revision_audience")
    recorder.record_unapplied("kb", "0001_squashed_0012_revision_audience")
    errors = squashed_history(None, databases=["default"])
    assert [error.id for error in errors] == ["coopdesk.E003"]
    assert "kb.0001_squashed_0012_revision_audience" in errors[0].msg
