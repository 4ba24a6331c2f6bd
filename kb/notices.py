"""What the ground floor needs from the knowledge base, registered at start-up (apps.py):
who hears of an article's step, how to name and word it, where its e-mail links, and the
demo loader."""

from __future__ import annotations

from django.utils.translation import gettext as _

from coopdesk import notify, outbox
from coopdesk.accounts.models import Role, User
from coopdesk.models import Delivery, NoticeKind
from coopdesk.notify import registry
from kb.models import Article, ArticleEvent, ArticleEventKind


def article_recipients(event: ArticleEvent) -> list[User]:
    # The article decides who is concerned (reviewers, author, owner).
    return notify.active_users(event.recipient_ids())


def article_data(event: ArticleEvent) -> dict:
    return registry.timeline_data(
        event, domain="kb", article=event.article_id, title=event.article.title
    )


def article_label(data: dict, verb: str, recipient_id: int) -> str:
    kind = data.get("kind") or verb.removeprefix("kb.")
    return str(ArticleEventKind(kind).label) if kind in ArticleEventKind.values else kind


def article_about(data: dict, recipient_id: int) -> str:
    return _("Article “%(title)s”") % {"title": data.get("title", "")}


def article_place(article: Article, user: User, event=None) -> dict:
    if not Article.objects.visible_to(user).filter(pk=article.pk).exists():
        raise outbox.Undeliverable("The person may no longer see this article.")
    is_event = isinstance(event, ArticleEvent)
    return {"article": article, "group": ("article", article.pk), "link": "article",
            "url": article.get_absolute_url(), "note": event.note if is_event else ""}


def register() -> None:
    registry.register_source(ArticleEvent, registry.timeline_source(
        notice_kind=NoticeKind.KB, owner="author", domain="kb",
        recipients=article_recipients, data=article_data,
    ))
    registry.register_wording("kb", registry.Wording(label=article_label, about=article_about))
    registry.register_place(Article, article_place)
    # Tutorials have no deadline: the morning summary.
    registry.register_defaults(Role.MEMBER, {NoticeKind.KB: Delivery.DIGEST})
    registry.register_defaults(Role.AGENT, {NoticeKind.KB: Delivery.DIGEST})


def load_demo(people) -> None:
    from kb import demo

    demo.load(people)


def register_demo() -> None:
    registry.register_demo(load_demo, order=20)
