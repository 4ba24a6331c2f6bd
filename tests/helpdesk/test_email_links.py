"""A message sent by e-mail shows where its links lead and loads no remote image."""

from datetime import timedelta

from django.utils import timezone

from coopdesk import outbox
from helpdesk import actions


def test_email_shows_the_domain_of_external_links_and_no_remote_image(
    ticket, agent, member, mailoutbox, settings
):
    settings.SITE_URL = "https://coop.example"
    actions.claim_ticket(ticket, by=agent)
    actions.add_reply(
        ticket, by=agent, then="resolve",
        body="Payez sur [votre banque](https://evil.example/login) "
             "![logo](https://track.example/pixel.gif)",
    )
    assert outbox.send_pending(now=timezone.now() + timedelta(seconds=1)) == 1
    [mail] = mailoutbox
    html, _ = mail.alternatives[0]
    assert "votre banque</a> [evil.example]" in html
    assert 'rel="nofollow noopener ugc"' in html
    assert "<img" not in html.split("<blockquote", 1)[1]
    assert "https://evil.example/login" in mail.body  # the text part shows the whole address
