"""Filters for the LOGGING setting (coopdesk/settings.py).

Loaded while the settings are configured: it imports nothing that needs the apps ready."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class RefusalWithoutTraceback(logging.Filter):
    """A 403 is an answer, not a fault: Django logs "Forbidden (Permission denied)" with the
    exception's traceback, and a probe left 42 of them in a log people watch for
    tracebacks. The warning stays, on one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = record.exc_text = None
        return True
