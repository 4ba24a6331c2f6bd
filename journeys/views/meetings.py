"""Information meetings: the public list and sign-up form, members' registration, and the
staff's page to create a meeting and take the roll."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopdesk.accounts.models import User
from journeys import actions
from journeys.forms import AttendanceForm, MeetingForm, SignupForm
from journeys.models import InfoMeeting, Journey, Registration, is_journey_staff
from journeys.views.member import my_journey

# Sign-ups per client address per hour: enough for a family or an office, not for a robot.
SIGNUPS_PER_HOUR = 10


def require_staff(user: User) -> None:
    if not is_journey_staff(user):
        raise Http404


def mine_at(meeting: InfoMeeting, user: User) -> Registration | None:
    if not user.is_authenticated:
        return None
    return meeting.registrations.filter(
        journey__member=user, status__in=Registration.ACTIVE
    ).first()


def meeting_list(request: HttpRequest) -> HttpResponse:
    """Public: the coming meetings and how to sign up."""
    meetings = list(InfoMeeting.objects.upcoming().with_counts().select_related("office")[:20])
    mine = {}
    if request.user.is_authenticated:
        mine = dict(
            Registration.objects.filter(
                journey__member=request.user, status__in=Registration.ACTIVE,
                meeting__in=meetings,
            ).values_list("meeting_id", "status")
        )
    for meeting in meetings:
        meeting.my_status = mine.get(meeting.pk)
        meeting.places_left = max(meeting.capacity - meeting.registered_count, 0)
    context = {"meetings": meetings, "is_staff": is_journey_staff(request.user)}
    return render(request, "journeys/meeting_list.html", context)


def too_many_signups(request: HttpRequest) -> bool:
    """Counted in the cache (Redis in production: across workers), per client address as
    allauth reads it (X-Forwarded-For only behind trusted proxies, README)."""
    key = f"journeys:signups:{get_adapter(request).get_client_ip(request)}"
    if cache.add(key, 1, timeout=3600):
        return False
    try:
        return cache.incr(key) > SIGNUPS_PER_HOUR
    except ValueError:  # expired between add and incr
        return False


def meeting_signup(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: a prospect signs up; their account, path and registration are created."""
    meeting = get_object_or_404(InfoMeeting.objects.upcoming().with_counts(), pk=pk)
    if request.user.is_authenticated:
        context = {"meeting": meeting, "mine": mine_at(meeting, request.user)}
        return render(request, "journeys/meeting_signup.html", context)
    form = SignupForm(request.POST or None)
    status = 200
    # A full meeting puts her on its waiting list: the thank-you page must not say booked.
    done = reverse("journeys:signup-done")
    if meeting.registered_count >= meeting.capacity:
        done += "?attente=1"
    if request.method == "POST":
        if form.is_valid() and form.is_robot:
            return redirect(done)
        if form.is_valid() and too_many_signups(request):
            form.add_error(None, _("Too many sign-ups from this connection. Try again later."))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            registration = actions.sign_up_prospect(
                meeting=meeting, first_name=data["first_name"], last_name=data["last_name"],
                email=data["email"], password=data["password"], phone=data["phone"],
                sector=data["sector"], language=request.LANGUAGE_CODE,
            )
            # The place as registered (the last one may have gone meanwhile); an address
            # with an account gets the answer a new one would have had.
            if registration is not None:
                waiting = registration.status == Registration.Status.WAITING
                done = reverse("journeys:signup-done") + ("?attente=1" if waiting else "")
            return redirect(done)
        else:
            status = 400
    return render(request, "journeys/meeting_signup.html", {"meeting": meeting, "form": form},
                  status=status)


def signup_done(request: HttpRequest) -> HttpResponse:
    waiting = request.GET.get("attente") == "1"
    return render(request, "journeys/signup_done.html", {"waiting": waiting})


@login_required
@require_POST
def meeting_register(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(InfoMeeting, pk=pk)
    if not request.user.is_member:
        raise Http404
    journey = my_journey(request.user) or actions.start_journey(
        member=request.user, by=request.user
    )
    registration = actions.register_for_meeting(meeting, journey=journey, by=request.user)
    if registration.status == Registration.Status.WAITING:
        messages.success(request, _("The meeting is full: you are on the waiting list. We will "
                                    "tell you as soon as a place frees up."))
    else:
        messages.success(request, _("You are registered for the meeting."))
    return redirect("journeys:journey-mine")


@login_required
@require_POST
def meeting_unregister(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(InfoMeeting, pk=pk)
    registration = mine_at(meeting, request.user)
    if registration is None:
        raise Http404
    actions.cancel_registration(registration, by=request.user)
    messages.success(request, _("Your registration is cancelled."))
    return redirect("journeys:journey-mine")


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    form = MeetingForm(request.POST or None, initial={"office": request.user.office_id})
    if request.method == "POST" and form.is_valid():
        meeting = actions.create_meeting(by=request.user, **form.cleaned_data)
        messages.success(request, _("Meeting created. Share its sign-up page."))
        return redirect(meeting)
    status = 400 if form.errors else 200
    return render(request, "journeys/meeting_form.html", {"form": form}, status=status)


@login_required
def meeting_detail(request: HttpRequest, pk: int, form: AttendanceForm | None = None,
                   status: int = 200) -> HttpResponse:
    require_staff(request.user)
    meeting = get_object_or_404(
        InfoMeeting.objects.with_counts().select_related("host", "office"), pk=pk
    )
    registrations = meeting.registrations.select_related("journey__member").order_by(
        "status", "created_at", "pk"
    )
    followed = set(
        Journey.objects.visible_to(request.user)
        .filter(registrations__meeting=meeting).values_list("pk", flat=True)
    )
    attended = [r.pk for r in registrations if r.status == Registration.Status.ATTENDED]
    context = {
        "meeting": meeting, "registrations": registrations, "followed": followed,
        "form": form or AttendanceForm(meeting=meeting, initial={"present": attended}),
        "attendance_open": meeting.attendance_open(),
    }
    return render(request, "journeys/meeting_detail.html", context, status=status)


@login_required
@require_POST
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request.user)
    meeting = get_object_or_404(InfoMeeting, pk=pk)
    form = AttendanceForm(request.POST, meeting=meeting)
    if not form.is_valid():
        return meeting_detail(request, pk, form=form, status=400)
    present = [registration.pk for registration in form.cleaned_data["present"]]
    counts = actions.mark_attendance(meeting, by=request.user, present=present)
    messages.success(
        request,
        _("Attendance saved: %(attended)d present, %(absent)d absent. %(advanced)d can now book "
          "their diagnosis.") % counts,
    )
    return redirect(meeting)
