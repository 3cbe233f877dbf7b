from django.contrib import admin

from muster.checkpoints.models import FeverAlert, Passage


@admin.register(Passage)
class PassageAdmin(admin.ModelAdmin):
    list_display = ["at", "post", "who", "direction", "temperature", "health_code", "fever"]
    list_filter = ["fever", "health_code", "direction"]
    raw_id_fields = ["post", "region", "person", "recorded_by"]


@admin.register(FeverAlert)
class FeverAlertAdmin(admin.ModelAdmin):
    list_display = ["passage", "status", "created_at", "closed_at"]
    list_filter = ["status"]
    raw_id_fields = ["passage", "region", "closed_by"]
