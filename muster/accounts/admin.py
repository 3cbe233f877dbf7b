from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from muster.accounts.models import ApiToken, Invitation, RoleGrant, User


class GrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    raw_id_fields = ["region", "site", "granted_by"]
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [GrantInline]
    raw_id_fields = ["person"]
    fieldsets = [*(BaseUserAdmin.fieldsets or ()), ("Muster", {"fields": ["person"]})]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "region", "created_at", "accepted_at"]
    exclude = ["token_hash"]
    raw_id_fields = ["region", "invited_by", "accepted_user"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "revoked_at"]
    exclude = ["key_hash"]
