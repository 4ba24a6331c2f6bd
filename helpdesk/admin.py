from django.contrib import admin

from coopdesk.admin import TimelineInline, TypedDates
from coopdesk.audit import AuditedAdmin
from helpdesk.models import (
    Attachment,
    Category,
    Closure,
    CollectionCase,
    CollectionSettings,
    Draft,
    InboundEmail,
    Message,
    OpeningRange,
    SavedReply,
    ServiceTarget,
    Team,
    Ticket,
    TicketEvent,
)


class OpeningRangeInline(admin.TabularInline):
    model = OpeningRange
    extra = 0


class ServiceTargetInline(admin.TabularInline):
    model = ServiceTarget
    extra = 0


class ClosureInline(TypedDates, admin.TabularInline):
    model = Closure
    extra = 0


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0


@admin.register(Team)
class TeamAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "lead", "email", "phone", "region", "first_response_hours",
                    "assignment"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["agents"]
    inlines = [OpeningRangeInline, ClosureInline, ServiceTargetInline, CategoryInline]


@admin.register(Category)
class CategoryAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["label", "team", "default_priority", "position", "is_active"]
    list_filter = ["team", "is_active"]
    search_fields = ["label"]


class EventInline(TimelineInline):
    model = TicketEvent
    fields = [*TimelineInline.fields, "is_internal"]
    readonly_fields = fields


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-mostly: states change only through the pages, which go through actions."""

    list_display = ["reference", "subject", "team", "state", "requester", "assignee", "updated_at"]
    list_filter = ["state", "team", "priority"]
    search_fields = ["subject", "requester__email", "requester__last_name"]
    list_select_related = ["team", "requester", "assignee"]
    fields = ["subject", "body", "category", "priority", "state", "team", "requester", "assignee",
              "version", "created_at", "updated_at", "first_response_due", "first_response_at",
              "next_update_due", "resolution_due", "paused_at", "due_at", "risk_at",
              "escalation", "lead_alerted_at", "resolved_at", "closed_at"]
    readonly_fields = fields
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["ticket", "author", "is_internal", "created_at"]
    list_select_related = ["ticket", "author"]
    raw_id_fields = ["ticket", "author"]


admin.site.register(Attachment)
admin.site.register(Draft)


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    """What became of each incoming e-mail: read only (the record keeps each Message-ID once)."""

    list_display = ["received_at", "sender", "outcome", "ticket", "detail"]
    list_filter = ["outcome"]
    search_fields = ["sender", "message_id"]
    raw_id_fields = ["ticket"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CollectionCase)
class CollectionCaseAdmin(TypedDates, admin.ModelAdmin):
    """Read-only steps: they change through the pages, with the member's consent."""

    list_display = ["invoice_number", "client_name", "member", "amount", "due_date", "state"]
    list_filter = ["state", "team"]
    search_fields = ["invoice_number", "client_name", "member__email"]
    list_select_related = ["member"]
    readonly_fields = ["state", "pending_step", "pending_since", "scheduled_for", "version",
                       "overrides", "created_at", "updated_at"]
    raw_id_fields = ["member", "ticket"]


admin.site.register(CollectionSettings)


@admin.register(SavedReply)
class SavedReplyAdmin(admin.ModelAdmin):
    """Kept on the saved replies page by leads and agents; here for the odd repair."""

    list_display = ["title", "team", "owner", "usage_count", "updated_at"]
    list_filter = ["team"]
    search_fields = ["title"]
    list_select_related = ["team", "owner"]
    raw_id_fields = ["owner", "articles"]
    readonly_fields = ["usage_count"]
