"""The advisors' side: one journey and its steps, the dashboard, diagnosis slots; the
cooperative view for leads; the team tasks for support agents."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopdesk.accounts.models import User
from journeys import actions
from journeys.forms import (
    AdvanceForm,
    CapeForm,
    ExitForm,
    HoldDiagnosisForm,
    MembershipForm,
    MentorForm,
    ReentryForm,
    RenewCapeForm,
    SalariedForm,
    SlotForm,
    SwitchPathForm,
)
from journeys.models import (
    DiagnosisSlot,
    Journey,
    JourneyTask,
    Stage,
    add_months,
    can_manage_journey,
    is_journey_staff,
)
from journeys.views.common import get_visible_journey, journey_context

PAGE_SIZE = 25
LISTED = 8  # rows per dashboard card: the card says how many more there are

# step slug -> (transition name, form class, action, success message)
STEPS = {
    "advance": ("advance", AdvanceForm, lambda j, by, d: actions.advance_journey(
        j, by=by, note=d["note"], expected_version=d["version"])),
    "sign-cape": ("sign_cape", CapeForm, lambda j, by, d: actions.sign_cape(
        j, by=by, start=d["start"], end=d["end"], expected_version=d["version"])),
    "renew-cape": ("renew_cape", RenewCapeForm, lambda j, by, d: actions.renew_cape(
        j, by=by, end=d["end"], expected_version=d["version"])),
    "salaried": ("sign_salaried_contract", SalariedForm, lambda j, by, d:
                 actions.sign_salaried_contract(j, by=by, start=d["start"],
                                                expected_version=d["version"])),
    "membership": ("grant_membership", MembershipForm, lambda j, by, d: actions.grant_membership(
        j, by=by, on=d["on"], expected_version=d["version"])),
    "exit": ("leave", ExitForm, lambda j, by, d: actions.exit_journey(
        j, by=by, reason=d["reason"], note=d["note"], expected_version=d["version"])),
    "switch-path": ("switch_path", SwitchPathForm, lambda j, by, d: actions.switch_path(
        j, by=by, path=d["path"], note=d["note"], expected_version=d["version"])),
}
NEEDS_JOURNEY = {RenewCapeForm, SwitchPathForm}


def step_form(step: str, journey: Journey, data=None):
    form_class = STEPS[step][1]
    kwargs = {"journey": journey} if form_class in NEEDS_JOURNEY else {}
    if data is not None:
        return form_class(data, **kwargs)
    today = timezone.localdate()
    initial = {"version": journey.version, "start": today, "on": today}
    if step == "sign-cape":
        initial["end"] = add_months(today, 6) - timedelta(days=1)
    if step == "renew-cape" and journey.cape_end:
        initial["end"] = add_months(journey.cape_end, 3)
    return form_class(initial=initial, **kwargs)


def detail_context(request: HttpRequest, journey: Journey, **bound) -> dict:
    user = request.user
    context = journey_context(journey, user)
    manager = can_manage_journey(journey, user)
    context["can_manage"] = manager
    if manager:
        available = {t.name for t in journey.get_available_state_transitions()}
        context["step_forms"] = {
            step.replace("-", "_"): bound.get(step) or step_form(step, journey)
            for step, (name, _form, _action) in STEPS.items() if name in available
        }
        context["needs_diagnosis"] = journey.state == Stage.DIAGNOSIS and not (
            journey.diagnosis_held())
        if journey.is_open:
            context["mentor_form"] = bound.get("mentor") or MentorForm(
                candidates=actions.mentor_candidates(journey.member)[:50])
        if journey.state == Stage.EXITED and journey.is_latest:
            context["reentry_form"] = bound.get("reentry") or ReentryForm(
                initial={"path": journey.path_id})
        slot = context["slot"]
        if slot and slot.status == DiagnosisSlot.Status.BOOKED:
            context["hold_form"] = bound.get("hold") or HoldDiagnosisForm()
    return context


@login_required
def journey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_visible_journey(request.user, pk)
    if journey.member_id == request.user.pk and journey.is_latest:
        return redirect("journeys:journey-mine")
    return render(request, "journeys/journey_detail.html", detail_context(request, journey))


@login_required
@require_POST
def journey_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    journey = get_visible_journey(request.user, pk)
    form = step_form(step, journey, request.POST)
    if form.is_valid():
        try:
            STEPS[step][2](journey, request.user, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        context = detail_context(request, journey, **{step: form})
        return render(request, "journeys/journey_detail.html", context, status=400)
    messages.success(request, _("Saved. The member can see it on their path."))
    return redirect(journey)


@login_required
@require_POST
def journey_reenter(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_visible_journey(request.user, pk)
    form = ReentryForm(request.POST)
    if not form.is_valid():
        context = detail_context(request, journey, reentry=form)
        return render(request, "journeys/journey_detail.html", context, status=400)
    new = actions.reenter_journey(journey, by=request.user, stage=form.cleaned_data["stage"],
                                  path=form.cleaned_data["path"])
    messages.success(request, _("A new cycle has started. The earlier one is kept below."))
    return redirect(new)


@login_required
@require_POST
def journey_mentor(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_visible_journey(request.user, pk)
    form = MentorForm(request.POST, candidates=actions.mentor_candidates(journey.member))
    if not form.is_valid():
        context = detail_context(request, journey, mentor=form)
        return render(request, "journeys/journey_detail.html", context, status=400)
    actions.assign_mentor(journey, by=request.user, mentor=form.cleaned_data["mentor"])
    messages.success(request, _("Mentor assigned: both have been told."))
    return redirect(journey)


# --- diagnosis slots ------------------------------------------------------------------------


def require_advisor(user: User) -> None:
    if not user.is_authenticated or not user.is_advisor:
        raise Http404


@login_required
def slot_manage(request: HttpRequest) -> HttpResponse:
    require_advisor(request.user)
    form = SlotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.add_slot(advisor=request.user, by=request.user, starts_at=data["starts_at"],
                         duration_minutes=data["duration_minutes"], place=data["place"])
        messages.success(request, _("Time offered. Newcomers can book it."))
        return redirect("journeys:slot-manage")
    since = timezone.now() - timedelta(days=7)
    slots = DiagnosisSlot.objects.filter(
        Q(starts_at__gte=since) | Q(status=DiagnosisSlot.Status.BOOKED), advisor=request.user
    ).select_related("journey__member").order_by("starts_at")
    context = {"form": form, "slots": slots, "hold_form": HoldDiagnosisForm()}
    return render(request, "journeys/slot_manage.html", context,
                  status=400 if form.errors else 200)


def own_slot(request: HttpRequest, pk: int) -> DiagnosisSlot:
    require_advisor(request.user)
    return get_object_or_404(DiagnosisSlot, pk=pk, advisor=request.user)


@login_required
@require_POST
def slot_remove(request: HttpRequest, pk: int) -> HttpResponse:
    actions.remove_slot(own_slot(request, pk), by=request.user)
    messages.success(request, _("The time is no longer offered."))
    return redirect("journeys:slot-manage")


@login_required
@require_POST
def slot_hold(request: HttpRequest, pk: int) -> HttpResponse:
    slot = own_slot(request, pk)
    form = HoldDiagnosisForm(request.POST)
    if not form.is_valid():
        if slot.journey_id is None:
            raise Http404
        journey = get_visible_journey(request.user, slot.journey_id)
        context = detail_context(request, journey, hold=form)
        return render(request, "journeys/journey_detail.html", context, status=400)
    slot = actions.hold_diagnosis(slot, by=request.user, summary=form.cleaned_data["summary"])
    messages.success(request, _("Diagnosis recorded: the CAPE can now be signed."))
    return redirect(slot.journey)


# --- team tasks (support agents) -------------------------------------------------------------


@login_required
def team_tasks(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_support_staff:
        raise Http404
    tasks = JourneyTask.objects.open().filter(team__isnull=False, journey__is_latest=True)
    tasks = tasks.filter(team__in=user.team_ids())
    tasks = tasks.select_related("journey__member", "team").order_by("due_date", "pk")
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "today": timezone.localdate(), "show_staff": is_journey_staff(user)}
    return render(request, "journeys/team_tasks.html", context)
