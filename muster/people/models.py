from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from muster.core.pii import IdType
from muster.geo.models import Household, Region


class Skill(models.Model):
    """A capability a need can ask for: "has a car", "medical training", "speaks Cantonese"."""

    code = models.SlugField(max_length=40, unique=True)
    name_zh = models.CharField(max_length=60)
    name_en = models.CharField(max_length=60)

    class Meta:
        ordering = ["code"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class Organisation(models.Model):
    class Kind(models.TextChoices):
        PARTY_BRANCH = "party_branch", _("Party branch")  # 党支部
        ENTERPRISE = "enterprise", _("Enterprise")
        SCHOOL = "school", _("School or university")
        GOVERNMENT = "government", _("Government unit")  # 机关单位, releases cadres
        SOCIAL = "social", _("Social organisation")
        RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committee")  # 居委会

    name = models.CharField(max_length=120, verbose_name=_("name"))
    kind = models.CharField(max_length=24, choices=Kind.choices, verbose_name=_("kind"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("region"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="organisation_unique_name_in_region")]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")
        UNKNOWN = "", _("Not stated")

    name = models.CharField(max_length=60, db_index=True, verbose_name=_("name"))
    phone = models.CharField(max_length=20, blank=True, db_index=True, verbose_name=_("phone"))
    sex = models.CharField(max_length=1, blank=True, choices=Sex.choices, verbose_name=_("sex"))
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("birth year"))
    id_type = models.CharField(max_length=12, choices=IdType.CHOICES, default=IdType.RESIDENT, verbose_name=_("document type"))
    # The number itself only as Fernet ciphertext; `id_hash` (keyed HMAC) finds it,
    # `id_masked` shows it. See core.pii.
    id_cipher = models.TextField(blank=True)
    id_hash = models.CharField(max_length=64, blank=True, db_index=True)
    id_masked = models.CharField(max_length=30, blank=True, verbose_name=_("ID number"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="people", verbose_name=_("home community"))
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="members", verbose_name=_("household")
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="people", verbose_name=_("skills"))
    notes = models.TextField(blank=True, verbose_name=_("notes"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when retention ran out and the person was anonymised (name, number, phone, address
    # cleared; region and birth decade kept for counts). See people/retention.py.
    purged_at = models.DateTimeField(null=True, blank=True, verbose_name=_("anonymised"))

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["id_type", "id_hash"], condition=~models.Q(id_hash=""), name="person_unique_document"
            ),
        ]
        # (name, region): a name range checked against the scope inside the index.
        indexes = [models.Index(fields=["region", "name"]), models.Index(fields=["name", "region"], name="person_name_region")]

    def __str__(self) -> str:
        return self.name


class Affiliation(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        SECRETARY = "secretary", _("Secretary")
        STAFF = "staff", _("Staff")
        MANAGER = "manager", _("Manager")
        STUDENT = "student", _("Student")
        CADRE = "cadre", _("Cadre")
        VOLUNTEER = "volunteer", _("Volunteer")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="affiliations", verbose_name=_("organisation"))
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER, verbose_name=_("role"))

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [models.UniqueConstraint(fields=["person", "organisation"], name="affiliation_unique")]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_role_display()}"
