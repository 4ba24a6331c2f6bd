"""One way to refuse an action that the current state does not allow: HTTP 409.

Actions raise `Conflict` with a sentence a member understands; the middleware turns it
(and django-fsm's own refusals) into a 409 page, or JSON for scripts, and nothing is saved
because the action's transaction rolls back.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed


class Conflict(Exception):
    """The request cannot be done in the object's current state."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def conflict_response(request: HttpRequest, message: str) -> HttpResponse:
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"error": message}, status=409)
    return render(request, "409.html", {"message": message}, status=409)


class ConflictMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, Conflict):
            return conflict_response(request, exception.message)
        if isinstance(exception, ConcurrentTransition):
            return conflict_response(
                request,
                _("Someone changed this meanwhile. Reload the page to see the latest version."),
            )
        if isinstance(exception, TransitionNotAllowed):
            return conflict_response(request, _("This step is not possible in the current status."))
        return None
