"""Knowledge base models: articles and their review (articles.py), glossary, guided paths
and kits (guidance.py), the search index (index.py)."""

from kb.models.articles import (
    REVIEW_EVERY,
    Article,
    ArticleEvent,
    ArticleEventKind,
    ArticleQuerySet,
    ArticleRevision,
    ArticleStage,
    ArticleState,
    Audience,
    AuthorShownAs,
    Deflection,
    Expert,
    Feedback,
    Language,
    Tag,
    Topic,
    audiences_for,
    is_any_reviewer,
    is_reviewer_for,
    reviewer_ids,
    sees_staff_content,
    unique_slug,
)
from kb.models.guidance import (
    Guide,
    GuideChoice,
    GuideNode,
    GuideProgress,
    Kit,
    KitItem,
    NodeKind,
    Term,
)
from kb.models.index import DocKind, SearchDocument, SearchHeading
