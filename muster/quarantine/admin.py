from django.contrib import admin

from muster.quarantine.models import Case, ReleaseNotice


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["person", "site", "room", "start", "planned_end", "status"]
    list_filter = ["status"]
    raw_id_fields = ["person", "site", "created_by"]


@admin.register(ReleaseNotice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["number", "case", "issued_at"]
    search_fields = ["number"]
    raw_id_fields = ["case", "issued_by"]
