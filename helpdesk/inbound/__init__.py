"""E-mail coming in: answers to our e-mails, and new requests sent to a team's address.

One path for every way in (`manage.py inbound_email` fed by a mail server, a provider's
webhook through django-anymail, the worker reading an IMAP mailbox): `process(raw)` takes
the message's RFC 822 bytes and returns a `Result`, whose outcome says what became of it.

In this order, each step ending the e-mail's way with an outcome (InboundOutcome):

1. too large (INBOUND_MAX_BYTES), or unreadable: refused;
2. one of our own e-mails come back (a loop), an automatic reply or a delivery failure
   report: ignored, never answered (answering them is how mail storms start);
3. a Message-ID seen before: ignored (each e-mail is processed once; a unique column
   settles two deliveries racing);
4. more than INBOUND_MAX_PER_HOUR e-mails from this sender this hour posted or opening a
   request (refused ones do not count: forged junk must not block her): refused;
5. sent to a reply address (coopdesk/replies.py): its token must be ours, name an active
   person whose address is the sender's; the text, its quoted history and signature cut,
   becomes a reply through helpdesk.actions.add_reply: the same permission and state
   checks as the web form, attachments through the same type and size checks;
6. sent to a team's address (Team.email): from a person we know, it opens a request in that
   team; from anyone else, one polite answer a day pointing to the sign-up page.

Every e-mail that reaches step 3 is recorded (InboundEmail) with its outcome, and logged.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import mimetypes
import posixpath
import re
from dataclasses import dataclass
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses
from html.parser import HTMLParser

import nh3
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage as OutgoingEmail
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from mailparser_reply.parser import EmailMessage as ReplyText

from coopdesk import replies
from coopdesk.accounts.models import User
from coopdesk.conflicts import Conflict
from coopdesk.rendering import MESSAGE_MAX_CHARS
from coopdesk.text import clean_line, clean_text
from helpdesk import actions
from helpdesk.models import InboundEmail, InboundOutcome, State, Team, Ticket

logger = logging.getLogger(__name__)

Outcome = InboundOutcome
DONE = {Outcome.POSTED, Outcome.OPENED, Outcome.UNKNOWN_SENDER_ANSWERED}
IGNORED = {Outcome.AUTO_REPLY, Outcome.BOUNCE, Outcome.LOOP, Outcome.DUPLICATE,
           Outcome.UNKNOWN_SENDER}
# What counts towards a sender's hourly limit: what she made us do.
ACCEPTED = {Outcome.POSTED, Outcome.OPENED}
SUBJECT_MAX = 200


@dataclass(frozen=True)
class Result:
    outcome: InboundOutcome
    detail: str = ""
    ticket_id: int | None = None

    @property
    def refused(self) -> bool:
        return self.outcome not in DONE and self.outcome not in IGNORED

    def __str__(self) -> str:
        return f"{self.outcome.value}: {self.detail or self.outcome.label}"


class Refusal(Exception):
    def __init__(self, outcome: InboundOutcome, detail: str = ""):
        super().__init__(detail)
        self.outcome, self.detail = outcome, detail


# --- reading the message ----------------------------------------------------------------

_MISSING = object()


class ParsedMessage(EmailMessage):
    """policy.default parses a header again at every read, and walking the parts reads each
    Content-Type many times: more than the database work of a reply. Read once, kept."""

    def get(self, name, failobj=None):
        cache = self.__dict__.setdefault("_read_headers", {})
        key = name.lower()
        if key not in cache:
            cache[key] = super().get(name, _MISSING)
        value = cache[key]
        return failobj if value is _MISSING else value


def parse(raw: bytes) -> ParsedMessage:
    return BytesParser(ParsedMessage, policy=policy.default).parsebytes(raw)



def _header(message, name: str) -> str:
    try:
        return clean_line(str(message.get(name, "") or ""))
    except Exception:  # a header the parser could not make sense of
        return ""


def _addresses(message, *names: str) -> list[str]:
    values = [_header(message, name) for name in names]
    try:
        pairs = getaddresses(values)
    except Exception:  # an address list the parser could not make sense of
        return []
    return [
        clean_line(addr).strip().lower() for _name, addr in pairs if "@" in clean_line(addr)
    ]


def message_id_of(message, raw: bytes) -> str:
    """The e-mail's Message-ID, or, without one, one made of its bytes (the same e-mail
    delivered twice still has the same)."""
    value = _header(message, "Message-ID").strip()  # no control character (_header)
    if value:
        return value[:255]
    return f"<sha256.{hashlib.sha256(raw).hexdigest()}@no-message-id>"


AUTO_SUBMITTED_NO = "no"
BULK_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}


def automatic(message) -> InboundOutcome | None:
    """Loop, automatic reply or bounce: what an e-mail no person wrote is."""
    if replies.is_own_message_id(_header(message, "Message-ID")) or message.get(
        "X-Coopdesk-Outbox"
    ):
        return Outcome.LOOP
    return_path = _header(message, "Return-Path").strip()
    content_type = message.get_content_type()
    sender = (_addresses(message, "From") or [""])[0]
    if (
        return_path == "<>"
        or content_type == "multipart/report"
        or sender.split("@")[0] in {"mailer-daemon", "postmaster"}
    ):
        return Outcome.BOUNCE
    auto = _header(message, "Auto-Submitted").strip().lower()
    if auto and auto.split(";")[0].strip() != AUTO_SUBMITTED_NO:
        return Outcome.AUTO_REPLY
    if _header(message, "Precedence").strip().lower() in BULK_PRECEDENCE:
        return Outcome.AUTO_REPLY
    if message.get("X-Autoreply") or message.get("X-Autorespond"):
        return Outcome.AUTO_REPLY
    # Exchange's out-of-office replies say so in this header.
    if _header(message, "X-MS-Exchange-Generated-Message-Source").strip():
        return Outcome.AUTO_REPLY
    return None


def _decoded(part) -> str:
    """A text part's content; unknown charsets and broken encodings never crash."""
    try:
        return part.get_content()
    except Exception:  # LookupError (unknown charset), UnicodeError, broken encodings
        payload = part.get_payload(decode=True) or b""
        for charset in ("utf-8", "cp1252"):
            try:
                return payload.decode(charset)
            except UnicodeDecodeError:
                continue
        return payload.decode("utf-8", errors="replace")


class _HtmlText(HTMLParser):
    """HTML to plain text: blocks become lines, quoted history (<blockquote>) is left out."""

    BLOCKS = {"p", "div", "br", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table",
              "ul", "ol", "pre"}

    def __init__(self, *, quotes: bool = False):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.quoted = 0
        self.quotes = quotes

    def handle_starttag(self, tag, attrs):
        if tag == "blockquote" and not self.quotes:
            self.quoted += 1
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "blockquote" and not self.quotes:
            self.quoted = max(self.quoted - 1, 0)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.quoted:
            self.parts.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        lines = [line.strip() for line in "".join(self.parts).splitlines()]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


HTML_TAGS = {"p", "div", "br", "span", "blockquote", "ul", "ol", "li", "table", "tr", "td",
             "th", "tbody", "thead", "b", "strong", "i", "em", "a", "h1", "h2", "h3", "h4",
             "h5", "h6", "hr", "pre", "code"}


def html_to_text(html: str, *, quotes: bool = False) -> str:
    """Sanitised first (scripts, styles and their content gone), then flattened; quoted
    history (<blockquote>) left out unless `quotes`."""
    clean = nh3.clean(html, tags=HTML_TAGS, attributes={}, link_rel=None)
    parser = _HtmlText(quotes=quotes)
    parser.feed(clean)
    parser.close()
    return parser.text()


def body_text(message, *, quotes: bool = False) -> str:
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except Exception:
        part = None
    if part is None:
        if message.get_content_maintype() == "text" and not message.is_multipart():
            part = message
        else:
            return ""
    text = clean_text(_decoded(part))
    if part.get_content_subtype() == "html":
        return clean_text(html_to_text(text, quotes=quotes))
    return text


# The line our e-mails start with ("## Write your answer above this line... ##"), quoted
# or not, in any of our languages: what follows is our own e-mail.
MARKER = "Write your answer above this line to reply by e-mail."


@functools.cache
def marker_re() -> re.Pattern:
    phrases = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            phrases.add(re.escape(_(MARKER)))
    return re.compile(rf"^[>\s]*##\s*({'|'.join(sorted(phrases))})\s*##\s*$", re.MULTILINE)

# Separators mail-parser-reply does not know: Android's and some webmails'.
SEPARATOR_RE = re.compile(
    r"^\s*-{2,}\s*(Original Message|Message d'origine|Message original|Forwarded message|"
    r"Message transféré|Mensaje original)\s*-{2,}\s*$",
    re.MULTILINE | re.IGNORECASE,
)
# Phones' signatures, as the last line.
SENT_FROM_RE = re.compile(
    r"\n\s*(Sent from my|Sent from|Get Outlook for|Envoyé de mon|Envoyé depuis mon|"
    r"Envoyé à partir de|Télécharger Outlook pour)\b[^\n]*\s*$",
    re.IGNORECASE,
)


def reply_text(text: str) -> str:
    """The words the person wrote: our e-mail, the quoted history, the signature cut."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for pattern in (marker_re(), SEPARATOR_RE):
        match = pattern.search(text)
        if match:
            text = text[: match.start()]
    try:
        parsed = ReplyText(text=text, languages=["fr", "en"], keep_hyphen_lists=True).read()
        latest = parsed.replies[0].body if parsed.replies else ""
    except Exception:  # a regular expression tripping on odd text: keep the whole text
        logger.exception("mail-parser-reply failed; the text is kept whole")
        latest = text
    latest = SENT_FROM_RE.sub("", "\n" + latest.strip())
    # Quoted lines left at the end (a reply "on top" with a header we did not recognise).
    lines = latest.strip().split("\n")
    while lines and (lines[-1].startswith(">") or not lines[-1].strip()):
        lines.pop()
    return "\n".join(lines).strip()


SIGNATURE_IMAGE_BYTES = 32 * 1024


def file_name(name: str | None, content_type: str = "") -> str:
    """A file name the sender chose, made safe to store: its last path part, no control
    character; "attachment" (with its type's extension) when nothing usable is left
    ("", ".", "..", "/")."""
    name = clean_line(name or "").replace("\\", "/")
    name = posixpath.basename(name).strip()
    if name in ("", ".", ".."):
        return _("attachment") + (mimetypes.guess_extension(content_type) or "")
    return name[:200]


def attachments(message) -> list[SimpleUploadedFile]:
    """The files sent with the message. Small images shown inside the HTML (referred to as
    cid:) are a signature's decoration, not files the person meant to send."""
    referenced = set()
    try:
        html = message.get_body(preferencelist=("html",))
        if html is not None:
            referenced = set(re.findall(r"cid:([^\"'\s>]+)", _decoded(html)))
    except Exception:
        pass
    files = []
    for part in message.iter_attachments():
        if part.get_content_maintype() == "multipart":
            continue
        try:
            name = file_name(part.get_filename(), part.get_content_type())
        except Exception:  # a header the parser could not make sense of
            name = _("attachment")
        data = part.get_payload(decode=True) or b""
        content_id = (_header(part, "Content-ID") or "").strip("<> ")
        if content_id in referenced and len(data) < SIGNATURE_IMAGE_BYTES:
            continue  # a logo in a signature; a photo pasted in the text is larger: kept
        content_type = part.get_content_type()
        try:
            files.append(SimpleUploadedFile(name, data, content_type=content_type))
        except SuspiciousFileOperation as error:
            raise Refusal(Outcome.BAD_ATTACHMENT, str(error)) from None
    return files


# --- who sent it: the trusted mail server's verdict (RFC 8601) ------------------------------

COMMENT_RE = re.compile(r"\((?:[^()\\]|\\.)*\)")


def _without_comments(value: str) -> str:
    previous = None
    while previous != value:  # nested comments, innermost first
        previous, value = value, COMMENT_RE.sub(" ", value)
    return value


def _unquoted(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def authentication_results(value: str) -> tuple[str, list[tuple[str, str, dict]]]:
    """One Authentication-Results header: its authserv-id and its results, each
    (method, result, {"header.d": ..., ...}), all lower case."""
    parts = _without_comments(value).split(";")
    head = parts[0].split()
    authserv_id = head[0].lower() if head else ""
    results = []
    for part in parts[1:]:
        words = part.split()
        if not words or "=" not in words[0]:
            continue  # "none", or what we cannot read: no result
        method, result = words[0].split("=", 1)
        properties = {}
        for word in words[1:]:
            if "=" in word:
                name, prop = word.split("=", 1)
                properties[name.lower()] = _unquoted(prop).lower()
        results.append((method.split("/")[0].lower(), _unquoted(result).lower(), properties))
    return authserv_id, results


def _aligned(domain: str, from_domain: str) -> bool:
    """DMARC's relaxed alignment, near enough: the same domain, or the From's parent."""
    domain = domain.strip().strip(".")
    return bool(domain) and (from_domain == domain or from_domain.endswith("." + domain))


def sender_verified(message, sender: str) -> tuple[bool, str]:
    """Whether the trusted mail server (INBOUND_TRUSTED_AUTHSERV_ID) vouches for the From:
    in the topmost Authentication-Results header it added (those below, or from others,
    may be the sender's own), dmarc=pass for the From's domain, or dkim=pass by a domain
    aligned with it. Returns (verified, why not)."""
    trusted = settings.INBOUND_TRUSTED_AUTHSERV_ID
    from_domain = sender.rpartition("@")[2].lower()
    if len(_addresses(message, "From")) != 1:
        return False, "not one From address"
    try:
        headers = message.get_all("Authentication-Results") or []
    except Exception:
        headers = []
    for header in headers:  # the first is the topmost: the last server's
        authserv_id, results = authentication_results(clean_line(str(header)))
        if authserv_id != trusted:
            continue
        for method, result, properties in results:
            if result != "pass":
                continue
            if method == "dmarc" and properties.get("header.from", "") == from_domain:
                return True, ""
            if method == "dkim":
                signer = properties.get("header.d") or properties.get(
                    "header.i", ""
                ).rpartition("@")[2]
                if _aligned(signer, from_domain):
                    return True, ""
        verdicts = ", ".join(f"{method}={result}" for method, result, _props in results)
        return False, f"{trusted}: {verdicts or 'none'}"
    return False, f"no Authentication-Results from {trusted}"


# --- the path -------------------------------------------------------------------------------


def process(
    raw: bytes, *, recipients: list[str] | tuple[str, ...] = (), size: int | None = None
) -> Result:
    """Process one e-mail; `recipients` are the envelope's, when the way in knows them.
    `size`: the whole message's, when only its header was fetched (a mailbox's too large
    message is not downloaded)."""
    size = len(raw) if size is None else size
    if size > settings.INBOUND_MAX_BYTES:
        headers = BytesHeaderParser(policy=policy.default).parsebytes(raw[:65536])
        return _record(headers, raw, Refusal(Outcome.TOO_LARGE, f"{size // (1024 * 1024)} MB"))
    try:
        message = parse(raw)
    except Exception as error:
        return _logged(Result(Outcome.UNREADABLE, clean_line(repr(error))[:200]), "", "")
    try:
        return _process(message, raw, recipients)
    except (OperationalError, InterfaceError):
        raise  # our side (the database unreachable): the message is tried again later
    except Exception as error:
        # A message nothing above expected must not stop the ones after it (a mailbox read
        # in order, a provider delivering again and again): recorded as unreadable.
        logger.exception("incoming e-mail could not be processed; recorded as unreadable")
        return _record(message, raw, Refusal(Outcome.UNREADABLE, type(error).__name__))


def _process(message, raw: bytes, recipients) -> Result:
    auto = automatic(message)
    if auto is not None:
        # Not recorded: a mail loop must not fill a table either.
        return _logged(Result(auto), message_id_of(message, raw), _sender(message))
    message_id = message_id_of(message, raw)
    if InboundEmail.objects.filter(message_id=message_id).exists():
        return _logged(Result(Outcome.DUPLICATE), message_id, _sender(message))
    try:
        with transaction.atomic():  # a savepoint: a failure leaves the caller's work intact
            result = _route(message, raw, message_id, recipients)
    except Refusal as refusal:
        return _record(message, raw, refusal)
    return _logged(result, message_id, _sender(message))


def _sender(message) -> str:
    return (_addresses(message, "From") or [""])[0][:254]


def _record(message, raw: bytes, refusal: Refusal) -> Result:
    message_id, sender = message_id_of(message, raw), _sender(message)
    result = Result(refusal.outcome, clean_line(refusal.detail)[:500])
    try:
        with transaction.atomic():  # a savepoint: a duplicate leaves the caller's work intact
            InboundEmail.objects.create(
                message_id=message_id, sender=sender, outcome=result.outcome,
                detail=result.detail,
            )
    except IntegrityError:
        result = Result(Outcome.DUPLICATE)
    return _logged(result, message_id, sender)


def _logged(result: Result, message_id: str, sender: str) -> Result:
    level = logging.WARNING if result.refused else logging.INFO
    logger.log(level, "incoming e-mail %s from %s: %s", message_id, sender or "?", result)
    return result


def _route(message, raw: bytes, message_id: str, recipients) -> Result:
    sender = _sender(message)
    if not sender:
        raise Refusal(Outcome.UNREADABLE, "no sender address")
    hour_ago = timezone.now() - timedelta(hours=1)
    if (
        # What was accepted only: refused e-mails forged in her name must not block hers.
        InboundEmail.objects.filter(
            sender=sender, received_at__gte=hour_ago, outcome__in=ACCEPTED
        ).count()
        >= settings.INBOUND_MAX_PER_HOUR
    ):
        raise Refusal(Outcome.RATE_LIMITED, sender)
    to = [a.lower() for a in recipients] + _addresses(
        message, "To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To"
    )
    for address in to:
        try:
            token = replies.read_address(address)
        except signing.BadSignature:
            raise Refusal(Outcome.BAD_TOKEN, address) from None
        if token is not None and token.kind == "t":
            return _reply(message, message_id, sender, token)
    teams = {team.email.lower(): team for team in Team.objects.exclude(email="")}
    for address in to:
        if address in teams:
            return _new_request(message, message_id, sender, teams[address])
    raise Refusal(Outcome.NO_ADDRESS, ", ".join(to)[:300])


def _person(email: str) -> User | None:
    return User.objects.filter(email__iexact=email, is_active=True).first()


def _text(message, files, *, whole: bool = False) -> str:
    """The reply's words; `whole` for a new request, which may well be a forwarded e-mail:
    then nothing is cut but our own e-mail."""
    text = body_text(message, quotes=whole)
    if whole:
        match = marker_re().search(text)
        text = (text[: match.start()] if match else text).strip()
    else:
        text = reply_text(text)
    if not text and files:
        text = _("Files sent by e-mail: %(names)s") % {
            "names": ", ".join(upload.name for upload in files)
        }
    if not text:
        raise Refusal(Outcome.EMPTY)
    if len(text) > MESSAGE_MAX_CHARS:
        raise Refusal(Outcome.TOO_LARGE, f"{len(text)} characters")
    return text


def _reply(message, message_id: str, sender: str, token: replies.Token) -> Result:
    user = User.objects.filter(pk=token.user_id, is_active=True).first()
    if user is None or user.email.lower() != sender or not replies.address_matches(
        token, user.email
    ):
        raise Refusal(Outcome.SENDER_MISMATCH, sender)
    ticket = Ticket.objects.visible_to(user).filter(pk=token.object_id).first()
    if ticket is None:
        raise Refusal(Outcome.NOT_PERMITTED, f"request {token.object_id}")
    with translation.override(user.language):
        files = attachments(message)
        text = _text(message, files)
        try:
            with transaction.atomic():
                InboundEmail.objects.create(
                    message_id=message_id, sender=sender, outcome=Outcome.POSTED, ticket=ticket
                )
                actions.add_reply(ticket, by=user, body=text, files=files)
        except IntegrityError:
            return Result(Outcome.DUPLICATE)
        except PermissionDenied:
            raise Refusal(Outcome.NOT_PERMITTED, ticket.reference) from None
        except ValidationError as error:
            raise Refusal(Outcome.BAD_ATTACHMENT, " ".join(error.messages)) from None
        except Conflict as error:
            ticket.refresh_from_db(fields=["state"])
            closed = ticket.state in (State.CLOSED, State.WITHDRAWN)
            raise Refusal(Outcome.CLOSED if closed else Outcome.NOT_PERMITTED,
                          str(error)) from None
    return Result(Outcome.POSTED, ticket.reference, ticket.pk)


def _new_request(message, message_id: str, sender: str, team: Team) -> Result:
    verified, why_not = (
        sender_verified(message, sender) if settings.INBOUND_TRUSTED_AUTHSERV_ID else (True, "")
    )
    user = _person(sender)
    if user is None:
        return _unknown_sender(message_id, sender, team, verified=verified)
    if not verified:  # perhaps someone else in her name: nothing opened, nobody answered
        raise Refusal(Outcome.UNVERIFIED_SENDER, why_not)
    with translation.override(user.language):
        files = attachments(message)
        text = _text(message, files, whole=True)
        subject = " ".join(clean_line(_header(message, "Subject")).split())[:SUBJECT_MAX]
        subject = subject or _("Request sent by e-mail")
        try:
            with transaction.atomic():
                record = InboundEmail.objects.create(
                    message_id=message_id, sender=sender, outcome=Outcome.OPENED
                )
                ticket = actions.open_by_email(
                    requester=user, team=team, subject=subject, body=text, files=files
                )
                record.ticket = ticket
                record.save(update_fields=["ticket"])
        except IntegrityError:
            return Result(Outcome.DUPLICATE)
        except ValidationError as error:
            raise Refusal(Outcome.BAD_ATTACHMENT, " ".join(error.messages)) from None
    return Result(Outcome.OPENED, ticket.reference, ticket.pk)


def _unknown_sender(message_id: str, sender: str, team: Team, *, verified: bool) -> Result:
    """One answer per sender and day, pointing to the sign-up; never to an automatic
    e-mail (those were ignored before), nor to an address the trusted mail server does not
    vouch for (INBOUND_TRUSTED_AUTHSERV_ID set: a forged From would make us send mail to
    strangers), nor beyond INBOUND_UNKNOWN_ANSWERS_PER_DAY answers a day in all."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    answered_today = InboundEmail.objects.filter(
        outcome=Outcome.UNKNOWN_SENDER_ANSWERED, received_at__gte=today
    )
    if not verified:
        why_not = "sender not verified: not answered"
    elif answered_today.filter(sender=sender).exists():
        why_not = "already told today"
    elif answered_today.count() >= settings.INBOUND_UNKNOWN_ANSWERS_PER_DAY:
        why_not = "today's answers to unknown senders all sent"
    else:
        why_not = ""
    outcome = Outcome.UNKNOWN_SENDER if why_not else Outcome.UNKNOWN_SENDER_ANSWERED
    try:
        with transaction.atomic():
            InboundEmail.objects.create(
                message_id=message_id, sender=sender, outcome=outcome, detail=why_not
            )
            if not why_not:
                transaction.on_commit(lambda: _tell_unknown(sender, team), robust=True)
    except IntegrityError:
        return Result(Outcome.DUPLICATE)
    return Result(outcome, f"{sender} ({why_not})" if why_not else sender)


def _tell_unknown(sender: str, team: Team) -> None:
    context = {
        "team": team.name,
        "signup_url": f"{settings.SITE_URL}{reverse('journeys:meeting-list')}",
        "site_url": settings.SITE_URL,
    }
    # In both languages: we do not know the person's.
    body = render_to_string("emails/unknown_sender.txt", context)
    OutgoingEmail(
        subject="Coopdesk : votre e-mail n'a pas été enregistré / your e-mail was not recorded",
        body=body,
        to=[sender],
        headers={"Auto-Submitted": "auto-replied", "Message-ID": replies.message_id("u")},
    ).send()
