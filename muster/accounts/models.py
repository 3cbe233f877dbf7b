from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from muster.geo.models import Region, Site


class User(AbstractUser):
    person = models.OneToOneField(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="user", verbose_name=_("person")
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Role(models.TextChoices):
    COMMAND = "command", _("Command")  # city/district HQ: everything in its region
    COORDINATOR = "coordinator", _("Coordinator")  # street/community office: its region's people and work
    SITE_LEAD = "site_lead", _("Site lead")  # one site's work
    SAMPLER = "sampler", _("Sampler")
    CLERK = "clerk", _("Registration clerk")
    LAB_TECH = "lab_tech", _("Lab technician")  # tubes and boxes at their lab, never addresses
    MEMBER = "member", _("Member or cadre")  # own profile, open needs, own shifts
    VOLUNTEER = "volunteer", _("Volunteer")


class RoleGrant(models.Model):
    """A role on a region; it covers the whole subtree. Site roles also name their site."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(max_length=12, choices=Role.choices, verbose_name=_("role"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Last day the grant counts (local date); null: until revoked. Scoping ignores it after that day.
    ends_on = models.DateField(null=True, blank=True, verbose_name=_("ends on"))

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [models.UniqueConstraint(fields=["user", "role", "region", "site"], name="grant_unique")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} @ {self.region}"


class Invitation(models.Model):
    email = models.EmailField(verbose_name=_("e-mail"))
    name = models.CharField(max_length=60, blank=True, verbose_name=_("name"))
    role = models.CharField(max_length=12, choices=Role.choices, verbose_name=_("role"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 is stored, the prefix identifies it in lists."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=60, verbose_name=_("name"))
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
