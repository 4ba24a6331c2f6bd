"""The member's pages: "My path", tasks, diagnosis booking, volunteering as a mentor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopdesk.security import next_url
from journeys import actions
from journeys.forms import AdaptationForm, MentorOfferForm, TaskDoneForm
from journeys.models import (
    PROSPECT_STAGES,
    DiagnosisSlot,
    InfoMeeting,
    Journey,
    JourneyTask,
    MentorOffer,
    PathTemplate,
    Stage,
)
from journeys.views.common import journey_context, visible_task


def my_journey(user) -> Journey | None:
    return (
        Journey.objects.filter(member=user, is_latest=True)
        .select_related("path", "member__advisor__backup_advisor", "member__mentor",
                        "member__office")
        .first()
    )


PROSPECT_SESSION_KEY = "journeys_prospect"


def is_prospect(user) -> bool:
    """Before her CAPE contract: no invoices yet (her menu says so too, journeys_tags)."""
    return Journey.objects.latest().filter(member=user, state__in=PROSPECT_STAGES).exists()


def remember_prospect(sender, request, user, **kwargs) -> None:
    """At login, whether a member is a prospect goes into her session, so that her menu costs
    no query on every page; "My path" brings it up to date when her stage changes."""
    if user.is_member:
        request.session[PROSPECT_SESSION_KEY] = is_prospect(user)


def prospect_landing(user) -> str | None:
    """A prospect lands on her path, not on an empty "My requests": her next step is there
    (coopdesk/landing.py)."""
    return reverse("journeys:journey-mine") if is_prospect(user) else None


CONTACT_FIELDS = ("first_name", "last_name", "email", "phone")


def my_journey_page(user) -> Journey | None:
    """As my_journey, for "My path": of the member and the people to contact, only what the
    page shows. Four whole rows of people made its query 116 columns wide, to compile and
    to read on every view."""
    contacts = [f"member__{who}__{name}" for who in ("advisor", "advisor__backup_advisor",
                                                     "mentor") for name in CONTACT_FIELDS]
    return (
        Journey.objects.filter(member=user, is_latest=True)
        .select_related("path", "member__advisor__backup_advisor", "member__mentor")
        .only(*(field.name for field in Journey._meta.concrete_fields),
              *(f"path__{field.name}" for field in PathTemplate._meta.concrete_fields),
              "member__first_name", "member__last_name", "member__advisor", "member__mentor",
              *contacts, "member__advisor__away_from", "member__advisor__away_until",
              "member__advisor__backup_advisor")
        .first()
    )


def staff_home(user) -> str:
    if user.is_advisor:
        return "journeys:advisor-dashboard"
    if user.role in {"lead", "admin"}:
        return "journeys:coop-overview"
    return "journeys:team-tasks"


@login_required
def journey_mine(request: HttpRequest, adaptation_form: AdaptationForm | None = None,
                 status: int = 200) -> HttpResponse:
    if not request.user.is_member:
        return redirect(staff_home(request.user))
    journey = my_journey_page(request.user)
    if journey is None:
        meetings = InfoMeeting.objects.upcoming().with_counts()[:5]
        return render(request, "journeys/journey_start.html", {"meetings": meetings})
    context = journey_context(journey, request.user, for_member=True)
    context["adaptation_form"] = adaptation_form or AdaptationForm()
    context["is_mentor"] = MentorOffer.objects.filter(
        member=request.user, is_active=True
    ).exists()
    return render(request, "journeys/journey_mine.html", context, status=status)


@login_required
@require_POST
def journey_adapt(request: HttpRequest) -> HttpResponse:
    journey = my_journey(request.user)
    if journey is None:
        raise Http404
    form = AdaptationForm(request.POST)
    if not form.is_valid():
        return journey_mine(request, adaptation_form=form, status=400)
    actions.request_adaptation(journey, by=request.user, message=form.cleaned_data["message"])
    messages.success(request, _("Your advisor has been asked to adapt your path."))
    return redirect("journeys:journey-mine")


def after_task(request: HttpRequest, task: JourneyTask) -> str:
    if task.journey.member_id == request.user.pk:
        default = reverse("journeys:journey-mine")
    elif request.user.is_support_staff and request.user.role != "admin":
        default = reverse("journeys:team-tasks")
    else:
        default = task.journey.get_absolute_url()
    return next_url(request, default)


@login_required
@require_POST
def task_complete(request: HttpRequest, pk: int) -> HttpResponse:
    task = visible_task(request.user, pk)
    form = TaskDoneForm(request.POST, request.FILES, task=task)
    if form.is_valid():
        try:
            actions.complete_task(task, by=request.user, document=form.cleaned_data["document"])
        except ValidationError as error:
            form.add_error("document", error)
        except actions.AlreadyDone as already:  # a stale page: good news, not an error
            messages.info(request, already.message)
            return redirect(after_task(request, task))
    if form.errors:
        context = {"task": task, "form": form, "next": after_task(request, task)}
        return render(request, "journeys/task_complete.html", context, status=400)
    messages.success(request, _("Task done: “%(task)s”.") % {"task": task.label})
    return redirect(after_task(request, task))


@login_required
@require_POST
def task_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    task = visible_task(request.user, pk)
    try:
        actions.reopen_task(task, by=request.user)
    except actions.AlreadyDone as already:
        messages.info(request, already.message)
    else:
        messages.success(request, _("The task is to do again."))
    return redirect(after_task(request, task))


@login_required
def task_document(request: HttpRequest, pk: int) -> FileResponse:
    task = visible_task(request.user, pk)
    if not task.document:
        raise Http404
    try:
        handle = task.document.open("rb")
    except FileNotFoundError:  # lost from the storage: the same 404 as a request's attachment
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True,
                            filename=task.document_name or "document")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def slot_list(request: HttpRequest) -> HttpResponse:
    journey = my_journey(request.user)
    if journey is None:
        raise Http404
    booked = journey.diagnosis_slots.filter(status=DiagnosisSlot.Status.BOOKED).select_related(
        "advisor").first()
    can_book = journey.state == Stage.DIAGNOSIS and not journey.diagnosis_held() and not booked
    slots = actions.bookable_slots(journey)[:40] if can_book else []
    context = {"journey": journey, "booked": booked, "slots": slots, "can_book": can_book}
    return render(request, "journeys/slot_list.html", context)


@login_required
@require_POST
def slot_book(request: HttpRequest, pk: int) -> HttpResponse:
    journey = my_journey(request.user)
    if journey is None:
        raise Http404
    slot = get_object_or_404(DiagnosisSlot, pk=pk)
    slot = actions.book_slot(slot, journey=journey, by=request.user)
    messages.success(
        request, _("Your diagnosis is booked with %(name)s.") % {"name": slot.advisor.first_name}
    )
    return redirect("journeys:journey-mine")


@login_required
@require_POST
def slot_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    slot = get_object_or_404(
        DiagnosisSlot.objects.select_related("journey"), pk=pk, journey__isnull=False
    )
    visible = Journey.objects.visible_to(request.user).filter(pk=slot.journey_id).exists()
    if not (visible or slot.advisor_id == request.user.pk):
        raise Http404
    actions.cancel_booking(slot, by=request.user)
    messages.success(request, _("The appointment is cancelled."))
    default = reverse("journeys:journey-mine") if slot.journey.member_id == request.user.pk \
        else reverse("journeys:slot-manage")
    return redirect(next_url(request, default))


@login_required
def mentor_volunteer(request: HttpRequest) -> HttpResponse:
    if not request.user.is_member:
        raise Http404
    offer = MentorOffer.objects.filter(member=request.user).first()
    form = MentorOfferForm(request.POST or None, instance=offer)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            actions.volunteer_as_mentor(member=request.user, is_active=data["is_active"],
                                        note=data["note"], max_mentees=data["max_mentees"])
            messages.success(request, _("Thank you! Your choice is saved."))
            return redirect("journeys:journey-mine")
        return render(request, "journeys/mentor_volunteer.html", {"form": form}, status=400)
    mentees = request.user.mentees.select_related("office")
    return render(request, "journeys/mentor_volunteer.html", {"form": form, "mentees": mentees})
