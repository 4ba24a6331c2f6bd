"""Every URL of the project, requested by every kind of person, for an object that is not theirs.

The walk reads the project's URL resolver. Each named route needs an entry in ROUTES saying
how to build it for something owned by the member Camille, and what each persona must get.
A route without an entry fails `test_route_has_a_permission_entry`: when you add a page, add
its entry here.

Personas: anonymous; `member` (Camille, the owner); `other_member`; `advisor` (Camille's);
`other_advisor` (the advisor of someone else); `agent` (of the team handling the request);
`outside_agent` (of another team). Django's admin site is covered as a whole: every admin
route, named or not, must send anyone who is not staff to the admin login.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import translation

from coopdesk.accounts.models import User
from helpdesk import actions, satisfaction
from helpdesk.models import (
    Attachment,
    CollectionCase,
    Draft,
    Message,
    SavedReply,
    Team,
    Ticket,
)
from helpdesk.views.collections import COLLECTION_STEPS
from helpdesk.views.tickets import STEPS
from tests.conftest import login
from tests.factories import CategoryFactory
from tests.helpdesk.flows import pdf

PERSONAS = ["anonymous", "member", "other_member", "advisor", "other_advisor", "agent",
            "outside_agent"]
LOGIN = "302 to login"
ADMIN_LOGIN = "302 to admin login"
NOTE_TEXT = "Note interne : client connu pour payer en retard"
NOTE_FILE = "note-interne.pdf"
SUBJECT = "Facture impayée F-12"
INVOICE = "F-31-HORIZON"
REPLY_TITLE = "Relance du client en retard"


def walk(patterns=None, prefix: str = "", namespace: str = ""):
    """(qualified name or None, route) for every URL pattern of the project."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        else:
            assert isinstance(pattern, URLPattern)
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield name, prefix + str(pattern.pattern)


ALL_ROUTES = list(walk())
ADMIN_ROUTES = [(n, r) for n, r in ALL_ROUTES if r.startswith("admin/")]
PROJECT_ROUTES = sorted({n for n, r in ALL_ROUTES if not r.startswith("admin/")}, key=str)


# --- the world: a request of Camille's with everything that can hang off it -------------------


@pytest.fixture
def world(member, other_member, advisor, agent, outside_agent, category, other_category, team):
    ticket = actions.create_ticket(
        requester=member, category=category, subject=SUBJECT, body="Mon client ne paie pas.",
        files=[pdf("devis.pdf")],
    )
    ticket = actions.acknowledge_ticket(ticket, by=agent)
    actions.add_reply(ticket, by=agent, body="Réponse publique de l'équipe")
    note = actions.add_note(ticket, by=agent, body=NOTE_TEXT, files=[pdf(NOTE_FILE)])
    draft = Draft.objects.create(owner=member, key="cle-du-membre", subject="Brouillon du membre")
    case = actions.open_collection_case(
        by=agent, member=member, team=team, client_name="Agence Horizon", invoice_number=INVOICE,
        amount="1850.00", due_date="2026-10-01",
    )
    twin = actions.create_ticket(
        requester=member, category=category, subject="Toujours cette facture", body="Relance"
    )
    team_reply = SavedReply.objects.create(
        team=team, title=REPLY_TITLE, body="Bonjour {first_name}"
    )
    own_reply = SavedReply.objects.create(owner=agent, title=REPLY_TITLE, body="Ma réponse")
    return {
        "team_reply": team_reply,
        "twin": twin,
        "own_reply": own_reply,
        "notification": member.notifications.latest("pk"),
        "ticket": Ticket.objects.get(pk=ticket.pk),
        "case": case,
        "file": ticket.attachments.get(message__isnull=True),
        "note_file": note.attachments.get(),
        "draft": draft,
        "team": team,
        "other_category": other_category,
        "sibling_category": CategoryFactory(team=team, label="Un devis à relire"),
        "agent": agent,
        "member": member,
        "people": {
            "anonymous": None, "member": member, "other_member": other_member,
            "advisor": advisor, "other_advisor": other_member.advisor, "agent": agent,
            "outside_agent": outside_agent,
        },
    }


def state_of(world) -> dict:
    """Everything a refused request must leave untouched."""
    ticket = Ticket.objects.get(pk=world["ticket"].pk)
    case = CollectionCase.objects.get(pk=world["case"].pk)
    return {
        "ticket": (ticket.state, ticket.version, ticket.assignee_id, ticket.team_id,
                   ticket.category_id, ticket.priority, ticket.merged_into_id,
                   list(ticket.related_requests.values_list("pk", flat=True))),
        "case": (case.state, case.version, case.overrides, case.pending_step),
        "messages": list(Message.objects.values_list("pk", "body")),
        "attachments": Attachment.objects.count(),
        "member_drafts": list(
            Draft.objects.filter(owner=world["member"]).values_list("pk", "key", "subject", "body")
        ),
        # The toolkit's: the team's rule, its agent's absence, the saved replies' texts.
        "team": list(Team.objects.filter(pk=world["team"].pk).values_list(
            "assignment", "agent_capacity", "last_assigned")),
        "agent": list(User.objects.filter(pk=world["agent"].pk).values_list(
            "away_from", "away_until", "backup_advisor")),
        "saved_replies": list(SavedReply.objects.order_by("pk").values_list(
            "pk", "title", "body", "team", "owner")),
    }


# --- the table --------------------------------------------------------------------------------


@dataclass
class Case:
    """How to request a route for something of Camille's, and what each persona gets."""

    label: str
    method: str
    build: Callable[[dict], tuple[str, dict]]
    expect: dict[str, int | str]
    may_change: set[str] = field(default_factory=set)
    hidden_from: set[str] = field(default_factory=set)  # 200, but `secret` must not be listed
    secret: str = SUBJECT


def get(build):
    return lambda w: (build(w), {})


def everyone(status, anonymous=LOGIN) -> dict:
    return {p: status for p in PERSONAS} | {"anonymous": anonymous}


def ticket_url(name: str, *extra) -> Callable[[dict], str]:
    return lambda w: reverse(f"helpdesk:{name}", args=[w["ticket"].pk, *extra])


# Who may open a request of Camille's: herself, her advisor and the team; 404 for the others.
PARTICIPANTS = {"anonymous": LOGIN, "member": 200, "other_member": 404, "advisor": 200,
                "other_advisor": 404, "agent": 200, "outside_agent": 404}
# Team-only writes on the request: those who can see it but are not the team get 403.
TEAM_WRITE = {"anonymous": LOGIN, "member": 403, "other_member": 404, "advisor": 403,
              "other_advisor": 404, "agent": 302, "outside_agent": 404}
STAFF_PAGE = {"anonymous": LOGIN, "member": 404, "other_member": 404, "advisor": 404,
              "other_advisor": 404, "agent": 200, "outside_agent": 404}
# A member's own preferences: every member has hers, the others have none (404).
MEMBERS_PAGE = {"anonymous": LOGIN, "member": 200, "other_member": 200, "advisor": 404,
                "other_advisor": 404, "agent": 404, "outside_agent": 404}
NOT_THE_OWNER = {"other_member", "advisor", "other_advisor", "agent", "outside_agent"}


ROUTES: dict[str, list[Case]] = {
    "home": [Case("landing", "get", get(lambda w: reverse("home")), everyone(302))],
    "accounts:login": [
        Case("login page", "get", get(lambda w: reverse("accounts:login")), everyone(302, 200))
    ],
    "accounts:logout": [
        Case("log out", "post", lambda w: (reverse("accounts:logout"), {}), everyone(302, 302))
    ],
    # django-allauth's pages: each person's own account only, nothing of anyone else's.
    **{
        name: [Case(label, "get", get(lambda w, path=path: path), expect)]
        for name, label, path, expect in [
            ("account_login", "allauth login", "/accounts/login/", everyone(302, 200)),
            ("account_inactive", "inactive account", "/accounts/inactive/", everyone(200, 200)),
            ("account_signup", "sign-up (closed)", "/accounts/signup/", everyone(302, 200)),
            ("account_reauthenticate", "confirm password", "/accounts/reauthenticate/",
             everyone(200)),
            ("account_request_reauthentication_code", "code (off)",
             "/accounts/reauthenticate/code/", everyone(403)),
            ("account_confirm_reauthentication_code", "code (off)",
             "/accounts/reauthenticate/code/confirm/", everyone(403)),
            ("account_email", "my e-mail address", "/accounts/email/", everyone(200)),
            ("account_email_verification_sent", "verification sent", "/accounts/confirm-email/",
             everyone(200, 200)),
            ("account_confirm_email", "bad verification key", "/accounts/confirm-email/bad/",
             everyone(200, 200)),
            ("account_change_password", "change password", "/accounts/password/change/",
             everyone(200)),
            ("account_set_password", "set password", "/accounts/password/set/", everyone(302)),
            ("account_reset_password", "forgot password", "/accounts/password/reset/",
             everyone(200, 200)),
            ("account_reset_password_done", "reset sent", "/accounts/password/reset/done/",
             everyone(200, 200)),
            ("account_reset_password_from_key", "bad reset key",
             "/accounts/password/reset/key/1-bad/", everyone(200, 200)),
            ("account_reset_password_from_key_done", "reset done",
             "/accounts/password/reset/key/done/", everyone(200, 200)),
            ("account_confirm_login_code", "login code (off)", "/accounts/login/code/confirm/",
             everyone(302, 302)),
            ("mfa_index", "two-factor", "/accounts/2fa/", everyone(200)),
            ("mfa_authenticate", "second factor at login", "/accounts/2fa/authenticate/",
             everyone(302, 302)),
            ("mfa_reauthenticate", "second factor again", "/accounts/2fa/reauthenticate/",
             everyone(302)),
            ("mfa_activate_totp", "set up TOTP", "/accounts/2fa/totp/activate/", everyone(302)),
            ("mfa_deactivate_totp", "remove TOTP (none)", "/accounts/2fa/totp/deactivate/",
             everyone(404)),
            ("mfa_view_recovery_codes", "recovery codes (none)", "/accounts/2fa/recovery-codes/",
             everyone(404)),
            ("mfa_generate_recovery_codes", "new recovery codes",
             "/accounts/2fa/recovery-codes/generate/", everyone(302)),
            ("mfa_download_recovery_codes", "download recovery codes (none)",
             "/accounts/2fa/recovery-codes/download/", everyone(404)),
            ("usersessions_list", "my sessions", "/accounts/sessions/", everyone(200)),
        ]
    },
    "account_logout": [
        Case("allauth log out", "post", lambda w: ("/accounts/logout/", {}), everyone(302, 302))
    ],
    "set_language": [
        Case("switch language", "post",
             lambda w: (reverse("set_language"), {"language": "en", "next": "/"}),
             everyone(302, 302))
    ],
    "helpdesk:ticket-list": [
        Case("my requests", "get", get(lambda w: reverse("helpdesk:ticket-list")), everyone(200),
             hidden_from=NOT_THE_OWNER)
    ],
    "helpdesk:ticket-create": [
        Case("resume Camille's draft", "get",
             get(lambda w: f"{reverse('helpdesk:ticket-create')}?draft={w['draft'].pk}"),
             everyone(404) | {"member": 200})
    ],
    "helpdesk:ticket-record": [
        Case("record a request for a member", "get",
             get(lambda w: reverse("helpdesk:ticket-record")), STAFF_PAGE | {"outside_agent": 200}),
        # Only into one's own team's categories: the outside agent's form refuses it (400).
        Case("record one for Camille", "post",
             lambda w: (reverse("helpdesk:ticket-record"),
                        {"member": w["member"].email, "channel": "phone",
                         "category": w["ticket"].category_id, "subject": "Au téléphone",
                         "body": "Appel de Camille"}),
             everyone(404) | {"agent": 302, "outside_agent": 400}, may_change={"agent"}),
    ],
    # The on-behalf form kept while typed: each agent's own, keyed per person.
    "helpdesk:ticket-record-draft": [
        Case("record form autosave", "post",
             lambda w: (reverse("helpdesk:ticket-record-draft"),
                        {"subject": "Au téléphone", "body": "Appel de Camille",
                         "category": w["ticket"].category_id}),
             everyone(404) | {"agent": 200, "outside_agent": 200})
    ],
    "helpdesk:draft-save": [
        # Drafts are keyed per person: someone else's key makes their own draft, never
        # touches Camille's.
        Case("autosave with Camille's key", "post",
             lambda w: (reverse("helpdesk:draft-save"), {"key": w["draft"].key, "subject": "X"}),
             everyone(200), may_change={"member"})
    ],
    "helpdesk:draft-delete": [
        Case("delete Camille's draft", "post",
             lambda w: (reverse("helpdesk:draft-delete", args=[w["draft"].pk]), {}),
             everyone(404) | {"member": 302}, may_change={"member"})
    ],
    "helpdesk:ticket-detail": [Case("request page", "get", get(ticket_url("ticket-detail")),
                                    PARTICIPANTS)],
    "helpdesk:ticket-live": [Case("live fragment", "get", get(ticket_url("ticket-live")),
                                  PARTICIPANTS)],
    "helpdesk:ticket-draft-save": [
        # Keyed per person: a draft of one's own on a request one may open, never Camille's.
        Case("reply draft", "post",
             lambda w: (ticket_url("ticket-draft-save")(w), {"kind": "reply", "body": "En cours"}),
             PARTICIPANTS, may_change={"member"}),
        # A reason or a step note: only for who may send it (the team; the member), and
        # refused as unknown to everyone else.
        Case("transfer reason draft", "post",
             lambda w: (ticket_url("ticket-draft-save")(w),
                        {"kind": "transfer", "body": "Pour la compta"}),
             everyone(404) | {"agent": 200}),
        Case("withdrawal note draft", "post",
             lambda w: (ticket_url("ticket-draft-save")(w),
                        {"kind": "withdraw", "body": "Plus besoin"}),
             everyone(404) | {"member": 200}, may_change={"member"}),
    ],
    "kb:article-draft-new": [
        # Keyed per person: everyone's own "new article" draft, never Camille's.
        Case("article editor autosave", "post",
             lambda w: (reverse("kb:article-draft-new"), {"title": "Un tuto", "body": "x"}),
             everyone(200), may_change={"member"})
    ],
    "helpdesk:ticket-reply": [
        Case("public reply", "post", lambda w: (ticket_url("ticket-reply")(w), {"body": "Coucou"}),
             {p: 302 if s == 200 else s for p, s in PARTICIPANTS.items()},
             may_change={"member", "advisor", "agent"})
    ],
    # A provider's inbound webhook: none configured in the walk, so no such page for anyone
    # (tests/helpdesk/inbound/test_ways_in.py checks the signed calls of a configured one).
    "helpdesk:email-inbound": [
        Case("e-mail webhook, no provider", "post",
             lambda w: (reverse("helpdesk:email-inbound"), {"body-mime": "From: x"}),
             everyone(404, 404))
    ],
    "helpdesk:ticket-note": [
        Case("internal note", "post", lambda w: (ticket_url("ticket-note")(w), {"body": "Note"}),
             everyone(404) | {"agent": 302}, may_change={"agent"})
    ],
    "helpdesk:ticket-assign": [
        Case("assign", "post",
             lambda w: (ticket_url("ticket-assign")(w),
                        {"version": w["ticket"].version, "assignee": w["agent"].pk}),
             TEAM_WRITE, may_change={"agent"})
    ],
    "helpdesk:ticket-priority": [
        Case("priority", "post",
             lambda w: (ticket_url("ticket-priority")(w),
                        {"version": w["ticket"].version, "priority": 4, "reason": "Client"}),
             TEAM_WRITE, may_change={"agent"})
    ],
    "helpdesk:ticket-category": [
        Case("category within the team", "post",
             lambda w: (ticket_url("ticket-category")(w),
                        {"version": w["ticket"].version, "category": w["sibling_category"].pk,
                         "reason": "Plutôt un devis"}),
             TEAM_WRITE, may_change={"agent"})
    ],
    "helpdesk:ticket-merge": [
        Case("merge page", "get", get(ticket_url("ticket-merge")),
             {p: 200 if st == 302 else st for p, st in TEAM_WRITE.items() if p != "anonymous"}
             | {"anonymous": LOGIN}),
        Case("merge into Camille's other request", "post",
             lambda w: (ticket_url("ticket-merge")(w),
                        {"version": w["ticket"].version, "other": w["twin"].reference}),
             TEAM_WRITE, may_change={"agent"}),
    ],
    "helpdesk:ticket-link": [
        Case("link to Camille's other request", "post",
             lambda w: (ticket_url("ticket-link")(w), {"other": w["twin"].reference}),
             TEAM_WRITE, may_change={"agent"}),
    ],
    # Who follows the request: its member (co-workers) and its team (colleagues) add them;
    # her advisor sees the request but adds nobody.
    "helpdesk:ticket-watchers": [
        Case("who follows", "get", get(ticket_url("ticket-watchers")),
             PARTICIPANTS | {"advisor": 403}),
        # Lucas, a member: Camille may add him; the team adds colleagues only (form error).
        Case("add a co-worker", "post",
             lambda w: (ticket_url("ticket-watchers")(w),
                        {"email": w["people"]["other_member"].email}),
             PARTICIPANTS | {"member": 302, "advisor": 403, "agent": 400},
             may_change={"member"}),
    ],
    "helpdesk:ticket-watching-team": [
        Case("another team follows", "post",
             lambda w: (ticket_url("ticket-watching-team")(w),
                        {"team": w["other_category"].team_id}),
             TEAM_WRITE, may_change={"agent"}),
    ],
    "helpdesk:ticket-watcher-remove": [
        # Her advisor follows her requests as long as they follow her: nobody removes them.
        Case("remove her advisor", "post",
             lambda w: (ticket_url("ticket-watcher-remove", w["people"]["advisor"].pk)(w), {}),
             PARTICIPANTS | {"member": 409, "advisor": 403, "agent": 409}),
    ],
    "helpdesk:ticket-transfer": [
        Case("transfer page", "get", get(ticket_url("ticket-transfer")),
             {p: 200 if st == 302 else st for p, st in TEAM_WRITE.items() if p != "anonymous"}
             | {"anonymous": LOGIN}),
        Case("transfer", "post",
             lambda w: (ticket_url("ticket-transfer")(w),
                        {"version": w["ticket"].version, "category": w["other_category"].pk,
                         "reason": "Litige"}),
             TEAM_WRITE, may_change={"agent"})
    ],
    "helpdesk:ticket-step": [
        Case(f"step {step}", "post",
             lambda w, step=step: (ticket_url("ticket-step", step)(w),
                                   {"version": w["ticket"].version}),
             TEAM_WRITE, may_change={"agent"})
        for step in ("resolve", "claim", "wait", "close")
    ] + [
        Case("step withdraw (the member's)", "post",
             lambda w: (ticket_url("ticket-step", "withdraw")(w), {"version": w["ticket"].version}),
             PARTICIPANTS | {"member": 302, "advisor": 403, "agent": 403}, may_change={"member"})
    ],
    # How were you served? Camille's request is still open: nobody may answer yet, and her
    # link (a token naming her request and her) answers nobody but shows why, to anyone.
    "helpdesk:ticket-satisfaction": [
        Case("answer on the request's page (the member's)", "post",
             lambda w: (ticket_url("ticket-satisfaction")(w), {"score": 5}),
             PARTICIPANTS | {"member": 409, "advisor": 403, "agent": 403})
    ],
    "helpdesk:satisfaction-answer": [
        Case("Camille's e-mail link (request not closed)", "post",
             lambda w: (ticket_url("satisfaction-answer", satisfaction.make_token(w["ticket"]))(w),
                        {"score": 5}),
             everyone(400, 400)),
        Case("a forged link", "get", get(ticket_url("satisfaction-answer", "1:forged:x")),
             everyone(400, 400)),
    ],
    "helpdesk:satisfaction-settings": [
        Case("whether I am asked how I was served", "get",
             get(lambda w: reverse("helpdesk:satisfaction-settings")),
             MEMBERS_PAGE)
    ],
    "helpdesk:attachment-download": [
        Case("file sent with the request", "get",
             get(lambda w: reverse("helpdesk:attachment-download", args=[w["file"].pk])),
             PARTICIPANTS),
        Case("file of an internal note", "get",
             get(lambda w: reverse("helpdesk:attachment-download", args=[w["note_file"].pk])),
             everyone(404) | {"agent": 200}),
    ],
    "helpdesk:queue-list": [
        Case("team queues", "get", get(lambda w: reverse("helpdesk:queue-list")),
             STAFF_PAGE | {"outside_agent": 200})
    ],
    "helpdesk:queue-detail": [
        Case("the team's queue", "get",
             get(lambda w: reverse("helpdesk:queue-detail", args=[w["team"].slug])), STAFF_PAGE)
    ],
    # One's own absence: advisors and the teams' people; members have none to set.
    "helpdesk:absence-edit": [
        Case("my absence", "get", get(lambda w: reverse("helpdesk:absence-edit")),
             everyone(200) | {"member": 404, "other_member": 404}),
    ],
    # The team lead's (and admins'): the team's agent who does not lead it gets 403.
    "helpdesk:team-settings": [
        Case("the team's assignment rule", "get",
             get(lambda w: reverse("helpdesk:team-settings", args=[w["team"].slug])),
             everyone(404) | {"agent": 403}),
        Case("change the team's assignment rule", "post",
             lambda w: (reverse("helpdesk:team-settings", args=[w["team"].slug]),
                        {"assignment": "round_robin"}),
             everyone(404) | {"agent": 403}),
    ],
    "helpdesk:agent-absence": [
        Case("an agent's absence, set by the lead", "post",
             lambda w: (reverse("helpdesk:agent-absence", args=[w["team"].slug, w["agent"].pk]),
                        {"away_from": "2026-01-05"}),
             everyone(404) | {"agent": 403}),
    ],
    "helpdesk:team-health": [
        Case("the team's health", "get",
             get(lambda w: reverse("helpdesk:team-health", args=[w["team"].slug])), STAFF_PAGE)
    ],
    # Admins and team leads only: none of the walk's personas.
    "helpdesk:coop-health": [
        Case("the cooperative's health", "get", get(lambda w: reverse("helpdesk:coop-health")),
             everyone(404))
    ],
    "helpdesk:queue-bulk": [
        Case("bulk close", "post",
             lambda w: (reverse("helpdesk:queue-bulk", args=[w["team"].slug]),
                        {"tickets": [w["ticket"].pk], "action": "close"}),
             everyone(404) | {"agent": 302}, may_change={"agent"})
    ],
    "helpdesk:collection-list": [
        Case("unpaid invoices", "get", get(lambda w: reverse("helpdesk:collection-list")),
             everyone(200), hidden_from={"other_member", "other_advisor", "outside_agent"},
             secret=INVOICE)
    ],
    "helpdesk:collection-create": [
        Case("open a case", "get", get(lambda w: reverse("helpdesk:collection-create")),
             STAFF_PAGE | {"outside_agent": 200})
    ],
    "helpdesk:collection-settings": [
        Case("my collection preferences", "get",
             get(lambda w: reverse("helpdesk:collection-settings")),
             MEMBERS_PAGE)
    ],
    "helpdesk:collection-detail": [
        Case("Camille's case", "get",
             get(lambda w: reverse("helpdesk:collection-detail", args=[w["case"].pk])),
             PARTICIPANTS)
    ],
    "helpdesk:collection-consent": [
        Case("hold a step (the member's)", "post",
             lambda w: (reverse("helpdesk:collection-consent", args=[w["case"].pk]),
                        {"version": w["case"].version, "step": "reminder_1", "consent": "hold"}),
             PARTICIPANTS | {"member": 302, "advisor": 403, "agent": 403}, may_change={"member"})
    ],
    "helpdesk:collection-step": [
        Case(f"case step {step}", "post",
             lambda w, step=step: (
                 reverse("helpdesk:collection-step", args=[w["case"].pk, step]),
                 {"version": w["case"].version},
             ),
             TEAM_WRITE, may_change={"agent"})
        for step in COLLECTION_STEPS  # all team steps today: a member's one needs its own
    ],
    "coopdesk:notification-list": [
        Case("my notifications", "get", get(lambda w: reverse("coopdesk:notification-list")),
             everyone(200), hidden_from={"other_member", "other_advisor", "outside_agent"})
    ],
    "coopdesk:notification-open": [
        Case("open Camille's notification", "get",
             get(lambda w: reverse("coopdesk:notification-open", args=[w["notification"].pk])),
             everyone(404) | {"member": 302})
    ],
    "coopdesk:notification-read": [
        Case("mark Camille's notification read", "post",
             lambda w: (reverse("coopdesk:notification-read", args=[w["notification"].pk]), {}),
             everyone(404) | {"member": 302})
    ],
    "coopdesk:notification-read-all": [
        Case("mark all my notifications read", "post",
             lambda w: (reverse("coopdesk:notification-read-all"), {}), everyone(302))
    ],
    # My profile: everyone's own; a ZIP is compressed, so the download's own tests
    # (tests/accounts/test_export.py) check what it holds.
    "accounts:profile-edit": [
        Case("my profile", "get", get(lambda w: reverse("accounts:profile-edit")), everyone(200),
             hidden_from=set(PERSONAS) - {"member"}),
        Case("save my profile", "post",
             lambda w: (reverse("accounts:profile-edit"), {"first_name": "Nom"}), everyone(400)),
    ],
    "accounts:data-download": [
        Case("download my data", "get", get(lambda w: reverse("accounts:data-download")),
             everyone(200), hidden_from=set(PERSONAS) - {"member"}),
    ],
    "accounts:erasure-ask": [
        Case("ask for erasure", "get", get(lambda w: reverse("accounts:erasure-ask")),
             everyone(200)),
        Case("confirm the erasure request", "post",
             lambda w: (reverse("accounts:erasure-ask"), {"confirm": "on"}), everyone(302)),
    ],
    "coopdesk:preference-edit": [
        Case("my notification preferences", "get",
             get(lambda w: reverse("coopdesk:preference-edit")), everyone(200))
    ],
    "helpdesk:subscription-set": [
        Case("mute Camille's request", "post",
             lambda w: (reverse("helpdesk:subscription-set", args=[w["ticket"].pk]),
                        {"mode": "mute"}),
             {p: 302 if s == 200 else s for p, s in PARTICIPANTS.items()})
    ],
    "helpdesk:saved-reply-list": [
        Case("saved replies", "get", get(lambda w: reverse("helpdesk:saved-reply-list")),
             STAFF_PAGE | {"outside_agent": 200}, hidden_from={"outside_agent"},
             secret=REPLY_TITLE)
    ],
    "helpdesk:saved-reply-create": [
        Case("new saved reply", "get", get(lambda w: reverse("helpdesk:saved-reply-create")),
             STAFF_PAGE | {"outside_agent": 200}),
        # A team's reply only by its lead: the team's "For" is offered to neither agent.
        Case("a saved reply for the team", "post",
             lambda w: (reverse("helpdesk:saved-reply-create"),
                        {"title": "Pour l'équipe", "body": "Bonjour", "scope": w["team"].pk,
                         "articles": ""}),
             everyone(404) | {"agent": 400, "outside_agent": 400}),
        Case("a personal saved reply", "post",
             lambda w: (reverse("helpdesk:saved-reply-create"),
                        {"title": "La mienne", "body": "Bonjour", "scope": "", "articles": ""}),
             STAFF_PAGE | {"agent": 302, "outside_agent": 302},
             may_change={"agent", "outside_agent"}),
    ],
    "helpdesk:saved-reply-edit": [
        Case("edit the team's saved reply (the lead's)", "get",
             get(lambda w: reverse("helpdesk:saved-reply-edit", args=[w["team_reply"].pk])),
             everyone(404) | {"agent": 403}),
        Case("edit Nadia's own saved reply", "get",
             get(lambda w: reverse("helpdesk:saved-reply-edit", args=[w["own_reply"].pk])),
             everyone(404) | {"agent": 200}),
        Case("change the team's saved reply (the lead's)", "post",
             lambda w: (reverse("helpdesk:saved-reply-edit", args=[w["team_reply"].pk]),
                        {"title": "Changée", "body": "Autre", "scope": w["team"].pk,
                         "articles": ""}),
             everyone(404) | {"agent": 403}),
        Case("change Nadia's own saved reply", "post",
             lambda w: (reverse("helpdesk:saved-reply-edit", args=[w["own_reply"].pk]),
                        {"title": "Changée", "body": "Autre", "scope": "", "articles": ""}),
             everyone(404) | {"agent": 302}, may_change={"agent"}),
    ],
    # A saved reply being written or edited, kept while typed: each person's own draft.
    "helpdesk:saved-reply-draft-new": [
        Case("new saved reply autosave", "post",
             lambda w: (reverse("helpdesk:saved-reply-draft-new"), {"title": "T", "body": "x"}),
             STAFF_PAGE | {"outside_agent": 200})
    ],
    "helpdesk:saved-reply-draft": [
        Case("team's saved reply autosave (the lead's)", "post",
             lambda w: (reverse("helpdesk:saved-reply-draft", args=[w["team_reply"].pk]),
                        {"title": "T", "body": "x"}),
             everyone(404) | {"agent": 403}),
        Case("Nadia's own saved reply autosave", "post",
             lambda w: (reverse("helpdesk:saved-reply-draft", args=[w["own_reply"].pk]),
                        {"title": "T", "body": "x"}),
             everyone(404) | {"agent": 200}),
    ],
    "helpdesk:saved-reply-delete": [
        Case("delete Nadia's own saved reply", "post",
             lambda w: (reverse("helpdesk:saved-reply-delete", args=[w["own_reply"].pk]), {}),
             everyone(404) | {"agent": 302}, may_change={"agent"}),
    ],
    "helpdesk:saved-reply-picker": [
        Case("saved-reply picker", "get", get(ticket_url("saved-reply-picker")),
             everyone(404) | {"agent": 200})
    ],
    "helpdesk:saved-reply-insert": [
        Case("insert the team's saved reply", "post",
             lambda w: (ticket_url("saved-reply-insert", w["team_reply"].pk)(w), {}),
             everyone(404) | {"agent": 200}, may_change={"agent"})
    ],
    "helpdesk:advisor-requests": [
        Case("my members' requests", "get", get(lambda w: reverse("helpdesk:advisor-requests")),
             everyone(404) | {"advisor": 200, "other_advisor": 200},
             hidden_from={"other_advisor"})
    ],
    # CSV exports: the same people and rows as their page.
    "helpdesk:advisor-requests-export": [
        Case("my members' requests (CSV)", "get",
             get(lambda w: reverse("helpdesk:advisor-requests-export")),
             everyone(404) | {"advisor": 200, "other_advisor": 200},
             hidden_from={"other_advisor"})
    ],
    "helpdesk:ticket-export": [
        Case("my requests (CSV)", "get", get(lambda w: reverse("helpdesk:ticket-export")),
             everyone(200), hidden_from=NOT_THE_OWNER)
    ],
    "helpdesk:queue-export": [
        Case("the team's queue (CSV)", "get",
             get(lambda w: reverse("helpdesk:queue-export", args=[w["team"].slug])), STAFF_PAGE)
    ],
    "helpdesk:collection-export": [
        Case("unpaid invoices (CSV)", "get", get(lambda w: reverse("helpdesk:collection-export")),
             everyone(200), hidden_from={"other_member", "other_advisor", "outside_agent"},
             secret=INVOICE)
    ],
}


# --- the walk ---------------------------------------------------------------------------------


def check(response, expected) -> None:
    where = response.get("Location", "")
    if expected == LOGIN:
        assert response.status_code == 302 and where.startswith(reverse("accounts:login")), where
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302 and where.startswith(reverse("admin:login")), where
    else:
        assert response.status_code == expected, (response.status_code, where)


def content_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode()


def delegated_routes() -> set[str]:
    """Routes walked per persona by an app's own table (its objects need their own world).

    The kb table lists paths: each is resolved, so a route counts only if a row really
    requests it. The journeys table is keyed by route name and checks its own completeness.
    """
    from tests.journeys import test_permissions as journeys
    from tests.kb import test_permissions as kb

    paths = [path for path, _ in kb.PAGES + kb.POSTS] + [kb.DEFLECTION_URL]
    names = {f"journeys:{name}" for name in journeys.CASES}
    for path in paths:
        match = resolve(re.sub(r"\{\w+\}", "x", path).split("?")[0])
        names.add(f"{':'.join(match.namespaces)}:{match.url_name}")
    return names


DELEGATED = delegated_routes()


@pytest.mark.parametrize("name", PROJECT_ROUTES)
def test_route_has_a_permission_entry(name):
    assert name is not None, "unnamed URL pattern: give it a name and a ROUTES entry"
    assert ROUTES.get(name) or name in DELEGATED, (
        f"{name} has no entry in ROUTES of tests/test_url_permissions.py, nor a row in an "
        "app's own permission table"
    )


def test_no_entry_for_a_route_that_does_not_exist():
    assert set(ROUTES) <= set(PROJECT_ROUTES)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "name, case",
    [(name, case) for name, cases in ROUTES.items() for case in cases],
    ids=lambda value: value.label if isinstance(value, Case) else value,
)
def test_route_answers_each_persona(world, name, case, persona):
    assert set(case.expect) == set(PERSONAS), f"{name}: say what every persona gets"
    url, data = case.build(world)
    before = state_of(world)
    with translation.override("en"):
        response = getattr(login(world["people"][persona]), case.method)(url, data)
    check(response, case.expect[persona])
    if response.status_code == 200:  # pages and files alike stay out of every cache
        assert {"private", "no-store"} <= set(response["Cache-Control"].split(", ")), name
    if persona not in case.may_change:
        assert state_of(world) == before, f"{persona} changed something through {name}"
    text = content_of(response) if response.status_code == 200 else ""
    if persona in case.hidden_from:
        assert case.secret not in text
    if persona not in {"agent", "outside_agent"}:
        assert NOTE_TEXT not in text and NOTE_FILE not in text


# --- the steps, each refused to whom it is not for --------------------------------------------

TEAM_STEPS = {"acknowledge", "claim", "wait", "resolve", "close"}
MEMBER_STEPS = {"confirm", "reopen", "withdraw"}


def test_every_step_is_declared_team_or_member():
    assert set(STEPS) == TEAM_STEPS | MEMBER_STEPS


@pytest.mark.parametrize("step", sorted(TEAM_STEPS | MEMBER_STEPS))
@pytest.mark.parametrize("persona", ["member", "other_member", "advisor", "other_advisor", "agent",
                                     "outside_agent"])
def test_steps_that_are_not_yours_are_403_or_404(world, step, persona):
    mine = persona == "agent" if step in TEAM_STEPS else persona == "member"
    if mine:
        return
    url = reverse("helpdesk:ticket-step", args=[world["ticket"].pk, step])
    before = state_of(world)
    response = login(world["people"][persona]).post(url, {"version": world["ticket"].version})
    assert response.status_code == (404 if PARTICIPANTS[persona] == 404 else 403)
    assert state_of(world) == before


# --- internal notes, wherever a member or an advisor looks ------------------------------------


@pytest.mark.parametrize("persona", ["member", "advisor"])
def test_internal_notes_never_reach_members_or_advisors(world, persona):
    client = login(world["people"][persona])
    for name in ("ticket-detail", "ticket-live"):
        page = client.get(reverse(f"helpdesk:{name}", args=[world["ticket"].pk])).content.decode()
        assert "Réponse publique de l'équipe" in page  # the public thread is there
        assert NOTE_TEXT not in page and NOTE_FILE not in page
        assert reverse("helpdesk:attachment-download", args=[world["note_file"].pk]) not in page
    assert not world["people"][persona].notifications.filter(verb="note").exists()


def test_the_team_sees_its_internal_notes(world):
    page = login(world["agent"]).get(world["ticket"].get_absolute_url()).content.decode()
    assert NOTE_TEXT in page and NOTE_FILE in page


# --- the admin site ---------------------------------------------------------------------------

ADMIN_SAMPLES = {"object_id": "1", "id": "1", "content_type_id": "1", "app_label": "helpdesk",
                 "url": "nowhere/"}


def admin_url(route: str) -> str:
    route = re.sub(r"\^?\(\?P<(\w+)>[^)]*\)\)?", lambda m: ADMIN_SAMPLES[m[1]], route)
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: ADMIN_SAMPLES[m[1]], route)
    return "/" + route.replace("^", "").replace("$", "")


@pytest.mark.parametrize("name, route", ADMIN_ROUTES, ids=[r for _, r in ADMIN_ROUTES])
def test_admin_is_closed_to_everyone_but_staff(world, name, route):
    url = admin_url(route)
    for persona in ("anonymous", "member", "agent"):
        client = login(world["people"][persona])
        if name == "admin:logout":
            response = client.post(url)
            assert response.status_code == 302 and response["Location"] == reverse("admin:index")
        elif name == "admin:login":  # ours (rate limits, two-factor), then staff only
            response = client.get(url)
            if persona == "anonymous":
                check(response, LOGIN)
            else:
                assert response.status_code == 403
        else:
            check(client.get(url), ADMIN_LOGIN)
