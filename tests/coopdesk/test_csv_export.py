"""Under ASGI (daphne, production), a CSV download goes out part by part: Django's handler
would read a plain iterator whole into a list before sending a byte."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from django.test import AsyncRequestFactory, RequestFactory

from coopdesk import csv_export
from coopdesk.accounts.models import User


def test_asgi_downloads_go_out_in_parts_with_the_same_text(db, monkeypatch, member,
                                                           other_member):
    monkeypatch.setattr(csv_export, "LINES_PER_PART", 1)

    def rows():
        for user in User.objects.order_by("pk").iterator():  # a query read as it goes
            yield [user.email, "=1+1"]

    plain = csv_export.stream(RequestFactory().get("/"), "x.csv", ["E-mail", "Formula"], rows())
    expected = b"".join(plain.streaming_content).decode()

    response = csv_export.stream(AsyncRequestFactory().get("/"), "x.csv",
                                 ["E-mail", "Formula"], rows())
    assert response.is_async

    async def read() -> list[str]:
        return [part async for part in response.streaming_content]

    parts = [part.decode() if isinstance(part, bytes) else part for part in
             async_to_sync(read)()]
    assert len(parts) == User.objects.count() + 1  # the header, then one line a part
    assert "".join(parts) == expected and "'=1+1" in expected


def test_read_gives_every_row_in_the_querysets_order_a_chunk_at_a_time(
    db, member, other_member, advisor, agent, lead
):
    from django.db import connection

    users = User.objects.order_by("-email")
    expected = list(users.values_list("email", flat=True))
    assert len(expected) >= 5
    read = csv_export.read(users.values_list("email", flat=True), chunk_size=2)
    assert next(read) == expected[0]
    if connection.vendor == "postgresql":
        # The rows come from a server-side cursor (the settings turn them off for
        # `.iterator()`), declared in a transaction that lasts while they are read.
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_cursors WHERE NOT is_holdable")
            assert cursor.fetchone()[0] == 1
    assert [expected[0], *read] == expected
    assert [user.email for user in csv_export.read(users, chunk_size=2)] == expected


def test_a_download_cut_short_ends_its_transaction(db, member, other_member, advisor):
    from django.db import connection

    depth = len(connection.savepoint_ids)
    read = csv_export.read(User.objects.order_by("pk"), chunk_size=1)
    next(read)
    read.close()  # what the response does when the download is cut
    assert len(connection.savepoint_ids) == depth
