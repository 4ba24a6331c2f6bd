"""How django-allauth fits Coopdesk."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from coopdesk import outbox
from coopdesk.accounts.models import User
from coopdesk.accounts.profile import set_language_cookie


class AccountAdapter(DefaultAccountAdapter):
    def post_login(self, request: HttpRequest, user: User, **kwargs) -> HttpResponse:
        """Signing in on a new device shows the pages in the profile's language (the one her
        e-mails are written in), not the browser's: "The language of Coopdesk's pages and
        e-mails to you" held only on the device where it was chosen."""
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language
        return set_language_cookie(super().post_login(request, user, **kwargs), user.language)

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """People join through an information meeting's sign-up, not allauth's own form."""
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Account e-mails (an address to confirm, a password reset, "you already have an
        account") go through the outbox like every other e-mail. They are written now, in
        the reader's language, since their links carry keys made for this request; the
        worker sends them once the transaction commits. A slow or failing mail server then
        never holds up or breaks a sign-up or a reset, and a failed send is tried again."""
        request = allauth_context.request
        # Without the sites framework the site's name is the request's host: the e-mails
        # greeted "Bonjour, c'est 127.0.0.1:8000 !".
        site = get_current_site(request)
        site.name = "Coopdesk"
        context = {"request": request, "email": email, "current_site": site, **context}
        recipient = context.get("user")
        if not isinstance(recipient, User):
            recipient = User.objects.filter(email__iexact=email).first()
        outbox.queue_written(self.render_mail(template_prefix, email, context),
                             recipient=recipient)
