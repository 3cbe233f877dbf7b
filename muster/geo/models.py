from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A node of the administrative tree, identified by its 12-digit NBS code."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")  # 北京市
        CITY = "city", _("City")  # 市辖区
        DISTRICT = "district", _("District")  # 区
        STREET = "street", _("Street / town")  # 街道, 镇, 乡
        COMMUNITY = "community", _("Community / village")  # 社区, 村

    code = models.CharField(max_length=12, unique=True, verbose_name=_("code"))
    name = models.CharField(max_length=100, db_index=True, verbose_name=_("name"))
    level = models.CharField(max_length=10, choices=Level.choices, verbose_name=_("level"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # Materialised path of ids ("/1/2/17/"): a subtree is one indexed prefix filter.
    path = models.CharField(max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField(default=0)
    urban_rural = models.CharField(max_length=3, blank=True, verbose_name=_("urban/rural code"))
    lat = models.FloatField(null=True, blank=True, verbose_name=_("latitude"))
    lon = models.FloatField(null=True, blank=True, verbose_name=_("longitude"))
    # Subtree totals kept by the actions that add and remove rows (and rebuilt by
    # region_counts_refresh after bulk loads), so the browser never counts a million rows.
    people_count = models.PositiveIntegerField(default=0)
    sites_count = models.PositiveIntegerField(default=0)
    households_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    @property
    def is_rural(self) -> bool:
        return self.urban_rural.startswith("2")

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p]

    def contains(self, other: "Region") -> bool:
        return other.path.startswith(self.path)


class Site(models.Model):
    """A place where work happens: a checkpoint, a collection point, a lab, a hotel, an office."""

    class Kind(models.TextChoices):
        CHECKPOINT = "checkpoint", _("Checkpoint")  # 卡口 / 值守点
        COLLECTION = "collection", _("Collection point")  # 采样点
        LAB = "lab", _("Laboratory")
        HOTEL = "hotel", _("Quarantine hotel")
        OFFICE = "office", _("Office")
        OTHER = "other", _("Other")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="sites", verbose_name=_("community"))
    kind = models.CharField(max_length=12, choices=Kind.choices, verbose_name=_("kind"))
    name = models.CharField(max_length=120, verbose_name=_("name"))
    address = models.CharField(max_length=200, blank=True, verbose_name=_("address"))
    lat = models.FloatField(null=True, blank=True, verbose_name=_("latitude"))
    lon = models.FloatField(null=True, blank=True, verbose_name=_("longitude"))
    active = models.BooleanField(default=True, verbose_name=_("active"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="site_unique_name_in_region")]

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("community"))
    name = models.CharField(max_length=60, verbose_name=_("building"))
    address = models.CharField(max_length=200, blank=True, verbose_name=_("address"))
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="building_unique_name_in_region")]

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="households", verbose_name=_("community"))
    building = models.ForeignKey(Building, null=True, blank=True, on_delete=models.PROTECT, related_name="households")
    unit = models.CharField(max_length=10, blank=True, verbose_name=_("unit"))
    room = models.CharField(max_length=10, verbose_name=_("room"))
    address = models.CharField(max_length=200, blank=True, verbose_name=_("address"))

    class Meta:
        ordering = ["building__name", "unit", "room"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [models.UniqueConstraint(fields=["building", "unit", "room"], name="household_unique_room")]

    def __str__(self) -> str:
        parts = [self.building.name if self.building_id else "", f"{self.unit}单元" if self.unit else "", self.room]
        return " ".join(p for p in parts if p)
