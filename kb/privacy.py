"""A person's tutorials: what they download, and what their erasure removes.

Registered from KbConfig.ready() (see coopdesk/accounts/privacy.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from coopdesk.accounts.models import User
from coopdesk.accounts.privacy import ERASED, Export, register
from kb.models import Article, ArticleEvent, Deflection, Expert, Feedback, GuideProgress


def _when(value) -> str | None:
    return value.isoformat() if value else None


def export_tutorials(user: User) -> Export:
    """The articles they wrote, each with its published revisions, and their feedback."""
    export = Export()
    for article in Article.objects.filter(author=user).order_by("created_at", "pk"):
        export.records.append({
            "title": article.title,
            "summary": article.summary,
            "body": article.body,
            "state": article.get_state_display(),
            "audience": article.get_audience_display(),
            "language": article.language,
            "created_at": _when(article.created_at),
            "published_at": _when(article.published_at),
            "revisions": [
                {"number": revision.number, "at": _when(revision.created_at),
                 "title": revision.title, "summary": revision.summary, "body": revision.body,
                 "what_changed": revision.note}
                for revision in article.revisions.all()
            ],
        })
    for feedback in Feedback.objects.filter(user=user).select_related("article"):
        export.records.append({
            "feedback_on": feedback.article.title, "helpful": feedback.helpful,
            "comment": feedback.comment, "at": _when(feedback.created_at),
        })
    return export


def erase_tutorials(user: User) -> Iterable[QuerySet]:
    """Drafts never published go; published tutorials stay, as the cooperative's knowledge,
    shown by the anonymised author. Review comments, feedback and searches go."""
    Article.objects.filter(author=user, first_published_at__isnull=True).delete()
    # The review comments on their tutorials (addressed to them) and those they wrote.
    ArticleEvent.objects.filter(Q(article__author=user) | Q(actor=user)).exclude(note="").update(
        note=ERASED
    )
    Feedback.objects.filter(user=user).exclude(comment="").update(comment=ERASED)
    Deflection.objects.filter(user=user).update(query="")
    GuideProgress.objects.filter(user=user).delete()
    Expert.objects.filter(user=user).delete()
    return []


def register_privacy() -> None:
    register("tutorials", title=_("My tutorials"), export=export_tutorials,
             erase=erase_tutorials)
