"""For admins: the configuration log, read-only (see coopdesk/audit.py), and the erasures
people asked for, to confirm."""

from __future__ import annotations

from datetime import date

from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from coopdesk.accounts.erasure import erase_account
from coopdesk.audit import change_values
from coopdesk.models import ErasureRequest
from coopdesk.validators import DATED

# The header of every admin page said "Django administration".
admin.site.site_header = admin.site.site_title = _("Coopdesk administration")


class TypedDates:
    """ModelAdmin or inline mixin: the dates and times an admin types keep to the window of
    the forms (coopdesk/validators.py), so that a meeting in the year 9999 or an invoice due
    on 0001-01-01 cannot come in through the admin either. Only the dates typed or changed
    are held to it: a team's closure or an absence of eleven years ago, left as it was, must
    not stop the admin saving the rest."""

    def get_form(self, request, obj=None, **kwargs):
        return dates_held(super().get_form(request, obj, **kwargs))

    def get_formset(self, request, obj=None, **kwargs):  # an inline's rows
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = dates_held(formset.form)
        return formset


def dates_held(form_class):
    class DatesHeld(form_class):
        def clean(self):
            cleaned = super().clean()
            for name in self.changed_data:
                value = cleaned.get(name)
                error = DATED.error(value) if isinstance(value, date) else None
                if error:
                    self.add_error(name, error)
            return cleaned

    DatesHeld.__name__ = DatesHeld.__qualname__ = form_class.__name__
    return DatesHeld


class ReadOnlyInline(admin.TabularInline):
    """Rows shown beside their object and never written here (a timeline, the tasks of a
    journey, an article's revisions): the actions write them."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TimelineInline(ReadOnlyInline):
    """A subject's timeline events (coopdesk.models.TimelineEvent)."""

    fields = ["created_at", "kind", "actor", "from_state", "to_state", "note"]
    readonly_fields = fields


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    """Who changed which configuration row, when, with the values before and after.

    Nobody adds, edits or deletes a log line, admins included: a log one can rewrite proves
    nothing."""

    date_hierarchy = "action_time"
    list_display = ["action_time", "user", "content_type", "object_repr", "action_flag",
                    "changes"]
    list_filter = ["action_flag", "content_type"]
    search_fields = ["object_repr", "user__email", "user__last_name"]
    list_select_related = ["user", "content_type"]
    fields = ["action_time", "user", "content_type", "object_id", "object_repr", "action_flag",
              "change_summary", "changes"]
    readonly_fields = fields

    @admin.display(description=_("what changed"))
    def change_summary(self, entry: LogEntry) -> str:
        return entry.get_change_message()

    @admin.display(description=_("before → after"))
    def changes(self, entry: LogEntry) -> str:
        values = change_values(entry)
        if not values:
            return entry.get_change_message()
        rows = (
            (name, value.get("before", "—"), value.get("after", "—")) if value
            else (name, "…", "…")
            for name, value in values.items()
        )
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}: {} → {}</li>", rows)
        )

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return getattr(request.user, "is_administrator", False)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    """Staff confirm the erasures people asked for (coopdesk/accounts/erasure.py)."""

    list_display = ["user", "requested_at", "answer_by", "erased_at", "erased_by"]
    list_filter = [("erased_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user", "erased_by"]
    fields = list_display
    readonly_fields = fields
    actions = ["erase"]

    @admin.display(description=_("to carry out by"))
    def answer_by(self, asked: ErasureRequest) -> str | None:
        # Formatted here: the read-only page printed a bare date as 2027-01-05.
        return None if asked.erased_at else date_format(asked.answer_by)

    @admin.action(description=_("Erase these accounts, as their owners asked"),
                  permissions=["erase"])
    def erase(self, request: HttpRequest, queryset) -> None:
        erased = 0
        for asked in queryset.filter(erased_at__isnull=True).select_related("user"):
            erase_account(asked.user, by=request.user)
            erased += 1
        self.message_user(request, ngettext(
            "%(n)d account erased.", "%(n)d accounts erased.", erased) % {"n": erased},
            messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        """Deleting one would drop what a person asked for, and the law's deadline with it:
        "Delete selected" sat beside "Erase these accounts" in the same menu."""
        return False

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return LogEntryAdmin.has_view_permission(self, request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_erase_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)
