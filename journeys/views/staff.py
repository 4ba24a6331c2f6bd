"""The advisors' side: one journey and its steps, the dashboard, diagnosis slots; the
cooperative view for leads; the team tasks for support agents."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from coopdesk.accounts.models import User
from coopdesk.draft_responses import draft_kept, draft_refused
from coopdesk.paging import paginate
from coopdesk.rendering import NOTE_MAX_CHARS
from coopdesk.steps import Step, take_step
from helpdesk import actions as helpdesk_actions
from helpdesk.models import Draft, DraftKind
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
    NOTED_STEPS,
    DiagnosisSlot,
    Journey,
    JourneyTask,
    Stage,
    add_months,
    can_manage_journey,
    is_journey_staff,
    step_draft_key,
)
from journeys.views.common import get_visible_journey, journey_context

PAGE_SIZE = 25
LISTED = 8  # rows per dashboard card: the card says how many more there are

SAVED = gettext_lazy("Saved. The member can see it on their path.")
# The form's fields are the action's keyword arguments (coopdesk.steps).
STEPS = {
    "advance": Step(actions.advance_journey, SAVED, AdvanceForm, "advance"),
    "sign-cape": Step(actions.sign_cape, SAVED, CapeForm, "sign_cape"),
    "renew-cape": Step(actions.renew_cape, SAVED, RenewCapeForm, "renew_cape"),
    "salaried": Step(actions.sign_salaried_contract, SAVED, SalariedForm, "sign_salaried_contract"),
    "membership": Step(actions.grant_membership, SAVED, MembershipForm, "grant_membership"),
    "exit": Step(actions.exit_journey, SAVED, ExitForm, "leave"),
    "switch-path": Step(actions.switch_path, SAVED, SwitchPathForm, "switch_path"),
}
NEEDS_JOURNEY = {RenewCapeForm, SalariedForm, SwitchPathForm}


REENTRY_IDS = "reentry_%s"  # apart from the step forms' path field


def step_drafts(user: User, journey: Journey) -> dict[str, str]:
    """The step notes this person was typing on this journey, by step: one query."""
    keys = {step_draft_key(step, journey.pk): step for step in NOTED_STEPS}
    return {
        keys[key]: body
        for key, body in Draft.objects.filter(owner=user, key__in=keys).values_list("key", "body")
    }


def step_form(step: str, journey: Journey, data=None, *, draft: str = ""):
    form_class = STEPS[step].form
    kwargs = {"journey": journey} if form_class in NEEDS_JOURNEY else {}
    # Several steps show at once, each with a version and most with a note: each its own
    # ids (exit_note, switch_path_note…), so that a label focuses its own field.
    kwargs["auto_id"] = step.replace("-", "_") + "_%s"
    if data is not None:
        return form_class(data, **kwargs)
    today = timezone.localdate()
    initial = {"version": journey.version, "start": today, "on": today}
    if draft:
        initial["note"] = draft
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
        drafts = step_drafts(user, journey)
        context["step_forms"] = {
            step.replace("-", "_"): bound.get(step)
            or step_form(step, journey, draft=drafts.get(step, ""))
            for step, taken in STEPS.items() if taken.transition in available
        }
        context["step_drafts"] = {step.replace("-", "_"): True for step in drafts}
        context["needs_diagnosis"] = journey.state == Stage.DIAGNOSIS and not (
            journey.diagnosis_held())
        if journey.is_open:
            context["mentor_form"] = bound.get("mentor") or MentorForm(
                candidates=actions.mentor_candidates(journey.member)[:50])
        if journey.state == Stage.EXITED and journey.is_latest:
            context["reentry_form"] = bound.get("reentry") or ReentryForm(
                initial={"path": journey.path_id}, auto_id=REENTRY_IDS)
        slot = context["slot"]
        # Recorded once it has taken place (the transition refuses it before).
        if slot and slot.status == DiagnosisSlot.Status.BOOKED and slot.has_started():
            context["hold_form"] = bound.get("hold") or HoldDiagnosisForm(
                initial={"summary": drafts.get("hold", "")})
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
    if not take_step(request, journey, STEPS[step], form):
        context = detail_context(request, journey, **{step: form})
        return render(request, "journeys/journey_detail.html", context, status=400)
    if step in NOTED_STEPS:
        helpdesk_actions.forget_text(owner=request.user, key=step_draft_key(step, journey.pk))
    return redirect(journey)


@login_required
@require_POST
def journey_draft_save(request: HttpRequest, pk: int) -> JsonResponse:
    """Called while a step's note is typed on a journey, and when the page is left."""
    journey = get_visible_journey(request.user, pk)
    if not can_manage_journey(journey, request.user):
        raise Http404  # the member does not write her advisor's notes
    step, body = request.POST.get("kind", ""), request.POST.get("body", "")
    if step not in NOTED_STEPS or len(body) > NOTE_MAX_CHARS:
        return draft_refused()
    draft = helpdesk_actions.keep_text(
        owner=request.user, key=step_draft_key(step, journey.pk), kind=DraftKind.JOURNEY, body=body
    )
    return draft_kept(draft)


@login_required
@require_POST
def journey_reenter(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_visible_journey(request.user, pk)
    form = ReentryForm(request.POST, auto_id=REENTRY_IDS)
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
    context = {"form": form, "slots": slots}
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
    helpdesk_actions.forget_text(owner=request.user, key=step_draft_key("hold", slot.journey_id))
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
    page = paginate(request, tasks, PAGE_SIZE)
    context = {"page": page, "today": timezone.localdate(), "show_staff": is_journey_staff(user)}
    return render(request, "journeys/team_tasks.html", context)
