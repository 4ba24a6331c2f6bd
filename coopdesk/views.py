from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each person lands where their work is."""
    user = request.user
    if user.is_support_staff:
        return redirect("helpdesk:queue-list")
    if user.is_advisor:
        return redirect("helpdesk:advisor-requests")
    return redirect("helpdesk:ticket-list")
