"""Texts kept for later: drafts being typed, and saved replies a team or an agent sends
again and again.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopdesk.accounts.models import Role, User
from helpdesk.models.teams import Category, Team
from helpdesk.models.tickets import Ticket


class DraftKind(models.TextChoices):
    REQUEST = "request", _("New request")
    REPLY = "reply", _("Reply")
    NOTE = "note", _("Internal note")
    REOPEN = "reopen", _("Reopening note")
    WITHDRAW = "withdraw", _("Withdrawal note")
    TRANSFER = "transfer", _("Transfer reason")
    CATEGORY = "category", _("Category change reason")
    PRIORITY = "priority", _("Priority change reason")
    MERGE = "merge", _("Merge note")
    ARTICLE = "article", _("Knowledge-base article")
    RECORD = "record", _("Request recorded for a member")
    JOURNEY = "journey", _("Journey step note")
    SAVED_REPLY = "template", _("Saved reply")


class Draft(models.Model):
    """What someone has typed and not sent yet, saved as they type, so that nothing typed is
    lost: a new request (key set by the form's page); a reply, an internal note, a step note
    or a reason on a request (one of each per person and request, keyed "<kind>-<request
    id>"); an article being written or edited (keyed "article-<article id>" or
    "article-new"; its title in `subject`). Only ever read back for its owner; deleted when
    the form is sent, or by a worker job after `DRAFT_KEEP_DAYS` untouched."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ticket_drafts"
    )
    key = models.CharField(max_length=40, help_text="Set by the form page, so that saves racing "
                           "each other (typing, leaving the page) update one draft.")
    kind = models.CharField(max_length=10, choices=DraftKind.choices, default=DraftKind.REQUEST)
    ticket = models.ForeignKey(
        "Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("your message"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="draft_owner_key")]
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")

    def __str__(self) -> str:
        return self.subject or str(_("Untitled draft"))

    @property
    def is_empty(self) -> bool:
        return not (self.subject.strip() or self.body.strip())


# --- saved replies: the texts a team (or an agent) sends again and again ---

# The variables a saved reply may hold; anything else between braces stays as typed.
REPLY_VARIABLES = ("first_name", "reference", "team", "agent_first_name", "promised_date")
REPLY_VARIABLE_RE = re.compile(r"\{(" + "|".join(REPLY_VARIABLES) + r")\}")


class SavedReplyQuerySet(models.QuerySet):
    def for_ticket(self, ticket: Ticket, user: User) -> SavedReplyQuerySet:
        """What the picker offers on this request: its team's replies and this agent's own."""
        return self.filter(Q(team_id=ticket.team_id) | Q(owner=user))

    def managed_by(self, user: User) -> SavedReplyQuerySet:
        """The replies a person may change: their own, and those of the teams they lead
        (every team's for an admin)."""
        if not user.is_authenticated or not user.is_support_staff:
            return self.none()
        if user.role == Role.ADMIN:
            return self.filter(Q(owner=user) | Q(team__isnull=False))
        return self.filter(Q(owner=user) | Q(team__lead=user))

    def readable_by(self, user: User) -> SavedReplyQuerySet:
        """What the replies page lists: own ones and those of the teams one works for."""
        if not user.is_authenticated or not user.is_support_staff:
            return self.none()
        return self.filter(Q(owner=user) | Q(team__in=user.team_ids()))


class SavedReply(models.Model):
    """A reply an agent inserts in one click, with the request's details filled in."""

    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="saved_replies",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("personal reply of"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="saved_replies",
    )
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("text"))
    articles = models.ManyToManyField(
        "kb.Article", verbose_name=_("linked articles"), blank=True, related_name="+"
    )
    usage_count = models.PositiveIntegerField(_("times used"), default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = SavedReplyQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("saved reply")
        verbose_name_plural = _("saved replies")
        constraints = [
            # A team's reply or a personal one, never both nor neither.
            models.CheckConstraint(
                condition=Q(team__isnull=True, owner__isnull=False)
                | Q(team__isnull=False, owner__isnull=True),
                name="saved_reply_team_or_owner",
            ),
        ]
        indexes = [models.Index(fields=["team", "title"], name="saved_reply_team"),
                   models.Index(fields=["owner", "title"], name="saved_reply_owner")]

    def __str__(self) -> str:
        return self.title

    def filled(self, values: dict[str, str]) -> str:
        """The text with its variables replaced, by lookup, never by str.format: a brace
        the agent typed, or one in a member's name, is only text."""
        return REPLY_VARIABLE_RE.sub(lambda match: values[match.group(1)], self.body)
