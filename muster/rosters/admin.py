from django.contrib import admin

from muster.rosters.models import Assignment, Band, CheckIn, DutyNote, Post, Roster, SwapRequest, TeamMember


class BandInline(admin.TabularInline):
    model = Band
    extra = 0


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "region", "kind", "active"]
    search_fields = ["name", "site__name"]
    raw_id_fields = ["site", "region"]
    inlines = [BandInline]


@admin.register(TeamMember)
class TeamMemberAdmin(admin.ModelAdmin):
    list_display = ["person", "post", "no_nights", "night_consent", "active"]
    raw_id_fields = ["person", "post", "pair_with"]


@admin.register(Roster)
class RosterAdmin(admin.ModelAdmin):
    list_display = ["post", "start", "weeks", "status", "engine_status", "objective", "lower_bound"]
    list_filter = ["status"]
    raw_id_fields = ["post", "based_on", "created_by"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["person", "post", "starts_at", "ends_at", "line"]
    raw_id_fields = ["roster", "post", "person", "band"]


admin.site.register(SwapRequest, raw_id_fields=["assignment", "other", "other_assignment", "requested_by", "decided_by"])
admin.site.register(CheckIn, raw_id_fields=["post", "assignment", "person"])
admin.site.register(DutyNote, raw_id_fields=["post", "author", "by"])
