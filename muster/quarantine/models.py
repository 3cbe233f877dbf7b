"""Centralised quarantine: cases at a hotel site, their tests, and release notices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from muster.geo.models import Site
from muster.people.models import Person


class Case(models.Model):
    """One person's stay in centralised medical observation."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Under observation")  # in the hotel
        RELEASED = "released", _("Released")  # release notice issued
        TRANSFERRED = "transferred", _("Transferred to hospital")  # left for treatment

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=pgettext_lazy("quarantine place", "place"))
    room = models.CharField(max_length=20, blank=True, verbose_name=_("room"))
    reason = models.CharField(max_length=120, blank=True, verbose_name=_("reason"))
    start = models.DateField(verbose_name=_("start"))
    planned_end = models.DateField(verbose_name=_("planned end"))
    required_tests = models.PositiveSmallIntegerField(default=2, verbose_name=_("negative tests required"))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE, verbose_name=_("status"))
    released_at = models.DateTimeField(null=True, blank=True, verbose_name=_("released"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The emergency this work belongs to (its purpose bounds the use of the data; see emergencies).
    emergency = models.ForeignKey("emergencies.Emergency", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("emergency"))

    class Meta:
        ordering = ["planned_end", "id"]
        verbose_name = _("quarantine case")
        verbose_name_plural = _("quarantine cases")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(status="active"), name="case_one_active_per_person"),
            models.CheckConstraint(condition=Q(planned_end__gte=models.F("start")), name="case_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.site}"


class CaseTest(models.Model):
    """A test taken during the stay (by the hotel's own sampler, or a campaign result)."""

    class Result(models.TextChoices):
        NEGATIVE = "negative", _("Negative")
        POSITIVE = "positive", _("Positive")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tests")
    taken_on = models.DateField(verbose_name=_("date taken"))
    result = models.CharField(max_length=8, choices=Result.choices, verbose_name=_("result"))
    source = models.CharField(max_length=40, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["taken_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "taken_on", "source"], name="case_test_unique")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.taken_on} {self.result}"



class ReleaseNotice(models.Model):
    """解除医学观察通知书: the paper a person leaves with; verifiable by its token."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="notice")
    number = models.CharField(max_length=30, unique=True)
    token = models.CharField(max_length=40, unique=True)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("release notice")
        verbose_name_plural = _("release notices")

    def __str__(self) -> str:
        return self.number
