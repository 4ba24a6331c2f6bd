"""An e-mail service provider's inbound webhook, through django-anymail.

One URL, /email/entrant/, served by anymail's view for the provider named by INBOUND_ESP
(mailgun, postmark, sendgrid, brevo, amazon_ses, mailjet, postal, resend, sparkpost...).
anymail checks the provider's signature or the basic authentication (ANYMAIL_* settings)
and refuses the call otherwise; then it sends its `inbound` signal, received here, which
hands the message to the one path. An exception there makes the view fail, so that the
provider delivers the message again later (each Message-ID is processed once).
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from helpdesk import inbound


@cache
def provider_views() -> dict:
    """anymail's inbound views by provider name, as anymail's own URLs name them."""
    from anymail import urls

    suffix = "_inbound_webhook"
    return {
        pattern.name.removesuffix(suffix): pattern.callback
        for pattern in urls.urlpatterns
        if pattern.name and pattern.name.endswith(suffix)
    }


@csrf_exempt
def inbound_webhook(request: HttpRequest) -> HttpResponse:
    view = provider_views().get(settings.INBOUND_ESP)
    if view is None:  # no provider configured: no such page
        raise Http404
    return view(request)


def received(sender, event, esp_name: str, **kwargs) -> None:
    message = event.message
    recipients = [message.envelope_recipient] if message.envelope_recipient else []
    inbound.process(message.as_bytes(), recipients=recipients)
