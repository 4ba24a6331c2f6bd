from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_POST
from notifications.models import Notification

from coopdesk import landing, notify
from coopdesk.accounts.models import User
from coopdesk.forms import PreferenceForm
from coopdesk.models import TicketSubscription
from coopdesk.paging import paginate
from coopdesk.security import next_url


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each person lands where their work is."""
    user = request.user
    if user.is_support_staff:
        return redirect("helpdesk:queue-list")
    if user.is_advisor:
        return redirect("helpdesk:advisor-requests")
    return redirect(landing.for_member(user) or "helpdesk:ticket-list")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch. For a logged-in person it is also her profile's language, the
    one her e-mails are written in: otherwise the profile showed French under English pages,
    and saving it for a new phone number turned the pages back to French."""
    response = i18n.set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(language=language)
    return response


# --- notifications: the centre, preferences, follow or mute a request ------------------------


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """Unread first, then newest first; each names its object and links to it."""
    mine = Notification.objects.filter(recipient=request.user)
    page = paginate(request, mine.order_by("-unread", "-timestamp", "-pk"), 25)
    items = [{"n": n, **notify.serialize(n)} for n in page]
    unread = mine.filter(unread=True).count()
    context = {"page": page, "items": items, "unread": unread}
    return render(request, "coopdesk/notification_list.html", context)


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Following a notification's link marks it read, then shows what it is about."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notify.mark_read(request.user, [notification.pk])
    if not _may_still_open(request.user, notification.target):
        # A request transferred to another team, a member now followed by someone else.
        messages.info(request, _("You can no longer open this: it is now in other hands."))
        return redirect("coopdesk:notification-list")
    target = (notification.data or {}).get("url", "")
    if not target and hasattr(notification.target, "get_absolute_url"):
        target = notification.target.get_absolute_url()
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        target = reverse("coopdesk:notification-list")
    return redirect(target)


def _may_still_open(user: User, target: object) -> bool:
    """Whether the notification's object is still one this person may open, by the object's
    own rule (each app's querysets have `visible_to`)."""
    manager = getattr(type(target), "objects", None)
    if target is None or not hasattr(manager, "visible_to"):
        return True
    return manager.visible_to(user).filter(pk=target.pk).exists()


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notify.mark_read(request.user, [notification.pk])
    if _wants_json(request):
        return JsonResponse({"unread": notify.unread_count(request.user)})
    return redirect(next_url(request, reverse("coopdesk:notification-list")))


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    notify.mark_read(request.user)
    if _wants_json(request):
        return JsonResponse({"unread": 0})
    messages.success(request, _("All your notifications are marked as read."))
    return redirect(next_url(request, reverse("coopdesk:notification-list")))


@login_required
def preference_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PreferenceForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        notify.save_preferences(user, form.cleaned_data)
        messages.success(request, _("Your notification choices are saved."))
        return redirect("coopdesk:preference-edit")
    # The requests' app owns the rule of who sees a request: ask its model, not import it.
    tickets = TicketSubscription._meta.get_field("ticket").related_model.objects
    subscriptions = TicketSubscription.objects.filter(
        user=user, ticket__in=tickets.visible_to(user)
    ).select_related("ticket")
    context = {"form": form, "subscriptions": subscriptions}
    return render(request, "coopdesk/preference_edit.html", context,
                  status=400 if form.errors else 200)
