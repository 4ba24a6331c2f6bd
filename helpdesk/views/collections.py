"""Collections: unpaid invoices, their ladder of steps and the member's consent.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from coopdesk.accounts.models import User
from coopdesk.forms import StepForm
from coopdesk.paging import paginate
from coopdesk.steps import Step, step_view
from helpdesk import actions
from helpdesk.forms import CollectionCaseForm, CollectionSettingsForm
from helpdesk.models import CollectionCase, CollectionSettings
from helpdesk.pagination import CountLaterPaginator
from helpdesk.views.base import PAGE_SIZE, staff_teams

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
