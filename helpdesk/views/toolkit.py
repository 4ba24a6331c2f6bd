"""An agent's tools: following or muting a request's notifications, saved replies (kept,
picked and inserted).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from coopdesk import notify
from coopdesk.accounts.models import Role, User
from coopdesk.draft_responses import draft_kept, draft_refused
from coopdesk.rendering import MESSAGE_MAX_CHARS
from coopdesk.security import next_url
from helpdesk import actions
from helpdesk.forms import SavedReplyForm
from helpdesk.models import Draft, DraftKind, SavedReply, Team, Ticket
from helpdesk.views.base import get_team_side_ticket

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
    return redirect(next_url(request, ticket.get_absolute_url()))


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
            actions.forget_text(owner=request.user, key=saved_reply_draft_key(reply))
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
    reply = get_managed_reply(request.user, pk) if pk is not None else None
    title, body = request.POST.get("title", ""), request.POST.get("body", "")
    if len(title) > 150 or len(body) > MESSAGE_MAX_CHARS:
        return draft_refused()
    draft = actions.keep_text(owner=request.user, key=saved_reply_draft_key(reply),
                              kind=DraftKind.SAVED_REPLY, subject=title, body=body)
    return draft_kept(draft)


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


@login_required
def saved_reply_picker(request: HttpRequest, pk: int) -> JsonResponse:
    """The picker's list, loaded when the agent opens it (not with the request's page)."""
    ticket = get_team_side_ticket(request.user, pk, unseen=True)
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
    ticket = get_team_side_ticket(request.user, pk, unseen=True)
    saved = get_object_or_404(SavedReply.objects.for_ticket(ticket, request.user), pk=reply)
    return JsonResponse({"text": actions.use_saved_reply(saved, ticket=ticket, by=request.user)})
