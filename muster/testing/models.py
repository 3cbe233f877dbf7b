"""Mass testing: campaigns, collection points, pre-registrations, tubes, samples, boxes, lab runs, recalls."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from muster.geo.models import Region, Site
from muster.people.models import Person

# Barcode formats the desk tells apart on a single scan (a wedge scanner types and presses Enter).
TUBE_RE = re.compile(r"^T\d{6,12}$")  # pre-printed tube labels
BOX_RE = re.compile(r"^B\d{4,12}$")  # transport box labels
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed by hand
CODE_RE = re.compile(r"^MP[2-9A-HJKMNP-Z]{12}$")  # personal QR payload
POOL_SIZES = (1, 5, 10, 20)
OVERDUE_HOURS = 4


class Campaign(models.Model):
    """One round of sampling over a region (a district, a street), pooled at a fixed ratio."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("testing", "Draft")  # being prepared; desks refuse scans
        OPEN = "open", pgettext_lazy("testing", "Open")  # sampling under way
        CLOSED = "closed", pgettext_lazy("testing", "Closed")  # no more sampling; results may still arrive

    name = models.CharField(max_length=120, verbose_name=_("name"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    round = models.PositiveSmallIntegerField(default=1, verbose_name=_("round"))
    starts_at = models.DateTimeField(verbose_name=_("starts"))
    ends_at = models.DateTimeField(verbose_name=_("ends"))
    pool_size = models.PositiveSmallIntegerField(default=10, verbose_name=_("pooling ratio"))
    target_population = models.PositiveIntegerField(default=0, verbose_name=_("target population"))
    prevalence = models.FloatField(default=0.001, verbose_name=_("expected prevalence"))
    labs = models.ManyToManyField(Site, blank=True, related_name="+", verbose_name=_("labs"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN, verbose_name=_("status"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The emergency this work belongs to (its purpose bounds the use of the data; see emergencies).
    emergency = models.ForeignKey("emergencies.Emergency", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("emergency"))

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [models.CheckConstraint(condition=Q(pool_size__in=POOL_SIZES), name="campaign_pool_size_allowed"),
                       models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="campaign_window")]

    def __str__(self) -> str:
        return self.name


class CollectionPoint(models.Model):
    """A collection site taking part in a campaign, with its desks and opening hours."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="points")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("collection point"))
    desks = models.PositiveSmallIntegerField(default=2, verbose_name=_("desks"))
    opens = models.TimeField(default="07:00", verbose_name=_("opens"))
    closes = models.TimeField(default="22:00", verbose_name=_("closes"))

    class Meta:
        ordering = ["site__name"]
        verbose_name = _("collection point")
        verbose_name_plural = _("collection points")
        constraints = [models.UniqueConstraint(fields=["campaign", "site"], name="point_unique_site")]

    def __str__(self) -> str:
        return self.site.name


class TeamMember(models.Model):
    """A sampler or registration clerk assigned to a collection point of a campaign."""

    class Role(models.TextChoices):
        SAMPLER = "sampler", _("Sampler")
        CLERK = "clerk", _("Registration clerk")
        LEAD = "lead", _("Team lead")

    point = models.ForeignKey(CollectionPoint, on_delete=models.CASCADE, related_name="team")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    role = models.CharField(max_length=8, choices=Role.choices, verbose_name=_("role"))
    # The desk grant that joining the team gave the person's account, revoked when the last
    # membership holding it goes; null when the account had the grant already (not ours to take).
    grant = models.ForeignKey("accounts.RoleGrant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [models.UniqueConstraint(fields=["point", "person"], name="team_unique_person")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.role}"


class Shift(models.Model):
    """The point's staff roll: a team member on duty at a collection point from when to when, as the point's lead
    (or the campaign's coordinator) recorded it after the shift. Samplers never scan at the desk, so the desk's
    own rows cannot tell who served; this roll is what the hours ledger (testing/service.py) records."""

    point = models.ForeignKey(CollectionPoint, on_delete=models.CASCADE, related_name="shifts")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("person"))
    role = models.CharField(max_length=8, choices=TeamMember.Role.choices, verbose_name=_("role"))
    starts_at = models.DateTimeField(verbose_name=_("start"))
    ends_at = models.DateTimeField(verbose_name=_("end"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("shift at a collection point")
        verbose_name_plural = _("shifts at collection points")
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"),
                       models.UniqueConstraint(fields=["person", "starts_at"], name="shift_once_per_start")]
        indexes = [models.Index(fields=["ends_at"], name="shift_ends_at")]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.point_id} {self.starts_at:%Y-%m-%d %H:%M}"


class Registration(models.Model):
    """A resident's pre-registration for a campaign; `code` is their personal QR payload."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=14, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pre-registration")
        verbose_name_plural = _("pre-registrations")
        constraints = [models.UniqueConstraint(fields=["campaign", "person"], name="registration_unique_person")]

    def __str__(self) -> str:
        return self.code


class SingleTubeFlag(models.Model):
    """A person who must be sampled alone: in quarantine or flagged as a contact."""

    class Reason(models.TextChoices):
        QUARANTINE = "quarantine", _("In quarantine")
        CONTACT = "contact", _("Close contact")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=10, choices=Reason.choices, verbose_name=_("reason"))
    active = models.BooleanField(default=True)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("single-tube flag")
        verbose_name_plural = _("single-tube flags")
        indexes = [models.Index(fields=["person"], condition=Q(active=True), name="flag_active_person")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.reason}"


class Box(models.Model):
    """A barcoded transport box of closed tubes, from a collection point to a lab."""

    class Status(models.TextChoices):
        OPEN = "open", _("Filling")  # tubes being put in
        CLOSED = "closed", _("Sealed")  # sealed, waiting for the courier
        IN_TRANSIT = "transit", _("In transit")  # handed to the courier
        RECEIVED = "received", _("Received")  # scanned in at the lab

    barcode = models.CharField(max_length=20, unique=True, verbose_name=_("box barcode"))
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="boxes")
    point = models.ForeignKey(CollectionPoint, on_delete=models.PROTECT, related_name="boxes")
    lab = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("lab"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN, verbose_name=_("status"))
    tube_count = models.PositiveIntegerField(default=0, verbose_name=_("tubes"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    handed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("handed over"))
    courier = models.CharField(max_length=60, blank=True, verbose_name=_("courier"))
    received_at = models.DateTimeField(null=True, blank=True, verbose_name=_("received"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    receiver = models.CharField(max_length=60, blank=True, verbose_name=_("received by"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("transport box")
        verbose_name_plural = _("transport boxes")
        indexes = [models.Index(fields=["lab", "status"])]

    def __str__(self) -> str:
        return self.barcode


class CustodyEvent(models.Model):
    """One signed step of a box's chain of custody."""

    class Kind(models.TextChoices):
        SEALED = "sealed", _("Sealed")
        HANDED = "handed", _("Handed to courier")
        RECEIVED = "received", _("Received at lab")

    box = models.ForeignKey(Box, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.box_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class LabRun(models.Model):
    """An analyser run's worklist: received tubes in plate order."""

    lab = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    analyser = models.CharField(max_length=40, blank=True, verbose_name=_("analyser"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["lab", "number"], name="run_unique_number")]

    def __str__(self) -> str:
        return f"#{self.number}"


class Tube(models.Model):
    """A sampling tube: one barcode, up to `capacity` swabs (the pooling ratio, or 1)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("testing", "Open")  # at a desk, taking swabs
        CLOSED = "closed", pgettext_lazy("testing", "Closed")  # full or closed on demand

    class Result(models.TextChoices):
        PENDING = "", pgettext_lazy("testing", "Pending")
        NEGATIVE = "negative", _("Negative")
        POSITIVE = "positive", _("Positive")
        INVALID = "invalid", _("Invalid")  # needs a re-run in the lab
        RERUN = "rerun", _("Re-run")  # the lab will run it again

    barcode = models.CharField(max_length=20, unique=True, verbose_name=_("tube barcode"))
    # No index of its own: the (campaign, status) index below serves every look-up by campaign.
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="tubes", db_index=False)
    point = models.ForeignKey(CollectionPoint, on_delete=models.PROTECT, related_name="tubes")
    capacity = models.PositiveSmallIntegerField(verbose_name=_("pool size"))
    count = models.PositiveSmallIntegerField(default=0, verbose_name=_("swabs"))
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    box = models.ForeignKey(Box, null=True, blank=True, on_delete=models.SET_NULL, related_name="tubes")
    run = models.ForeignKey(LabRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="tubes")
    run_position = models.PositiveSmallIntegerField(null=True, blank=True)
    result = models.CharField(max_length=8, choices=Result.choices, blank=True, default="", verbose_name=_("result"))
    ct = models.FloatField(null=True, blank=True, verbose_name=_("Ct"))
    resulted_at = models.DateTimeField(null=True, blank=True)
    resulted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("tube")
        verbose_name_plural = _("tubes")
        constraints = [models.CheckConstraint(condition=Q(count__lte=models.F("capacity")), name="tube_not_overfilled")]
        indexes = [models.Index(fields=["campaign", "status"])]  # box has its foreign key's index

    def __str__(self) -> str:
        return self.barcode

    @property
    def final(self) -> bool:
        return self.result in (self.Result.NEGATIVE, self.Result.POSITIVE)


class Recall(models.Model):
    """Everyone in a positive pooled tube, called back for single tubes."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("testing", "Open")  # some people not yet resolved
        CLOSED = "closed", pgettext_lazy("testing", "Closed")  # every person re-tested alone

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="recalls")
    tube = models.OneToOneField(Tube, on_delete=models.PROTECT, related_name="recall")
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("recall")
        verbose_name_plural = _("recalls")

    def __str__(self) -> str:
        return f"recall {self.tube_id}"


class RecallItem(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("To contact")  # not yet reached
        CONTACTED = "contacted", _("Contacted, isolating")  # reached, told to isolate and come for a single tube
        RESAMPLED = "resampled", _("Re-sampled")  # single tube taken, result awaited
        NEGATIVE = "negative", _("Negative")  # resolved
        POSITIVE = "positive", _("Positive")  # resolved: a case

    recall = models.ForeignKey(Recall, on_delete=models.CASCADE, related_name="items")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PENDING)
    contacted_at = models.DateTimeField(null=True, blank=True)
    resample = models.OneToOneField("Sample", null=True, blank=True, on_delete=models.SET_NULL, related_name="recall_item")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recall", "person"], name="recall_item_unique")]
        indexes = [models.Index(fields=["person", "status"])]

    def __str__(self) -> str:
        return f"{self.recall_id}:{self.person_id}"

    @property
    def resolved(self) -> bool:
        return self.status in (self.Status.NEGATIVE, self.Status.POSITIVE)


class Sample(models.Model):
    """One person's swab in one tube. Written by the desk's hot path; carries who, where and when."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="samples")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    tube = models.ForeignKey(Tube, on_delete=models.PROTECT, related_name="samples")
    point = models.ForeignKey(CollectionPoint, on_delete=models.PROTECT, related_name="samples")
    registered_at = models.DateTimeField()
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The desk's idempotency key: a resend after a network drop finds this row instead of writing another.
    # Unique through a constraint rather than `unique=True`, which on PostgreSQL also builds a second
    # (LIKE-pattern) index nothing here uses, and every scan paid for.
    client_key = models.CharField(max_length=64)
    is_resample = models.BooleanField(default=False)

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = _("sample")
        verbose_name_plural = _("samples")
        constraints = [models.UniqueConstraint(fields=["campaign", "person"], condition=Q(is_resample=False),
                                               name="sample_once_per_round"),
                       models.UniqueConstraint(fields=["client_key"], name="sample_client_key_once")]
        # No index of its own on `person`: the foreign key has one (a second was written on every scan).

    def __str__(self) -> str:
        return f"{self.person_id}@{self.tube_id}"


class Report(models.Model):
    """A test report issued to a resident; anyone holding the token can verify it."""

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="reports")
    token = models.CharField(max_length=40, unique=True)
    result = models.CharField(max_length=12)
    issued_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.token[:8]
