"""Every change to the knowledge base goes through one of these functions.

Views, the admin and the worker call them. Each reads as the steps of coopdesk.lifecycle
(lock the row, run the transition, save the changed columns, record the timeline event),
keeps the search index in sync and hands the event to coopdesk.notify. Nothing else writes
an article's state.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coopdesk import lifecycle, notify
from coopdesk.accounts.models import User
from coopdesk.conflicts import Conflict
from helpdesk.models import Category
from kb import search
from kb.models import (
    REVIEW_EVERY,
    Article,
    ArticleEvent,
    ArticleEventKind,
    ArticleRevision,
    ArticleStage,
    ArticleState,
    Audience,
    AuthorShownAs,
    Deflection,
    DocKind,
    Feedback,
    Guide,
    GuideProgress,
    NodeKind,
    SearchDocument,
    Tag,
    Term,
    Topic,
    audiences_for,
    is_reviewer_for,
)
from kb.rendering import Glossary, render_article

# --- helpers ----------------------------------------------------------------------------


def _revision(
    article: Article, *, by: User, note: str = "", from_settings: bool = False
) -> ArticleRevision:
    last = article.revisions.aggregate(n=Max("number"))["n"] or 0
    return ArticleRevision.objects.create(
        article=article, number=last + 1, title=article.title, summary=article.summary,
        body=article.body, note=note[:300], audience=article.audience, created_by=by,
        from_settings=from_settings,
    )


def _set_tags(article: Article, names: Iterable[str]) -> None:
    tags = []
    for name in {n.strip()[:60] for n in names if n.strip()}:
        slug = slugify(name)[:50]
        if slug:
            tags.append(Tag.objects.get_or_create(slug=slug, defaults={"name": name})[0])
    article.tags.set(tags)


def _set_stages(article: Article, stages: Iterable[str]) -> None:
    article.stages.exclude(stage__in=list(stages)).delete()
    for stage in stages:
        ArticleStage.objects.get_or_create(article=article, stage=stage)


def _check_audience(by: User, audience: str) -> None:
    if audience not in audiences_for(by):
        raise PermissionDenied("cannot write for an audience one cannot read")


# --- the search index -----------------------------------------------------------------------


def _upsert_document(kind: str, object_id: int, **fields) -> SearchDocument:
    doc = SearchDocument.objects.filter(kind=kind, object_id=object_id).first()
    doc = doc or SearchDocument(kind=kind, object_id=object_id)
    for name, value in fields.items():
        setattr(doc, name, value)
    doc.updated_at = timezone.now()
    doc.save()
    return doc


def _remove_documents(kind: str, object_id: int) -> None:
    for doc in SearchDocument.objects.filter(kind=kind, object_id=object_id):
        doc.delete()


def index_article(article: Article) -> None:
    if not article.is_published:
        _remove_documents(DocKind.ARTICLE, article.pk)
        return
    tags = " ".join(article.tags.values_list("name", flat=True))
    _upsert_document(
        DocKind.ARTICLE, article.pk, audience=article.audience, language=article.language,
        title=article.title, summary=f"{article.summary} {tags}".strip(),
        body=article.body_text, url=article.get_absolute_url(),
    )


def index_guide(guide: Guide) -> None:
    if not guide.is_published:
        _remove_documents(DocKind.GUIDE, guide.pk)
        return
    lines = []
    for node in guide.nodes.prefetch_related("choices"):
        lines.append(node.text)
        lines.extend(choice.label for choice in node.choices.all())
    _upsert_document(
        DocKind.GUIDE, guide.pk, audience=guide.audience, language="fr", title=guide.title,
        summary=guide.intro, body="\n".join(lines), url=guide.get_absolute_url(),
    )


def index_term(term: Term) -> None:
    _upsert_document(
        DocKind.TERM, term.pk, audience=Audience.PUBLIC, language="fr", title=term.term,
        summary=", ".join(term.synonym_list()), body=term.definition,
        url=term.get_absolute_url(),
    )


def reindex_all() -> int:
    """Rebuild every search entry (after a change of search configuration)."""
    count = 0
    for article in Article.objects.published().prefetch_related("tags"):
        index_article(article)
        count += 1
    for guide in Guide.objects.all():
        index_guide(guide)
        count += 1
    for term in Term.objects.all():
        index_term(term)
        count += 1
    return count


# --- writing and editing articles -----------------------------------------------------------


@transaction.atomic
def create_article(
    *,
    by: User,
    title: str,
    summary: str,
    body: str,
    topic: Topic | None = None,
    language: str = "fr",
    audience: str = Audience.MEMBERS,
    tags: Iterable[str] = (),
    categories: Iterable[Category] = (),
    stages: Iterable[str] = (),
    translation_of: Article | None = None,
    owner: User | None = None,
    review_by: date | None = None,
    author_shown_as: str = AuthorShownAs.FIRST_NAME,
) -> Article:
    """Start a draft. Any member may propose a tutorial; staff write articles the same way."""
    if not by.is_authenticated or not by.is_active:
        raise PermissionDenied("log in to write")
    _check_audience(by, audience)
    if not by.is_support_staff and (owner or review_by or list(categories) or list(stages)):
        raise PermissionDenied("only staff set owner, review date, categories and stages")
    article = Article(
        title=title, summary=summary, body=body, topic=topic, language=language,
        audience=audience, translation_of=translation_of, author=by, owner=owner,
        review_by=review_by, author_shown_as=author_shown_as,
    )
    article.save()
    _set_tags(article, tags)
    article.helpdesk_categories.set(categories)
    _set_stages(article, stages)
    event = lifecycle.record(article, ArticleEventKind.CREATED, by=by)
    notify.event(event)
    return article


STAFF_FIELDS = {"owner", "review_by", "categories", "stages", "translation_of"}
TEXT_FIELDS = {"title", "summary", "body", "topic", "language", "audience", "translation_of",
               "owner", "review_by", "author_shown_as"}


@transaction.atomic
def update_article(
    article: Article, *, by: User, expected_version: int | None = None, note: str = "",
    **changes,
) -> Article:
    """Change the text or settings. A change to a published article is a new publication:
    it keeps a revision, so readers can see what changed."""
    article = lifecycle.lock(article, expected_version)
    if not article.can_be_edited_by(by):
        raise PermissionDenied("may not edit this article")
    if not by.is_support_staff and STAFF_FIELDS & {k for k, v in changes.items() if v}:
        raise PermissionDenied("only staff set owner, review date, categories and stages")
    if "audience" in changes:
        _check_audience(by, changes["audience"])
    if "author_shown_as" in changes and by.pk != article.author_id:
        raise PermissionDenied("only the author chooses how they are named")
    unknown = set(changes) - TEXT_FIELDS - {"tags", "categories", "stages"}
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    # A new audience is a new publication too: its revision is what the new readers may read
    # (the earlier ones keep the audience they were written for).
    republished = any(
        getattr(article, name) != changes[name]
        for name in ("title", "summary", "body", "audience") if name in changes
    )
    for name in TEXT_FIELDS & set(changes):
        setattr(article, name, changes[name])
    if article.is_published:
        article.published_at = timezone.now()
    lifecycle.save(article)
    if "tags" in changes:
        _set_tags(article, changes["tags"])
    if "categories" in changes:
        article.helpdesk_categories.set(changes["categories"])
    if "stages" in changes:
        _set_stages(article, changes["stages"])
    data = {}
    if article.is_published and republished:
        data["revision"] = _revision(article, by=by, note=note).number
    index_article(article)
    event = lifecycle.record(article, ArticleEventKind.EDITED, by=by, note=note, data=data)
    notify.event(event)
    return article


@transaction.atomic
def after_admin_save(article: Article, *, by: User, created: bool, changed: list[str]) -> None:
    """The settings screens saved an article's text or settings (never its state): keep a
    revision of a published text, refresh search, write the timeline."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    article.version += 1
    article.updated_at = timezone.now()
    Article.objects.filter(pk=article.pk).update(
        version=article.version, updated_at=article.updated_at
    )
    if created:
        event = lifecycle.record(article, ArticleEventKind.CREATED, by=by)
        notify.event(event)
        return
    data = {}
    if article.is_published and {"title", "summary", "body", "audience"} & set(changed):
        data["revision"] = _revision(article, by=by, from_settings=True).number
    index_article(article)
    event = lifecycle.record(article, ArticleEventKind.EDITED, by=by, data=data)
    notify.event(event)


# --- the review workflow -----------------------------------------------------------------------


submit_article = lifecycle.plain_step(
    "submit", ArticleEventKind.SUBMITTED, doc="The author sends the draft to the reviewers."
)


@transaction.atomic
def request_changes(
    article: Article, *, by: User, note: str, expected_version: int | None = None
) -> Article:
    """A reviewer sends the text back to its author, saying what to change."""
    if not note.strip():
        raise Conflict(_("Say what should change: the author reads it."))
    article = lifecycle.lock(article, expected_version)
    lifecycle.run(article, article.request_changes, by)
    lifecycle.save(article)
    event = lifecycle.record(
        article, ArticleEventKind.CHANGES, by=by, note=note
    )
    notify.event(event)
    return article


@transaction.atomic
def publish_article(
    article: Article, *, by: User, note: str = "", expected_version: int | None = None
) -> Article:
    """Publish: readers see it, search finds it, and the text is kept as a revision."""
    article = lifecycle.lock(article, expected_version)
    lifecycle.run(article, article.publish, by, by=by)
    lifecycle.save(article)
    revision = _revision(article, by=by, note=note)
    index_article(article)
    event = lifecycle.record(
        article, ArticleEventKind.PUBLISHED, by=by, note=note,
        data={"revision": revision.number},
    )
    notify.event(event)
    return article


@transaction.atomic
def archive_article(
    article: Article, *, by: User, note: str = "", expected_version: int | None = None
) -> Article:
    article = lifecycle.lock(article, expected_version)
    lifecycle.run(article, article.archive, by)
    lifecycle.save(article)
    index_article(article)
    event = lifecycle.record(
        article, ArticleEventKind.ARCHIVED, by=by, note=note
    )
    notify.event(event)
    return article


def _is_participant(article: Article, user: User) -> bool:
    return user.pk in (article.author_id, article.owner_id) or is_reviewer_for(user, article)


@transaction.atomic
def comment_on_article(article: Article, *, by: User, body: str) -> ArticleEvent:
    """A review comment, between the author and the reviewers."""
    article = lifecycle.lock(article)
    if not _is_participant(article, by):
        raise PermissionDenied("not a participant in this review")
    if article.state == ArticleState.DRAFT and by.pk != article.author_id:
        raise PermissionDenied("the draft has not been sent for review")
    if not body.strip():
        raise Conflict(_("Write the comment before sending."))
    event = lifecycle.record(article, ArticleEventKind.COMMENTED, by=by, note=body)
    notify.event(event)
    return event


@transaction.atomic
def confirm_article_current(
    article: Article, *, by: User, note: str = "", expected_version: int | None = None
) -> Article:
    """The owner checked the article: still accurate, next check in a year."""
    article = lifecycle.lock(article, expected_version)
    if not (by.is_support_staff or article.owner_id == by.pk):
        raise PermissionDenied("only the owner or staff confirm an article")
    if not article.is_published:
        raise Conflict(_("Only a published article can be confirmed."))
    article.review_by = timezone.localdate() + REVIEW_EVERY
    article.stale_notified_at = None
    lifecycle.save(article)
    event = lifecycle.record(
        article, ArticleEventKind.REVIEWED, by=by, note=note,
        data={"review_by": article.review_by.isoformat()},
    )
    notify.event(event)
    return article


def flag_stale_articles(now=None) -> int:
    """Tell owners once that an article is due for a check. Safe with several workers:
    each article is claimed by a conditional update that exactly one of them wins."""
    now = now or timezone.now()
    due = (
        Article.objects.stale(timezone.localdate(now))
        .filter(stale_notified_at__isnull=True)
        .values_list("pk", flat=True)
    )
    flagged = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = Article.objects.filter(pk=pk, stale_notified_at__isnull=True).update(
                stale_notified_at=now
            )
            if not claimed:
                continue
            article = Article.objects.select_related("topic").get(pk=pk)
            event = lifecycle.record(
                article, ArticleEventKind.STALE, by=None,
                data={"review_by": article.review_by.isoformat()},
            )
            notify.event(event)
            flagged += 1
    return flagged


# --- readers: feedback and requests avoided -------------------------------------------------


@transaction.atomic
def give_feedback(article: Article, *, by: User, helpful: bool, comment: str = "") -> Feedback:
    """“Was this helpful?”: one opinion per reader, which reaches the article's owner."""
    if not Article.objects.readable_by(by).filter(pk=article.pk).exists():
        raise PermissionDenied("cannot rate an article one cannot read")
    article = Article.objects.select_for_update(of=("self",)).select_related("topic").get(
        pk=article.pk
    )
    previous = Feedback.objects.filter(article=article, user=by).first()
    now = timezone.now()
    if previous is None:
        feedback = Feedback.objects.create(
            article=article, user=by, helpful=helpful, comment=comment, created_at=now,
            updated_at=now,
        )
    else:
        counter = "helpful_yes" if previous.helpful else "helpful_no"
        Article.objects.filter(pk=article.pk).update(**{counter: F(counter) - 1})
        previous.helpful, previous.comment, previous.updated_at = helpful, comment, now
        previous.save()
        feedback = previous
    counter = "helpful_yes" if helpful else "helpful_no"
    Article.objects.filter(pk=article.pk).update(**{counter: F(counter) + 1})
    event = lifecycle.record(
        article, ArticleEventKind.FEEDBACK, by=by, note=comment,
        data={"helpful": helpful, "feedback": feedback.pk},
    )
    notify.event(event)
    return feedback


def record_deflection(
    *, by: User, article: Article, query: str = "", category: Category | None = None
) -> Deflection:
    """The member says an article answered the question they were about to send."""
    if not Article.objects.readable_by(by).filter(pk=article.pk).exists():
        raise PermissionDenied("cannot use an article one cannot read")
    return Deflection.objects.create(
        user=by, article=article, category=category, query=query[:300]
    )


# --- guided paths ----------------------------------------------------------------------------


def save_guide_progress(*, user: User, guide: Guide, choices: list[int]) -> GuideProgress:
    progress, _created = GuideProgress.objects.update_or_create(
        user=user, guide=guide,
        defaults={"choices": [int(c) for c in choices], "updated_at": timezone.now()},
    )
    return progress


@transaction.atomic
def save_guide(guide: Guide) -> Guide:
    """After the admin edits a guide or its steps: set the start, then refresh search."""
    if guide.start_id is None:
        first = guide.nodes.filter(kind=NodeKind.QUESTION).order_by("pk").first()
        if first is not None:
            Guide.objects.filter(pk=guide.pk).update(start=first)
            guide.start = first
    index_guide(guide)
    return guide


# --- glossary ----------------------------------------------------------------------------------


def _articles_mentioning(variants: Iterable[str], slug: str) -> Iterable[Article]:
    query = Q(body_html__contains=f"term-tip-{slug}")
    for variant in variants:
        query |= Q(body__icontains=variant)
    return Article.objects.filter(query)


@transaction.atomic
def save_term(term: Term, *, old_variants: Iterable[str] = ()) -> Term:
    """Save a term, index it, and re-render the articles that mention it, so the link
    is in the stored HTML (articles are rendered on save, not on each request)."""
    term.save()
    index_term(term)
    relink_articles([*term.variants(), *old_variants], term.slug)
    transaction.on_commit(search.forget_synonyms)
    return term


@transaction.atomic
def delete_term(term: Term) -> None:
    variants, slug = term.variants(), term.slug
    _remove_documents(DocKind.TERM, term.pk)
    term.delete()
    relink_articles(variants, slug)
    transaction.on_commit(search.forget_synonyms)


def relink_articles(variants: Iterable[str], slug: str) -> int:
    glossary = Glossary.load()
    count = 0
    for article in _articles_mentioning(list(variants), slug):
        rendered = render_article(article.body, glossary)
        Article.objects.filter(pk=article.pk).update(
            body_html=rendered.html, body_text=rendered.text
        )
        count += 1
    return count
