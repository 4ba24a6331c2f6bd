"""Security pieces that are not settings.

Personal data stays out of caches: every page and file the app serves is `private, no-store`.

One rule for every response that Django produces, rather than a list of personal views to keep
up to date: almost every page names its reader (the header shows who is logged in), and the
public ones are cheap to render again. Static files never reach this middleware (WhiteNoise
answers them before it, with their own long cache headers). A view that chose its own
Cache-Control keeps it.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response


METHODS = ("GET", "HEAD", "POST")


class MethodMiddleware:
    """Pages and forms speak GET and POST only. Any other method (PUT, DELETE, OPTIONS...) is
    a 405 wherever it is sent: a function view that only checks for POST showed its page to
    a DELETE, with a 200 that said nothing was wrong."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method not in METHODS:
            return HttpResponseNotAllowed(METHODS)
        return self.get_response(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form in the site's own words (Django's page has inline styles the policy
    blocks, and speaks to developers)."""
    message = _("This form has expired or was sent from elsewhere. Go back, reload the page "
                "and send it again.")
    return render(request, "403.html", {"reason": message}, status=403)


def next_url(request: HttpRequest, default: str) -> str:
    """Where a form sends its sender back to: the `next` it carried when that is a path on this
    site, else `default`. A path only: `redirect()` reads a word without a slash ("0") as the
    name of a URL, and a name it cannot find is a server error."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
