"""French demo data for the helpdesk: the six shared teams, their categories, and requests
in every state, made through the real actions so that timelines and notifications are real."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from coopdesk.demo import People
from helpdesk import actions
from helpdesk.models import (
    Category,
    Closure,
    Draft,
    Message,
    OpeningRange,
    Priority,
    SavedReply,
    Team,
    Ticket,
)


def week(days: str, *ranges: str) -> dict[int, list[tuple[time, time]]]:
    """Opening ranges for days "0-4" (Monday to Friday) or one day "3" (Thursday)."""
    first, _, last = days.partition("-")
    spans = [tuple(time.fromisoformat(at) for at in span.split("-")) for span in ranges]
    return {day: spans for day in range(int(first), int(last or first) + 1)}


def set_calendar(team: Team, spec: dict) -> None:
    """The team's week from its spec, and the Christmas week it closes."""
    OpeningRange.objects.bulk_create(
        OpeningRange(team=team, weekday=day, starts=starts, ends=ends)
        for day, spans in spec["week"].items() for starts, ends in spans
    )
    year = timezone.localdate().year
    Closure.objects.create(
        team=team, first_day=date(year, 12, 24), last_day=date(year, 12, 31),
        reason="Fermeture de fin d’année",
    )


TEAMS = [
    {
        "slug": "juridique", "name": "Juridique", "lead": "julien", "agents": ["julien", "yanis"],
        "email": "juridique@coopdesk.test", "phone": "04 72 00 00 01",
        "week": week("0-4", "09:00-12:30", "14:00-17:00"), "target": 14,
        "description": "Relit vos contrats et conditions de vente, conseille en cas de litige "
        "et vous aide sur la propriété intellectuelle.",
        "categories": [
            ("Faire relire un contrat client", "Un contrat ou un bon de commande à vérifier "
             "avant de signer.", Priority.NORMAL),
            ("Mes conditions générales de vente", "Rédiger ou mettre à jour vos CGV.",
             Priority.LOW),
            ("Droits d'auteur, propriété intellectuelle", "Céder des droits, protéger une "
             "création, utiliser une image.", Priority.NORMAL),
            ("Un litige avec un client", "Le client conteste la prestation ou menace d'un "
             "recours.", Priority.HIGH),
            ("Autre question juridique", "Toute autre question de droit.", Priority.NORMAL),
        ],
    },
    {
        "slug": "recouvrement", "name": "Recouvrement", "lead": "nadia",
        "agents": ["nadia", "yanis"], "email": "recouvrement@coopdesk.test",
        "phone": "04 72 00 00 02", "week": week("0-4", "09:00-17:00"), "region": "FR-57",
        "target": 8,
        "description": "Suit vos factures impayées : relances, mise en demeure, puis "
        "contentieux, toujours avec votre accord.",
        "categories": [
            ("Une facture impayée", "Votre client n'a pas payé à l'échéance.", Priority.HIGH),
            ("Proposer un échéancier à un client", "Le client demande à payer en plusieurs "
             "fois.", Priority.NORMAL),
            ("Suspendre une relance", "Vous préférez gérer vous-même la relation avec ce "
             "client pour l'instant.", Priority.NORMAL),
            ("Autre question sur un paiement", "Un virement non identifié, un avoir…",
             Priority.NORMAL),
        ],
    },
    {
        "slug": "relation-clients", "name": "Relation clients", "lead": "thomas",
        "agents": ["thomas", "nadia"], "email": "clients@coopdesk.test",
        "phone": "04 72 00 00 03", "week": week("0-4", "09:00-18:00"), "target": 9,
        "description": "Vous aide avec vos devis, vos factures et vos échanges avec les clients.",
        "categories": [
            ("Un différend avec un client", "Un désaccord sur une prestation, un retard, un "
             "prix.", Priority.HIGH),
            ("Faire un devis ou une facture", "Un doute sur les mentions, la TVA, le devis "
             "obligatoire en services à la personne.", Priority.NORMAL),
            ("Ouvrir un compte client", "Un nouveau client à enregistrer.", Priority.LOW),
            ("Autre question client", "Toute autre question sur vos clients.",
             Priority.NORMAL),
        ],
    },
    {
        "slug": "comptabilite", "name": "Comptabilité", "lead": "emilie",
        "agents": ["emilie", "marc"], "email": "compta@coopdesk.test",
        "phone": "04 72 00 00 04", "week": week("0-3", "09:00-17:00"), "region": "BE", "target": 24,
        "description": "Tient la comptabilité de votre activité, vos achats, vos notes de frais "
        "et votre trésorerie.",
        "categories": [
            ("Une note de frais", "Un remboursement de frais avancés pour votre activité.",
             Priority.NORMAL),
            ("Un achat à enregistrer", "Une facture fournisseur, un investissement.",
             Priority.NORMAL),
            ("Mon compte de résultat, ma trésorerie", "Comprendre vos chiffres.",
             Priority.LOW),
            ("Autre question comptable", "TVA, amortissement…", Priority.NORMAL),
        ],
    },
    {
        "slug": "paie", "name": "Paie", "lead": "emilie", "agents": ["marc", "emilie"],
        "email": "paie@coopdesk.test", "phone": "04 72 00 00 05",
        "week": week("0-4", "09:00-12:00"), "target": 6,
        "description": "Prépare vos fiches de paie, vos contrats et vos attestations.",
        "categories": [
            ("Une question sur ma fiche de paie", "Un montant, une cotisation, une ligne que "
             "vous ne comprenez pas.", Priority.NORMAL),
            ("Fixer mon salaire du mois", "Adapter votre salaire à votre chiffre d'affaires.",
             Priority.NORMAL),
            ("Arrêt maladie, congé", "Un arrêt, un congé maternité ou paternité.",
             Priority.HIGH),
            ("Une attestation", "Attestation employeur, pour France Travail, pour un "
             "logement…", Priority.NORMAL),
        ],
    },
    {
        "slug": "communication", "name": "Communication", "lead": "lea", "agents": ["lea"],
        "email": "communication@coopdesk.test", "phone": "04 72 00 00 06",
        "week": week("1", "09:00-17:00") | week("3", "09:00-17:00"),
        "target": 16,
        "description": "Vous conseille pour faire connaître votre activité.",
        "categories": [
            ("Mon site ou mes réseaux sociaux", "Être visible en ligne.", Priority.LOW),
            ("Logo, cartes de visite", "Votre identité visuelle.", Priority.LOW),
            ("Annoncer un événement", "Un atelier, une exposition, un salon.", Priority.NORMAL),
        ],
    },
]


def load_teams(people: People) -> dict[str, Team]:
    teams = {}
    for spec in TEAMS:
        team = Team.objects.create(
            slug=spec["slug"], name=spec["name"], description=spec["description"],
            email=spec["email"], phone=spec["phone"], region=spec.get("region", "FR"),
            first_response_hours=spec["target"], lead=people.agents[spec["lead"]],
        )
        set_calendar(team, spec)
        team.agents.set([people.agents[key] for key in spec["agents"]])
        for position, (label, help_text, priority) in enumerate(spec["categories"]):
            Category.objects.create(
                team=team, label=label, help_text=help_text, default_priority=priority,
                position=position,
            )
        teams[spec["slug"]] = team
    load_saved_replies(people, teams)
    return teams


SIGNED = "\n\n{agent_first_name}, équipe {team}"

# A few replies each team writes often, and one agent's own (the picker offers both).
SAVED_REPLIES = {
    "juridique": [
        ("Contrat bien reçu, relecture en cours",
         "Bonjour {first_name},\n\nNous avons bien reçu votre contrat et le relisons. Vous "
         "aurez notre réponse au plus tard le {promised_date}. Si vous devez signer avant, "
         "dites-le-nous ici : nous regarderons d'abord les clauses qui engagent le plus."
         + SIGNED),
        ("Pièces à joindre pour un litige",
         "Bonjour {first_name},\n\nPour vous conseiller, il nous faut le devis ou le contrat "
         "signé, les factures concernées et les échanges écrits avec votre client. Joignez-les "
         "en répondant ici (demande {reference})." + SIGNED),
    ],
    "recouvrement": [
        ("Relance envoyée au client",
         "Bonjour {first_name},\n\nNous avons envoyé une relance à votre client. Sans "
         "paiement sous dix jours, nous vous proposerons la suite, toujours avec votre "
         "accord : rien ne part en votre nom sans que vous l'ayez validé." + SIGNED),
        ("Échéancier accepté",
         "Bonjour {first_name},\n\nVotre client a accepté l'échéancier. Nous suivons chaque "
         "versement et vous prévenons ici si l'un d'eux manque." + SIGNED),
    ],
    "relation-clients": [
        ("Mentions obligatoires d'une facture",
         "Bonjour {first_name},\n\nUne facture doit indiquer notamment : le numéro, la date, "
         "le nom et l'adresse du client, le détail de la prestation, le prix hors taxes, le "
         "taux et le montant de TVA, et la date de paiement attendue. Envoyez-nous la vôtre "
         "ici si vous voulez que nous la relisions." + SIGNED),
    ],
    "comptabilite": [
        ("Justificatif manquant",
         "Bonjour {first_name},\n\nPour enregistrer cette dépense, il nous manque son "
         "justificatif (facture ou ticket de caisse). Joignez-le en répondant ici et nous "
         "terminons aussitôt." + SIGNED),
    ],
    "paie": [
        ("Salaire du mois pris en compte",
         "Bonjour {first_name},\n\nNous avons bien noté le salaire que vous souhaitez ce "
         "mois-ci. Il figurera sur votre prochaine fiche de paie." + SIGNED),
    ],
    "communication": [
        ("Rendez-vous conseil",
         "Bonjour {first_name},\n\nParlons-en de vive voix : proposez-nous ici deux ou trois "
         "créneaux un mardi ou un jeudi, et préparez quelques exemples de ce qui vous plaît."
         + SIGNED),
    ],
}
PERSONAL_REPLIES = {
    "marc": [
        ("Je regarde et je reviens vers vous",
         "Bonjour {first_name},\n\nJe regarde votre demande et je reviens vers vous au plus "
         "tard le {promised_date}.\n\nMarc"),
    ],
}


def load_saved_replies(people: People, teams: dict[str, Team]) -> None:
    SavedReply.objects.bulk_create(
        [SavedReply(team=teams[slug], title=title, body=body)
         for slug, replies in SAVED_REPLIES.items() for title, body in replies]
        + [SavedReply(owner=people.agents[key], title=title, body=body)
           for key, replies in PERSONAL_REPLIES.items() for title, body in replies]
    )


def _category(label: str) -> Category:
    return Category.objects.get(label=label)


def _backdate(ticket: Ticket, days: float) -> None:
    """Demo only: spread the requests over the past weeks."""
    moment = timezone.now() - timedelta(days=days)
    ticket.start_clock(moment)
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=moment, first_response_due=ticket.first_response_due,
        resolution_due=ticket.resolution_due, due_at=ticket.nearest_due(),
    )
    ticket.events.filter(kind="created").update(created_at=moment)


def _steps_dated(ticket: Ticket, moments: dict[str, datetime]) -> None:
    """Demo only: date the steps of a request played in one go, so that its timeline does not
    say it was closed "7 days after its resolution" in the same minute (the notifications
    follow their steps, coopdesk/demo.py)."""
    for event in ticket.events.filter(kind__in=moments):
        when = moments[event.kind]
        ticket.events.filter(pk=event.pk).update(created_at=when)
        if event.message_id:
            Message.objects.filter(pk=event.message_id).update(created_at=when)
    Ticket.objects.filter(pk=ticket.pk).update(
        first_response_at=moments["resolved"], closed_at=moments["closed"],
        updated_at=moments["closed"],
    )


def _opened_with(ticket: Ticket, used: float) -> None:
    """Demo only: opened so long ago (in its team's business time) that this share of its
    first-response target is used: 0.5 on time, 0.8 at risk, 1.5 late."""
    target = ticket.team.targets_for(ticket.priority).first_response
    moment = ticket.team.calendar.subtract(timezone.now(), target * used)
    ticket.start_clock(moment)
    ticket.created_at = moment
    ticket.due_at = ticket.nearest_due()
    ticket.risk_at = ticket.risk_for(ticket.due_at)
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=moment, first_response_due=ticket.first_response_due,
        resolution_due=ticket.resolution_due, due_at=ticket.due_at, risk_at=ticket.risk_at,
    )
    ticket.events.filter(kind="created").update(created_at=moment)


def load_tickets(people: People) -> None:
    m, a = people.members, people.agents

    def new(member, label, subject, body, days=0.0, used=None):
        ticket = actions.create_ticket(
            requester=m[member], category=_category(label), subject=subject, body=body
        )
        if used is not None:
            _opened_with(ticket, used)
        elif days:
            _backdate(ticket, days)
        ticket.refresh_from_db()
        return ticket

    def take_and_answer(ticket, agent, body, then="keep"):
        actions.claim_ticket(ticket, by=a[agent])
        actions.add_reply(ticket, by=a[agent], then=then, body=body)

    # New, nobody has looked at them yet: on time, at risk, late (escalated below), on time.
    new("camille", "Faire relire un contrat client", "Contrat de prestation avec la mairie",
        "Bonjour,\n\nLa mairie de Villeurbanne me propose un contrat de 6 mois pour des "
        "ateliers. Pouvez-vous le relire avant que je signe ? Il y a une clause de pénalités "
        "de retard qui m'inquiète.\n\nMerci !", used=0.3)
    new("hugo", "Une facture impayée", "Facture F-2026-014 non réglée",
        "Le client **Bâti Sud** n'a pas payé la facture F-2026-014 (2 400 € TTC), échue "
        "depuis 20 jours.", used=0.8)
    new("sarah", "Ouvrir un compte client", "Nouveau client : boutique Les Fils d'Ariane",
        "Je dois facturer une nouvelle boutique, voici ses coordonnées…", used=1.5)
    new("mathis", "Mon site ou mes réseaux sociaux", "Instagram pour mon atelier",
        "Comment présenter mon atelier de céramique sur Instagram ?", used=0.5)

    # Waiting for the member.
    t = new("camille", "Une facture impayée", "Relance pour la facture F-2026-031",
            "Mon client Agence Horizon ne répond plus depuis l'envoi de la facture.", days=4)
    take_and_answer(
        t, "nadia", then="wait",
        body="Bonjour Camille, avant d'envoyer la première relance, pouvez-vous nous "
        "confirmer l'adresse de facturation du client ? Souhaitez-vous être prévenue avant "
        "chaque étape ?",
    )

    # In progress, handled.
    t = new("camille", "Une note de frais", "Remboursement de mes frais de déplacement",
            "J'ai avancé 320 € de train pour un salon à Paris. Comment me faire rembourser ?",
            days=2)
    take_and_answer(
        t, "emilie",
        body="Bonjour Camille, je m'en occupe. Déposez vos justificatifs en pièce jointe ; "
        "le remboursement apparaîtra sur votre prochaine fiche de paie.",
    )
    actions.add_note(t, by=a["emilie"], body="Vérifier le plafond kilométrique de son contrat.")

    # Resolved, waiting for the member's confirmation.
    t = new("camille", "Une question sur ma fiche de paie", "Ligne « prévoyance » sur ma fiche",
            "Je ne comprends pas la ligne « prévoyance » sur ma fiche d'octobre.", days=6)
    take_and_answer(
        t, "marc", then="resolve",
        body="La prévoyance couvre l'incapacité de travail et le décès ; elle est obligatoire "
        "et partagée entre vous et la coopérative. Vous trouverez le détail dans le lexique.",
    )

    # Closed by the member's confirmation.
    t = new("chloe", "Annoncer un événement", "Vernissage de mon exposition",
            "J'aimerais annoncer mon vernissage dans la lettre de la coopérative.", days=12)
    take_and_answer(t, "lea", "C'est noté pour la lettre du 1er du mois !", then="resolve")
    actions.confirm_resolution(t, by=m["chloe"])
    actions.rate_ticket(t, by=m["chloe"], score=5, comment="Rapide et sympathique, merci Léa !")

    # Withdrawn by the member.
    t = new("lucas", "Logo, cartes de visite", "Nouveau logo",
            "Pouvez-vous m'aider à choisir un logo ?", days=9)
    actions.withdraw_ticket(t, by=m["lucas"], note="Un ami graphiste s'en occupe finalement.")

    # Transferred from client relations to legal.
    t = new("lucas", "Un différend avec un client", "Mon client refuse de payer le site livré",
            "Le client dit que le site ne correspond pas au cahier des charges et menace "
            "d'aller en justice.", days=5)
    actions.claim_ticket(t, by=a["thomas"])
    actions.transfer_ticket(
        t, by=a["thomas"], to_team=Team.objects.get(slug="juridique"),
        to_category=_category("Un litige avec un client"),
        reason="Le client menace d'une action en justice : le service juridique prend le "
        "relais.",
    )

    # Resolved more than a week ago: closed automatically.
    t = new("ines", "Une attestation", "Attestation pour ma caisse d'allocations familiales",
            "Il me faut une attestation de salaire pour la CAF.", days=15)
    take_and_answer(t, "marc", "Voici votre attestation, en pièce jointe dans votre espace.",
                    then="resolve")
    resolved = timezone.now() - timedelta(days=8)
    Ticket.objects.filter(pk=t.pk).update(resolved_at=resolved)
    actions.auto_close_resolved()
    _steps_dated(t, {"assigned": resolved - timedelta(hours=3), "resolved": resolved,
                     "closed": resolved + timedelta(days=7)})
    # A low score: the payroll team's lead is alerted and offered a follow-up.
    actions.rate_ticket(t, by=m["ines"], score=2,
                        comment="J'ai dû chercher l'attestation moi-même dans mon espace.")

    # Reopened by the member.
    t = new("hugo", "Un achat à enregistrer", "Achat d'une perceuse", "Facture jointe.", days=7)
    actions.claim_ticket(t, by=a["emilie"])
    actions.resolve_ticket(t, by=a["emilie"], note="Achat enregistré en immobilisation.")
    actions.reopen_ticket(t, by=m["hugo"], note="Il manque la deuxième facture (les forets).")

    # An advisor adds a message; a member covered by the backup advisor.
    t = new("ines", "Faire un devis ou une facture", "Devis obligatoire pour le ménage ?",
            "Une cliente me demande 8 heures de ménage par mois à 25 € de l'heure. Dois-je "
            "faire un devis ?", days=1)
    actions.add_reply(
        t, by=people.advisors["karim"],
        body="Je remplace Sophie cette semaine : oui, au-delà de 100 € TTC le devis est "
        "obligatoire en services à la personne. L'équipe vous confirmera.",
    )

    Draft.objects.create(
        owner=m["camille"], key="demo-draft", category=_category("Fixer mon salaire du mois"),
        subject="Augmenter mon salaire en décembre",
        body="Bonjour, mon chiffre d'affaires a augmenté ce trimestre et je voudrais…",
    )
    # The late ones have been escalated, as the worker would have done.
    actions.escalate()


def load_collections(people: People) -> None:
    """Unpaid invoices at several steps, with the members' choices (go ahead, or wait)."""
    from helpdesk.models import CollectionSettings, Consent

    m, nadia = people.members, people.agents["nadia"]
    team = Team.objects.get(slug="recouvrement")
    today = timezone.localdate()
    CollectionSettings.objects.create(member=m["camille"], tell_me_before=False)
    CollectionSettings.objects.create(member=m["hugo"], formal_notice=Consent.ALLOW)

    def open_case(member, client, number, amount, days_late):
        return actions.open_collection_case(
            by=nadia, member=m[member], team=team, client_name=client, invoice_number=number,
            amount=amount, due_date=today - timedelta(days=days_late),
        )

    def happened(case, *days_ago: float) -> None:
        """Date the case's steps when they would have happened (the actions wrote them all
        now), oldest first, one number of days ago each."""
        events = list(case.events.order_by("pk"))
        assert len(events) == len(days_ago), [event.kind for event in events]
        now = timezone.now()
        for event, days in zip(events, days_ago, strict=True):
            type(event).objects.filter(pk=event.pk).update(created_at=now - timedelta(days=days))
        first, last = (now - timedelta(days=days_ago[i]) for i in (0, -1))
        type(case).objects.filter(pk=case.pk).update(created_at=first, updated_at=last)

    case = open_case("camille", "Agence Horizon", "F-2026-031", "1850.00", 12)
    happened(case, 3)
    case = open_case("camille", "Studio Lumen", "F-2026-022", "640.00", 45)
    actions.propose_next_step(case, by=nadia)  # first reminder: OK by default, taken
    actions.propose_next_step(case, by=nadia)  # second reminder: taken
    actions.propose_next_step(case, by=nadia)  # formal notice: held for Camille's OK
    happened(case, 38, 37, 24, 1.2)
    case = open_case("hugo", "Bâti Sud", "F-2026-014", "2400.00", 20)
    actions.propose_next_step(case, by=nadia)  # announced two days ahead (tell me before)
    happened(case, 6, 0.1)
    case = open_case("sarah", "Les Fils d'Ariane", "F-2026-007", "320.00", 30)
    actions.propose_next_step(case, by=nadia)
    actions.mark_case_paid(case, by=nadia)
    happened(case, 25, 18, 9)


# --- twelve weeks of history, so that the team health charts show something real ---------

HISTORY_WEEKS = 12
HISTORY_MEMBERS = [("romane", "Romane", "Perrin"), ("bastien", "Bastien", "Roux"),
                   ("yasmine", "Yasmine", "Haddad"), ("noe", "Noé", "Lambert"),
                   ("elsa", "Elsa", "Marchand"), ("karl", "Karl", "Weber")]
HISTORY_REPLY = "Bonjour,\n\nc'est fait, vous trouverez le détail dans votre espace."


def load_history(people: People) -> None:
    """Requests of the last twelve weeks, answered, resolved and confirmed, written in a few
    bulk inserts (not through the actions: a few hundred requests would take seconds of
    notifications and rendering), by members who are in no other part of the demo."""
    import random

    from coopdesk.accounts.models import Role, User
    from coopdesk.rendering import render_markdown
    from helpdesk.models import EventKind, Message, State, TicketEvent

    rng = random.Random(13)
    now = timezone.now()
    members = [
        User.objects.create_user(f"{key}@exemple.fr", None, first_name=first, last_name=last,
                                 role=Role.MEMBER)
        for key, first, last in HISTORY_MEMBERS
    ]
    reply_html = render_markdown(HISTORY_REPLY)
    plans = []
    for team in Team.objects.prefetch_related("opening_ranges", "closures", "agents",
                                              "categories"):
        categories, agents = list(team.categories.all()), list(team.agents.all())
        calendar, target = team.calendar, team.first_response_hours * 60
        # A team answering faster lately: later weeks keep their promise more often.
        for n in range(HISTORY_WEEKS * rng.randint(3, 6)):
            created = calendar.add(now - timedelta(days=rng.uniform(2, 7 * HISTORY_WEEKS)), 0)
            late = rng.random() < 0.35 * (created - now).days / -(7 * HISTORY_WEEKS) + 0.05
            answered = calendar.add(created, target * (rng.uniform(1.05, 2) if late
                                                       else rng.uniform(0.05, 0.9)))
            resolved = calendar.add(answered, rng.uniform(30, 3 * target))
            closed = resolved + timedelta(hours=rng.uniform(2, 72))
            if closed >= now:
                continue
            category = rng.choice(categories)
            plans.append((Ticket(
                subject=f"{category.label} ({n + 1})", body="Bonjour, pouvez-vous m'aider ?",
                body_html="<p>Bonjour, pouvez-vous m'aider ?</p>", category=category, team=team,
                priority=category.default_priority, requester=rng.choice(members),
                assignee=rng.choice(agents), state=State.CLOSED, created_at=created,
                updated_at=closed, first_response_due=calendar.add(created, target),
                first_response_at=answered, resolved_at=resolved, closed_at=closed,
            ), created, answered, resolved, closed))
    tickets = Ticket.objects.bulk_create([plan[0] for plan in plans], batch_size=200)
    messages = Message.objects.bulk_create([
        Message(ticket=ticket, author=ticket.assignee, body=HISTORY_REPLY, body_html=reply_html,
                created_at=answered)
        for ticket, (_, _, answered, _, _) in zip(tickets, plans, strict=True)
    ], batch_size=200)
    events = []
    for ticket, message, (_, created, answered, resolved, closed) in zip(
        tickets, messages, plans, strict=True
    ):
        events += [
            TicketEvent(ticket=ticket, kind=EventKind.CREATED, actor=ticket.requester,
                        to_state=State.NEW, created_at=created, data={"team": ticket.team.name}),
            TicketEvent(ticket=ticket, kind=EventKind.REPLIED, actor=ticket.assignee,
                        from_state=State.NEW, to_state=State.OPEN, message=message,
                        created_at=answered),
            TicketEvent(ticket=ticket, kind=EventKind.RESOLVED, actor=ticket.assignee,
                        from_state=State.OPEN, to_state=State.RESOLVED, created_at=resolved),
            TicketEvent(ticket=ticket, kind=EventKind.CLOSED, actor=ticket.requester,
                        from_state=State.RESOLVED, to_state=State.CLOSED, created_at=closed),
        ]
    TicketEvent.objects.bulk_create(events, batch_size=500)


def sum_team_days(people: People) -> None:
    """The team days summed, as the worker's job does, once the whole demo is loaded: the
    requests the help centre avoided are recorded after the requests."""
    from helpdesk import health

    today = timezone.localdate()
    health.rebuild(today - timedelta(days=7 * (HISTORY_WEEKS + 1)), today)
