"""Helpdesk benchmark: 100,000 requests, then the four pages people use most.

Seeds (once; reused while it matches) 6 teams with the demo's categories, 30 agents,
40 advisors, 2,000 members (one of them with 80 requests), 100,000 requests of which 70 %
are resolved or closed, about 3 messages each and the timeline events that go with them.
Requests, messages and events are written in batches of multi-row inserts (COPY on
PostgreSQL), with ids chosen here, so that no per-row action (notification, markdown
rendering, transition) runs: those are not what is measured.

Then, in this process, with Django's test client, prints one JSON line per page:
queue, ticket_agent, ticket_member, my_requests, advisor_requests (method: bench/harness.py),
and the others below (ticket_agent_toolkit, health, CSV, clock, assign_round_robin).
BENCH_TICKETS changes the number of requests (e.g. 5000 for a quick try).
"""

from __future__ import annotations

import json
import os
import random
from datetime import UTC, timedelta

from bench import harness

AREA = "helpdesk"
SEED_VERSION = 3
TICKETS = int(os.environ.get("BENCH_TICKETS", "100000"))
MEMBERS = 2_000
AGENTS = 30
ADVISORS = 40
BENCH_MEMBER_REQUESTS = 80
CHUNK = 5_000
RNG_SEED = 20260101

# 70 % resolved or closed; the rest is still being handled, or was withdrawn.
STATE_WEIGHTS = {
    "closed": 55, "resolved": 15, "withdrawn": 2, "new": 7, "open": 13, "waiting": 8,
}
MESSAGES_PER_TICKET = [0, 1, 2, 3, 3, 4, 4, 5, 6]  # 3.1 on average once acknowledged

CLIENTS = ["Boulangerie Martin", "Mairie de Villeurbanne", "SARL Dubois", "Atelier Lumière",
           "Association Les Pousses", "Cabinet Roche", "Hôtel du Parc", "EHPAD Les Tilleuls",
           "Librairie Page 2", "Studio Nord"]
SUBJECTS = ["{label} ({client})", "Question pour {client}", "{label} : dossier {n}",
            "Relance : {label}", "Urgent : {client}, facture F-{n}"]
BODIES = [
    "Bonjour,\n\nmon client **{client}** ne m'a toujours pas payé la facture F-{n} "
    "envoyée il y a six semaines. Pouvez-vous m'aider ?\n\nMerci d'avance.",
    "Bonjour,\n\nj'ai reçu un contrat à signer et je voudrais être sûre des clauses :\n\n"
    "- durée d'engagement,\n- pénalités de retard,\n- propriété des créations.\n\nBonne journée",
    "Bonjour, je ne comprends pas la ligne « cotisations » de ma fiche de paie de ce mois-ci. "
    "Elle a doublé par rapport au mois dernier.",
    "Bonjour,\n\nje joins ma note de frais du mois (déplacements chez {client}). "
    "Le total est de {n} €.\n\nCordialement.",
]
REPLIES_TEAM = [
    "Bonjour,\n\nmerci pour votre message, nous regardons votre dossier et revenons vers "
    "vous rapidement.",
    "Bonjour, pouvez-vous nous envoyer la facture et le devis signé ? Nous préparons la "
    "relance dès réception.",
    "C'est fait : la relance est partie ce matin. Nous vous tenons au courant.",
    "Bonjour,\n\nvoici la réponse à votre question :\n\n1. le montant est correct ;\n"
    "2. la régularisation apparaîtra le mois prochain.\n\nBonne journée !",
]
REPLIES_MEMBER = [
    "Merci beaucoup, je vous envoie les documents dans la journée.",
    "Voici la facture et le devis signé.",
    "D'accord, merci pour votre aide !",
    "Toujours rien reçu de mon côté, pouvez-vous relancer ?",
]
NOTES = [
    "Client déjà relancé deux fois en janvier, voir avec le juridique si on passe en mise "
    "en demeure.",
    "Dossier similaire à D-2025-01234.",
]


TICKET_COLUMNS = [
    "id", "subject", "body", "body_html", "category_id", "team_id", "priority", "requester_id",
    "assignee_id", "state", "version", "created_at", "updated_at", "first_response_due",
    "first_response_at", "resolved_at", "closed_at", "resolution_due", "paused_at", "due_at",
    "risk_at", "escalation", "channel",
]
MESSAGE_COLUMNS = ["id", "ticket_id", "author_id", "body", "body_html", "is_internal", "created_at"]
ATTACHMENT_COLUMNS = [
    "id", "ticket_id", "message_id", "token", "file", "name", "size", "content_type",
    "uploaded_by_id", "created_at",
]
EVENT_COLUMNS = [
    "id", "ticket_id", "kind", "actor_id", "from_state", "to_state", "note", "is_internal",
    "message_id", "data", "created_at",
]


def insert(model, columns: list[str], rows: list[tuple]) -> None:
    """Many rows in one statement batch (SQLite) or one COPY (PostgreSQL).

    bulk_create spends ~17 µs a row preparing values; at 1.1 million rows that alone would
    take over 3 minutes. The rows here are already in database form (see Seeder.dt).
    """
    from django.db import connection

    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def sqlite_time(value):
    """What Django's SQLite backend writes for an aware datetime, without its per-call cost."""
    return None if value is None else str(value.astimezone(UTC).replace(tzinfo=None))


def signature() -> str:
    return (
        f"v{SEED_VERSION} tickets={TICKETS} members={MEMBERS} agents={AGENTS} "
        f"advisors={ADVISORS} seed={RNG_SEED}"
    )


# --- seeding -----------------------------------------------------------------------------------


class Seeder:
    def __init__(self) -> None:
        from django.contrib.auth.hashers import make_password
        from django.utils import timezone

        from coopdesk.rendering import render_markdown

        self.rng = random.Random(RNG_SEED)
        self.now = timezone.now()
        self.password = make_password(None)  # nobody logs in: the client uses force_login
        self.render = render_markdown
        self.rendered: dict[str, str] = {}
        self.ids = {"message": 0, "event": 0, "attachment": 0}
        from django.db import connection

        # PostgreSQL takes aware datetimes; Django's SQLite backend stores naive UTC text.
        self.dt = (lambda value: value) if connection.vendor == "postgresql" else sqlite_time

    def markdown(self, text: str) -> str:
        html = self.rendered.get(text)
        if html is None:
            html = self.rendered[text] = self.render(text)
        return html

    def run(self) -> None:
        from django.db import transaction

        with transaction.atomic():
            self.people()
            self.teams()
        harness.progress("people and teams written")
        requesters = self.requesters()
        for start in range(0, TICKETS, CHUNK):
            with transaction.atomic():
                self.tickets(start, requesters[start : start + CHUNK])
            if (start // CHUNK) % 4 == 3 or start + CHUNK >= TICKETS:
                harness.progress(f"{min(start + CHUNK, TICKETS):,} requests written")
        with transaction.atomic():
            self.drafts()
            self.reset_sequences()

    # people

    def people(self) -> None:
        from coopdesk.accounts.models import Office, Role, Sector, User

        offices = Office.objects.bulk_create(
            [Office(name=city, city=city) for city in
             ["Lyon", "Amiens", "Bordeaux", "Lille", "Nantes", "Grenoble"]]
        )
        offices = list(Office.objects.order_by("pk"))
        firsts = ["Camille", "Lucas", "Inès", "Hugo", "Chloé", "Mathis", "Sarah", "Noah",
                  "Léa", "Karim", "Nadia", "Yanis", "Émilie", "Thomas", "Julie", "Marc"]
        lasts = ["Dupont", "Moreau", "Garcia", "Petit", "Roux", "Faure", "Lefèvre", "André",
                 "Bonnet", "Mercier", "Girard", "Lambert", "Fontaine", "Haddad"]
        rng = self.rng

        def person(email: str, role: str, n: int, **extra) -> User:
            return User(
                email=email, password=self.password, role=role,
                first_name=firsts[n % len(firsts)], last_name=lasts[(n // 3) % len(lasts)],
                date_joined=self.now - timedelta(days=rng.randrange(30, 1500)), **extra,
            )

        agents = [
            person(f"agent{n:02d}@bench.coopdesk.test", Role.LEAD if n % 5 == 0 else Role.AGENT,
                   n, office=offices[0])
            for n in range(AGENTS)
        ]
        User.objects.bulk_create(agents)
        advisors = [
            person(f"advisor{n:02d}@bench.coopdesk.test", Role.ADVISOR, n + 7,
                   office=offices[n % len(offices)])
            for n in range(ADVISORS)
        ]
        User.objects.bulk_create(advisors)
        advisors = list(User.objects.filter(role=Role.ADVISOR).order_by("pk"))
        for n, advisor in enumerate(advisors):
            advisor.backup_advisor = advisors[(n + 1) % len(advisors)]
        User.objects.bulk_update(advisors, ["backup_advisor"])
        sectors = [choice for choice, _label in Sector.choices]
        members = [
            person(f"member{n:04d}@bench.coopdesk.test", Role.MEMBER, n + 3,
                   advisor=advisors[n % len(advisors)], office=offices[n % len(offices)],
                   sector=sectors[n % len(sectors)])
            for n in range(MEMBERS)
        ]
        User.objects.bulk_create(members, batch_size=1000)
        self.agents = list(User.objects.filter(role__in=[Role.AGENT, Role.LEAD]).order_by("pk"))
        self.members = list(
            User.objects.filter(role=Role.MEMBER).order_by("pk").values_list("pk", "advisor_id")
        )
        self.first_names = dict(User.objects.values_list("pk", "first_name"))

    def teams(self) -> None:
        from helpdesk.demo import TEAMS, set_calendar
        from helpdesk.models import Category, Team

        self.team_agents: dict[int, list[int]] = {}
        self.calendars = {}
        self.categories = []
        for t, spec in enumerate(TEAMS):
            agents = self.agents[5 * t : 5 * t + 5] + self.agents[(5 * t + 5) % AGENTS :][:1]
            team = Team.objects.create(
                slug=spec["slug"], name=spec["name"], description=spec["description"],
                email=spec["email"], phone=spec["phone"], region=spec.get("region", "FR"),
                first_response_hours=spec["target"], lead=agents[0],
            )
            set_calendar(team, spec)
            self.calendars[team.pk] = team.calendar
            team.agents.set(agents)
            self.team_agents[team.pk] = [agent.pk for agent in agents]
            for position, (label, help_text, priority) in enumerate(spec["categories"]):
                category = Category.objects.create(
                    team=team, label=label, help_text=help_text, default_priority=priority,
                    position=position,
                )
                self.categories.append((category.pk, team.pk, label, priority,
                                        spec["target"], team.name))

    def requesters(self) -> list[tuple[int, int | None]]:
        """One member has BENCH_MEMBER_REQUESTS requests; the others share the rest."""
        bench_member, others = self.members[0], self.members[1:]
        mine = min(BENCH_MEMBER_REQUESTS, TICKETS)
        chosen = [bench_member] * mine + [
            others[self.rng.randrange(len(others))] for _ in range(TICKETS - mine)
        ]
        self.rng.shuffle(chosen)
        return chosen

    # requests, messages, timeline

    def tickets(self, start: int, requesters: list[tuple[int, int | None]]) -> None:
        rng, now, dt = self.rng, self.now, self.dt
        states = list(STATE_WEIGHTS)
        weights = list(STATE_WEIGHTS.values())
        tickets, messages, events, watchers, attachments = [], [], [], [], []
        for offset, (requester, advisor) in enumerate(requesters):
            pk = start + offset + 1
            state = rng.choices(states, weights)[0]
            category, team, label, priority, target, team_name = rng.choice(self.categories)
            agents = self.team_agents[team]
            active = state in ("new", "open", "waiting")
            age = rng.uniform(0.05, 45) if active else rng.uniform(10, 730)
            created = now - timedelta(days=age)
            client = rng.choice(CLIENTS)
            n = rng.randrange(100, 9999)
            subject = rng.choice(SUBJECTS).format(label=label, client=client, n=n)[:200]
            body_source = rng.choice(BODIES)
            body = body_source.format(client=client, n=n)
            body_html = self.markdown(body_source).format(client=client, n=n)
            assignee = None
            if state != "new" and not (state == "open" and rng.random() < 0.2):
                assignee = rng.choice(agents)
            # Times move forward from the creation; the events are written in that order.
            span = (now - created).total_seconds()
            moments = sorted(rng.uniform(0, span * 0.9) for _ in range(8))
            clock = iter(created + timedelta(seconds=s) for s in moments)
            events.append(self.event(pk, "created", requester, "", "new", created,
                                     data={"team": team_name}))
            updated = created
            first_response = None
            version = 1
            current = "new"
            if state != "new" and not (state == "withdrawn" and rng.random() < 0.5):
                at = updated = first_response = next(clock)
                if assignee:
                    events.append(self.event(
                        pk, "assigned", assignee, current, "open", at,
                        data={"assignee": self.first_names[assignee], "assignee_id": assignee},
                    ))
                else:
                    events.append(self.event(pk, "acknowledged", rng.choice(agents), current,
                                             "open", at))
                current = "open"
                version += 1
            count = rng.choice(MESSAGES_PER_TICKET) if current != "new" else rng.choice([0, 1])
            for i in range(count):
                at = updated = next(clock, None) or created + timedelta(seconds=span * 0.95)
                agent_turn = current != "new" and i % 2 == 0
                internal = agent_turn and rng.random() < 0.12
                author = (assignee or rng.choice(agents)) if agent_turn else requester
                text = rng.choice(NOTES if internal else
                                  REPLIES_TEAM if agent_turn else REPLIES_MEMBER)
                self.ids["message"] += 1
                message_id = self.ids["message"]
                messages.append((message_id, pk, author, text, self.markdown(text), internal,
                                 dt(at)))
                if rng.random() < 0.05:
                    self.ids["attachment"] += 1
                    token = f"{self.ids['attachment']:032x}"
                    attachments.append((
                        self.ids["attachment"], pk, message_id, token,
                        f"attachments/bench/{token}.pdf", f"facture-{n}.pdf",
                        rng.randrange(20_000, 900_000), "application/pdf", author, dt(at),
                    ))
                if internal:
                    kind = "note"
                elif not agent_turn:
                    kind = "answered" if current == "waiting" else "replied"
                    current = "open" if current == "waiting" else current
                elif state == "waiting" and i >= count - 2:
                    kind, current = "waiting", "waiting"
                else:
                    kind = "replied"
                events.append(self.event(pk, kind, author, current, current, at,
                                         internal=internal, message=message_id))
                version += 1
            resolved_at = closed_at = None
            if state in ("resolved", "closed"):
                resolved_at = updated = next(clock, updated + timedelta(hours=1))
                first_response = first_response or resolved_at
                events.append(self.event(pk, "resolved", assignee or rng.choice(agents),
                                         current, "resolved", resolved_at))
                version += 1
            if state == "closed":
                automatic = rng.random() < 0.5
                closed_at = updated = resolved_at + timedelta(days=7 if automatic else 1)
                data = {"automatic": True, "days": 7} if automatic else {"confirmed": True}
                events.append(self.event(pk, "closed", None if automatic else requester,
                                         "resolved", "closed", closed_at, data=data))
                version += 1
            if state == "withdrawn":
                closed_at = updated = next(clock, updated + timedelta(hours=1))
                events.append(self.event(pk, "withdrawn", requester, current, "withdrawn",
                                         closed_at))
                version += 1
            if state == "waiting" and current != "waiting":
                at = updated = next(clock, updated + timedelta(hours=1))
                events.append(self.event(pk, "waiting", assignee or rng.choice(agents),
                                         current, "waiting", at, note="Pouvez-vous préciser ?"))
                version += 1
            # The clock as the actions keep it (Ticket.start_clock, nearest_due, risk_for);
            # the promises already broken or at risk were escalated by an earlier scan.
            calendar = self.calendars[team]
            first_due = calendar.add(created, target * 60)
            resolution_due = calendar.add(created, target * 60 * 5)
            due_at = risk_at = paused_at = None
            escalation = 0
            if state in ("new", "open"):
                due_at = first_due if first_response is None else resolution_due
                share = 0.25 if first_response is None else 1.25
                risk_at = calendar.subtract(due_at, target * 60 * share)
                escalation = 2 if due_at <= now else 1 if risk_at <= now else 0
            elif state == "waiting":
                paused_at = updated
            tickets.append((
                pk, subject, body, body_html, category, team, priority, requester, assignee,
                state, version, dt(created), dt(updated),
                dt(first_due), dt(first_response), dt(resolved_at),
                dt(closed_at), dt(resolution_due), dt(paused_at), dt(due_at), dt(risk_at),
                escalation, "web",
            ))
            if advisor:
                watchers.append((pk, advisor))
        from helpdesk.models import Attachment, Message, Ticket, TicketEvent

        insert(Ticket, TICKET_COLUMNS, tickets)
        insert(Ticket.watchers.through, ["ticket_id", "user_id"], watchers)
        insert(Message, MESSAGE_COLUMNS, messages)
        insert(Attachment, ATTACHMENT_COLUMNS, attachments)
        insert(TicketEvent, EVENT_COLUMNS, events)

    def event(self, ticket, kind, actor, from_state, to_state, at, *, data=None, note="",
              internal=False, message=None) -> tuple:
        self.ids["event"] += 1
        return (self.ids["event"], ticket, kind, actor, from_state, to_state, note, internal,
                message, json.dumps(data or {}), self.dt(at))

    def drafts(self) -> None:
        from helpdesk.models import Draft

        member = self.members[0][0]
        Draft.objects.bulk_create([
            Draft(owner_id=member, key=f"bench-{n}", subject=f"Brouillon {n}",
                  body="Bonjour, je voudrais savoir…", created_at=self.now,
                  updated_at=self.now)
            for n in range(2)
        ])

    def reset_sequences(self) -> None:
        """Rows were written with their ids: move PostgreSQL's sequences past them."""
        from django.core.management.color import no_style
        from django.db import connection

        from helpdesk.models import Attachment, Message, Ticket, TicketEvent

        sql = connection.ops.sequence_reset_sql(
            no_style(), [Ticket, Message, TicketEvent, Attachment]
        )
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


def seed() -> None:
    import time

    if harness.seeded(AREA) == signature():
        harness.progress(f"reusing the seeded {AREA} data ({signature()})")
        return
    harness.progress(f"seeding {AREA}: {signature()}")
    harness.drop_database()
    started = time.perf_counter()
    Seeder().run()
    harness.analyze()
    harness.mark_seeded(AREA, signature())
    harness.progress(f"seeded {TICKETS:,} requests in {time.perf_counter() - started:.1f} s")


# --- measuring ---------------------------------------------------------------------------------


def measure() -> None:
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from coopdesk.accounts.models import User
    from helpdesk.models import ACTIVE_STATES, Team, Ticket

    tickets = Ticket.objects.count()
    team = Team.objects.order_by("pk").first()
    agent = team.agents.order_by("pk").first()
    member = (
        User.objects.filter(email="member0000@bench.coopdesk.test").first()
        or User.objects.annotate(n=Count("requests")).order_by("-n").first()
    )
    # A request as it usually looks while it is handled: active, with 6 messages.
    ticket = (
        Ticket.objects.filter(team=team, state__in=ACTIVE_STATES)
        .annotate(n=Count("messages"))
        .filter(n=6)
        .order_by("pk")
        .first()
    ) or Ticket.objects.filter(team=team).order_by("pk").first()
    own = (
        Ticket.objects.filter(requester=member).annotate(n=Count("messages"))
        .order_by("-n", "pk").first()
    )

    agent_client, member_client = Client(), Client()
    agent_client.force_login(agent)
    member_client.force_login(member)
    harness.progress("measuring pages")
    harness.report("queue", agent_client, reverse("helpdesk:queue-detail", args=[team.slug]),
                   tickets=tickets)
    harness.report("ticket_agent", agent_client, ticket.get_absolute_url(), tickets=tickets)
    measure_toolkit(agent_client, agent, ticket, tickets)
    harness.report("ticket_member", member_client, own.get_absolute_url(), tickets=tickets)
    harness.report("my_requests", member_client, reverse("helpdesk:ticket-list"),
                   tickets=tickets)
    # Beyond the issue's four: the advisor's members' requests in progress (about 50 members).
    advisor_client = Client()
    advisor_client.force_login(member.advisor)
    harness.report("advisor_requests", advisor_client, reverse("helpdesk:advisor-requests"),
                   tickets=tickets)
    # The teams overview (/equipes/) as a team lead reads it: cards with their counts.
    lead_client = Client()
    lead_client.force_login(team.lead)
    harness.report("queue_list", lead_client, reverse("helpdesk:queue-list"), tickets=tickets)
    measure_health(team, tickets)
    measure_csv(tickets)
    measure_clock(team, tickets)
    measure_assignment(tickets)


TOOLKIT_REPLIES, TOOLKIT_MESSAGES = 50, 40


def measure_toolkit(client, agent, ticket, tickets: int) -> None:
    """ticket_agent_toolkit: the agent's request page once the team has 50 saved replies
    (and the agent some personal ones among them) and the request holds 40 messages, each
    with its timeline event; the picker loads on demand, so neither should add a query:
    `queries_before` is the same page and request as they were, measured just before. In
    a transaction rolled back at the end, so that the seed stays as it was."""
    from django.db import transaction
    from django.utils import timezone

    from coopdesk.rendering import render_markdown
    from helpdesk.models import Message, SavedReply, TicketEvent

    url = ticket.get_absolute_url()
    _median, queries_before = harness.measure(client, url, warmups=1, runs=1)
    with transaction.atomic():
        personal = 5
        SavedReply.objects.bulk_create(
            [SavedReply(team=ticket.team, title=f"Réponse {n:02d}",
                        body=f"Bonjour {{first_name}},\n\nréponse type n° {n} ({{reference}}).")
             for n in range(TOOLKIT_REPLIES - personal)]
            + [SavedReply(owner=agent, title=f"Perso {n}", body="Bonjour {first_name},")
               for n in range(personal)]
        )
        existing = ticket.messages.count()
        start = timezone.now()
        added = []
        for n in range(TOOLKIT_MESSAGES - existing):
            mine = n % 2 == 0
            body = REPLIES_TEAM[n % len(REPLIES_TEAM)] if mine else (
                REPLIES_MEMBER[n % len(REPLIES_MEMBER)])
            added.append(Message(
                ticket=ticket, author_id=agent.pk if mine else ticket.requester_id, body=body,
                body_html=render_markdown(body), created_at=start + timedelta(minutes=n),
            ))
        Message.objects.bulk_create(added)
        TicketEvent.objects.bulk_create([
            TicketEvent(ticket=ticket, kind="replied", actor_id=message.author_id,
                        from_state=ticket.state, to_state=ticket.state, message=message,
                        created_at=message.created_at)
            for message in added
        ])
        harness.report("ticket_agent_toolkit", client, url, tickets=tickets,
                       saved_replies=SavedReply.objects.for_ticket(ticket, agent).count(),
                       messages=ticket.messages.count(), queries_before=queries_before)
        transaction.set_rollback(True)


HEALTH_DAYS = 26 * 7 + 7  # the longest period a health page shows


def measure_health(team, tickets: int) -> None:
    """team_health: a team's page over 12 weeks, read by its lead; coop_health: the
    cooperative's, by the same lead. The days are summed once after seeding (what the
    worker's job keeps up to date), then reused while the seed matches."""
    import time

    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from helpdesk import health

    signature_now = f"{signature()} days={HEALTH_DAYS} {timezone.localdate()}"
    if harness.seeded("health") != signature_now:
        started = time.perf_counter()
        today = timezone.localdate()
        rows = health.rebuild(today - timedelta(days=HEALTH_DAYS), today)
        harness.mark_seeded("health", signature_now)
        harness.progress(f"summed {rows:,} team days in {time.perf_counter() - started:.1f} s")
    lead_client = Client()
    lead_client.force_login(team.lead)
    harness.report("team_health", lead_client,
                   reverse("helpdesk:team-health", args=[team.slug]) + "?weeks=12",
                   tickets=tickets, weeks=12)
    harness.report("coop_health", lead_client, reverse("helpdesk:coop-health") + "?weeks=12",
                   tickets=tickets, weeks=12)


def measure_csv(tickets: int) -> None:
    """csv_queue: the export of a team's whole queue (every state: the largest team), in ms
    for the response read to its end, and the peak memory it took (tracemalloc, a run of its
    own) at that size and over every request (the same rows code, 100,000 rows)."""
    import time
    import tracemalloc

    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from coopdesk import csv_export
    from helpdesk.models import Team, Ticket
    from helpdesk.views import exports

    team = Team.objects.annotate(n=Count("tickets")).order_by("-n").first()
    client = Client()
    client.force_login(team.agents.order_by("pk").first())
    url = reverse("helpdesk:queue-export", args=[team.slug]) + "?filtered=1"

    def read() -> int:
        response = client.get(url)
        return sum(1 for _ in response.streaming_content) - 1  # the header line

    rows = read()  # warm-up
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        read()
        timings.append((time.perf_counter() - start) * 1000)
    tracemalloc.start()
    read()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    reader = team.agents.order_by("pk").first()
    tracemalloc.start()
    every = Ticket.objects.order_by("-updated_at").for_list()
    total = sum(1 for _ in csv_export.lines(
        exports._ticket_header(staff=True), exports._ticket_rows(every, reader, staff=True)
    )) - 1
    _, peak_all = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    harness.emit(page="csv_queue", db=harness.vendor(), tickets=tickets, rows=rows,
                 median_ms=round(sorted(timings)[1], 1), peak_mb=round(peak / 2**20, 1),
                 rows_all=total, peak_mb_all=round(peak_all / 2**20, 1))


def measure_clock(team, tickets: int) -> None:
    """due_compute: a due time across a week with a holiday and a pause (add, the
    business minutes left at the pause, add again), in µs. escalation_scan: the worker
    job over every request (the late ones were escalated when seeded), in ms."""
    import statistics
    import time
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from helpdesk import actions

    calendar = team.calendar
    paris = ZoneInfo("Europe/Paris")
    opened = datetime(2026, 12, 23, 16, tzinfo=paris)  # Christmas on the Friday
    paused, resumed = datetime(2026, 12, 24, 10, tzinfo=paris), datetime(2026, 12, 29, 11,
                                                                          tzinfo=paris)

    def due_compute() -> datetime:
        due = calendar.add(opened, team.first_response_hours * 60)
        return calendar.add(resumed, calendar.minutes_between(paused, due))

    timings = []
    for _ in range(harness.RUNS * 20):
        start = time.perf_counter()
        due_compute()
        timings.append((time.perf_counter() - start) * 1e6)
    harness.emit(page="due_compute", db=harness.vendor(), tickets=tickets,
                 median_us=round(statistics.median(timings), 1))

    actions.escalate()  # what the seeding left to send
    timings = []
    for _ in range(harness.RUNS):
        start = time.perf_counter()
        actions.escalate()
        timings.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as captured:
        actions.escalate()
    harness.emit(page="escalation_scan", db=harness.vendor(), tickets=tickets,
                 median_ms=round(statistics.median(timings), 2),
                 queries=len(captured.captured_queries))


ASSIGN_REQUESTS, ASSIGN_AGENTS, ASSIGN_AWAY = 1000, 30, 5


def measure_assignment(tickets: int) -> None:
    """assign_round_robin: 1,000 new requests opened by members in a round-robin team of 30
    agents, 5 of them away, each given through the assign step (the whole of create_ticket:
    the request, its timeline, its notifications); total ms, and the spread of open
    requests among the agents who are in (max - min). In a transaction rolled back at the
    end, so that the seed stays as it was."""
    import time
    from datetime import date

    from django.db import transaction

    from coopdesk.accounts.models import Role, User
    from helpdesk import actions
    from helpdesk.actions import absences
    from helpdesk.actions import tickets as opening
    from helpdesk.models import Assignment, Category, Team, Ticket

    with transaction.atomic():
        team = Team.objects.create(name="Bench round robin", slug="bench-round-robin",
                                   assignment=Assignment.ROUND_ROBIN)
        category = Category.objects.create(team=team, label="Bench")
        agents = [
            User.objects.create_user(f"rr-agent{i:02d}@bench.coopdesk.test", first_name="RR",
                                     role=Role.AGENT)
            for i in range(ASSIGN_AGENTS)
        ]
        team.agents.add(*agents)
        away = agents[:ASSIGN_AWAY]
        User.objects.filter(pk__in=[a.pk for a in away]).update(away_from=date(2000, 1, 1))
        members = list(User.objects.filter(role=Role.MEMBER).order_by("pk")[:50])
        # The assignment's own share (the team row's lock, the choice, the assign step
        # with its event and notifications), apart from opening the request itself.
        # And the choice alone (the team row's lock, the query of who is in, the pointer).
        # Patched where they are looked up: the opening step calls auto_assign, which
        # calls _next_agent.
        auto_assign, next_agent = opening.auto_assign, absences._next_agent
        spent = [0.0, 0.0]

        def timing(function, slot):
            def timed(*args):
                began = time.perf_counter()
                try:
                    return function(*args)
                finally:
                    spent[slot] += time.perf_counter() - began
            return timed

        opening.auto_assign, absences._next_agent = timing(auto_assign, 0), timing(next_agent, 1)
        try:
            start = time.perf_counter()
            for i in range(ASSIGN_REQUESTS):
                actions.create_ticket(requester=members[i % len(members)], category=category,
                                      subject=f"Bench {i}", body="Bench")
            total_ms = (time.perf_counter() - start) * 1000
        finally:
            opening.auto_assign, absences._next_agent = auto_assign, next_agent
        loads = {a.pk: 0 for a in agents}
        for assignee in Ticket.objects.filter(team=team).values_list("assignee", flat=True):
            if assignee is not None:
                loads[assignee] += 1
        present = [loads[a.pk] for a in agents[ASSIGN_AWAY:]]
        harness.emit(page="assign_round_robin", db=harness.vendor(), tickets=tickets,
                     requests=ASSIGN_REQUESTS, agents=ASSIGN_AGENTS, away=ASSIGN_AWAY,
                     total_ms=round(total_ms), per_request_ms=round(total_ms / ASSIGN_REQUESTS, 2),
                     assign_ms=round(spent[0] * 1000), choose_ms=round(spent[1] * 1000),
                     spread=max(present) - min(present),
                     to_away=sum(loads[a.pk] for a in away),
                     unassigned=ASSIGN_REQUESTS - sum(loads.values()))
        transaction.set_rollback(True)


def main() -> None:
    harness.setup()
    seed()
    measure()
