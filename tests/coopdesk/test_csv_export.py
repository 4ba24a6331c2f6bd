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
