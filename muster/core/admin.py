from django.contrib import admin

from muster.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "kind", "action", "object_repr", "ip"]
    list_filter = ["kind", "via"]
    search_fields = ["action", "actor_label", "object_repr"]

    # The trail is append-only, even for staff.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
