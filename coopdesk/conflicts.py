"""One way to refuse an action that the current state does not allow: HTTP 409.

Actions raise `Conflict` with a sentence a member understands; the middleware turns it
(and django-fsm's own refusals) into a 409 page, or JSON for scripts, and nothing is saved
because the action's transaction rolls back.
"""

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed


class Conflict(Exception):
    """The request cannot be done in the object's current state; `about`, when known, is
    the object the refused form was about (its page is where the 409 page leads back)."""

    def __init__(self, message: str, *, about=None):
        super().__init__(message)
        self.message = message
        self.about = about


# Fields of a form that are not text someone typed: the page does not offer them back.
NOT_TYPED = {"csrfmiddlewaretoken", "version", "key", "then", "step", "consent", "kind"}
TYPED_MAX_CHARS = 50_000  # more than any field takes


def typed_text(request: HttpRequest) -> list[str]:
    """What the person typed in the refused form, to offer it back: nothing typed is lost
    when a page was stale. Choices (numbers, hidden fields) and secrets are left out."""
    if request.method != "POST":
        return []
    texts = []
    for name, values in request.POST.lists():
        if name in NOT_TYPED or "password" in name or "token" in name:
            continue
        texts += [v[:TYPED_MAX_CHARS] for v in values if v.strip() and not v.strip().isdecimal()]
    return texts


def back_url(request: HttpRequest, about=None) -> str:
    """Where the 409 page's "Go back" and "Reload" lead: the page the form was on (a
    same-site Referer), else the page of the object it was about, else home. Never the
    refused URL itself: a form's action takes only POST, and a browser opening it shows
    "405"."""
    referer = request.headers.get("Referer", "")
    if (
        url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and urlsplit(referer).path != request.path
    ):
        return referer
    url = getattr(about, "get_absolute_url", None)
    return url() if url else "/"


def conflict_response(request: HttpRequest, message: str, about=None) -> HttpResponse:
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"error": message}, status=409)
    context = {"message": message, "typed": typed_text(request), "back": back_url(request, about)}
    return render(request, "409.html", context, status=409)


class ConflictMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, Conflict):
            return conflict_response(request, exception.message, exception.about)
        if isinstance(exception, ConcurrentTransition):
            return conflict_response(
                request,
                _("Someone changed this meanwhile. Reload the page to see the latest version."),
            )
        if isinstance(exception, TransitionNotAllowed):
            return conflict_response(request, _("This step is not possible in the current status."))
        return None
