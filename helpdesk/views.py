"""Pages of the helpdesk: members' requests, team queues, the advisor's view.

Views read, check permission through `Ticket.objects.visible_to`, validate a form and
call one function of helpdesk/actions.py. They never set a state themselves.
"""

from __future__ import annotations

import uuid
from contextlib import nullcontext

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from coopdesk import notify
from coopdesk.accounts.models import Role, User
from coopdesk.conflicts import Conflict
from coopdesk.db import custom_plans
from coopdesk.forms import StepForm
from coopdesk.paging import paginate
from coopdesk.rendering import MESSAGE_MAX_CHARS
from coopdesk.steps import Step, step_view
from helpdesk import actions, satisfaction
from helpdesk.forms import (
    AssignForm,
    BulkForm,
    CategoryForm,
    CollectionCaseForm,
    CollectionSettingsForm,
    DraftForm,
    MergeForm,
    NoteForm,
    OtherRequestForm,
    PriorityForm,
    QueueFilter,
    RecordForm,
    ReplyForm,
    SatisfactionForm,
    SatisfactionQuestionForm,
    SavedReplyForm,
    TicketForm,
    TransferForm,
)
from helpdesk.models import (
    ACTIVE_STATES,
    Attachment,
    Category,
    CollectionCase,
    CollectionSettings,
    Draft,
    DraftKind,
    Satisfaction,
    SavedReply,
    State,
    Team,
    Ticket,
    TicketEvent,
)
from helpdesk.pagination import CountLaterPaginator

PAGE_SIZE = 25
PERSON_FIELDS = ("first_name", "last_name", "email")


def get_visible_ticket(user: User, pk: int, *, for_page: bool = False) -> Ticket:
    # Only what the page shows: each joined table adds to PostgreSQL's planning time.
    related = ["team__lead", "assignee", "requester"]
    if user.is_support_staff:  # the member's context beside the request
        related += ["requester__advisor", "requester__office"]
    queryset = Ticket.objects.visible_to(user).with_team_view(user).select_related(*related)
    if for_page:
        # Of the people, their names and e-mail (and the member's sector): whole rows of
        # four people made the page's query five times wider, to compile and to read.
        people = [f"{path}__{name}" for path in related if path != "requester__office"
                  for name in PERSON_FIELDS]
        queryset = queryset.only(
            *(field.name for field in Ticket._meta.concrete_fields), *people,
            "requester__sector", "requester__advisor", "requester__office",
            "team__name", "team__slug", "team__description", "team__email", "team__phone",
            "team__region", "team__time_zone", "team__first_response_hours", "team__lead",
            "team__answer_minutes",
            *(["requester__office__name"] if user.is_support_staff else []),
        )
    return get_object_or_404(queryset, pk=pk)


def staff_teams(user: User):
    return Team.objects.filter(pk__in=user.team_ids())


# --- member: my requests, new request, drafts ----------------------------------------------


def my_requests(request: HttpRequest) -> tuple[QuerySet, str]:
    """The requests "My requests" lists, in its order, and which of its tabs (the CSV
    export reads the same)."""
    show = request.GET.get("show", "active")
    tickets = Ticket.objects.filter(requester=request.user).for_list()
    # A resolved request waits for her confirmation: with the current ones, and those
    # that need her (a question, a resolution to confirm) first.
    current = [*ACTIVE_STATES, State.RESOLVED]
    if show == "active":
        needs_her = Q(state__in=[State.WAITING, State.RESOLVED])
        tickets = tickets.filter(state__in=current).order_by(
            ExpressionWrapper(~needs_her, output_field=BooleanField()), "-updated_at"
        )
    else:
        tickets = tickets.exclude(state__in=current)
    return tickets, show


@login_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    tickets, show = my_requests(request)
    page = paginate(request, tickets, PAGE_SIZE, CountLaterPaginator)
    drafts = Draft.objects.filter(owner=request.user, kind=DraftKind.REQUEST).select_related(
        "category"
    )
    return render(
        request,
        "helpdesk/ticket_list.html",
        {"page": page, "drafts": drafts, "show": show},
    )


@login_required
def ticket_create(request: HttpRequest) -> HttpResponse:
    draft = None
    if request.GET.get("draft"):
        if not request.GET["draft"].isdecimal():  # a mangled link, not a server error
            raise Http404
        draft = get_object_or_404(
            Draft, pk=request.GET["draft"], owner=request.user, kind=DraftKind.REQUEST
        )
    if request.method == "POST":
        form = TicketForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            ticket = actions.create_ticket(
                requester=request.user,
                category=data["category"],
                subject=data["subject"],
                body=data["body"],
                files=data["files"],
                draft_key=data["key"],
            )
            messages.success(
                request,
                _("Your request %(ref)s has been sent to the %(team)s team.")
                % {"ref": ticket.reference, "team": ticket.team.name},
            )
            return redirect(ticket)
        status = 400
    else:
        initial = {"category": request.GET.get("category"), "key": uuid.uuid4().hex}
        if draft:
            initial = {"category": draft.category_id, "subject": draft.subject,
                       "body": draft.body, "key": draft.key}
        form = TicketForm(initial=initial)
        status = 200
    categories = Category.objects.filter(is_active=True).select_related("team")
    context = {"form": form, "draft": draft, "categories": categories}
    return render(request, "helpdesk/ticket_create.html", context, status=status)


RECORD_DRAFT_KEY = "record"  # one per agent: the on-behalf form being filled in


@login_required
def ticket_record(request: HttpRequest) -> HttpResponse:
    """A request taken on a member's behalf by an agent: by phone, e-mail, at the counter."""
    if not request.user.is_support_staff:
        raise Http404
    form = RecordForm(request.POST or None, request.FILES or None, user=request.user)
    draft = None
    if request.method != "POST":
        draft = Draft.objects.filter(owner=request.user, key=RECORD_DRAFT_KEY).first()
        if draft is not None:
            form.initial.update(subject=draft.subject, body=draft.body,
                                category=draft.category_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ticket = actions.create_ticket(
            requester=data["member"], category=data["category"], subject=data["subject"],
            body=data["body"], files=data["files"], by=request.user, channel=data["channel"],
        )
        Draft.objects.filter(owner=request.user, key=RECORD_DRAFT_KEY).delete()
        messages.success(
            request,
            _("Request %(ref)s recorded for %(name)s, who has been told.")
            % {"ref": ticket.reference, "name": ticket.requester.get_full_name()},
        )
        return redirect(ticket)
    status = 400 if request.method == "POST" else 200
    return render(request, "helpdesk/ticket_record.html", {"form": form, "draft": draft},
                  status=status)


@login_required
@require_POST
def ticket_record_draft_save(request: HttpRequest) -> JsonResponse:
    """Called while the on-behalf form is filled in, and when its page is left: its subject,
    text and category, kept for this agent only (the member is chosen again)."""
    if not request.user.is_support_staff:
        raise Http404
    subject, body = request.POST.get("subject", ""), request.POST.get("body", "")
    if len(subject) > 200 or len(body) > MESSAGE_MAX_CHARS:
        return JsonResponse({"error": _("The draft could not be saved.")}, status=400)
    chosen, category = request.POST.get("category", ""), None
    if chosen.isdecimal():  # only among the categories the form offers this agent
        category = Category.objects.filter(
            pk=chosen, is_active=True, team__in=request.user.team_ids()
        ).first()
    draft = actions.keep_text(owner=request.user, key=RECORD_DRAFT_KEY, kind=DraftKind.RECORD,
                              subject=subject, body=body, category=category)
    return JsonResponse({"saved_at": draft.updated_at.isoformat() if draft else None})


@login_required
@require_POST
def draft_save(request: HttpRequest) -> JsonResponse:
    """Called while the member types and when they leave the page (navigator.sendBeacon)."""
    form = DraftForm(request.POST)
    if not form.is_valid():
        return JsonResponse(
            {"error": _("The draft could not be saved."), "fields": form.errors}, status=400
        )
    data = form.cleaned_data
    draft = actions.save_draft(
        owner=request.user, key=data["key"], subject=data["subject"], body=data["body"],
        category=data["category"],
    )
    if draft is None:
        return JsonResponse({"draft": None})
    return JsonResponse({"draft": draft.pk, "saved_at": draft.updated_at.isoformat()})


@login_required
@require_POST
def draft_delete(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_object_or_404(Draft, pk=pk, owner=request.user)
    draft.delete()
    messages.success(request, _("Draft deleted."))
    return redirect("helpdesk:ticket-list")


# --- one request --------------------------------------------------------------------------


EVENT_FIELDS = (
    "kind", "is_internal", "note", "data", "created_at", "actor__first_name", "actor__role",
    "message__body_html", "message__is_internal",
)


def timeline(ticket: Ticket) -> tuple[list[TicketEvent], list[Attachment]]:
    """The events the viewer may see (internal notes only for the team handling the request,
    `ticket.team_view`), each with the files of its message (event.files), and the files sent
    with the request: two queries, however long the conversation.

    The files come in one query for the whole request, where prefetching them per message
    took one more; the texts' Markdown source and their authors are never shown here.
    """
    events = TicketEvent.objects.filter(ticket=ticket)
    attachments = ticket.attachments.all()
    if not ticket.team_view:
        events = events.public()
        attachments = attachments.exclude(message__is_internal=True)
    events = list(events.select_related("actor", "message").only(*EVENT_FIELDS))
    files: dict[int | None, list[Attachment]] = {}
    for file in attachments:
        files.setdefault(file.message_id, []).append(file)
    for event in events:
        event.files = files.get(event.message_id, []) if event.message_id else []
    label_writers(ticket, events)
    return events, files.get(None, [])


def label_writers(ticket: Ticket, events: list[TicketEvent]) -> None:
    """Who each writer is, beside their first name (`event.writer_role`): the advisor, or
    the team an agent works for (the request's team when they are in it, so that an agent of
    the team that had it before a transfer shows their own). One query, for the agents."""
    staff_ids = {
        event.actor_id for event in events
        if event.actor_id and event.actor.role in (Role.AGENT, Role.LEAD)
    }
    teams: dict[int, dict[int, str]] = {}
    if staff_ids:
        memberships = Team.agents.through.objects.filter(user_id__in=staff_ids)
        for user_id, team_id, name in memberships.values_list("user_id", "team_id", "team__name"):
            teams.setdefault(user_id, {})[team_id] = name
    for event in events:
        actor = event.actor
        if actor is None or actor.pk == ticket.requester_id:
            role = ""
        elif actor.role == Role.ADVISOR:
            role = _("advisor")
        elif actor.role == Role.ADMIN:
            role = _("administrator")
        elif actor.pk in teams:
            own = teams[actor.pk]
            role = own.get(ticket.team_id) or ", ".join(sorted(own.values()))
        else:
            role = ""
        event.writer_role = role


MEMBER_STEPS = {"confirm": "confirm", "reopen": "reopen", "withdraw": "withdraw"}
TEAM_STEPS = {"acknowledge": "acknowledge", "wait_for_member": "wait", "resolve": "resolve",
              "close": "close"}


def available_steps(ticket: Ticket, user: User) -> set[str]:
    """The buttons to show; the action checks again when one is pressed."""
    names = {t.name for t in ticket.get_available_state_transitions()}
    steps = set()
    if ticket.requester_id == user.pk:
        steps |= {step for name, step in MEMBER_STEPS.items() if name in names}
    if ticket.team_view:
        steps |= {step for name, step in TEAM_STEPS.items() if name in names}
        if ticket.is_active and ticket.assignee_id is None:  # a colleague's: use "Assign"
            steps.add("claim")
    return steps


def related_requests(ticket: Ticket, user: User) -> list[Ticket]:
    """The requests linked to this one that the reader may open; the member (and her
    advisor) only the links between her own requests. One query."""
    related = ticket.related_requests.visible_to(user)
    if not ticket.team_view:
        related = related.filter(requester=ticket.requester_id)
    return list(related.order_by("pk").only("subject", "state", "created_at", "requester"))


def ticket_context(request: HttpRequest, ticket: Ticket, **forms) -> dict:
    user = request.user
    events, opening_files = timeline(ticket)
    # What this person was typing here (a reply, a note), from any device: one query.
    drafts = dict(Draft.objects.filter(owner=user, ticket=ticket).values_list("kind", "body"))
    context = {
        "ticket": ticket,
        "events": events,
        "opening_files": opening_files,
        "reply_form": forms.get("reply_form") or ReplyForm(initial={"body": drafts.get("reply")}),
        "drafts": drafts,
        "is_requester": ticket.requester_id == user.pk,
        "is_staff_view": ticket.team_view,
        "steps": available_steps(ticket, user),
        "related": related_requests(ticket, user),
    }
    if ticket.team_view:
        member = ticket.requester
        context.update(
            note_form=forms.get("note_form") or NoteForm(initial={"body": drafts.get("note")}),
            assign_form=AssignForm(
                initial={"version": ticket.version, "assignee": ticket.assignee_id},
                team=ticket.team,
            ),
            priority_form=PriorityForm(
                initial={"version": ticket.version, "priority": ticket.priority,
                         "reason": drafts.get("priority")}
            ),
            # Only those this agent may open: other teams' requests would answer 404.
            other_requests=Ticket.objects.visible_to(user)
            .filter(requester=member)
            .active()
            .exclude(pk=ticket.pk)
            .select_related("team")
            .only("subject", "state", "created_at", "requester", "team__name")[:10],
        )
    if ticket.state == State.CLOSED and (context["is_requester"] or ticket.team_view):
        form = forms.get("satisfaction_form")
        context.update(satisfaction_context(request, ticket, events, form))
    return context


def satisfaction_context(request: HttpRequest, ticket: Ticket, events, form) -> dict:
    """How the member was served: the question for her while it is open (unless she turned
    it off and has not answered), her answer for her and for the team."""
    answer = Satisfaction.objects.filter(ticket=ticket).first()
    context = {"satisfaction": answer}
    if ticket.requester_id == request.user.pk:
        closing = next((e.data for e in reversed(events) if e.kind == "closed"), {})
        asked = satisfaction.is_open(ticket, closing=closing) and (
            answer is not None or satisfaction.wants_question(request.user)
        )
        if asked:
            initial = {"score": answer.score, "comment": answer.comment} if answer else {}
            context.update(
                satisfaction_form=form or SatisfactionForm(initial=initial),
                satisfaction_until=satisfaction.open_until(ticket),
            )
    return context


@login_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_visible_ticket(request.user, pk, for_page=True)
    return render(request, "helpdesk/ticket_detail.html", ticket_context(request, ticket))


@login_required
@require_POST
def ticket_draft_save(request: HttpRequest, pk: int) -> JsonResponse:
    """Called while a reply, an internal note, a step note or a reason is typed on a request
    (see actions.TICKET_DRAFTS), and when the page is left."""
    ticket = get_visible_ticket(request.user, pk)
    kind = request.POST.get("kind", "")
    if kind not in actions.TICKET_DRAFTS:
        return JsonResponse({"error": _("The draft could not be saved.")}, status=400)
    if not actions.may_draft_on(ticket, request.user, kind):
        raise Http404  # the member does not learn notes exist; nobody writes another's step
    body = request.POST.get("body", "")
    if len(body) > actions.TICKET_DRAFTS[kind][1]:
        return JsonResponse({"error": _("The draft could not be saved.")}, status=400)
    draft = actions.save_text_draft(owner=request.user, ticket=ticket, kind=kind, body=body)
    return JsonResponse({"saved_at": draft.updated_at.isoformat() if draft else None})


@login_required
def ticket_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """The live fragment: status card and timeline, re-fetched when an event arrives."""
    ticket = get_visible_ticket(request.user, pk, for_page=True)
    return render(request, "helpdesk/partials/ticket_live.html", ticket_context(request, ticket))


@login_required
@require_POST
def ticket_reply(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_visible_ticket(request.user, pk)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        context = ticket_context(request, ticket, reply_form=form)
        return render(request, "helpdesk/ticket_detail.html", context, status=400)
    then = form.cleaned_data["then"] if ticket.team_view else "keep"
    actions.add_reply(
        ticket, by=request.user, body=form.cleaned_data["body"],
        files=form.cleaned_data["files"], then=then or "keep",
    )
    messages.success(request, _("Your message has been sent."))
    return redirect(ticket)


@login_required
@require_POST
def ticket_note(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_visible_ticket(request.user, pk)
    if not ticket.team_view:  # the member does not learn that notes exist
        raise Http404
    form = NoteForm(request.POST, request.FILES)
    if not form.is_valid():
        context = ticket_context(request, ticket, note_form=form)
        return render(request, "helpdesk/ticket_detail.html", context, status=400)
    actions.add_note(ticket, by=request.user, body=form.cleaned_data["body"],
                     files=form.cleaned_data["files"])
    messages.success(request, _("Internal note saved."))
    return redirect(ticket)


STEPS = {
    "acknowledge": Step(actions.acknowledge_ticket, gettext_lazy("Request acknowledged.")),
    "claim": Step(actions.claim_ticket, gettext_lazy("You now handle this request.")),
    "wait": Step(actions.wait_for_member, gettext_lazy("The member has been asked.")),
    "resolve": Step(actions.resolve_ticket, gettext_lazy("Request marked as resolved.")),
    "close": Step(actions.close_ticket, gettext_lazy("Request closed.")),
    "confirm": Step(actions.confirm_resolution, gettext_lazy("Thank you! The request is closed.")),
    "reopen": Step(actions.reopen_ticket, gettext_lazy("The request is open again.")),
    "withdraw": Step(actions.withdraw_ticket, gettext_lazy("Your request has been withdrawn.")),
}
ticket_step = step_view(STEPS, get_visible_ticket)


@login_required
@require_POST
def ticket_priority(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_visible_ticket(request.user, pk)
    if not ticket.team_view:
        raise PermissionDenied
    form = PriorityForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose a priority and say why."), status=400)
    actions.change_priority(ticket, by=request.user, priority=form.cleaned_data["priority"],
                            reason=form.cleaned_data["reason"],
                            expected_version=form.cleaned_data["version"])
    messages.success(request, _("Priority saved; the promised times follow it."))
    return redirect(ticket)


@login_required
@require_POST
def ticket_assign(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_visible_ticket(request.user, pk)
    if not ticket.team_view:
        raise PermissionDenied
    form = AssignForm(request.POST, team=ticket.team)
    if not form.is_valid():
        return HttpResponse(_("Choose a member of the team."), status=400)
    to = form.cleaned_data["assignee"]
    actions.assign_ticket(ticket, by=request.user, to=to,
                          expected_version=form.cleaned_data["version"])
    messages.success(request, _("Assignment saved."))
    return redirect(ticket)


def reason_drafts(user: User, ticket: Ticket) -> dict[str, str]:
    """The transfer and category reasons this person was typing on this request: one query."""
    return dict(
        Draft.objects.filter(owner=user, ticket=ticket, kind__in=["transfer", "category"])
        .values_list("kind", "body")
    )


@login_required
def ticket_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """A page of its own: choosing among every team's categories and saying why is rare,
    and the list cost the request page an eighth of its work for every view."""
    ticket = get_visible_ticket(request.user, pk)
    if not ticket.team_view:
        raise PermissionDenied
    if not ticket.is_active:
        raise Conflict(_("This request is finished: it can no longer be transferred."))
    drafts = reason_drafts(request.user, ticket)
    category_form = CategoryForm(
        initial={"version": ticket.version, "reason": drafts.get("category")}, ticket=ticket
    )
    if request.method != "POST":
        form = TransferForm(
            initial={"version": ticket.version, "reason": drafts.get("transfer")}, ticket=ticket
        )
        return render(request, "helpdesk/ticket_transfer.html",
                      {"ticket": ticket, "form": form, "category_form": category_form})
    form = TransferForm(request.POST, ticket=ticket)
    if not form.is_valid():
        return render(request, "helpdesk/ticket_transfer.html",
                      {"ticket": ticket, "form": form, "category_form": category_form},
                      status=400)
    category = form.cleaned_data["category"]
    from_team = ticket.team
    actions.transfer_ticket(
        ticket, by=request.user, to_team=category.team, to_category=category,
        reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"],
    )
    messages.success(request, _("Request transferred to %(team)s.") % {"team": category.team})
    if Ticket.objects.visible_to(request.user).filter(pk=ticket.pk).exists():
        return redirect(ticket)
    return redirect(from_team)


@login_required
@require_POST
def ticket_category(request: HttpRequest, pk: int) -> HttpResponse:
    """Another category of the same team, from the transfer page (which lists them)."""
    ticket = get_visible_ticket(request.user, pk)
    if not ticket.team_view:
        raise PermissionDenied
    form = CategoryForm(request.POST, ticket=ticket)
    if not form.is_valid():
        reason = reason_drafts(request.user, ticket).get("transfer")
        context = {"ticket": ticket, "category_form": form,
                   "form": TransferForm(initial={"version": ticket.version, "reason": reason},
                                        ticket=ticket)}
        return render(request, "helpdesk/ticket_transfer.html", context, status=400)
    category = form.cleaned_data["category"]
    actions.change_category(ticket, by=request.user, category=category,
                            reason=form.cleaned_data["reason"],
                            expected_version=form.cleaned_data["version"])
    messages.success(request, _("Category changed to “%(label)s”; the member is told why.")
                     % {"label": category.label})
    return redirect(ticket)


@login_required
def ticket_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge this request, a duplicate, into the one to keep."""
    ticket = get_visible_ticket(request.user, pk)
    if not ticket.team_view:
        raise PermissionDenied
    if request.method != "POST":
        reason = (
            Draft.objects.filter(owner=request.user, key=actions.text_draft_key("merge", ticket))
            .values_list("body", flat=True)
            .first()
        )
        form = MergeForm(initial={"version": ticket.version, "reason": reason},
                         user=request.user, ticket=ticket)
        return render(request, "helpdesk/ticket_merge.html", {"ticket": ticket, "form": form})
    form = MergeForm(request.POST, user=request.user, ticket=ticket)
    if not form.is_valid():
        return render(request, "helpdesk/ticket_merge.html", {"ticket": ticket, "form": form},
                      status=400)
    into = actions.merge_tickets(
        ticket, into=form.cleaned_data["other"], by=request.user,
        reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"],
    )
    messages.success(request, _("%(dup)s merged into %(kept)s; the member is told.")
                     % {"dup": ticket.reference, "kept": into.reference})
    return redirect(into)


@login_required
@require_POST
def ticket_link(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_visible_ticket(request.user, pk)
    if not ticket.team_view:
        raise PermissionDenied
    form = OtherRequestForm(request.POST, user=request.user, ticket=ticket)
    if not form.is_valid():
        return HttpResponse(" ".join(form.errors["other"]), status=400)
    other = form.cleaned_data["other"]
    actions.link_tickets(ticket, other=other, by=request.user)
    messages.success(request, _("Linked to %(ref)s.") % {"ref": other.reference})
    return redirect(ticket)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(
        Attachment.objects.select_related("message", "ticket"), pk=pk
    )
    visible = Ticket.objects.visible_to(request.user).filter(pk=attachment.ticket_id).exists()
    if not visible or not attachment.is_visible_to(request.user):
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:  # lost from the storage: say so plainly rather than crash
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- teams: queues ---------------------------------------------------------------------------


@login_required
def queue_list(request: HttpRequest) -> HttpResponse:
    if not request.user.is_support_staff:
        raise Http404
    now = timezone.now()
    teams = list(staff_teams(request.user))
    # One pass over the active requests of these teams (the (team, state) index), not a
    # join of every request the teams ever had to count the few still active. (Folding the
    # teams into this query, through a join limited to the active requests, saved a round
    # trip on PostgreSQL but made SQLite sort the 9,000 joined rows: 10.9 -> 14.0 ms.)
    counts = {
        row["team"]: row for row in Ticket.objects.filter(
            team__in=[team.pk for team in teams], state__in=ACTIVE_STATES
        ).values("team").annotate(
            open_count=Count("team"),  # not "pk": the id is not in the index
            unassigned_count=Count("team", filter=Q(assignee=None)),
            waiting_count=Count("team", filter=Q(state=State.WAITING)),
            at_risk_count=Count("team", filter=Q(risk_at__lte=now, due_at__gt=now)),
            late_count=Count("team", filter=Q(due_at__lte=now)),
        )
    }
    for team in teams:
        row = counts.get(team.pk, {})
        for name in ("open", "unassigned", "waiting", "at_risk", "late"):
            setattr(team, f"{name}_count", row.get(f"{name}_count", 0))
    # The page's ids first, from the (assignee, state, -updated_at) index alone, then their
    # rows: with the joins of a list row around the whole search, SQLite walked every
    # request the agent ever had (14-48 ms at 100,000 requests, against 3 ms in two steps).
    # The ids as a subquery keep the two steps' plan in one query (one round trip fewer).
    newest = Ticket.objects.filter(assignee=request.user).active().order_by("-updated_at")
    mine = (
        Ticket.objects.filter(pk__in=Subquery(newest.values("pk")[:PAGE_SIZE]))
        .order_by("-updated_at").for_list()
    )
    return render(request, "helpdesk/queue_list.html", {"teams": teams, "mine": mine})


def get_staff_team(user: User, slug: str) -> Team:
    if not user.is_support_staff:
        raise Http404
    return get_object_or_404(staff_teams(user), slug=slug)


def queue_filter(request: HttpRequest, team: Team) -> QueueFilter:
    """The team's queue with the filters of the query string (the CSV export reads the same)."""
    tickets = Ticket.objects.filter(team=team).for_list()
    return QueueFilter(request.GET, queryset=tickets, team=team, user=request.user)


@login_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    team = get_staff_team(request.user, slug)
    # A text search is planned for its words (see custom_plans); the plain queue is not.
    with custom_plans() if request.GET.get("q", "").strip() else nullcontext():
        filters = queue_filter(request, team)
        page = paginate(request, filters.qs, PAGE_SIZE, CountLaterPaginator)
        context = {
            "team": team,
            "filters": filters,
            "page": page,
            "bulk_actions": BulkForm.ACTIONS,  # the form itself is only needed to validate
            "agents": team.agents.all(),
            "querystring": _querystring_without_page(request),
        }
        return render(request, "helpdesk/queue.html", context)


def _querystring_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@require_POST
def queue_bulk(request: HttpRequest, slug: str) -> HttpResponse:
    team = get_staff_team(request.user, slug)
    form = BulkForm(request.POST, team=team)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("helpdesk:queue-detail", slug=team.slug)
    data = form.cleaned_data
    if data["action"] == "assign":
        done, failures = actions.bulk_apply(
            actions.assign_ticket, data["tickets"], by=request.user, to=data["assignee"]
        )
    else:
        done, failures = actions.bulk_apply(actions.close_ticket, data["tickets"], by=request.user)
    if done:
        messages.success(request, _("%(n)d request(s) updated.") % {"n": done})
    for failure in failures:
        messages.error(request, failure)
    return redirect(f"{team.get_absolute_url()}?{request.POST.get('next_query', '')}")


# --- advisors ----------------------------------------------------------------------------------


def advisor_tickets(request: HttpRequest) -> tuple[QuerySet, str]:
    """The advisor's members' requests the page lists, and which tab (the CSV export too)."""
    if not request.user.is_advisor:
        raise Http404
    show = request.GET.get("show", "active")
    # The members as a subquery: joined, the database read every active request of the
    # cooperative to keep this advisor's.
    members = User.objects.filter(request.user.followed_members_q()).values("pk")
    tickets = Ticket.objects.filter(requester__in=members).for_list()
    tickets = tickets.active() if show == "active" else tickets.exclude(state__in=ACTIVE_STATES)
    return tickets, show


@login_required
def advisor_requests(request: HttpRequest) -> HttpResponse:
    tickets, show = advisor_tickets(request)
    page = paginate(request, tickets, PAGE_SIZE, CountLaterPaginator)
    return render(request, "helpdesk/advisor_requests.html", {"page": page, "show": show})


# --- collections: unpaid invoices ----------------------------------------------------------------


def collection_cases(user: User) -> QuerySet:
    """The unpaid invoices' follow-ups the list shows this person (the CSV export too)."""
    return CollectionCase.objects.visible_to(user).select_related("member", "team")


@login_required
def collection_list(request: HttpRequest) -> HttpResponse:
    cases = collection_cases(request.user)
    page = paginate(request, cases, PAGE_SIZE, CountLaterPaginator)
    can_open = request.user.is_support_staff and staff_teams(request.user).exists()
    return render(request, "helpdesk/collection_list.html", {"page": page, "can_open": can_open})


@login_required
def collection_create(request: HttpRequest) -> HttpResponse:
    if not request.user.is_support_staff:
        raise Http404
    teams = staff_teams(request.user)
    form = CollectionCaseForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        case = actions.open_collection_case(by=request.user, **form.cleaned_data)
        messages.success(request, _("Collection case opened. The member has been told."))
        return redirect(case)
    status = 400 if request.method == "POST" else 200
    return render(request, "helpdesk/collection_create.html", {"form": form}, status=status)


def get_visible_case(user: User, pk: int) -> CollectionCase:
    queryset = CollectionCase.objects.visible_to(user).select_related("member__advisor", "team")
    return get_object_or_404(queryset, pk=pk)


@login_required
def collection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_visible_case(request.user, pk)
    context = {
        "case": case,
        "ladder": case.ladder(),
        "events": case.events.select_related("actor"),
        "is_member": case.member_id == request.user.pk,
        "is_agent": request.user.is_support_staff,
    }
    return render(request, "helpdesk/collection_detail.html", context)


@login_required
@require_POST
def collection_consent(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_visible_case(request.user, pk)
    form = StepForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("The form was incomplete. Reload the page."), status=400)
    actions.set_collection_consent(
        case, by=request.user, step=request.POST.get("step", ""),
        consent=request.POST.get("consent", ""), expected_version=form.cleaned_data["version"],
    )
    messages.success(request, _("Your choice is saved."))
    return redirect(case)


COLLECTION_STEPS = {
    "next": Step(actions.propose_next_step, gettext_lazy("Saved.")),
    "paid": Step(actions.mark_case_paid, gettext_lazy("Saved.")),
    "stop": Step(actions.stop_case, gettext_lazy("Saved.")),
}
collection_step = step_view(COLLECTION_STEPS, get_visible_case)


@login_required
def collection_settings(request: HttpRequest) -> HttpResponse:
    if not request.user.is_member:
        raise Http404
    current = CollectionSettings.for_member(request.user)
    form = CollectionSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your collection preferences are saved."))
        return redirect("helpdesk:collection-list")
    status = 400 if request.method == "POST" else 200
    return render(request, "helpdesk/collection_settings.html", {"form": form}, status=status)


# --- follow or mute a request's notifications ------------------------------------------------

SUBSCRIPTION_DONE = {
    "follow": gettext_lazy("You will be told of every step of this request."),
    "mute": gettext_lazy("You will no longer be told of this request's steps."),
    "default": gettext_lazy("Back to the usual notifications for this request."),
}


@login_required
@require_POST
def subscription_set(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_object_or_404(Ticket.objects.visible_to(request.user), pk=pk)
    mode = request.POST.get("mode", "")
    if mode not in SUBSCRIPTION_DONE:
        return HttpResponse(_("Choose follow, mute or default."), status=400)
    notify.set_subscription(user=request.user, ticket=ticket, mode=mode)
    messages.success(request, SUBSCRIPTION_DONE[mode])
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ticket.get_absolute_url()
    return redirect(target)


# --- saved replies ---------------------------------------------------------------------------

PICKER_LIMIT = 200
PREVIEW_CHARS = 140


def replies_team_choices(user: User, reply: SavedReply | None = None):
    """The teams whose replies this person keeps: those they lead (every team for an admin)."""
    teams = Team.objects.all() if user.role == Role.ADMIN else Team.objects.filter(lead=user)
    return list(teams.only("name"))


@login_required
def saved_reply_list(request: HttpRequest) -> HttpResponse:
    if not request.user.is_support_staff:
        raise Http404
    replies = list(
        SavedReply.objects.readable_by(request.user).select_related("team")
        .order_by("team__name", "title", "pk")
    )
    managed = set(SavedReply.objects.managed_by(request.user).filter(
        pk__in=[reply.pk for reply in replies]
    ).values_list("pk", flat=True))
    for reply in replies:
        reply.can_manage = reply.pk in managed
    mine = [reply for reply in replies if reply.team_id is None]
    teams: dict[str, list[SavedReply]] = {}
    for reply in replies:
        if reply.team_id is not None:
            teams.setdefault(reply.team.name, []).append(reply)
    return render(request, "helpdesk/saved_reply_list.html", {
        "mine": mine, "teams": teams.items(),
        "leads_a_team": bool(replies_team_choices(request.user)),
    })


def saved_reply_draft_key(reply: SavedReply | None) -> str:
    return f"template-{reply.pk}" if reply else "template-new"


def _saved_reply_form(request: HttpRequest, reply: SavedReply | None) -> HttpResponse:
    teams = replies_team_choices(request.user)
    if reply is not None and reply.team_id and reply.team not in teams:
        teams.append(reply.team)
    draft = None
    if request.method == "POST":
        form = SavedReplyForm(request.POST, teams=teams)
        if form.is_valid():
            data = form.cleaned_data
            actions.save_saved_reply(
                by=request.user, title=data["title"], body=data["body"], team=data["scope"],
                articles=data["articles"], reply=reply,
            )
            Draft.objects.filter(owner=request.user, key=saved_reply_draft_key(reply)).delete()
            messages.success(
                request, _("Saved reply “%(title)s” saved.") % {"title": data["title"]}
            )
            return redirect("helpdesk:saved-reply-list")
        status = 400
    else:
        initial = {}
        if reply is not None:
            initial = {
                "title": reply.title, "body": reply.body, "scope": reply.team_id or "",
                "articles": "\n".join(reply.articles.values_list("slug", flat=True)),
            }
        draft = Draft.objects.filter(owner=request.user, key=saved_reply_draft_key(reply)).first()
        if draft is not None:  # the title and text this person was typing here
            initial.update(title=draft.subject, body=draft.body)
        form = SavedReplyForm(initial=initial, teams=teams)
        status = 200
    draft_url = (reverse("helpdesk:saved-reply-draft", args=[reply.pk]) if reply
                 else reverse("helpdesk:saved-reply-draft-new"))
    return render(request, "helpdesk/saved_reply_form.html",
                  {"form": form, "reply": reply, "draft": draft, "draft_url": draft_url},
                  status=status)


@login_required
@require_POST
def saved_reply_draft_save(request: HttpRequest, pk: int | None = None) -> JsonResponse:
    """Called while a saved reply's title or text is typed, and when the page is left."""
    if not request.user.is_support_staff:
        raise Http404
    reply = get_managed_reply(request.user, pk) if pk else None
    title, body = request.POST.get("title", ""), request.POST.get("body", "")
    if len(title) > 150 or len(body) > MESSAGE_MAX_CHARS:
        return JsonResponse({"error": _("The draft could not be saved.")}, status=400)
    draft = actions.keep_text(owner=request.user, key=saved_reply_draft_key(reply),
                              kind=DraftKind.SAVED_REPLY, subject=title, body=body)
    return JsonResponse({"saved_at": draft.updated_at.isoformat() if draft else None})


@login_required
def saved_reply_create(request: HttpRequest) -> HttpResponse:
    if not request.user.is_support_staff:
        raise Http404
    return _saved_reply_form(request, None)


def get_managed_reply(user: User, pk: int) -> SavedReply:
    """404 for what this person may not read, 403 for a team's reply they may only use."""
    reply = get_object_or_404(SavedReply.objects.readable_by(user).select_related("team"), pk=pk)
    if not actions.may_manage_saved_reply(reply, user):
        raise PermissionDenied("only the team lead changes the team's saved replies")
    return reply


@login_required
def saved_reply_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _saved_reply_form(request, get_managed_reply(request.user, pk))


@login_required
@require_POST
def saved_reply_delete(request: HttpRequest, pk: int) -> HttpResponse:
    reply = get_managed_reply(request.user, pk)
    actions.delete_saved_reply(reply, by=request.user)
    messages.success(request, _("Saved reply “%(title)s” deleted.") % {"title": reply.title})
    return redirect("helpdesk:saved-reply-list")


def get_team_ticket(user: User, pk: int) -> Ticket:
    """A request this person handles for its team; 404 otherwise (its member and advisor
    do not learn that saved replies exist)."""
    ticket = get_object_or_404(
        Ticket.objects.visible_to(user).with_team_view(user).select_related("team", "requester"),
        pk=pk,
    )
    if not ticket.team_view:
        raise Http404
    return ticket


@login_required
def saved_reply_picker(request: HttpRequest, pk: int) -> JsonResponse:
    """The picker's list, loaded when the agent opens it (not with the request's page)."""
    ticket = get_team_ticket(request.user, pk)
    replies = SavedReply.objects.for_ticket(ticket, request.user).select_related("team").only(
        "title", "body", "team__name", "owner"
    ).order_by("-usage_count", "title", "pk")[:PICKER_LIMIT]
    return JsonResponse({"replies": [
        {
            "id": reply.pk,
            "title": reply.title,
            "scope": reply.team.name if reply.team_id else _("Mine"),
            "preview": reply.body[:PREVIEW_CHARS],
            "insert_url": reverse("helpdesk:saved-reply-insert", args=[ticket.pk, reply.pk]),
        }
        for reply in replies
    ]})


@login_required
@require_POST
def saved_reply_insert(request: HttpRequest, pk: int, reply: int) -> JsonResponse:
    """The text to insert in the reply box, filled for this request; counted as a use."""
    ticket = get_team_ticket(request.user, pk)
    saved = get_object_or_404(SavedReply.objects.for_ticket(ticket, request.user), pk=reply)
    return JsonResponse({"text": actions.use_saved_reply(saved, ticket=ticket, by=request.user)})


# --- how the member was served ------------------------------------------------------------------


@login_required
@require_POST
def ticket_satisfaction(request: HttpRequest, pk: int) -> HttpResponse:
    """The question on the request's page, for its member."""
    ticket = get_visible_ticket(request.user, pk)
    if ticket.requester_id != request.user.pk:
        raise PermissionDenied
    form = SatisfactionForm(request.POST)
    if not form.is_valid():
        context = ticket_context(request, ticket, satisfaction_form=form)
        return render(request, "helpdesk/ticket_detail.html", context, status=400)
    actions.rate_ticket(ticket, by=request.user, score=form.cleaned_data["score"],
                        comment=form.cleaned_data["comment"])
    messages.success(request, _("Thank you: your answer is recorded."))
    return redirect(ticket)


@require_http_methods(["GET", "POST"])
def satisfaction_answer(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The page the e-mail's links open, without logging in (the token names the request and
    its member, and opens nothing else). Opening a link records nothing: mail scanners and
    link previews open links too. The score clicked is shown chosen, and recorded when she
    confirms (POST); she may add a comment, and come back to change her answer."""
    try:
        member_id = satisfaction.read_token(token, ticket_id=pk)
    except satisfaction.TokenRefused as refused:
        return satisfaction_refused(request, refused.reason, refused.status)
    ticket = Ticket.objects.select_related("team", "requester").filter(pk=pk).first()
    if ticket is None or ticket.requester_id != member_id or not ticket.requester.is_active:
        return satisfaction_refused(request, "foreign", 403)
    if not satisfaction.is_open(ticket):
        return satisfaction_refused(request, "expired", 400)
    answer = Satisfaction.objects.filter(ticket=ticket).first()
    if request.method == "POST":
        form = SatisfactionForm(request.POST)
        if form.is_valid():
            actions.rate_ticket(ticket, by=ticket.requester, score=form.cleaned_data["score"],
                                comment=form.cleaned_data["comment"])
            messages.success(request, _("Thank you: your answer is recorded."))
            return redirect(request.path)
    else:
        initial = {"score": answer.score, "comment": answer.comment} if answer else {}
        chosen = request.GET.get("score", "")
        if chosen in {"1", "2", "3", "4", "5"}:
            initial["score"] = int(chosen)
        form = SatisfactionForm(initial=initial)
    context = {"ticket": ticket, "answer": answer, "form": form,
               "until": satisfaction.open_until(ticket)}
    return render(request, "helpdesk/satisfaction_answer.html", context,
                  status=400 if form.errors else 200)


def satisfaction_refused(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    return render(request, "helpdesk/satisfaction_refused.html",
                  {"reason": reason, "days": satisfaction.SATISFACTION_DAYS}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def satisfaction_settings(request: HttpRequest) -> HttpResponse:
    """Whether the member is asked how she was served when a request closes."""
    if not request.user.is_member:
        raise Http404
    asked = satisfaction.wants_question(request.user)
    form = SatisfactionQuestionForm(
        request.POST if request.method == "POST" else None,
        initial={"ask": "yes" if asked else "no"},
    )
    if request.method == "POST" and form.is_valid():
        actions.set_satisfaction_question(request.user, ask=form.cleaned_data["ask"])
        messages.success(request, _("Your choice is saved."))
        return redirect("helpdesk:satisfaction-settings")
    return render(request, "helpdesk/satisfaction_settings.html", {"form": form},
                  status=400 if form.errors else 200)
