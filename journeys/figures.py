"""The cooperative's funnel and median time per stage, summed once for every reader.

Both read every journey ever started (20,000 in the benchmark: 165-227 ms a page, most of
it decoding six dates a journey), and both move slowly: a stage is reached or left a few
times a day. The worker job *sum up the journeys' stages* writes them every
`REFRESH_SECONDS` into `StageFigures` (one row per stage), and the overview reads those
five rows. When the rows are missing or older than `STALE_AFTER` (no worker running), the
page sums them itself first, so the figures it shows are never older than that, and it
says when they were summed.
"""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from journeys.models import PROGRESSION, Journey, Stage, StageFigures, entered_field

REFRESH_SECONDS = 300
STALE_AFTER = timedelta(seconds=3 * REFRESH_SECONDS)


def compute() -> dict[str, tuple[int, float | None, int]]:
    """Each stage of the progression: (journeys that reached it, median days spent in it
    by the journeys that left it, how many left it). Every path and cycle."""
    reached = Journey.objects.aggregate(**{
        kind.value: Count("pk", filter=Q(**{f"{entered_field(kind)}__isnull": False}))
        for kind in PROGRESSION
    })
    kinds = [*PROGRESSION, Stage.EXITED]
    fields = [entered_field(kind) for kind in kinds]
    durations: dict[str, list[float]] = {kind: [] for kind in PROGRESSION}
    for row in Journey.objects.order_by().values_list(*fields).iterator(chunk_size=2000):
        for index, kind in enumerate(PROGRESSION):
            entered = row[index]
            left = next((moment for moment in row[index + 1:] if moment), None)
            if entered and left:
                durations[kind].append((left - entered).total_seconds() / 86400)
    return {
        kind.value: (
            reached[kind.value],
            round(statistics.median(values), 1) if values else None,
            len(values),
        )
        for kind, values in durations.items()
    }


def refresh() -> int | None:
    """The worker job: every stage's figures again (one row per stage, written in place, so
    two writers at once leave the later one's figures)."""
    now = timezone.now()
    rows = [
        StageFigures(stage=stage, reached=reached, median_days=median, stays=stays,
                     computed_at=now)
        for stage, (reached, median, stays) in compute().items()
    ]
    StageFigures.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["stage"],
        update_fields=["reached", "median_days", "stays", "computed_at"],
    )
    return None


def current(now: datetime | None = None) -> list[StageFigures]:
    """The figures of each stage of the progression, in its order: as summed last, or summed
    now when that is older than STALE_AFTER or some stage has none."""
    now = now or timezone.now()
    rows = {row.stage: row for row in StageFigures.objects.all()}
    if len(rows) < len(PROGRESSION) or any(
        now - row.computed_at > STALE_AFTER for row in rows.values()
    ):
        refresh()
        rows = {row.stage: row for row in StageFigures.objects.all()}
    return [rows[kind.value] for kind in PROGRESSION]
