"""An e-mail backend for worker processes under test: each send leaves a line on disk.

Set EMAIL_BACKEND=tests.coopdesk.recording_mail.RecordingBackend and RECORD_SENT_DIR; each
process appends the outbox id of every e-mail it sends to <RECORD_SENT_DIR>/<pid>.txt,
written out before the send returns, so that even a killed process leaves its record.
RECORD_SEND_SECONDS makes each send take that long, like a real mail server.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, messages) -> int:
        folder = Path(os.environ["RECORD_SENT_DIR"])
        for message in messages:
            time.sleep(float(os.environ.get("RECORD_SEND_SECONDS", "0")))
            with open(folder / f"{os.getpid()}.txt", "a") as record:
                record.write(f"{message.extra_headers['X-Coopdesk-Outbox']}\n")
        return len(messages)
