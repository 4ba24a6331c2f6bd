"""Process one e-mail read from standard input, as a mail server's pipe delivers it.

    python manage.py inbound_email [--recipient ADDRESS] < message.eml

Exit status, as mail servers read it (sysexits.h): 0 when posted, or ignored on purpose (an
automatic reply, a bounce, a loop, a duplicate: answering those starts storms); 65 (data
error) or 77 (no permission) when refused, the reason on standard error, which the server
returns to the sender (but 0 for a sender the trusted mail server does not vouch for: a
bounce would go to the address forged); 75 (try again later) when something failed on our side (the
database unreachable...), so that the server keeps the message and tries again.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from helpdesk import inbound
from helpdesk.models import InboundOutcome

logger = logging.getLogger(__name__)

EX_DATAERR, EX_NOPERM, EX_TEMPFAIL = 65, 77, 75
NO_PERMISSION = {
    InboundOutcome.BAD_TOKEN, InboundOutcome.SENDER_MISMATCH, InboundOutcome.NOT_PERMITTED,
    InboundOutcome.CLOSED, InboundOutcome.RATE_LIMITED, InboundOutcome.NO_ADDRESS,
}
# Refused, but not bounced: the From may be forged, the bounce would reach a stranger.
SILENT = {InboundOutcome.UNVERIFIED_SENDER}


def read_capped(stream, limit: int) -> bytes:
    """Everything on the stream, but no more than limit + 1 bytes kept in memory: the rest
    is read and dropped (the sender gets "too large", the mail server no broken pipe)."""
    kept = bytearray()
    while chunk := stream.read(1 << 20):
        if len(kept) <= limit:
            kept += chunk[: limit + 1 - len(kept)]
    return bytes(kept)


class Command(BaseCommand):
    help = "Process one e-mail (RFC 822) read from standard input."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--recipient", action="append", default=[],
            help="The envelope recipient (e.g. Postfix's ${original_recipient}).",
        )

    def handle(self, *args, recipient: list[str], **options) -> None:
        raw = read_capped(sys.stdin.buffer, settings.INBOUND_MAX_BYTES)
        try:
            result = inbound.process(raw, recipients=recipient)
        except Exception as error:
            logger.exception("incoming e-mail could not be processed")
            raise CommandError(f"temporary failure: {error!r}", returncode=EX_TEMPFAIL) from None
        if result.refused and result.outcome in SILENT:
            self.stderr.write(f"refused: {result}")  # in the log, not back to the address
        elif result.refused:
            code = EX_NOPERM if result.outcome in NO_PERMISSION else EX_DATAERR
            raise CommandError(f"refused: {result}", returncode=code)
        self.stdout.write(str(result))
