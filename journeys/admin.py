"""Configuration screens: path templates, their stages, tasks and links, meetings, slots.

Journeys, registrations and reminders are read-only here: their states change only through
the pages, which go through journeys/actions."""

from django.contrib import admin
from django.db import models

from coopdesk.admin import ReadOnlyInline, TimelineInline, TypedDates
from coopdesk.audit import AuditedAdmin
from journeys import actions
from journeys.models import (
    DiagnosisSlot,
    InfoMeeting,
    Journey,
    JourneyEvent,
    JourneyTask,
    MentorOffer,
    PathTemplate,
    Registration,
    Reminder,
    StageLink,
    StageTemplate,
    TaskTemplate,
)


class StageInline(admin.TabularInline):
    model = StageTemplate
    extra = 0
    fields = ["kind", "title", "description"]
    show_change_link = True


@admin.register(PathTemplate)
class PathTemplateAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "sector", "is_default", "is_active"]
    list_filter = ["is_active", "sector"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [StageInline]


class TaskTemplateInline(admin.StackedInline):
    model = TaskTemplate
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = [("title", "key"), "description", ("assignee", "team"),
              ("due_offset_days", "position", "is_active"), "required_document",
              ("article_slug", "url")]


class StageLinkInline(admin.TabularInline):
    model = StageLink
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ["title", "url", "position"]


@admin.register(StageTemplate)
class StageTemplateAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["title", "path", "kind"]
    list_filter = ["path", "kind"]
    list_select_related = ["path"]
    inlines = [TaskTemplateInline, StageLinkInline]


class EventInline(TimelineInline):
    model = JourneyEvent


class TaskInline(ReadOnlyInline):
    model = JourneyTask
    fields = ["title", "stage", "assignee", "team", "due_date", "state", "done_at"]
    readonly_fields = fields


@admin.register(Journey)
class JourneyAdmin(admin.ModelAdmin):
    """Read-only: the advisor's pages change a journey, through the actions."""

    list_display = ["member", "path", "cycle", "state", "cape_end", "updated_at"]
    list_filter = ["state", "path", "is_latest"]
    search_fields = ["member__email", "member__first_name", "member__last_name"]
    list_select_related = ["member", "path"]
    inlines = [TaskInline, EventInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False


class RegistrationInline(ReadOnlyInline):
    model = Registration
    fields = ["journey", "status", "created_at"]
    readonly_fields = fields


@admin.register(InfoMeeting)
class InfoMeetingAdmin(TypedDates, admin.ModelAdmin):
    list_display = ["title", "starts_at", "place", "capacity", "host", "office"]
    list_filter = ["office"]
    date_hierarchy = "starts_at"
    readonly_fields = ["created_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [RegistrationInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            actions.fill_freed_places(obj, by=request.user)


@admin.register(DiagnosisSlot)
class DiagnosisSlotAdmin(admin.ModelAdmin):
    """Read-only: advisors offer their times on their page, which refuses overlaps."""

    list_display = ["advisor", "starts_at", "status", "journey"]
    list_filter = ["status", "advisor"]
    list_select_related = ["advisor", "journey__member"]
    fields = ["advisor", "starts_at", "duration_minutes", "place", "status", "journey",
              "booked_at", "held_at", "summary"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(MentorOffer)
class MentorOfferAdmin(admin.ModelAdmin):
    list_display = ["member", "is_active", "max_mentees"]
    list_filter = ["is_active"]
    autocomplete_fields = ["member"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "recipient", "sent_at"]
    list_filter = ["kind"]
    readonly_fields = ["key", "kind", "recipient", "journey", "task", "meeting", "message",
                       "sent_at"]

    def has_add_permission(self, request):
        return False

