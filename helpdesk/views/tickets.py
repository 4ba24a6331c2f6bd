"""One request's page and the steps taken from it: replies, notes, lifecycle steps,
priority, assignment, transfer, category, merges and links, attachments.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from coopdesk.accounts.models import Role, User
from coopdesk.conflicts import Conflict
from coopdesk.draft_responses import draft_kept, draft_refused
from coopdesk.steps import Step, step_view
from helpdesk import actions, notices, satisfaction
from helpdesk.forms import (
    AssignForm,
    CategoryForm,
    MergeForm,
    NoteForm,
    OtherRequestForm,
    PriorityForm,
    ReplyForm,
    SatisfactionForm,
    TransferForm,
)
from helpdesk.models import (
    Attachment,
    Draft,
    EventKind,
    Satisfaction,
    State,
    Team,
    Ticket,
    TicketEvent,
)
from helpdesk.views.base import get_team_side_ticket, get_visible_ticket

# --- one request --------------------------------------------------------------------------


EVENT_FIELDS = (
    "pk", "kind", "is_internal", "note", "data", "created_at", "actor_id", "message_id",
    "actor__first_name", "actor__role", "message__body_html",
)


def timeline(ticket: Ticket, reader: User) -> tuple[list[dict], list[Attachment]]:
    """The events the viewer may see (internal notes only for the team handling the request,
    `ticket.team_view`), each as what the timeline shows of it (below), with the files of
    its message, and the files sent with the request: two queries, however long the
    conversation (three with the agents who wrote, `writer_roles`).

    The files come in one query for the whole request, where prefetching them per message
    took one more; the texts' Markdown source and their authors are never shown here.
    The events are read as rows, not models: with their writer and message, a model each
    was three objects to build and then to read through their descriptors, over and over
    on a long conversation; the template looks the values up in a dict.
    """
    events = TicketEvent.objects.filter(ticket=ticket)
    attachments = ticket.attachments.all()
    if not ticket.team_view:
        events = events.public()
        attachments = attachments.exclude(message__is_internal=True)
    rows = list(events.values(*EVENT_FIELDS))
    files: dict[int | None, list[Attachment]] = {}
    for file in attachments:
        files.setdefault(file.message_id, []).append(file)
    roles = writer_roles(ticket, rows)
    for_requester = ticket.requester_id == reader.pk
    entries = []
    for row, role in zip(rows, roles, strict=True):
        kind, data, actor_id, message_id = (
            row["kind"], row["data"], row["actor_id"], row["message_id"]
        )
        if not isinstance(data, dict):
            data = {}
        entries.append({
            "pk": str(row["pk"]),  # as text: an integer is localised at each output
            "kind": kind,
            "data": data,
            "internal": row["is_internal"],
            "actor_id": actor_id,
            "who": "Coopdesk" if actor_id is None else row["actor__first_name"],
            "role": role,
            "words": notices.ticket_words(kind, notices.ticket_detail(kind, data),
                                           for_requester=for_requester),
            "when": row["created_at"],
            "merged_from": data.get("merged_from"),
            # Sanitised when the message was written (coopdesk.rendering).
            "html": None if message_id is None else mark_safe(row["message__body_html"]),
            "files": files.get(message_id, []) if message_id else [],
            "note": row["note"],
        })
    return entries, files.get(None, [])


def writer_roles(ticket: Ticket, rows: list[dict]) -> list[str]:
    """Who wrote each row, beside their first name: the advisor, or the team an agent acted
    for, which is the team that had the request when she wrote (read from the transfers:
    the past does not change when it moves, nor list every team she is in); when she is not
    in that team, the request's team or else all of hers; nothing for the member. One query,
    for the agents."""
    staff_ids = {row["actor_id"] for row in rows if row["actor__role"] in (Role.AGENT, Role.LEAD)}
    teams: dict[int, dict[int, str]] = {}
    if staff_ids:
        memberships = Team.agents.through.objects.filter(user_id__in=staff_ids)
        for user_id, team_id, name in memberships.values_list("user_id", "team_id", "team__name"):
            teams.setdefault(user_id, {})[team_id] = name
    roles = []
    for row, team_then in zip(rows, teams_at_each_event(ticket, rows), strict=True):
        actor_id = row["actor_id"]
        if actor_id is None or actor_id == ticket.requester_id:
            role = ""
        elif row["actor__role"] == Role.ADVISOR:
            role = _("advisor")
        elif row["actor__role"] == Role.ADMIN:
            role = _("administrator")
        elif actor_id in teams:
            own = teams[actor_id]
            role = (own.get(team_then) or own.get(ticket.team_id)
                    or ", ".join(sorted(own.values())))
        else:
            role = ""
        roles.append(role)
    return roles


def teams_at_each_event(ticket: Ticket, rows: list[dict]) -> list[int]:
    """The team that had the request at each event (a transfer is the leaving team's step),
    from the transfers in the timeline; the request's own team for all with none."""
    handling, before = [], []
    for row in rows:
        before.append(row)
        data = row["data"] if isinstance(row["data"], dict) else {}
        if row["kind"] == EventKind.TRANSFERRED and data.get("from_team_id"):
            handling += [data["from_team_id"]] * len(before)
            before = []
    return handling + [ticket.team_id] * len(before)


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
    advisor) only the links between her own requests. One query, none for a request read
    with `has_related` (get_visible_ticket's page) and linked to none."""
    if not getattr(ticket, "has_related", True):
        return []
    related = ticket.related_requests.visible_to(user)
    if not ticket.team_view:
        related = related.filter(requester=ticket.requester_id)
    return list(related.order_by("pk").only("subject", "state", "created_at", "requester"))


NOTE_IDS = "note_%s"  # the internal note's fields, apart from the reply's on the same page


def ticket_context(request: HttpRequest, ticket: Ticket, **forms) -> dict:
    user = request.user
    events, opening_files = timeline(ticket, user)
    # What this person was typing here (a reply, a note), from any device: one query.
    drafts = dict(Draft.objects.filter(owner=user, ticket=ticket).values_list("kind", "body"))
    context = {
        "ticket": ticket,
        "events": events,
        # The request's own line, then the rest of the conversation.
        "created": [event for event in events if event["kind"] == "created"],
        "entries": [event for event in events if event["kind"] != "created"],
        "opening_files": opening_files,
        "reply_form": forms.get("reply_form")
        or ReplyForm(initial={"body": drafts.get("reply"), "key": uuid.uuid4().hex}),
        "drafts": drafts,
        "is_requester": ticket.requester_id == user.pk,
        "is_staff_view": ticket.team_view,
        "steps": available_steps(ticket, user),
        "related": related_requests(ticket, user),
    }
    if ticket.team_view:
        member = ticket.requester
        context.update(
            # Each form on the page has its own ids (the reply's are id_body, id_files…):
            # a label must focus its own field, never the reply to the member.
            note_form=forms.get("note_form")
            or NoteForm(initial={"body": drafts.get("note"), "key": uuid.uuid4().hex},
                        auto_id=NOTE_IDS),
            assign_form=AssignForm(
                initial={"version": ticket.version, "assignee": ticket.assignee_id},
                team=ticket.team, auto_id="assign_%s",
            ),
            priority_form=PriorityForm(
                initial={"version": ticket.version, "priority": ticket.priority,
                         "reason": drafts.get("priority")},
                auto_id="priority_%s",
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
        closing = next((e["data"] for e in reversed(events) if e["kind"] == "closed"), {})
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


def refused_on_page(request: HttpRequest, ticket: Ticket, **forms) -> HttpResponse:
    """The request's page again, with the refused form and its errors (400)."""
    context = ticket_context(request, ticket, **forms)
    return render(request, "helpdesk/ticket_detail.html", context, status=400)


@login_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_visible_ticket(request.user, pk, for_page=True, follow_card=True)
    return render(request, "helpdesk/ticket_detail.html", ticket_context(request, ticket))


@login_required
@require_POST
def ticket_draft_save(request: HttpRequest, pk: int) -> JsonResponse:
    """Called while a reply, an internal note, a step note or a reason is typed on a request
    (see actions.TICKET_DRAFTS), and when the page is left."""
    ticket = get_visible_ticket(request.user, pk)
    kind = request.POST.get("kind", "")
    if kind not in actions.TICKET_DRAFTS:
        return draft_refused()
    if not actions.may_draft_on(ticket, request.user, kind):
        raise Http404  # the member does not learn notes exist; nobody writes another's step
    body = request.POST.get("body", "")
    if len(body) > actions.TICKET_DRAFTS[kind][1]:
        return draft_refused()
    draft = actions.save_text_draft(owner=request.user, ticket=ticket, kind=kind, body=body)
    return draft_kept(draft)


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
        return refused_on_page(request, ticket, reply_form=form)
    then = form.cleaned_data["then"] if ticket.team_view else "keep"
    sent = actions.add_reply(
        ticket, by=request.user, body=form.cleaned_data["body"],
        files=form.cleaned_data["files"], then=then or "keep",
        form_key=form.cleaned_data["key"],
    )
    if ticket.assignee_id is None and sent.ticket.assignee_id == request.user.pk:
        messages.success(request, _("Your message has been sent; you now handle this request."))
    else:
        messages.success(request, _("Your message has been sent."))
    return redirect(ticket)


@login_required
@require_POST
def ticket_note(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_team_side_ticket(request.user, pk, unseen=True)
    form = NoteForm(request.POST, request.FILES, auto_id=NOTE_IDS)
    if not form.is_valid():
        return refused_on_page(request, ticket, note_form=form)
    actions.add_note(ticket, by=request.user, body=form.cleaned_data["body"],
                     files=form.cleaned_data["files"], form_key=form.cleaned_data["key"])
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
    ticket = get_team_side_ticket(request.user, pk)
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
    ticket = get_team_side_ticket(request.user, pk)
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
    ticket = get_team_side_ticket(request.user, pk)
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
    ticket = get_team_side_ticket(request.user, pk)
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
    ticket = get_team_side_ticket(request.user, pk)
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
    ticket = get_team_side_ticket(request.user, pk)
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
