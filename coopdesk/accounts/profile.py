"""My profile: name, phone, language; download my data; ask for erasure."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from coopdesk.accounts.erasure import ask_erasure
from coopdesk.accounts.export import build_export
from coopdesk.accounts.models import User
from coopdesk.forms import CleanCharField
from coopdesk.models import ErasureRequest

# Pages and files that hold a person's data: never kept by a shared cache or the browser.
private = cache_control(private=True, no_store=True)


def set_language_cookie(response: HttpResponse, language: str) -> HttpResponse:
    """The pages follow the profile's language: the same cookie as Django's set_language."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone", "language"]
        field_classes = {name: CleanCharField for name in ["first_name", "last_name", "phone"]}
        help_texts = {
            "phone": gettext_lazy("For the teams to call you back about a request."),
            "language": gettext_lazy("The language of Coopdesk's pages and e-mails to you."),
        }
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }


class ErasureForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I understand: once staff confirm, my account is closed for good and what I wrote "
            "is erased."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
@private
def profile_edit(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = ProfileForm(data, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        messages.success(request, _("Your profile is saved."))
        # The pages follow the language chosen here at once, not only the e-mails.
        return set_language_cookie(redirect("accounts:profile-edit"), user.language)
    erasure = ErasureRequest.objects.filter(user=request.user).first()
    return render(request, "accounts/profile_edit.html", {"form": form, "erasure": erasure},
                  status=400 if form.errors else 200)


@login_required
@require_GET
@private
def data_download(request: HttpRequest) -> FileResponse:
    name = f"coopdesk-{timezone.localdate():%Y-%m-%d}.zip"
    return FileResponse(build_export(request.user), as_attachment=True, filename=name,
                        content_type="application/zip")


@login_required
@require_http_methods(["GET", "POST"])
@private
def erasure_ask(request: HttpRequest) -> HttpResponse:
    form = ErasureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        ask_erasure(request.user)
        messages.success(request, _(
            "Your request is sent to the cooperative's administrators. Until they carry it "
            "out, nothing changes: you can still log in and download your data."
        ))
        return redirect("accounts:profile-edit")
    asked = ErasureRequest.objects.filter(user=request.user).first()
    return render(request, "accounts/profile_erasure.html", {"form": form, "asked": asked},
                  status=400 if form.errors else 200)
