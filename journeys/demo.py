"""French demo data for journeys: the standard CAE path of seed 004 and a path for
services-à-la-personne members, meetings, diagnosis times, and members at every stage.

Journeys are walked through the real actions (so timelines and notifications are real), then
their dates are moved back in time so that the pages look lived-in."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coopdesk.accounts.models import Role, Sector, User
from coopdesk.demo import DEMO_PASSWORD, People
from helpdesk.models import Team
from journeys import actions
from journeys.models import (
    Assignee,
    DiagnosisSlot,
    ExitReason,
    InfoMeeting,
    Journey,
    JourneyEvent,
    JourneyTask,
    PathTemplate,
    Registration,
    Stage,
    StageLink,
    StageTemplate,
    TaskState,
    TaskTemplate,
    add_months,
    entered_field,
)

M, A, T = Assignee.MEMBER, Assignee.ADVISOR, Assignee.TEAM

# kind: (title, description, links, tasks). A link is (title, web address) of a site outside
# Coopdesk: the help pages' own articles are tagged with their stage in kb/demo.py. A task is
# (key, title, who, team, days, doc, article): the article's slug is one kb/demo.py publishes.
CAE_STAGES = {
    Stage.INFO_MEETING: (
        "Réunion d'information collective",
        "Découvrez le fonctionnement, l'esprit et les conditions d'accès à la coopérative, "
        "avec d'autres porteurs et porteuses de projet.",
        [("Le réseau des CAE, Coopérer pour entreprendre", "https://www.cooperer.coop/")],
        [("questions-projet", "Noter vos questions sur votre projet", M, None, 7, "", "")],
    ),
    Stage.DIAGNOSIS: (
        "Diagnostic de votre projet",
        "Un entretien individuel pour vérifier que la coopérative répond à vos besoins, fixer "
        "la date de démarrage de votre parcours et définir un plan d'actions.",
        [("Votre espace France Travail", "https://www.francetravail.fr/")],
        [("pieces-identite", "Envoyer votre attestation France Travail", M, None, 7,
          "Attestation d'inscription à France Travail", ""),
         ("projet-une-page", "Décrire votre projet en une page", M, None, 10, "",
          "decrire-son-projet-en-une-page")],
    ),
    Stage.CAPE: (
        "Contrat d'appui au projet d'entreprise (CAPE)",
        "De un à six mois, renouvelable : vous testez votre activité sur le marché. Dès la "
        "signature, vous pouvez prospecter, vendre et facturer.",
        [],
        [("journees-accueil", "Participer aux deux journées d'accueil", M, None, 14, "",
          "les-deux-journees-daccueil"),
         ("hebergement-juridique", "Hébergement juridique de votre activité", T, "juridique", 7,
          "", ""),
         ("accompagnement-individuel", "Premier rendez-vous d'accompagnement individuel", A,
          None, 21, "", ""),
         ("professionnalisation", "Vous inscrire au parcours de professionnalisation (5 mois)",
          M, None, 30, "", "le-parcours-de-professionnalisation"),
         ("rc-pro", "Assurance responsabilité civile professionnelle", T, "juridique", 7, "",
          "assurance-rc-pro-ce-qui-est-couvert"),
         ("rib", "Envoyer votre RIB pour le remboursement de vos frais", M, None, 10, "RIB", "")],
    ),
    Stage.SALARIED: (
        "Entrepreneur·e salarié·e (CESA)",
        "Votre chiffre d'affaires permet un salaire : vous signez un contrat à durée "
        "indéterminée d'entrepreneur·e salarié·e associé·e et vous êtes couvert·e par le régime "
        "général.",
        [],
        [("premier-salaire", "Fixer votre premier salaire avec la paie", T, "paie", 14, "", ""),
         ("gestionnaire-comptable", "Rencontrer votre gestionnaire comptable", T, "comptabilite",
          30, "", ""),
         ("atelier-collectif", "Participer à un atelier collectif thématique", M, None, 60, "",
          "")],
    ),
    Stage.ASSOCIATE: (
        "Sociétariat",
        "Vous devenez associé·e : vous participez aux décisions et au développement de "
        "l'entreprise partagée.",
        [],
        [("parts-sociales", "Souscrire vos parts sociales", M, None, 30,
          "Bulletin de souscription signé", ""),
         ("assemblee-generale", "Participer à l'assemblée générale", M, None, 180, "", "")],
    ),
    Stage.EXITED: (
        "Départ de la coopérative",
        "Nous clôturons votre activité ensemble. Vous pourrez revenir : votre historique est "
        "gardé.",
        [],
        [("solde-comptes", "Solder les comptes de votre activité", T, "comptabilite", 30, "", ""),
         ("rendez-vous-depart", "Rendez-vous de fin de parcours", A, None, 14, "", "")],
    ),
}

SAP_DECLARATION = "declarer-une-activite-de-services-a-la-personne"
SAP_EXTRA = {
    Stage.DIAGNOSIS: [("conditions-sap", "Vérifier les conditions de la déclaration SAP", A,
                       None, 7, "", SAP_DECLARATION)],
    Stage.CAPE: [("declaration-sap", "Déclaration de votre activité de services à la personne",
                  T, "juridique", 14, "", SAP_DECLARATION),
                 ("devis-sap", "Lire : le devis est obligatoire dès 100 € TTC", M, None, 7, "",
                  "services-a-la-personne-le-devis-obligatoire-des-100")],
}


def _path(name: str, slug: str, description: str, extra: dict, teams: dict[str, Team],
          **fields) -> PathTemplate:
    path = PathTemplate.objects.create(name=name, slug=slug, description=description, **fields)
    for kind, (title, text, links, tasks) in CAE_STAGES.items():
        stage = StageTemplate.objects.create(path=path, kind=kind, title=title, description=text)
        for position, (link_title, url) in enumerate(links):
            StageLink.objects.create(stage=stage, title=link_title, url=url, position=position)
        for position, (key, task_title, who, team, days, doc, article) in enumerate(
            tasks + extra.get(kind, [])
        ):
            TaskTemplate.objects.create(
                stage=stage, key=key, title=task_title, assignee=who,
                team=teams.get(team) if team else None, due_offset_days=days,
                required_document=doc, article_slug=article, position=position,
            )
    return path


def load_paths() -> tuple[PathTemplate, PathTemplate]:
    teams = {team.slug: team for team in Team.objects.all()}
    cae = _path(
        "Parcours CAE", "cae",
        "De la réunion d'information au sociétariat : le parcours proposé par la coopérative.",
        {}, teams, is_default=True,
    )
    sap = _path(
        "Parcours services à la personne", "services-a-la-personne",
        "Le parcours CAE, avec les démarches propres aux services à la personne "
        "(déclaration SAP, devis obligatoire).",
        SAP_EXTRA, teams, sector=Sector.PERSONAL_SERVICES,
    )
    return cae, sap


def _cape(start: date, months: int) -> tuple[date, date]:
    return start, add_months(start, months) - timedelta(days=1)


def _at(days_ago: int, hour: int = 10) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


class Walker:
    """Takes demo members along their path through the actions, then ages the dates."""

    def __init__(self, people: People):
        self.people = people
        self.slot_hour = 0
        self.shifted: set[int] = set()  # tasks whose deadline was already moved back

    def slot(self, advisor: User) -> DiagnosisSlot:
        self.slot_hour += 1
        starts = timezone.now() + timedelta(days=40, hours=self.slot_hour)
        return actions.add_slot(advisor=advisor, by=advisor, starts_at=starts,
                                duration_minutes=60, place="Bureau de Lyon, 12 rue des Tanneurs")

    def move_slot(self, slot: DiagnosisSlot, starts_at: datetime, booked_days_ago: int) -> None:
        """Put a demo appointment back in time, and the booking event with it."""
        DiagnosisSlot.objects.filter(pk=slot.pk).update(
            starts_at=starts_at, booked_at=_at(booked_days_ago))
        event = JourneyEvent.objects.get(kind="diagnosis_booked", data__slot=slot.pk)
        event.data["at"] = starts_at.isoformat()
        event.save(update_fields=["data"])

    def move_meeting(self, meeting: InfoMeeting, starts_at: datetime) -> None:
        """Put a demo meeting back in time, and the date its registrations were told with it."""
        InfoMeeting.objects.filter(pk=meeting.pk).update(starts_at=starts_at)
        meeting.refresh_from_db()
        for event in JourneyEvent.objects.filter(data__meeting=meeting.pk, data__has_key="at"):
            event.data["at"] = starts_at.isoformat()
            event.save(update_fields=["data"])

    def walk(self, member: User, to: str, *, days: dict[str, int], path=None,
             cape: tuple[date, date] | None = None) -> Journey:
        advisor = member.advisor
        journey = actions.start_journey(member=member, by=member, path=path)
        if to == Stage.INFO_MEETING:
            return journey
        journey = actions.advance_journey(journey, by=advisor)
        slot = self.slot(advisor)
        actions.book_slot(slot, journey=journey, by=member)
        if to == Stage.DIAGNOSIS and "held" not in days:
            self.move_slot(slot, _at(-2, 14), days[Stage.DIAGNOSIS])
            return self.age(journey, days)
        self.move_slot(slot, _at(days["held"], 14), days[Stage.DIAGNOSIS])
        slot.refresh_from_db()  # held once it has taken place
        actions.hold_diagnosis(slot, by=advisor, summary=(
            "Projet clair, premiers clients identifiés. Plan d'actions : étude de prix, "
            "deux rendez-vous prospects, démarrage du CAPE dès que possible."))
        if to == Stage.DIAGNOSIS:
            return self.age(journey, days)
        start, end = cape
        days = {**days, Stage.CAPE: (timezone.localdate() - start).days}  # as its contract
        journey = actions.sign_cape(journey, by=advisor, start=start, end=end)
        if to in (Stage.SALARIED, Stage.ASSOCIATE):
            journey = actions.sign_salaried_contract(
                journey, by=advisor, start=timezone.localdate() - timedelta(days[Stage.SALARIED]))
        if to == Stage.ASSOCIATE:
            journey = actions.grant_membership(
                journey, by=advisor,
                on=timezone.localdate() - timedelta(days=days[Stage.ASSOCIATE]))
        return self.age(journey, days)

    def age(self, journey: Journey, days: dict[str, int]) -> Journey:
        """Move the stage dates back, and with them the timeline and done tasks."""
        moments = {kind: _at(ago) for kind, ago in days.items() if kind in Stage.values}
        Journey.objects.filter(pk=journey.pk).update(
            created_at=moments[min(moments, key=lambda k: -days[k])],
            **{entered_field(kind): moment for kind, moment in moments.items()},
        )
        if "held" in days:
            Journey.objects.filter(pk=journey.pk).update(diagnosis_held_at=_at(days["held"], 15))
        for offset, event in enumerate(journey.events.order_by("pk")):
            moment = moments.get(event.to_state) or timezone.now()
            if event.kind == "diagnosis_held":
                moment = _at(days["held"], 15)
            meeting = InfoMeeting.objects.filter(pk=event.data.get("meeting")).first()
            if meeting and event.kind in ("attended", "absent"):
                moment = meeting.starts_at  # the roll is taken at the meeting, not before
            if meeting and event.kind in ("registered", "waitlisted"):
                Registration.objects.filter(journey=journey, meeting=meeting).update(
                    created_at=moment)
            JourneyEvent.objects.filter(pk=event.pk).update(
                created_at=moment + timedelta(minutes=offset))
        journey.refresh_from_db()
        # Deadlines counted from "today" when the stage was entered move back with it (the
        # CAPE's and the salaried contract's were counted from the dates given).
        for kind in (Stage.INFO_MEETING, Stage.DIAGNOSIS, Stage.EXITED):
            if kind in moments:
                shift = timedelta(days=days[kind])
                for task in journey.tasks.filter(stage=kind).exclude(pk__in=self.shifted):
                    JourneyTask.objects.filter(pk=task.pk).update(due_date=task.due_date - shift)
                    self.shifted.add(task.pk)
        self.finish_earlier_tasks(journey)
        return journey

    def finish_earlier_tasks(self, journey: Journey) -> None:
        """Tasks of the stages already behind are done, by whoever does them; of the current
        stage's, those long past their date are done too, but the last one (a demo with
        something late is a better demo, one with everything late is not)."""
        earlier = journey.tasks.filter(state=TaskState.OPEN).exclude(stage=journey.state)
        for task in earlier.select_related("team"):
            self.complete(task)
        late = list(journey.tasks.filter(
            state=TaskState.OPEN, stage=journey.state, is_followup=False,
            due_date__lt=timezone.localdate() - timedelta(days=20),
        ).select_related("team").order_by("due_date", "pk"))
        for task in late[:-1]:
            self.complete(task)

    def complete(self, task: JourneyTask, days_ago: int | None = None) -> None:
        member = task.journey.member
        if task.assignee == Assignee.MEMBER:
            by = member
        elif task.assignee == Assignee.TEAM and task.team:
            by = task.team.agents.first() or self.people.admin
        else:
            by = member.advisor or self.people.admin
        document = None
        if task.required_document:
            document = SimpleUploadedFile("document.pdf", b"%PDF-1.4\n% demo\n",
                                          content_type="application/pdf")
        actions.complete_task(task, by=by, document=document)
        done = _at(days_ago) if days_ago is not None else timezone.make_aware(
            datetime.combine(task.due_date, time(11, 0)))
        done = min(done, timezone.now())
        JourneyTask.objects.filter(pk=task.pk).update(done_at=done)
        JourneyEvent.objects.filter(journey=task.journey, kind="task_done",
                                    data__task_id=task.pk).update(created_at=done)


def _prospect(key: str, first: str, last: str, sector: str, office) -> User:
    return User.objects.create_user(
        f"{key}@exemple.fr", DEMO_PASSWORD, first_name=first, last_name=last, role=Role.MEMBER,
        sector=sector, office=office,
    )


def load(people: People) -> None:
    _cae, sap = load_paths()
    walker = Walker(people)
    meetings = load_meetings(people)
    load_members_under_way(people, walker, sap)
    load_newcomers(people, walker, meetings)
    load_more_people(people, walker, meetings)
    load_free_slots(people)


def _day_at(working_days_ahead: int, hour: int) -> datetime:
    """The n-th working day from today (Monday to Friday), at `hour`: advisors offer no
    appointment and hold no meeting on a Sunday."""
    day = timezone.localdate()
    while working_days_ahead > 0:
        day += timedelta(days=1)
        working_days_ahead -= day.weekday() < 5
    return timezone.make_aware(datetime.combine(day, time(hour)))


def load_meetings(people: People) -> dict[str, InfoMeeting]:
    """One in Lyon next week, a small video one that is full, one that took place."""
    claire, karim = people.advisors["claire"], people.advisors["karim"]
    lyon = "Bureau de Lyon, 12 rue des Tanneurs"
    return {
        "lyon": actions.create_meeting(
            by=claire, starts_at=_day_at(6, 9), office=claire.office, place=lyon, capacity=12,
            description="Café offert. Venez avec vos questions !"),
        "video": actions.create_meeting(
            by=karim, starts_at=_day_at(13, 18), office=karim.office, capacity=2,
            video_url="https://visio.exemple.fr/reunion-info",
            title="Réunion d'information en visio"),
        "past": actions.create_meeting(
            by=claire, starts_at=_day_at(1, 9), office=claire.office, place=lyon, capacity=12),
    }


def load_members_under_way(people: People, walker: Walker, sap: PathTemplate) -> None:
    """Members past the diagnosis: an associate, a salaried member, two CAPE contracts."""
    members, today = people.members, timezone.localdate()
    # Camille: an associate, volunteers as mentor (she already mentors Lucas).
    walker.walk(members["camille"], Stage.ASSOCIATE, cape=_cape(add_months(today, -30), 6),
                days={Stage.INFO_MEETING: 950, Stage.DIAGNOSIS: 930, "held": 920,
                      Stage.CAPE: 912, Stage.SALARIED: 730, Stage.ASSOCIATE: 200})
    actions.volunteer_as_mentor(member=members["camille"], is_active=True, max_mentees=3,
                                note="Consultante depuis trois ans : prospection, devis, tarifs.")
    # Hugo: salaried, no mentor yet; also a volunteer for newcomers in the building trades.
    walker.walk(members["hugo"], Stage.SALARIED, cape=_cape(add_months(today, -14), 6),
                days={Stage.INFO_MEETING: 450, Stage.DIAGNOSIS: 440, "held": 430,
                      Stage.CAPE: 425, Stage.SALARIED: 240})
    actions.volunteer_as_mentor(member=members["hugo"], is_active=True, max_mentees=2,
                                note="Artisan du bâtiment : chantiers, assurances, devis.")
    # Lucas: CAPE ending in 20 days; asked to adapt his path (he adds training to his offer).
    lucas_end = today + timedelta(days=20)
    lucas_start = add_months(lucas_end + timedelta(days=1), -6)
    lucas = walker.walk(members["lucas"], Stage.CAPE, cape=(lucas_start, lucas_end),
                        days={Stage.INFO_MEETING: 215, Stage.DIAGNOSIS: 200, "held": 190,
                              Stage.CAPE: (today - lucas_start).days})
    for task in lucas.tasks.filter(state=TaskState.OPEN).exclude(key="professionnalisation"):
        walker.complete(task, days_ago=120)
    actions.request_adaptation(lucas, by=members["lucas"], message=(
        "Je commence aussi à donner des formations au numérique : faut-il adapter mon parcours ?"))
    # Inès (services à la personne, Sophie is away: Karim covers): CAPE ends in 6 days.
    ines_end = today + timedelta(days=6)
    ines_start = add_months(ines_end + timedelta(days=1), -3)
    ines = walker.walk(members["ines"], Stage.CAPE, path=sap, cape=(ines_start, ines_end),
                       days={Stage.INFO_MEETING: 120, Stage.DIAGNOSIS: 110, "held": 100,
                             Stage.CAPE: (today - ines_start).days})
    for task in ines.tasks.filter(state=TaskState.OPEN, assignee=Assignee.TEAM):
        walker.complete(task, days_ago=80)


def load_newcomers(people: People, walker: Walker, meetings: dict[str, InfoMeeting]) -> None:
    """The early stages: an attended meeting, a booked and a held diagnosis, a comeback."""
    members, today = people.members, timezone.localdate()
    claire, karim = people.advisors["claire"], people.advisors["karim"]
    # Chloé: attended last month's meeting, her diagnosis is booked with Claire in two days.
    chloe = actions.start_journey(member=members["chloe"], by=members["chloe"])
    past = meetings["past"]
    actions.register_for_meeting(past, journey=chloe, by=members["chloe"])
    walker.move_meeting(past, _at(24, 9))
    actions.mark_attendance(past, by=claire,
                            present=list(past.registrations.values_list("pk", flat=True)))
    slot = walker.slot(claire)
    actions.book_slot(slot, journey=chloe, by=members["chloe"])
    walker.move_slot(slot, _at(-2, 14), 20)
    walker.age(chloe, {Stage.INFO_MEETING: 30, Stage.DIAGNOSIS: 24})
    # Mathis (Sophie's): diagnosis held, the CAPE is to be signed.
    walker.walk(members["mathis"], Stage.DIAGNOSIS,
                days={Stage.INFO_MEETING: 40, Stage.DIAGNOSIS: 33, "held": 5})
    # Sarah: left a first time, came back: a second cycle at the diagnosis.
    first_days = {Stage.INFO_MEETING: 640, Stage.DIAGNOSIS: 630, "held": 620, Stage.CAPE: 610}
    sarah = walker.walk(members["sarah"], Stage.CAPE, cape=_cape(add_months(today, -20), 3),
                        days=first_days)
    sarah = actions.exit_journey(sarah, by=karim, reason=ExitReason.PERSONAL,
                                 note="Déménagement temporaire, reviendra.")
    walker.age(sarah, {**first_days, Stage.EXITED: 520})
    for task in sarah.tasks.filter(state=TaskState.OPEN):
        walker.complete(task, days_ago=500)
    walker.age(actions.reenter_journey(sarah, by=karim, stage=Stage.DIAGNOSIS),
               {Stage.DIAGNOSIS: 12})
    # Noah (services à la personne): registered for next week's meeting.
    noah = actions.start_journey(member=members["noah"], by=members["noah"])
    actions.register_for_meeting(meetings["lyon"], journey=noah, by=members["noah"])


def load_more_people(people: People, walker: Walker, meetings: dict[str, InfoMeeting]) -> None:
    """A member who left, a CAPE just signed, and prospects filling the video meeting."""
    claire, today = people.advisors["claire"], timezone.localdate()
    jade = User.objects.create_user(
        "jade@coopdesk.test", DEMO_PASSWORD, first_name="Jade", last_name="Morel",
        role=Role.MEMBER, advisor=claire, office=claire.office, sector=Sector.CRAFTS)
    jade_journey = walker.walk(jade, Stage.SALARIED, cape=_cape(add_months(today, -26), 6),
                               days={Stage.INFO_MEETING: 820, Stage.DIAGNOSIS: 810, "held": 800,
                                     Stage.CAPE: 790, Stage.SALARIED: 600})
    actions.exit_journey(jade_journey, by=claire, reason=ExitReason.OWN_COMPANY,
                         note="Crée sa SARL de menuiserie. Bonne route !")
    theo = User.objects.create_user(
        "theo@coopdesk.test", DEMO_PASSWORD, first_name="Théo", last_name="Caron",
        role=Role.MEMBER, advisor=claire, office=claire.office, sector=Sector.DIGITAL)
    walker.walk(theo, Stage.CAPE, cape=(today - timedelta(days=12), add_months(today, 4)),
                days={Stage.INFO_MEETING: 50, Stage.DIAGNOSIS: 40, "held": 20, Stage.CAPE: 12})
    for key, first, last, sector, where in [
        ("emma", "Emma", "Laurent", Sector.CONSULTING, "lyon"),
        ("leo", "Léo", "Blanc", Sector.ARTS, "lyon"),
        ("manon", "Manon", "Girard", Sector.PERSONAL_SERVICES, "video"),
        ("nathan", "Nathan", "Rey", Sector.TRADE, "video"),
        ("zoe", "Zoé", "Marchand", Sector.DIGITAL, "video"),
    ]:
        meeting = meetings[where]
        prospect = _prospect(key, first, last, sector, meeting.office)
        journey = actions.start_journey(member=prospect, by=prospect)
        actions.register_for_meeting(meeting, journey=journey, by=prospect)


def load_free_slots(people: People) -> None:
    """Free diagnosis times in the coming working days, for Claire and Karim."""
    for advisor in (people.advisors["claire"], people.advisors["karim"]):
        for day in (2, 3, 6):
            # Not at 14:00: the diagnoses booked two calendar days ahead are at 14:00, which
            # is the second working day's afternoon from a Sunday or a Monday.
            for hour in (10, 16):
                actions.add_slot(advisor=advisor, by=advisor, starts_at=_day_at(day, hour),
                                 duration_minutes=60, place="Bureau de Lyon ou en visio")
