"""Render every stored Markdown text again: requests, messages, articles and guide steps.

HTML is rendered once on save and stored, so a change to the renderer (coopdesk/rendering.py:
which images and links are kept, how links are marked) reaches older texts only through this
command. Run it once after such a change; it is safe to run again.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from coopdesk.rendering import render_markdown
from helpdesk.models import Message, Ticket
from kb.models import Article, GuideNode
from kb.rendering import Glossary, render_article

BATCH = 500


class Command(BaseCommand):
    help = "Render every stored Markdown text again with the current renderer."

    def handle(self, *args, **options) -> None:
        for model, source, target in [
            (Ticket, "body", "body_html"),
            (Message, "body", "body_html"),
            (GuideNode, "text", "text_html"),
        ]:
            count = self.rerender(model, source, target)
            self.stdout.write(f"{model._meta.verbose_name_plural}: {count}")
        glossary = Glossary.load()
        count = 0
        for article in Article.objects.only("body").iterator(chunk_size=BATCH):
            rendered = render_article(article.body, glossary)
            Article.objects.filter(pk=article.pk).update(
                body_html=rendered.html, body_text=rendered.text
            )
            count += 1
        self.stdout.write(f"{Article._meta.verbose_name_plural}: {count}")

    def rerender(self, model, source: str, target: str) -> int:
        # update(), not save(): the rendering changes, not the text, its dates or its version.
        count = 0
        for row in model.objects.only(source).iterator(chunk_size=BATCH):
            html = render_markdown(getattr(row, source))
            model.objects.filter(pk=row.pk).update(**{target: html})
            count += 1
        return count
