"""Pages of the knowledge base: reading, searching, writing and reviewing articles,
guided paths, glossary, the new-member kit and the services catalogue.

Views read through the querysets' audience rules (`readable_by`, `visible_to`,
`audiences_for`), validate a form and call one function of kb/actions.py.
"""

from __future__ import annotations

import math
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, Sum
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopdesk.accounts.models import Role, User
from coopdesk.conflicts import Conflict
from coopdesk.converters import parse_id
from coopdesk.draft_responses import draft_kept, draft_refused
from coopdesk.forms import StepForm
from coopdesk.paging import page_number, paginate
from coopdesk.rendering import ARTICLE_MAX_CHARS
from coopdesk.steps import Step, step_view
from helpdesk import actions as helpdesk_actions
from helpdesk import health
from helpdesk.models import Category, Draft, DraftKind, Team
from kb import actions, search
from kb.forms import (
    ArticleForm,
    ChangesForm,
    CommentForm,
    DeflectionForm,
    FeedbackForm,
    GuideAnswerForm,
)
from kb.models import (
    Article,
    ArticleEvent,
    ArticleRevision,
    ArticleState,
    Audience,
    Deflection,
    DocKind,
    Feedback,
    Guide,
    GuideProgress,
    Kit,
    Term,
    Topic,
    audiences_for,
    is_any_reviewer,
    is_reviewer_for,
)
from kb.rendering import diff_blocks

SEARCH_PAGE = 10
LIST_PAGE = 20
NEW_MEMBER_DAYS = 120


def is_lead(user) -> bool:
    return user.is_authenticated and user.role in (Role.LEAD, Role.ADMIN)


# --- home, topics, search --------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    # One version of each article (the reader's language, else the original): counted and
    # listed once.
    readable = Article.objects.readable_by(user).one_version_each(get_language())
    topics = Topic.objects.annotate(n=Count("articles", filter=Q(articles__in=readable))).filter(
        n__gt=0
    )
    kit = Kit.new_member_kit() if user.is_authenticated else None
    is_new = user.is_authenticated and user.date_joined > timezone.now() - timedelta(
        days=NEW_MEMBER_DAYS
    )
    context = {
        "topics": topics,
        "guides": Guide.objects.readable_by(user),
        "recent": readable.order_by("-published_at")[:6],
        "kit": kit,
        "kit_items": kit.items_for(user) if kit and is_new and user.is_member else [],
        "to_review": is_any_reviewer(user),
        "is_lead": is_lead(user),
    }
    return render(request, "kb/home.html", context)


def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    articles = Article.objects.readable_by(request.user).filter(topic=topic).one_version_each(
        get_language()
    ).only("title", "slug", "summary", "language", "audience", "state")
    page = paginate(request, articles, LIST_PAGE)
    return render(request, "kb/topic_detail.html", {"topic": topic, "page": page})


KINDS = {"article": DocKind.ARTICLE, "guide": DocKind.GUIDE, "term": DocKind.TERM}


def search_view(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    kind = request.GET.get("kind", "")
    number = page_number(request)
    results, corrected = search.search_or_correct(
        q, audiences=audiences_for(request.user), kinds=[KINDS[kind]] if kind in KINDS else None,
        limit=SEARCH_PAGE, offset=(number - 1) * SEARCH_PAGE,
    ) if q else (search.Results(0, []), "")
    pages = math.ceil(results.total / SEARCH_PAGE)
    context = {
        "q": q, "corrected": corrected, "kind": kind, "results": results, "number": number,
        "pages": pages,
        "has_previous": number > 1, "has_next": number < pages,
        "first_index": (number - 1) * SEARCH_PAGE + 1,
        "kinds": [("", _("Everything")), ("article", _("Articles")),
                  ("guide", _("Guided paths")), ("term", _("Glossary"))],
    }
    return render(request, "kb/search.html", context)


# --- while a member writes a request ------------------------------------------------------------


@login_required
def suggestion_list(request: HttpRequest) -> HttpResponse:
    """Articles that may answer the request being typed (a fragment for the request form)."""
    text = request.GET.get("q", "")[:2000]
    audiences = audiences_for(request.user)
    category_id = parse_id(request.GET.get("category"))
    linked = []
    if category_id is not None:
        linked = list(
            Article.objects.readable_by(request.user)
            .filter(helpdesk_categories=category_id)
            .only("title", "slug", "summary", "state")[:3]
        )
    hits = search.suggest(text, audiences=audiences, limit=5) if len(text.strip()) >= 3 else []
    shown = {a.pk for a in linked}
    hits = [h for h in hits if not (h.kind == DocKind.ARTICLE and h.object_id in shown)]
    context = {"linked": linked, "hits": hits[: 5 - len(linked)], "q": text[:300],
               "category_id": category_id or ""}
    return render(request, "kb/partials/suggestions.html", context)


@login_required
@require_POST
def deflection_create(request: HttpRequest) -> HttpResponse:
    form = DeflectionForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("The form was incomplete. Reload the page."), status=400)
    article = get_object_or_404(
        Article.objects.readable_by(request.user), pk=form.cleaned_data["article"]
    )
    actions.record_deflection(
        by=request.user, article=article, query=form.cleaned_data["query"],
        category=form.cleaned_data["category"],
    )
    if request.headers.get("X-Requested-With") == "fetch":
        return render(request, "kb/partials/deflection_done.html", {"article": article})
    messages.success(request, _("Glad it helped! Your draft is kept if you need it later."))
    return redirect(article)


# --- one article ----------------------------------------------------------------------------


class NeedsLogin(Exception):
    """A members' article asked for without logging in: send them to the login page."""


def get_visible_article(request: HttpRequest, slug: str, *, for_page: bool = False) -> Article:
    """Readers get published articles of their audience; authors and reviewers also see
    texts in progress. Anyone else: 404, or the login page for members' articles.
    `for_page`: with what the article page asks of it (ArticleQuerySet.with_page_flags)."""
    related = ("topic", "author")  # each joined model's columns cost compile time, too
    user = request.user

    def flagged(articles):
        return articles.with_page_flags(user) if for_page else articles

    readable = Article.objects.readable_by(user).select_related(*related)
    found = list(flagged(readable).filter(slug=slug).order_by()[:1])
    if found:
        return found[0]
    if not user.is_authenticated:
        if Article.objects.published().filter(slug=slug, audience=Audience.MEMBERS).exists():
            raise NeedsLogin
        raise Http404
    visible = Article.objects.visible_to(user).select_related(*related)
    return get_object_or_404(flagged(visible), slug=slug)


def article_workflow(
    request: HttpRequest, article: Article, *, step: str = "", form: Form | None = None
) -> dict:
    """The review panel: timeline, comments and the buttons this person may press; `form`,
    the refused form of `step`, shown again with its errors."""
    user = request.user
    reviewer = is_reviewer_for(user, article)
    participant = reviewer or user.pk in (article.author_id, article.owner_id)
    if not participant:
        return {}
    names = {t.name for t in article.get_available_user_state_transitions(user)}
    return {
        "events": ArticleEvent.objects.filter(article=article).select_related("actor"),
        "steps": names,
        "can_confirm": article.is_published
        and (user.is_support_staff or article.owner_id == user.pk),
        "comment_form": CommentForm(),
        "step_form": StepForm(initial={"version": article.version}),
        "changes_form": form if step == "request_changes"
        else ChangesForm(initial={"version": article.version}),
        "refused_step_form": form if step != "request_changes" else None,
        "is_reviewer": reviewer,
    }


def article_context(
    request: HttpRequest, article: Article, *, step: str = "", form: Form | None = None
) -> dict:
    """The article page; `article` read with `for_page=True`."""
    user = request.user
    audiences = audiences_for(user)
    translated = article.translation_of_id is not None or article.has_translations
    context = {
        "article": article,
        "tags": article.tags.all() if article.has_tags else [],
        "translations": [
            other for other in article.other_languages()
            if other.is_published and other.audience in audiences
        ] if translated else [],
        "categories": article.helpdesk_categories.filter(is_active=True).select_related("team")
        if article.has_categories else [],
        "can_edit": article.can_be_edited_by(user),
        "feedback_form": FeedbackForm(initial=FeedbackForm.initial_for(article)),
    }
    if user.is_authenticated:
        if not article.is_published or user.is_support_staff or article.owner_id == user.pk:
            context.update(article_workflow(request, article, step=step, form=form))
    return context


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        article = get_visible_article(request, slug, for_page=True)
    except NeedsLogin:
        return redirect_to_login(request.get_full_path())
    return render(request, "kb/article_detail.html", article_context(request, article))


# --- the editor keeps what is typed (title and text) as a draft -------------------------------


def article_draft_key(article: Article | None) -> str:
    return f"article-{article.pk}" if article else "article-new"


def restore_draft(request: HttpRequest, form: ArticleForm, article: Article | None) -> Draft | None:
    """Put back the title and text this person was typing in this editor (one query)."""
    draft = Draft.objects.filter(owner=request.user, key=article_draft_key(article)).first()
    if draft is not None:
        form.initial.update(title=draft.subject, body=draft.body)
    return draft


@login_required
@require_POST
def article_draft_save(request: HttpRequest, slug: str = "") -> JsonResponse:
    """Called while an article's title or text is typed, and when the page is left: the
    same draft as requests' boxes (helpdesk.Draft), only ever read back for its owner."""
    article = None
    if slug:
        article = get_object_or_404(Article.objects.visible_to(request.user), slug=slug)
        if not article.can_be_edited_by(request.user):
            raise Http404
    title, body = request.POST.get("title", ""), request.POST.get("body", "")
    if len(title) > 200 or len(body) > ARTICLE_MAX_CHARS:
        return draft_refused()
    draft = helpdesk_actions.keep_text(
        owner=request.user, key=article_draft_key(article), kind=DraftKind.ARTICLE,
        subject=title, body=body,
    )
    return draft_kept(draft)


@login_required
def article_create(request: HttpRequest) -> HttpResponse:
    """Propose a tutorial (members) or write an article (staff)."""
    draft = None
    if request.method == "POST":
        form = ArticleForm(request.POST, user=request.user)
        if form.is_valid():
            article = actions.create_article(by=request.user, **form.changes())
            helpdesk_actions.forget_text(owner=request.user, key=article_draft_key(None))
            if request.POST.get("then") == "submit":
                actions.submit_article(article, by=request.user)
                messages.success(request, _("Thank you! Your text was sent for review."))
            else:
                messages.success(request, _("Draft saved. Send it for review when it is ready."))
            return redirect(article)
        status = 400
    else:
        initial = {"topic": request.GET.get("topic")}
        form, status = ArticleForm(user=request.user, initial=initial), 200
        draft = restore_draft(request, form, None)
    context = {"form": form, "draft": draft, "draft_url": reverse("kb:article-draft-new")}
    return render(request, "kb/article_form.html", context, status=status)


@login_required
def article_edit(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.visible_to(request.user), slug=slug)
    if not article.can_be_edited_by(request.user):
        raise PermissionDenied
    status, draft = 200, None
    if request.method == "POST":
        form = ArticleForm(request.POST, user=request.user, article=article)
        if form.is_valid():
            try:
                actions.update_article(
                    article, by=request.user, expected_version=form.cleaned_data["version"],
                    note=form.cleaned_data.get("note", ""), **form.changes(),
                )
            except Conflict as conflict:  # keep what they typed, say why
                form.add_error(None, conflict.message)
                status = 409
            else:
                helpdesk_actions.forget_text(owner=request.user, key=article_draft_key(article))
                messages.success(request, _("Changes saved."))
                return redirect(article)
        else:
            status = 400
    else:
        form = ArticleForm(initial=ArticleForm.initial_for(article), user=request.user,
                           article=article)
        draft = restore_draft(request, form, article)
    context = {"form": form, "article": article, "draft": draft,
               "draft_url": reverse("kb:article-draft", args=[article.slug])}
    return render(request, "kb/article_form.html", context, status=status)


STEPS = {
    "submit": Step(actions.submit_article, gettext_lazy(
        "Sent for review. You will be told when a reviewer answers.")),
    "request_changes": Step(actions.request_changes, gettext_lazy(
        "The author has been asked for changes."), ChangesForm),
    "publish": Step(actions.publish_article, gettext_lazy("Published.")),
    "archive": Step(actions.archive_article, gettext_lazy("Archived: readers no longer see it.")),
    "confirm": Step(actions.confirm_article_current, gettext_lazy(
        "Thank you: checked, next check in a year.")),
}


def get_article_for_step(user: User, slug: str) -> Article:
    return get_object_or_404(Article.objects.visible_to(user), slug=slug)


def article_step_refused(request: HttpRequest, article: Article, step: str, form: Form
                         ) -> HttpResponse:
    """The article page again, the refused form with what was typed and its errors."""
    article = get_visible_article(request, article.slug, for_page=True)
    context = article_context(request, article, step=step, form=form)
    return render(request, "kb/article_detail.html", context, status=400)


article_step = step_view(STEPS, get_article_for_step, refused=article_step_refused)


@login_required
@require_POST
def article_comment(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.visible_to(request.user), slug=slug)
    form = CommentForm(request.POST)
    if not form.is_valid():
        context = {"article": article, "comment_form": form}
        return render(request, "kb/article_comment.html", context, status=400)
    actions.comment_on_article(article, by=request.user, body=form.cleaned_data["body"])
    messages.success(request, _("Comment sent."))
    return redirect(article)


@login_required
@require_POST
def article_feedback(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.readable_by(request.user), slug=slug)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        # The article again, its answer box showing what is missing: not a bare form.
        article = get_visible_article(request, slug, for_page=True)
        context = article_context(request, article)
        context["feedback_form"] = form
        return render(request, "kb/article_detail.html", context, status=400)
    actions.give_feedback(
        article, by=request.user, helpful=form.cleaned_data["helpful"],
        comment=form.cleaned_data["comment"],
    )
    messages.success(request, _("Thank you! The person who keeps this article up to date "
                                "will read your opinion."))
    return redirect(f"{article.get_absolute_url()}#feedback")


def article_history(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        article = get_visible_article(request, slug)
    except NeedsLogin:
        return redirect_to_login(request.get_full_path())
    revisions = article.revisions.readable_by(request.user).select_related("created_by").only(
        "number", "note", "created_at", "created_by__first_name", "created_by__last_name",
        "article_id",
    )
    return render(request, "kb/article_history.html",
                  {"article": article, "revisions": revisions})


def revision_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    try:
        article = get_visible_article(request, slug)
    except NeedsLogin:
        return redirect_to_login(request.get_full_path())
    # Compared with the last earlier text this reader may read: a staff-only text before it
    # is skipped, not shown as a diff.
    pair = list(
        ArticleRevision.objects.filter(article=article, number__lte=number)
        .readable_by(request.user).select_related("created_by").order_by("-number")[:2]
    )
    if not pair or pair[0].number != number:
        raise Http404
    revision, previous = pair[0], (pair[1] if len(pair) == 2 else None)
    context = {
        "article": article, "revision": revision, "previous": previous,
        "title_changed": previous and previous.title != revision.title,
        "summary_blocks": diff_blocks(previous.summary if previous else "", revision.summary),
        "blocks": diff_blocks(previous.body if previous else "", revision.body),
    }
    return render(request, "kb/revision_detail.html", context)


# --- my articles, reviews, statistics ------------------------------------------------------------


@login_required
def article_mine(request: HttpRequest) -> HttpResponse:
    """What I wrote, and what I keep up to date: checks due and readers' opinions."""
    user = request.user
    written = Article.objects.filter(author=user).select_related("topic").order_by("-updated_at")
    owned = Article.objects.filter(owner=user, state=ArticleState.PUBLISHED).order_by(
        "review_by"
    )
    feedback = (
        Feedback.objects.filter(article__owner=user).select_related("article", "user")
        .order_by("-updated_at")[:20]
    )
    context = {"written": written, "owned": owned, "feedback": feedback,
               "today": timezone.localdate()}
    return render(request, "kb/article_mine.html", context)


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    if not is_any_reviewer(request.user):
        raise Http404
    waiting = Article.objects.visible_to(request.user).filter(
        state__in=[ArticleState.REVIEW, ArticleState.CHANGES]
    ).exclude(author=request.user).select_related("author", "topic").order_by("updated_at")
    stale = (
        Article.objects.stale().select_related("owner").order_by("review_by")[:50]
        if request.user.is_support_staff else []
    )
    return render(request, "kb/review_list.html", {"waiting": waiting, "stale": stale})


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    """For team leads: requests the articles avoided, and what readers think."""
    if not is_lead(request.user):
        raise Http404
    since = timezone.now() - timedelta(days=30)
    deflections = Deflection.objects.aggregate(
        total=Count("pk"), recent=Count("pk", filter=Q(created_at__gte=since))
    )
    by_team = (
        Deflection.objects.filter(category__isnull=False)
        .values("category__team__name").annotate(n=Count("pk")).order_by("-n")
    )
    top = Article.objects.annotate(n=Count("deflections")).filter(n__gt=0).order_by("-n")[:10]
    opinions = Article.objects.aggregate(yes=Sum("helpful_yes"), no=Sum("helpful_no"))
    unhelpful = Article.objects.published().filter(helpful_no__gt=0).order_by("-helpful_no")[:10]
    context = {"deflections": deflections, "by_team": by_team, "top": top,
               "opinions": opinions, "unhelpful": unhelpful,
               "stale_count": Article.objects.stale().count()}
    return render(request, "kb/stats.html", context)


# --- guided paths --------------------------------------------------------------------------------


def guide_list(request: HttpRequest) -> HttpResponse:
    guides = Guide.objects.readable_by(request.user)
    return render(request, "kb/guide_list.html", {"guides": guides})


def _guide(request: HttpRequest, slug: str) -> Guide:
    return get_object_or_404(Guide.objects.readable_by(request.user), slug=slug)


def _session_key(guide: Guide) -> str:
    return f"kb-guide-{guide.pk}"


def load_choices(request: HttpRequest, guide: Guide) -> list[int]:
    if request.user.is_authenticated:
        progress = GuideProgress.objects.filter(user=request.user, guide=guide).first()
        return list(progress.choices) if progress else []
    return list(request.session.get(_session_key(guide), []))


def store_choices(request: HttpRequest, guide: Guide, choices: list[int]) -> None:
    if request.user.is_authenticated:
        actions.save_guide_progress(user=request.user, guide=guide, choices=choices)
    else:
        request.session[_session_key(guide)] = choices


def guide_detail(request: HttpRequest, slug: str) -> HttpResponse:
    guide = _guide(request, slug)
    if guide.start_id is None:
        raise Http404
    steps, node = guide.walk(load_choices(request, guide))
    article = None
    if node.article_id:
        article = Article.objects.readable_by(request.user).filter(pk=node.article_id).first()
    context = {
        "guide": guide, "steps": steps, "node": node, "article": article,
        "resumed": bool(steps) and request.GET.get("from") != "answer",
        "request_url": request_url(guide, steps, node) if node.kind == "request" else "",
    }
    return render(request, "kb/guide_detail.html", context)


def request_url(guide: Guide, steps: list, node) -> str:
    """The new-request form, its category chosen and what the member answered on the way
    written in, so that she need not type it again: the first answer (what her trouble is)
    as the subject, the questions and her answers as the start of the message."""
    query = {"category": node.category_id}
    if steps:
        query["subject"] = steps[0][1].label
        answers = "\n".join(f"- {question.text} {choice.label}" for question, choice in steps)
        query["body"] = _("My answers in the guided path “%(guide)s”:") % {
            "guide": guide.title
        } + f"\n{answers}\n\n"
    return f"{reverse('helpdesk:ticket-create')}?{urlencode(query)}"


@require_POST
def guide_answer(request: HttpRequest, slug: str) -> HttpResponse:
    """Answer the question at step `at`; answering an earlier question again (after the
    browser's back button) takes the path from there."""
    guide = _guide(request, slug)
    form = GuideAnswerForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose an answer."), status=400)
    choices = load_choices(request, guide)
    steps, node = guide.walk(choices)
    visited = [s[0] for s in steps] + [node]
    at = next((i for i, n in enumerate(visited) if n.pk == form.cleaned_data["at"]), None)
    if at is None:
        raise Conflict(_("This guided path has changed. Start it again from the beginning."))
    question = visited[at]
    choice = next((c for c in question.choices.all() if c.pk == form.cleaned_data["choice"]),
                  None)
    if choice is None:
        raise Conflict(_("This answer is no longer offered. Choose another one."))
    store_choices(request, guide, [s[1].pk for s in steps[:at]] + [choice.pk])
    return redirect(f"{guide.get_absolute_url()}?from=answer")


@require_POST
def guide_back(request: HttpRequest, slug: str) -> HttpResponse:
    guide = _guide(request, slug)
    steps, _node = guide.walk(load_choices(request, guide))
    store_choices(request, guide, [s[1].pk for s in steps[:-1]])
    return redirect(f"{guide.get_absolute_url()}?from=answer")


@require_POST
def guide_restart(request: HttpRequest, slug: str) -> HttpResponse:
    guide = _guide(request, slug)
    store_choices(request, guide, [])
    return redirect(f"{guide.get_absolute_url()}?from=answer")


# --- glossary, kit, services -----------------------------------------------------------------


def term_list(request: HttpRequest) -> HttpResponse:
    terms = list(Term.objects.only("term", "slug", "definition", "synonyms"))
    letters: dict[str, list[Term]] = {}
    for term in terms:
        letters.setdefault(term.letter, []).append(term)
    alphabet = [(c, c in letters) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
    return render(request, "kb/term_list.html", {"letters": letters, "alphabet": alphabet})


def term_detail(request: HttpRequest, slug: str) -> HttpResponse:
    term = get_object_or_404(Term, slug=slug)
    article = None
    if term.article_id:
        article = Article.objects.readable_by(request.user).filter(pk=term.article_id).first()
    return render(request, "kb/term_detail.html", {"term": term, "article": article})


@login_required
def kit_detail(request: HttpRequest, slug: str) -> HttpResponse:
    kit = get_object_or_404(Kit, slug=slug)
    return render(request, "kb/kit_detail.html", {"kit": kit, "items": kit.items_for(request.user)})


@login_required
def service_list(request: HttpRequest) -> HttpResponse:
    """The organisation chart members asked for, built from the helpdesk's own data."""
    # The state is part of every load: django-fsm reads it when an article is made.
    articles = Article.objects.readable_by(request.user).only("title", "slug", "state")
    categories = Category.objects.filter(is_active=True).prefetch_related(
        Prefetch("articles", queryset=articles)
    )
    teams = list(Team.objects.select_related("lead").prefetch_related(
        Prefetch("categories", queryset=categories), "opening_ranges"
    ))
    # The promise members can check: each team's real median first response (90 days).
    medians = health.median_first_response()
    for team in teams:
        team.median_first_response = medians.get(team.pk)
    return render(request, "kb/service_list.html", {"teams": teams})
