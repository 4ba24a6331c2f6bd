"""End to end through a real IMAP server: Debian's dovecot, started here on the loopback.

A member answers her notification e-mail; the message lands in the replies mailbox; the
worker's job reads it, posts the reply and moves the message; the agent's open page hears
of it live (its request group on the channel layer). Skipped where dovecot is not installed,
except under CI (CI set), where it must run.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.utils import timezone
from imap_tools import MailBoxUnencrypted

from coopdesk import jobs, notify, outbox
from helpdesk import actions
from helpdesk.inbound import Outcome, imap
from helpdesk.models import InboundEmail, State
from tests.helpdesk.inbound.conftest import answer_to, message

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists()
                                      else None)
pytestmark = pytest.mark.skipif(
    DOVECOT is None and not os.environ.get("CI"),
    reason="dovecot-imapd is not installed (apt-get install dovecot-imapd)",
)
USER, PASSWORD = "replies", "secret"

CONFIG = """
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
first_valid_uid = {uid}
first_valid_gid = {gid}
{unprivileged}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def dovecot():
    # Not under pytest's own temporary directory: dovecot's unprivileged processes must
    # read their files, and pytest's directories are for their owner only.
    root = Path(tempfile.mkdtemp(prefix="coopdesk-dovecot-"))
    root.chmod(0o755)
    port = free_port()
    if os.getuid() == 0:  # dovecot never gives mail to root: its own user owns the mail
        import pwd

        owner = pwd.getpwnam("dovecot")
        uid, gid, unprivileged = owner.pw_uid, owner.pw_gid, ""
    else:  # everything runs as the one user the tests run as
        import getpass

        uid, gid = os.getuid(), os.getgid()
        me = getpass.getuser()
        unprivileged = f"default_login_user = {me}\ndefault_internal_user = {me}\n"
    for folder in ("mail", "home"):
        (root / folder).mkdir()
        os.chown(root / folder, uid, gid)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    config = root / "dovecot.conf"
    config.write_text(CONFIG.format(root=root, uid=uid, gid=gid, port=port,
                                    unprivileged=unprivileged))
    subprocess.run([DOVECOT, "-c", str(config)], check=True)
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        subprocess.run(["doveadm", "-c", str(config), "stop"], check=False)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def mailbox(dovecot, settings):
    settings.IMAP_HOST, settings.IMAP_PORT, settings.IMAP_SSL = "127.0.0.1", dovecot, False
    settings.IMAP_USER, settings.IMAP_PASSWORD = USER, PASSWORD
    settings.IMAP_FOLDER = "INBOX"
    box = MailBoxUnencrypted("127.0.0.1", port=dovecot).login(USER, PASSWORD)
    for folder in ("INBOX", settings.IMAP_DONE_FOLDER, settings.IMAP_REFUSED_FOLDER):
        if box.folder.exists(folder):
            box.folder.set(folder)
            box.delete(box.uids("ALL"))
    box.folder.set("INBOX")
    yield box
    box.logout()


def uids_in(box, folder: str) -> list[str]:
    box.folder.set(folder)
    uids = box.uids("ALL")
    box.folder.set("INBOX")
    return uids


def test_a_reply_in_the_mailbox_reaches_the_agents_open_page(
    mailbox, settings, ticket, member, agent, mailoutbox, django_capture_on_commit_callbacks
):
    actions.claim_ticket(ticket, by=agent)
    actions.add_reply(ticket, by=agent, then="wait", body="Pouvez-vous envoyer la facture ?")
    outbox.send_pending(now=timezone.now() + timedelta(seconds=1))
    [notification] = [m for m in mailoutbox if m.to == [member.email]]
    answer = answer_to(notification, "Voici la facture F-12.", sender=f"Camille <{member.email}>",
                       message_id="imap-e2e-1@example.test", newline="\r\n")
    mailbox.append(answer, "INBOX")
    mailbox.append(message("auto_reply_fr.eml", sender=member, ticket=ticket), "INBOX")
    mailbox.append(message("gmail_fr.eml", sender=agent, ticket=ticket, token_for=member),
                   "INBOX")
    # The agent's page is open: its socket is in the request's group.
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(notify.ticket_group(ticket.pk), channel)

    with django_capture_on_commit_callbacks(execute=True):
        assert imap.poll() == 3

    ticket.refresh_from_db()
    assert ticket.state == State.OPEN
    assert ticket.messages.latest("pk").body == "Voici la facture F-12."
    live = async_to_sync(layer.receive)(channel)
    assert '"kind": "answered"' in live["text"] and f'"ticket": {ticket.pk}' in live["text"]
    # Posted and ignored ones are done; the forged one is kept aside for a person to see.
    assert uids_in(mailbox, "INBOX") == []
    assert len(uids_in(mailbox, settings.IMAP_DONE_FOLDER)) == 2
    assert len(uids_in(mailbox, settings.IMAP_REFUSED_FOLDER)) == 1
    assert set(InboundEmail.objects.values_list("outcome", flat=True)) == {
        Outcome.POSTED, Outcome.SENDER_MISMATCH}
    # Nothing twice: a second round finds nothing to do.
    assert imap.poll() == 0
    assert ticket.messages.filter(author=member).count() == 1
    async_to_sync(layer.flush)()


def test_a_message_too_large_is_refused_from_its_header(mailbox, settings, ticket, member):
    settings.INBOUND_MAX_BYTES = 2000
    raw = message("gmail_fr.eml", sender=member, ticket=ticket) + b"A" * 5000
    mailbox.append(raw, "INBOX")
    assert imap.poll() == 1
    assert InboundEmail.objects.get().outcome == Outcome.TOO_LARGE
    assert len(uids_in(mailbox, settings.IMAP_REFUSED_FOLDER)) == 1


def test_the_job_is_registered_and_idle_without_a_mailbox(settings):
    settings.IMAP_HOST = ""
    assert imap.poll is {job.name: job.run for job in jobs.registered()}[
        "read the replies mailbox (IMAP)"]
    assert imap.poll() is None


def test_a_message_failing_again_and_again_is_set_aside_the_others_go_on(
    mailbox, settings, ticket, member, monkeypatch
):
    from django.core.cache import cache

    cache.clear()
    mailbox.append(b"From: x@evil.test\r\nSubject: poison\r\n\r\npoison\r\n", "INBOX")
    mailbox.append(message("gmail_fr.eml", sender=member, ticket=ticket), "INBOX")
    process = imap.inbound.process

    def failing(raw, **kwargs):
        if b"poison" in raw:
            raise RuntimeError("hostile")
        return process(raw, **kwargs)

    monkeypatch.setattr(imap.inbound, "process", failing)
    assert imap.poll() == 1  # the reply after it is processed all the same
    assert InboundEmail.objects.get().outcome == Outcome.POSTED
    for _attempt in range(imap.MAX_ATTEMPTS - 2):
        assert imap.poll() == 0
    assert len(uids_in(mailbox, "INBOX")) == 1
    assert imap.poll() == 1  # the last attempt: set aside for a person to look at
    assert uids_in(mailbox, "INBOX") == []
    assert len(uids_in(mailbox, settings.IMAP_REFUSED_FOLDER)) == 1


def test_the_database_unreachable_stops_the_round_and_keeps_the_messages(
    mailbox, settings, ticket, member, monkeypatch
):
    from django.db import OperationalError

    mailbox.append(message("gmail_fr.eml", sender=member, ticket=ticket), "INBOX")
    monkeypatch.setattr(imap.inbound, "process",
                        mock.Mock(side_effect=OperationalError("down")))
    for _round in range(imap.MAX_ATTEMPTS + 1):
        assert imap.poll() == 0
    assert len(uids_in(mailbox, "INBOX")) == 1
