from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from coopdesk.accounts.models import Office, User
from coopdesk.admin import TypedDates
from coopdesk.audit import AuditedAdmin


@admin.register(Office)
class OfficeAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "city"]
    search_fields = ["name", "city"]


@admin.register(User)
class UserAdmin(TypedDates, AuditedAdmin, BaseUserAdmin):
    # The log says these changed, never what they held: they are the person's own data.
    audit_hidden_fields = {"email", "first_name", "last_name", "phone"}
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "office", "advisor", "is_active"]
    list_filter = ["role", "office", "sector", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    autocomplete_fields = ["advisor", "mentor", "backup_advisor"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identity"), {"fields": ["first_name", "last_name", "phone", "language"]}),
        (_("Role"), {"fields": ["role", "office", "sector", "advisor", "mentor"]}),
        (_("Absence cover"), {"fields": ["backup_advisor", "away_from", "away_until"]}),
        (_("Automatic assignment"), {"fields": ["capacity"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"],
                "fields": ["email", "first_name", "role", "password1", "password2"]}),
    ]
