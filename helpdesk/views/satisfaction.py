"""How the member was served: her answer (from the page or the e-mail's link) and whether
she wants to be asked.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from helpdesk import actions, satisfaction
from helpdesk.forms import SatisfactionForm, SatisfactionQuestionForm
from helpdesk.models import Satisfaction, Ticket
from helpdesk.views.base import get_visible_ticket
from helpdesk.views.tickets import refused_on_page

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
        return refused_on_page(request, ticket, satisfaction_form=form)
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
