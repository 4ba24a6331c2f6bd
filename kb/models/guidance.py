"""Guidance around the articles: the glossary, guided paths (questions and choices,
authored in the admin) with each person's progress, and kits such as the new-member kit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopdesk.accounts.models import User
from coopdesk.rendering import render_markdown
from kb.models.articles import Article, Audience, audiences_for, unique_slug

# --- glossary ----------------------------------------------------------------------------------


class Term(models.Model):
    term = models.CharField(_("term"), max_length=100, unique=True)
    slug = models.SlugField(_("short name"), max_length=120, unique=True)
    definition = models.TextField(
        _("definition"), help_text=_("Plain words, two or three sentences.")
    )
    synonyms = models.CharField(
        _("synonyms"), max_length=300, blank=True,
        help_text=_("Other words for it, separated by commas; they are linked too."),
    )
    article = models.ForeignKey(
        Article, verbose_name=_("to learn more"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        ordering = ["slug"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary")

    def __str__(self) -> str:
        return self.term

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_slug(Term, self.term)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("kb:term-detail", args=[self.slug])

    @property
    def letter(self) -> str:
        return (self.slug[:1] or "#").upper()

    def variants(self) -> list[str]:
        return [self.term] + self.synonym_list()

    def synonym_list(self) -> list[str]:
        return [s.strip() for s in self.synonyms.split(",") if s.strip()]


# --- guided paths ------------------------------------------------------------------------------


class GuideQuerySet(models.QuerySet):
    def readable_by(self, user: User) -> GuideQuerySet:
        return self.filter(is_published=True, audience__in=audiences_for(user))


class Guide(models.Model):
    """A path of questions (“a book where you are the hero”) leading to the right answer."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=220, unique=True)
    intro = models.TextField(_("introduction"), blank=True)
    audience = models.CharField(
        _("who can use it"), max_length=10, choices=Audience.choices, default=Audience.MEMBERS
    )
    start = models.ForeignKey(
        "GuideNode", verbose_name=_("first question"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    is_published = models.BooleanField(_("published"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)

    objects = GuideQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("guided path")
        verbose_name_plural = _("guided paths")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("kb:guide-detail", args=[self.slug])

    def walk(self, choice_ids: list[int]) -> tuple[list[tuple[GuideNode, GuideChoice]], GuideNode]:
        """Follow the chosen answers from the start; stop at the first one that no longer
        fits (the guide was edited meanwhile). Returns the answered steps and the current node.
        """
        nodes = {n.pk: n for n in self.nodes.prefetch_related("choices").select_related(
            "article", "category__team__lead")}
        current = nodes.get(self.start_id)
        steps: list[tuple[GuideNode, GuideChoice]] = []
        for choice_id in choice_ids:
            choice = next((c for c in current.choices.all() if c.pk == choice_id), None)
            if choice is None or choice.target_id not in nodes:
                break
            steps.append((current, choice))
            current = nodes[choice.target_id]
        return steps, current


class NodeKind(models.TextChoices):
    QUESTION = "question", _("Question with choices")
    ARTICLE = "article", _("Answer: an article")
    REQUEST = "request", _("Answer: open a request")
    MESSAGE = "message", _("Answer: a short text")


class GuideNode(models.Model):
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="nodes")
    kind = models.CharField(_("kind"), max_length=10, choices=NodeKind.choices)
    text = models.TextField(
        _("question or answer"),
        help_text=_("The question, or what to tell the member at this answer (Markdown)."),
    )
    text_html = models.TextField(editable=False, default="")
    article = models.ForeignKey(
        Article, verbose_name=_("article"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    category = models.ForeignKey(
        "helpdesk.Category", verbose_name=_("request category"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        help_text=_("The request form opens with this category (and so its team) chosen."),
    )

    class Meta:
        ordering = ["guide", "pk"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def save(self, *args, **kwargs) -> None:
        self.text_html = render_markdown(self.text)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.kind == NodeKind.ARTICLE and not self.article_id:
            raise ValidationError({"article": _("Choose the article this answer leads to.")})
        if self.kind == NodeKind.REQUEST and not self.category_id:
            raise ValidationError({"category": _("Choose the category of the request.")})


class GuideChoice(models.Model):
    node = models.ForeignKey(GuideNode, on_delete=models.CASCADE, related_name="choices")
    label = models.CharField(_("answer"), max_length=200)
    target = models.ForeignKey(
        GuideNode, verbose_name=_("leads to"), on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.target_id and self.node_id and self.target.guide_id != self.node.guide_id:
            raise ValidationError({"target": _("Choose a step of the same guided path.")})


class GuideProgress(models.Model):
    """Where a person is in a guided path, so they can resume where they left."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kb_guide_progress"
    )
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="progress")
    choices = models.JSONField(default=list)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("guided path progress")
        verbose_name_plural = _("guided path progress")
        constraints = [
            models.UniqueConstraint(fields=["user", "guide"], name="guide_progress_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.guide_id} {self.choices}"


# --- new-member kit ----------------------------------------------------------------------------


class Kit(models.Model):
    """An ordered collection: the new-member kit, shown to new members and on the journey page."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), unique=True)
    intro = models.TextField(_("introduction"), blank=True)
    for_new_members = models.BooleanField(
        _("the new-member kit"), default=False,
        help_text=_("Shown to members during their first months."),
    )

    class Meta:
        ordering = ["-for_new_members", "title"]
        verbose_name = _("kit")
        verbose_name_plural = _("kits")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("kb:kit-detail", args=[self.slug])

    @classmethod
    def new_member_kit(cls) -> Kit | None:
        return cls.objects.filter(for_new_members=True).first()

    def items_for(self, user: User) -> list[KitItem]:
        """The items this person may open, in order (the journey page uses this too)."""
        audiences = audiences_for(user)
        items = self.items.select_related("article", "guide")
        return [
            item for item in items
            if (item.article and item.article.is_published and item.article.audience in audiences)
            or (item.guide and item.guide.is_published and item.guide.audience in audiences)
        ]


class KitItem(models.Model):
    kit = models.ForeignKey(Kit, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("position"), default=0)
    article = models.ForeignKey(
        Article, verbose_name=_("article"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )
    guide = models.ForeignKey(
        Guide, verbose_name=_("guided path"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )
    note = models.CharField(_("why read it"), max_length=200, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("kit item")
        verbose_name_plural = _("kit items")

    def __str__(self) -> str:
        return str(self.article or self.guide)
