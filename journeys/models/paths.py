"""Path templates, configured in the admin: stages, their task checklists and links.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from coopdesk.accounts.models import Sector, User
from journeys.models.rules import STAGE_RANK, Stage, article_url


class LinkMixin(models.Model):
    """A link to knowledge-base content: an article slug (kb app) or any URL."""

    article_slug = models.SlugField(
        _("knowledge-base article"), max_length=200, blank=True, db_index=False,
        help_text=_("The short name of an article of the help pages."),
    )
    url = models.URLField(_("or a web address"), blank=True)

    class Meta:
        abstract = True

    @property
    def href(self) -> str:
        if self.url:
            return self.url
        return article_url(self.article_slug) if self.article_slug else ""


# --- path templates (configured in the admin) -------------------------------------------------


class PathTemplateQuerySet(models.QuerySet):
    def active(self) -> PathTemplateQuerySet:
        return self.filter(is_active=True)

    def for_member(self, member: User) -> PathTemplate | None:
        """The path offered first: the one for the member's sector, else the default one."""
        paths = list(self.active())
        for path in paths:
            if member.sector and path.sector == member.sector:
                return path
        defaults = [path for path in paths if path.is_default and not path.sector]
        return (defaults or [path for path in paths if not path.sector] or paths or [None])[0]


class PathTemplate(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), unique=True)
    description = models.TextField(_("description for members"), blank=True)
    sector = models.CharField(
        _("offered first to the sector"), max_length=20, choices=Sector.choices, blank=True
    )
    is_default = models.BooleanField(_("default path"), default=False)
    is_active = models.BooleanField(_("offered"), default=True)

    objects = PathTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("path template")
        verbose_name_plural = _("path templates")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_path"
            )
        ]

    def __str__(self) -> str:
        return self.name


class StageTemplate(models.Model):
    path = models.ForeignKey(
        PathTemplate, verbose_name=_("path"), on_delete=models.CASCADE, related_name="stages"
    )
    kind = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    rank = models.PositiveSmallIntegerField(editable=False, default=0)
    title = models.CharField(_("title in plain words"), max_length=150)
    description = models.TextField(_("what happens, for the member"), blank=True)

    class Meta:
        ordering = ["path", "rank"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(fields=["path", "kind"], name="one_stage_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.path} · {self.title}"

    def save(self, *args, **kwargs) -> None:
        self.rank = STAGE_RANK[self.kind]
        super().save(*args, **kwargs)


class StageLink(models.Model):
    """A web page elsewhere shown to members while they are at this stage. The cooperative's
    own articles are not linked here: the knowledge base tags them with their stages."""

    stage = models.ForeignKey(StageTemplate, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(_("title"), max_length=150)
    url = models.URLField(_("web address"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("useful link")
        verbose_name_plural = _("useful links")

    def __str__(self) -> str:
        return self.title


class Assignee(models.TextChoices):
    MEMBER = "member", _("The member")
    ADVISOR = "advisor", _("The advisor")
    TEAM = "team", _("A team")


class TaskTemplate(LinkMixin):
    stage = models.ForeignKey(
        StageTemplate, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="tasks"
    )
    key = models.SlugField(
        _("key"), max_length=60, blank=True, db_index=False,
        help_text=_("Same key in two paths = same task: switching path keeps it if done."),
    )
    title = models.CharField(_("title in plain words"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    assignee = models.CharField(
        _("who does it"), max_length=10, choices=Assignee.choices, default=Assignee.MEMBER
    )
    team = models.ForeignKey(
        "helpdesk.Team", verbose_name=_("team"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    due_offset_days = models.PositiveSmallIntegerField(
        _("due after (days)"), default=7,
        help_text=_("Counted from the start of the stage (the CAPE's start date for the CAPE)."),
    )
    required_document = models.CharField(
        _("document to provide"), max_length=150, blank=True,
        help_text=_("If set, the task is done when this document is sent."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["stage", "position", "pk"]
        verbose_name = _("task template")
        verbose_name_plural = _("task templates")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.key = self.key or slugify(self.title)[:60]
        if self.assignee != Assignee.TEAM:
            self.team = None
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.assignee == Assignee.TEAM and not self.team_id:
            raise ValidationError({"team": _("Choose the team that does this task.")})
