"""One way to expose an app's steps over HTTP.

A page's buttons post to `<object>/etape/<step>/`. Each app maps its step slugs to `Step`s:
the action to run, which takes `(obj, *, by, expected_version, **the form's other fields)`
(for a plain button: `note`), and what to say once it is done, a lazy translation, so the
message is in the language of the request that took the step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopdesk.forms import StepForm


@dataclass(frozen=True)
class Step:
    action: Callable[..., Any]
    done: Promise  # gettext_lazy
    form: type[forms.Form] = StepForm
    transition: str = ""  # the model transition behind it, for pages that offer only those


def take_step(request: HttpRequest, obj: models.Model, step: Step, form: forms.Form) -> bool:
    """Run the step with the form's data and say it is done; False, with the reason on the
    form, when the form or the action refuses the data (a stale page or a state that does
    not allow it raise, for the 409 page)."""
    if not form.is_valid():
        return False
    data = dict(form.cleaned_data)
    version = data.pop("version")
    try:
        step.action(obj, by=request.user, expected_version=version, **data)
    except ValidationError as error:
        form.add_error(None, error)
        return False
    messages.success(request, step.done)
    return True


Refused = Callable[[HttpRequest, models.Model, str, forms.Form], HttpResponse]


def step_view(
    steps: Mapping[str, Step], get_object: Callable[..., models.Model], *,
    refused: Refused | None = None,
) -> Callable[..., HttpResponse]:
    """The view behind the buttons: `get_object(user, **url_kwargs)` finds the object (404
    when the person may not see it); an unknown step is a 404, an incomplete form a 400:
    `refused(request, obj, step, form)` when given (the object's page again, the form's
    errors under its fields), else a line asking to reload."""

    @login_required
    @require_POST
    def view(request: HttpRequest, step: str, **kwargs: Any) -> HttpResponse:
        if step not in steps:
            raise Http404
        obj = get_object(request.user, **kwargs)
        form = steps[step].form(request.POST)
        if not take_step(request, obj, steps[step], form):
            if refused is not None:
                return refused(request, obj, step, form)
            return HttpResponse(_("The form was incomplete. Reload the page."), status=400)
        return redirect(obj)

    return view
