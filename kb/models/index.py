"""The search index: one row per searchable thing, kept in sync by kb/actions.py."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kb.models.articles import Audience, Language

# --- search index --------------------------------------------------------------------------


class DocKind(models.TextChoices):
    ARTICLE = "article", _("Article")
    GUIDE = "guide", _("Guided path")
    TERM = "term", _("Glossary")


class SearchDocument(models.Model):
    """One searchable thing (a published article, a guide, a glossary term), with the
    audience copied from its source so search filters by audience without a join.

    Kept in sync by kb/actions.py through `save()` and `delete()` below, never by signals:
    PostgreSQL fills `search_vector` (GIN index, `kb_french` configuration: unaccent and
    French stemming) and the document's SearchHeading; SQLite fills the FTS5 table
    `kb_search_fts` with stemmed text.
    """

    kind = models.CharField(max_length=10, choices=DocKind.choices)
    object_id = models.PositiveBigIntegerField()
    audience = models.CharField(max_length=10, choices=Audience.choices)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.FR)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300)
    search_vector = SearchVectorField(null=True, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_doc_once")
        ]
        # SQLite's search finds the matches in other languages through it (kb/search.py).
        indexes = [models.Index(fields=["language"], name="search_doc_language")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.title}"

    def save(self, *args, **kwargs) -> None:
        from kb import search

        super().save(*args, **kwargs)
        search.engine(connection).sync([self])

    def delete(self, *args, **kwargs):
        from kb import search

        search.engine(connection).remove([self.pk])
        return super().delete(*args, **kwargs)


class SearchHeading(models.Model):
    """PostgreSQL only: a search document's title and summary as a small vector (GIN index),
    in a narrow table of its own, for suggestions while a member types.

    A member's text holds common words ("client", "facture"), so suggestions rank thousands
    of headings. Read from kb_searchdocument, whose rows carry the whole text's vector, that
    meant visiting about eight times as many pages. The audience
    and kind are copied so the index alone filters. Filled by kb/search.py's
    PostgresEngine.sync; SQLite's FTS5 table holds the headings as columns instead, and leaves
    this table empty.
    """

    document = models.OneToOneField(
        SearchDocument, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=DocKind.choices)
    audience = models.CharField(max_length=10, choices=Audience.choices)
    heading_vector = SearchVectorField()

    def __str__(self) -> str:
        return f"{self.document_id}"
