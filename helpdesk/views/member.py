"""A member's pages: my requests, a new request (or one recorded for a member), drafts.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopdesk.draft_responses import draft_kept, draft_refused
from coopdesk.paging import paginate
from coopdesk.rendering import MESSAGE_MAX_CHARS
from coopdesk.text import typed_line, typed_text
from helpdesk import actions
from helpdesk.forms import DraftForm, RecordForm, TicketForm
from helpdesk.models import ACTIVE_STATES, Category, Draft, DraftKind, State, Ticket
from helpdesk.pagination import CountLaterPaginator
from helpdesk.views.base import PAGE_SIZE

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


PREFILL_SUBJECT_CHARS = 200  # TicketForm.subject's max_length
PREFILL_BODY_CHARS = 2000


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
                form_key=data["key"],
            )
            messages.success(
                request,
                _("Your request %(ref)s has been sent to the %(team)s team.")
                % {"ref": ticket.reference, "team": ticket.team.name},
            )
            return redirect(ticket)
        status = 400
    else:
        # A link may choose the category and start the subject and message (the guided
        # path's answers): cut to what the form takes and cleaned as if typed; the widgets
        # escape them, and she reads them in the form before she sends anything.
        initial = {
            "category": request.GET.get("category"),
            "subject": typed_line(request.GET.get("subject", ""))[:PREFILL_SUBJECT_CHARS],
            "body": typed_text(request.GET.get("body", ""))[:PREFILL_BODY_CHARS],
            "key": uuid.uuid4().hex,
        }
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
        form.initial["key"] = uuid.uuid4().hex
        draft = Draft.objects.filter(owner=request.user, key=RECORD_DRAFT_KEY).first()
        if draft is not None:
            form.initial.update(subject=draft.subject, body=draft.body,
                                category=draft.category_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ticket = actions.create_ticket(
            requester=data["member"], category=data["category"], subject=data["subject"],
            body=data["body"], files=data["files"], by=request.user, channel=data["channel"],
            draft_key=RECORD_DRAFT_KEY, form_key=data["key"],
        )
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
        return draft_refused()
    chosen, category = request.POST.get("category", ""), None
    if chosen.isdecimal():  # only among the categories the form offers this agent
        category = Category.objects.filter(
            pk=chosen, is_active=True, team__in=request.user.team_ids()
        ).first()
    draft = actions.keep_text(owner=request.user, key=RECORD_DRAFT_KEY, kind=DraftKind.RECORD,
                              subject=subject, body=body, category=category)
    return draft_kept(draft)


@login_required
@require_POST
def draft_save(request: HttpRequest) -> JsonResponse:
    """Called while the member types and when they leave the page (navigator.sendBeacon)."""
    form = DraftForm(request.POST)
    if not form.is_valid():
        return draft_refused(fields=form.errors)
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
