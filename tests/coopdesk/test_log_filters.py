"""A refusal (403) is one line in the log, not a traceback."""

from __future__ import annotations

import logging

from django.urls import reverse

from coopdesk.log_filters import RefusalWithoutTraceback


def test_a_403_is_logged_on_one_line(agent_client, team, caplog):
    url = reverse("helpdesk:team-settings", args=[team.slug])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert agent_client.post(url, {"assignment": "round_robin"}).status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage().startswith("Forbidden (Permission denied)")
    assert record.exc_info is None and "Traceback" not in caplog.text


def test_other_failures_keep_their_traceback():
    try:
        raise ValueError("a fault")
    except ValueError as error:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1,
                                   "Internal Server Error", (), (ValueError, error, None))
    assert RefusalWithoutTraceback().filter(record) and record.exc_info is not None
