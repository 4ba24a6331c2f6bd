"""Texts rendered before a change to the renderer are rendered again by one command."""

from io import StringIO

from django.core.management import call_command

from helpdesk.models import Message, Ticket
from kb.models import Article


def test_command_renders_stored_texts_again(ticket, make_article):
    body = "![pixel](https://track.example/p.gif)"
    old_html = '<p><img src="https://track.example/p.gif" alt="pixel"></p>'
    Ticket.objects.filter(pk=ticket.pk).update(body=body, body_html=old_html)
    article = make_article(body=body)
    Article.objects.filter(pk=article.pk).update(body_html=old_html)
    call_command("render_markdown", stdout=StringIO())
    assert "<img" not in Ticket.objects.get(pk=ticket.pk).body_html
    assert "<img" not in Article.objects.get(pk=article.pk).body_html
    assert not Message.objects.filter(body_html__contains="<img").exists()
