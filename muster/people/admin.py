from django.contrib import admin

from muster.people.models import Affiliation, Organisation, Person, Skill


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region"]
    list_filter = ["kind"]
    search_fields = ["name"]
    raw_id_fields = ["region"]


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    raw_id_fields = ["organisation"]
    extra = 0


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    # The ciphertext and hash never show; the masked number is enough for staff.
    list_display = ["name", "id_masked", "birth_year", "region"]
    search_fields = ["name", "phone"]
    raw_id_fields = ["region", "household"]
    exclude = ["id_cipher", "id_hash"]
    readonly_fields = ["id_masked"]
    inlines = [AffiliationInline]
