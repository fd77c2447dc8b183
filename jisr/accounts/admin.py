from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from jisr.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Access scope"), {"fields": ("scope_national", "scope_regions", "scope_communes")}),
        (_("Security"), {"fields": ("failed_logins", "locked_until", "preferred_language")}),
    )
    filter_horizontal = ("groups", "user_permissions", "scope_regions", "scope_communes")
    list_display = (
        "username",
        "first_name",
        "last_name",
        "scope_national",
        "is_active",
        "locked_until",
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = (
        "prefix",
        "user",
        "name",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")
