from django.contrib import admin

from muster.testing.models import Box, Campaign, CollectionPoint, Recall, Tube


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "round", "pool_size", "status", "starts_at"]
    list_filter = ["status", "pool_size"]
    raw_id_fields = ["region", "created_by"]


@admin.register(CollectionPoint)
class PointAdmin(admin.ModelAdmin):
    list_display = ["site", "campaign", "desks", "opens", "closes"]
    raw_id_fields = ["site", "campaign"]


@admin.register(Tube)
class TubeAdmin(admin.ModelAdmin):
    list_display = ["barcode", "campaign", "count", "capacity", "status", "result"]
    list_filter = ["status", "result"]
    search_fields = ["barcode"]
    raw_id_fields = ["campaign", "point", "box", "run", "opened_by", "resulted_by"]


@admin.register(Box)
class BoxAdmin(admin.ModelAdmin):
    list_display = ["barcode", "lab", "status", "tube_count", "handed_at", "received_at"]
    list_filter = ["status"]
    search_fields = ["barcode"]
    raw_id_fields = ["campaign", "point", "lab", "created_by", "closed_by", "received_by"]


@admin.register(Recall)
class RecallAdmin(admin.ModelAdmin):
    list_display = ["tube", "campaign", "status", "created_at", "closed_at"]
    list_filter = ["status"]
    raw_id_fields = ["tube", "campaign"]
