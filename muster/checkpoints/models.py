"""Passage checks at a post (测温、查证、验码、登记) and the fever alerts they raise."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from muster.geo.models import Region
from muster.people.models import Person
from muster.rosters.models import Post


class Passage(models.Model):
    """One line of the register: who passed, which way, their temperature, pass and health code."""

    class Direction(models.TextChoices):
        IN = "in", _("In")
        OUT = "out", _("Out")

    class Code(models.TextChoices):
        GREEN = "green", _("Green")
        YELLOW = "yellow", _("Yellow")
        RED = "red", _("Red")

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="passages", verbose_name=_("post"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")  # the post's, for scoping
    at = models.DateTimeField(db_index=True, verbose_name=_("time"))
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="passages", verbose_name=_("person"))
    visitor_name = models.CharField(max_length=60, blank=True, verbose_name=_("visitor"))
    direction = models.CharField(max_length=3, choices=Direction.choices, verbose_name=_("direction"))
    temperature = models.DecimalField(max_digits=3, decimal_places=1, verbose_name=_("temperature (°C)"))
    pass_checked = models.BooleanField(default=False, verbose_name=_("pass checked"))
    health_code = models.CharField(max_length=6, choices=Code.choices, verbose_name=_("health code"))
    note = models.CharField(max_length=200, blank=True, verbose_name=_("note"))
    fever = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at"]
        verbose_name = _("passage")
        verbose_name_plural = _("passages")
        indexes = [models.Index(fields=["post", "at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(temperature__gte=34) & models.Q(temperature__lte=43), name="passage_temperature_range"),
            models.CheckConstraint(condition=models.Q(person__isnull=False) | ~models.Q(visitor_name=""), name="passage_has_someone"),
        ]

    def __str__(self) -> str:
        return f"{self.who} {self.temperature}"

    @property
    def who(self) -> str:
        return self.person.name if self.person_id else self.visitor_name


class FeverAlert(models.Model):
    """A temperature at or above the post's threshold; stays on the follow-up list until closed."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("alert status", "Open")  # nobody has followed up yet
        CLOSED = "closed", _("Followed up")  # the community lead recorded the outcome

    passage = models.OneToOneField(Passage, on_delete=models.CASCADE, related_name="alert")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(max_length=200, blank=True, verbose_name=_("outcome"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "-created_at"]
        verbose_name = _("fever alert")
        verbose_name_plural = _("fever alerts")

    def __str__(self) -> str:
        return str(self.passage)
