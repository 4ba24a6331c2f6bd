"""Articles and members' tutorials: audiences, topics, expert reviewers, the review
workflow (transitions called only from kb/actions.py), revisions, the timeline,
readers' feedback and the requests they avoided."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, Q, TextField
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from coopdesk.accounts.models import Role, User
from coopdesk.models import TimelineEvent, timeline_fields
from journeys.models.rules import Stage

REVIEW_EVERY = timedelta(days=365)


class AuthorShownAs(models.TextChoices):
    """How a member who writes a tutorial is named to its readers, who may be anyone."""

    FIRST_NAME = "first_name", _("My first name")
    FULL_NAME = "full_name", _("My first and last name")
    MEMBER = "member", _("“A member”, without my name")


class Audience(models.TextChoices):
    PUBLIC = "public", _("Everyone, even without an account")
    MEMBERS = "members", _("Members of the cooperative")
    STAFF = "staff", _("Cooperative staff only")


def sees_staff_content(user: User) -> bool:
    """Advisors are cooperative staff too: internal procedures are for them as well."""
    return bool(
        user.is_authenticated and user.is_active and (user.is_support_staff or user.is_advisor)
    )


def audiences_for(user: User) -> list[str]:
    """The audiences a person may read: the one rule for pages, search and suggestions."""
    if not user.is_authenticated or not user.is_active:
        return [Audience.PUBLIC]
    if sees_staff_content(user):
        return [Audience.PUBLIC, Audience.MEMBERS, Audience.STAFF]
    return [Audience.PUBLIC, Audience.MEMBERS]


class Language(models.TextChoices):
    FR = "fr", "Français"
    EN = "en", "English"


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("short name"), unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("editor (reviews proposals)"), null=True,
        blank=True, on_delete=models.SET_NULL, related_name="kb_topics",
        limit_choices_to={"role__in": [Role.AGENT, Role.LEAD, Role.ADMIN]},
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("kb:topic-detail", args=[self.slug])


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("short name"), unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class ExpertQuerySet(models.QuerySet):
    def active(self, on=None) -> ExpertQuerySet:
        day = on or timezone.localdate()
        return self.filter(user__is_active=True).filter(Q(until__isnull=True) | Q(until__gte=day))


class Expert(models.Model):
    """A member designated to review tutorials, for some topics or all, for a mandate."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE,
        related_name="kb_expert",
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, help_text=_("Empty: every topic.")
    )
    mandate = models.CharField(_("mandate"), max_length=200, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)

    objects = ExpertQuerySet.as_manager()

    class Meta:
        verbose_name = _("expert member")
        verbose_name_plural = _("expert members")

    def __str__(self) -> str:
        return str(self.user)


def is_reviewer_for(user: User, article: Article) -> bool:
    """Staff review everything; an expert member reviews their topics, never their own text,
    and only texts whose audience she may read (a staff-only procedure is not hers)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_support_staff:
        return True
    if article.author_id == user.pk or article.audience not in audiences_for(user):
        return False
    experts = Expert.objects.active().filter(user=user)
    return experts.filter(Q(topics=None) | Q(topics=article.topic_id)).exists()


def is_any_reviewer(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_support_staff or Expert.objects.active().filter(user=user).exists()


# --- articles --------------------------------------------------------------------------------


class ArticleState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    CHANGES = "changes", _("Changes requested")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


def is_author(article: Article, user: User) -> bool:
    return article.author_id == user.pk


def can_review(article: Article, user: User) -> bool:
    return is_reviewer_for(user, article)


def can_publish(article: Article, user: User) -> bool:
    """Staff publish any text; an expert member publishes only what was sent for review."""
    if user.is_support_staff:
        return True
    return article.state == ArticleState.REVIEW and is_reviewer_for(user, article)


def is_support_staff(article: Article, user: User) -> bool:
    return user.is_support_staff


class ArticleQuerySet(models.QuerySet):
    def published(self) -> ArticleQuerySet:
        return self.filter(state=ArticleState.PUBLISHED)

    def readable_by(self, user: User) -> ArticleQuerySet:
        """Published articles whose audience includes this person."""
        return self.published().filter(audience__in=audiences_for(user))

    def visible_to(self, user: User) -> ArticleQuerySet:
        """What a person may open: readable articles, their own texts, and, for reviewers,
        what is in review. Other people's drafts stay private."""
        readable = Q(state=ArticleState.PUBLISHED, audience__in=audiences_for(user))
        if not user.is_authenticated or not user.is_active:
            return self.filter(readable)
        mine = Q(author=user) | Q(owner=user)
        if user.is_support_staff:
            return self.filter(readable | mine | ~Q(state=ArticleState.DRAFT))
        expert = Expert.objects.active().filter(user=user).first()
        if expert is not None:
            in_review = Q(
                state__in=[ArticleState.REVIEW, ArticleState.CHANGES],
                audience__in=audiences_for(user),
            )
            topics = list(expert.topics.values_list("pk", flat=True))
            if topics:
                in_review &= Q(topic__in=topics)
            return self.filter(readable | mine | in_review)
        return self.filter(readable | mine)

    def with_page_flags(self, user: User) -> ArticleQuerySet:
        """For the article page, in the article's own query: whether it has tags, active
        request categories and translations (most articles lack one list or another, and
        each list shown costs a query of its own: on PostgreSQL a round trip), and the
        reader's own answer to "was this helpful?" (`my_helpful`, None when none, and
        `my_feedback_comment`), which the feedback form offers back.

        Written as SQL subqueries rather than Exists()/Subquery(): building and compiling
        those four querysets costs more Python than the rest of the page's query (README,
        "Performance decisions"). Plain SQL that both databases read alike; only for a
        top-level queryset, whose table keeps its own name."""
        article = self.model._meta.db_table
        tags = self.model.tags.through._meta.db_table
        links = self.model.helpdesk_categories.through._meta.db_table
        categories = self.model.helpdesk_categories.field.related_model._meta.db_table

        def exists(sql: str) -> RawSQL:
            return RawSQL(f"EXISTS ({sql})", [], output_field=BooleanField())

        flags = {
            "has_tags": exists(f"SELECT 1 FROM {tags} t WHERE t.article_id = {article}.id"),
            "has_categories": exists(
                f"SELECT 1 FROM {links} l JOIN {categories} c ON c.id = l.category_id"
                f" WHERE l.article_id = {article}.id AND c.is_active"
            ),
            "has_translations": exists(
                f"SELECT 1 FROM {article} t WHERE t.translation_of_id = {article}.id"
            ),
        }
        if user.is_authenticated:
            flags["my_helpful"] = RawSQL(
                f"SELECT f.helpful FROM {Feedback._meta.db_table} f"
                f" WHERE f.article_id = {article}.id AND f.user_id = %s",
                [user.pk], output_field=BooleanField(),
            )
            flags["my_feedback_comment"] = RawSQL(
                f"SELECT f.comment FROM {Feedback._meta.db_table} f"
                f" WHERE f.article_id = {article}.id AND f.user_id = %s",
                [user.pk], output_field=TextField(),
            )
        return self.annotate(**flags)

    def one_version_each(self, language: str) -> ArticleQuerySet:
        """One language version of each article of this list, for a reader of `language`:
        theirs when the list holds it, else the original (a translation pair shows once).
        A translation whose original the list lacks stands for it, unless the reader's
        version is there."""
        language = language[:2]  # "en-gb" reads "en"
        translated = self.filter(language=language, translation_of__isnull=False).values(
            "translation_of"
        )
        return self.filter(
            Q(language=language)
            | Q(translation_of__isnull=True) & ~Q(pk__in=translated)
            | Q(translation_of__isnull=False)
            & ~Q(translation_of__in=self.values("pk"))
            & ~Q(translation_of__in=translated)
        )

    def for_stage(self, stage: str) -> ArticleQuerySet:
        return self.filter(stages__stage=stage)

    def to_read_at_stage(self, user: User, stage: str, language: str) -> list[Article]:
        """What "My path" offers to read at a stage: the articles tagged for it that this
        person may read, each in the reader's language when a translation is tagged too."""
        return list(
            self.readable_by(user).for_stage(stage).one_version_each(language)
            .only("title", "slug", "summary", "language", "translation_of").order_by("title")
        )

    def stale(self, on=None) -> ArticleQuerySet:
        return self.published().filter(review_by__lte=on or timezone.localdate())


class Article(ConcurrentTransitionMixin, models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=220, unique=True)
    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two sentences shown in lists.")
    )
    body = models.TextField(_("text"), help_text=_("Markdown: **bold**, lists with -, ## titles."))
    body_html = models.TextField(editable=False, default="")
    body_text = models.TextField(editable=False, default="")
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="articles",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="articles")
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.FR
    )
    translation_of = models.ForeignKey(
        "self", verbose_name=_("translation of"), null=True, blank=True, db_index=False,
        on_delete=models.SET_NULL, related_name="translations",
        help_text=_("The original article this one translates."),
    )
    audience = models.CharField(
        _("who can read it"), max_length=10, choices=Audience.choices, default=Audience.MEMBERS
    )
    helpdesk_categories = models.ManyToManyField(
        "helpdesk.Category", verbose_name=_("request categories"), blank=True,
        related_name="articles",
        help_text=_("Shown to members who open a request in these categories."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT,
        related_name="kb_authored",
    )
    author_shown_as = models.CharField(
        _("show the author as"), max_length=10, choices=AuthorShownAs.choices,
        default=AuthorShownAs.FIRST_NAME,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("kept up to date by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="kb_owned",
    )
    review_by = models.DateField(_("check again by"), null=True, blank=True)
    stale_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    state = FSMField(
        _("status"), default=ArticleState.DRAFT, choices=ArticleState.choices, protected=True
    )
    version = models.PositiveIntegerField(default=1)
    helpful_yes = models.PositiveIntegerField(default=0, editable=False)
    helpful_no = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("last change"), default=timezone.now)
    first_published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    published_at = models.DateTimeField(_("last published"), null=True, blank=True)

    objects = ArticleQuerySet.as_manager()

    # coopdesk.lifecycle: how a step refuses.
    stale_message = _(
        "This article was changed by someone else while you were on the page "
        "(it is now “%(state)s”). Nothing was saved: reload the page and try again."
    )
    refused_message = _("This step is not possible while the article is “%(state)s”.")

    class Meta:
        ordering = ["title"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["state", "audience"], name="article_readable"),
            models.Index(fields=["topic", "state"], name="article_topic"),
            models.Index(fields=["state", "review_by"], name="article_review_by"),
            models.Index(fields=["author", "state"], name="article_author"),
            # Partial: almost every article has no translation, and a full index's
            # statistics (all NULL) make the planner scan the table instead.
            models.Index(fields=["translation_of"], name="article_translation_of",
                         condition=Q(translation_of__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, update_fields=None, **kwargs) -> None:
        from kb.rendering import render_article

        if not self.slug:
            self.slug = unique_slug(Article, self.title)
        # A step saves only the columns it changed: the body (with the whole glossary) is
        # rendered when it is saved.
        if update_fields is None or "body" in update_fields:
            rendered = render_article(self.body)
            self.body_html, self.body_text = rendered.html, rendered.text
            if update_fields is not None:
                update_fields = {*update_fields, "body_html", "body_text"}
        super().save(*args, update_fields=update_fields, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("kb:article-detail", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.state == ArticleState.PUBLISHED

    @property
    def is_stale(self) -> bool:
        return self.is_published and bool(self.review_by) and self.review_by <= timezone.localdate()

    @property
    def by_member(self) -> bool:
        return self.author.role == Role.MEMBER

    @property
    def author_name(self) -> str:
        return self.shown_name(self.author)

    def shown_name(self, person: User | None) -> str:
        """How someone who wrote or changed this article is named to its readers: staff by
        their full name; the member who wrote it as they chose; another member (an expert's
        edit) by first name, the most private name that still says someone."""
        if person is None:
            return ""
        if person.role != Role.MEMBER:
            return person.get_full_name()
        choice = self.author_shown_as if person.pk == self.author_id else AuthorShownAs.FIRST_NAME
        if choice == AuthorShownAs.FULL_NAME:
            return person.get_full_name()
        if choice == AuthorShownAs.FIRST_NAME and person.first_name:
            return person.first_name
        return str(_("a member"))

    @property
    def translation_root_id(self) -> int:
        return self.translation_of_id or self.pk

    def other_languages(self) -> list[Article]:
        """The other language versions: the original and every translation of it."""
        root = self.translation_root_id
        others = Article.objects.filter(Q(pk=root) | Q(translation_of=root)).exclude(pk=self.pk)
        return list(others.only("title", "slug", "language", "state", "audience"))

    def can_be_edited_by(self, user: User) -> bool:
        if not user.is_authenticated:
            return False
        if self.author_id == user.pk and self.state in (ArticleState.DRAFT, ArticleState.CHANGES):
            return True
        if user.is_support_staff:
            return True
        return self.owner_id == user.pk and self.state == ArticleState.PUBLISHED

    # --- transitions: pure; they check, set fields, and return. actions.py saves. ---

    @transition(
        field=state, source=[ArticleState.DRAFT, ArticleState.CHANGES],
        target=ArticleState.REVIEW, permission=is_author,
    )
    def submit(self) -> None:
        pass

    @transition(
        field=state, source=ArticleState.REVIEW, target=ArticleState.CHANGES,
        permission=can_review,
    )
    def request_changes(self) -> None:
        pass

    @transition(
        field=state,
        source=[ArticleState.DRAFT, ArticleState.REVIEW, ArticleState.CHANGES,
                ArticleState.ARCHIVED],
        target=ArticleState.PUBLISHED, permission=can_publish,
    )
    def publish(self, *, by: User) -> None:
        now = timezone.now()
        self.first_published_at = self.first_published_at or now
        self.published_at = now
        # Staff who publish keep the text up to date; an expert member only reviewed it, and
        # owning it would let her change its text and audience later without any review.
        if self.owner_id is None and by.is_support_staff:
            self.owner_id = by.pk
        if not self.review_by or self.review_by <= timezone.localdate():
            self.review_by = (now + REVIEW_EVERY).date()
        self.stale_notified_at = None

    @transition(
        field=state, source=ArticleState.PUBLISHED, target=ArticleState.ARCHIVED,
        permission=is_support_staff,
    )
    def archive(self) -> None:
        pass


class ArticleStage(models.Model):
    """A stage of the onboarding path where the article helps: "My path" lists the articles
    of the member's current stage. The keys are the journey's own states."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(_("journey stage"), max_length=30, choices=Stage.choices)

    class Meta:
        verbose_name = _("journey stage")
        verbose_name_plural = _("journey stages")
        constraints = [
            models.UniqueConstraint(fields=["article", "stage"], name="article_stage_once")
        ]
        indexes = [models.Index(fields=["stage"], name="article_stage")]

    def __str__(self) -> str:
        return self.get_stage_display()


class ArticleRevisionQuerySet(models.QuerySet):
    def readable_by(self, user: User) -> ArticleRevisionQuerySet:
        """The revisions written for an audience this person may read (whoever may open the
        article itself: the views check that first)."""
        return self.filter(audience__in=audiences_for(user))


class ArticleRevision(models.Model):
    """The text as it was at one publication: readers can see what changed."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300)
    body = models.TextField()
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    # Kept as a fact, worded when read in the reader's language (templates/kb/article_history.html).
    from_settings = models.BooleanField(_("changed in the settings screens"), default=False)
    # Who the text was written for: an article widened from staff to members keeps its
    # staff-only past from members.
    audience = models.CharField(_("who could read it"), max_length=10, choices=Audience.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ArticleRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="revision_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("kb:revision-detail", args=[self.article.slug, self.number])


class ArticleEventKind(models.TextChoices):
    CREATED = "created", _("Draft started")
    EDITED = "edited", _("Text changed")
    SUBMITTED = "submitted", _("Sent for review")
    COMMENTED = "commented", _("Comment")
    CHANGES = "changes", _("Changes requested")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")
    REVIEWED = "reviewed", _("Checked, still accurate")
    STALE = "stale", _("Check due")
    FEEDBACK = "feedback", _("Reader feedback")


# Events readers never see: the review conversation and the owner's reminders.
class ArticleEvent(TimelineEvent):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    kind, from_state, to_state = timeline_fields(ArticleEventKind, ArticleState)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("article event")
        verbose_name_plural = _("article events")


    def recipient_ids(self) -> set[int]:
        """Who hears of it: reviewers of a proposal, the author of a review, the owner of
        feedback and reminders. Never the person who did it."""
        article = self.article
        people: set[int] = set()
        kind = self.kind
        if kind == ArticleEventKind.SUBMITTED:
            people |= reviewer_ids(article)
        elif kind == ArticleEventKind.COMMENTED:
            people |= {article.author_id, article.owner_id}
            people |= set(
                article.events.filter(
                    kind__in=[ArticleEventKind.COMMENTED, ArticleEventKind.CHANGES]
                ).values_list("actor_id", flat=True)
            )
            if article.state == ArticleState.REVIEW:
                people |= reviewer_ids(article)
        elif kind in (ArticleEventKind.CHANGES, ArticleEventKind.PUBLISHED,
                      ArticleEventKind.ARCHIVED):
            people |= {article.author_id, article.owner_id}
        elif kind in (ArticleEventKind.FEEDBACK, ArticleEventKind.STALE):
            owner = article.owner_id or (article.topic.editor_id if article.topic else None)
            people.add(owner)
        people.discard(None)
        people.discard(self.actor_id)
        return people


def reviewer_ids(article: Article) -> set[int]:
    """Who is asked to review: the topic's editor and its expert members (never the author)."""
    people: set[int] = set()
    if article.topic_id and article.topic.editor_id:
        people.add(article.topic.editor_id)
    experts = Expert.objects.active().filter(Q(topics=None) | Q(topics=article.topic_id))
    if article.audience == Audience.STAFF:  # is_reviewer_for: members never review these
        experts = experts.filter(user__role__in=[Role.AGENT, Role.LEAD, Role.ADMIN, Role.ADVISOR])
    people |= set(experts.values_list("user_id", flat=True))
    if not people:
        people |= set(
            User.objects.filter(role__in=[Role.LEAD, Role.ADMIN], is_active=True)
            .values_list("pk", flat=True)
        )
    people.discard(article.author_id)
    return people


class Feedback(models.Model):
    """“Was this helpful?”: one opinion per person and article, which they may change."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kb_feedback"
    )
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="feedback_once")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {'+' if self.helpful else '-'}"


class Deflection(models.Model):
    """A member found the answer in an article while writing a request, and did not send it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kb_deflections"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="deflections")
    category = models.ForeignKey(
        "helpdesk.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    query = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("request avoided")
        verbose_name_plural = _("requests avoided")

    def __str__(self) -> str:
        return f"{self.article_id} {self.created_at:%Y-%m-%d}"


def unique_slug(model: type[models.Model], text: str) -> str:
    base = slugify(text)[:200] or "fiche"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
