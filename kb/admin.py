"""Authoring screens: articles' settings, guided paths (questions and choices), glossary,
kits, experts. States never change here except through kb/actions.py (the list actions)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from coopdesk.admin import ReadOnlyInline, TimelineInline, TypedDates
from coopdesk.audit import AuditedAdmin
from coopdesk.conflicts import Conflict
from kb import actions
from kb.models import (
    Article,
    ArticleEvent,
    ArticleRevision,
    ArticleStage,
    Deflection,
    Expert,
    Feedback,
    Guide,
    GuideChoice,
    GuideNode,
    Kit,
    KitItem,
    Tag,
    Term,
    Topic,
)


@admin.register(Topic)
class TopicAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "editor", "position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Expert)
class ExpertAdmin(TypedDates, AuditedAdmin, admin.ModelAdmin):
    list_display = ["user", "mandate", "until"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["topics"]


class StageInline(admin.TabularInline):
    model = ArticleStage
    extra = 0


class RevisionInline(ReadOnlyInline):
    model = ArticleRevision
    fields = ["number", "created_at", "created_by", "note"]
    readonly_fields = fields


class ArticleEventInline(TimelineInline):
    model = ArticleEvent


def _each(request, queryset, action, done_message) -> None:
    done = 0
    for article in queryset:
        try:
            action(article, by=request.user)
            done += 1
        except (Conflict, PermissionDenied) as error:
            messages.error(request, f"{article}: {getattr(error, 'message', _('not allowed'))}")
    if done:
        messages.success(request, done_message % {"n": done})


@admin.register(Article)
class ArticleAdmin(TypedDates, admin.ModelAdmin):
    """The text and settings; publication and archiving go through the actions below."""

    list_display = ["title", "state", "audience", "language", "topic", "owner", "review_by",
                    "published_at"]
    list_filter = ["state", "audience", "language", "topic"]
    search_fields = ["title", "summary"]
    list_select_related = ["topic", "owner"]
    autocomplete_fields = ["translation_of", "owner", "author"]
    filter_horizontal = ["tags", "helpdesk_categories"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["state", "version", "created_at", "updated_at", "first_published_at",
                       "published_at", "helpful_yes", "helpful_no"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        (_("Where it belongs"), {"fields": ["topic", "tags", "language", "translation_of",
                                            "audience", "helpdesk_categories"]}),
        (_("Who"), {"fields": ["author", "owner", "review_by"]}),
        (_("Status"), {"fields": readonly_fields}),
    ]
    inlines = [StageInline, RevisionInline, ArticleEventInline]
    actions = ["publish", "archive"]

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, "owner": request.user.pk}

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        actions.after_admin_save(
            form.instance, by=request.user, created=not change, changed=form.changed_data
        )

    @admin.action(description=_("Publish the selected articles"))
    def publish(self, request, queryset) -> None:
        _each(request, queryset, actions.publish_article, _("%(n)d article(s) published."))

    @admin.action(description=_("Archive the selected articles"))
    def archive(self, request, queryset) -> None:
        _each(request, queryset, actions.archive_article, _("%(n)d article(s) archived."))


class NodeInline(admin.StackedInline):
    model = GuideNode
    extra = 1
    fields = ["kind", "text", "article", "category"]
    autocomplete_fields = ["article"]
    show_change_link = True


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    """Write the steps here, then open each question to add its choices."""

    list_display = ["title", "audience", "is_published", "position"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [NodeInline]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        start = form.base_fields.get("start")
        if start is not None:
            start.queryset = obj.nodes.all() if obj else GuideNode.objects.none()
        return form

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        actions.save_guide(form.instance)


class ChoiceInline(admin.TabularInline):
    model = GuideChoice
    fk_name = "node"
    extra = 2

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "target":
            node_id = request.resolver_match.kwargs.get("object_id")
            node = GuideNode.objects.filter(pk=node_id).first()
            kwargs["queryset"] = (
                GuideNode.objects.filter(guide=node.guide_id) if node
                else GuideNode.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(GuideNode)
class GuideNodeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "guide", "kind"]
    list_filter = ["guide", "kind"]
    autocomplete_fields = ["article"]
    inlines = [ChoiceInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        actions.save_guide(form.instance.guide)


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    """Saving a term re-renders the articles that mention it, so the links stay right."""

    list_display = ["term", "synonyms"]
    search_fields = ["term", "synonyms"]
    prepopulated_fields = {"slug": ["term"]}
    autocomplete_fields = ["article"]

    def save_model(self, request, obj, form, change) -> None:
        old = Term.objects.filter(pk=obj.pk).first() if change else None
        actions.save_term(obj, old_variants=old.variants() if old else ())

    def delete_model(self, request, obj) -> None:
        actions.delete_term(obj)

    def delete_queryset(self, request, queryset) -> None:
        for term in queryset:
            actions.delete_term(term)


class KitItemInline(admin.TabularInline):
    model = KitItem
    extra = 1
    autocomplete_fields = ["article"]


@admin.register(Kit)
class KitAdmin(admin.ModelAdmin):
    list_display = ["title", "for_new_members"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [KitItemInline]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["article", "user", "helpful", "updated_at"]
    list_filter = ["helpful"]
    list_select_related = ["article", "user"]
    readonly_fields = ["article", "user", "helpful", "comment", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Deflection)
class DeflectionAdmin(admin.ModelAdmin):
    list_display = ["article", "user", "category", "created_at"]
    list_select_related = ["article", "user", "category"]
    readonly_fields = ["article", "user", "category", "query", "created_at"]

    def has_add_permission(self, request):
        return False
