"""Needs (吹哨), reports (报到), dispatch proposals and cadre deployments."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class NeedRole(models.Model):
    """The catalogue of recurring roles a need can ask for (gate duty, errands, …); editable in the admin."""

    code = models.SlugField(max_length=40, unique=True)
    name_zh = models.CharField(max_length=60)
    name_en = models.CharField(max_length=60)
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=100)
    # Who may be sent for this role (people.fitness): nobody younger, and never below 18 at night.
    min_age = models.PositiveSmallIntegerField(default=18, validators=[MinValueValidator(14), MaxValueValidator(80)],
                                               verbose_name=_("minimum age"))

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("need role")
        verbose_name_plural = _("need roles")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class Deployment(models.Model):
    """A bulk call for cadres: `total` people split over communities in proportion to their households."""

    class Status(models.TextChoices):
        POSTED = "posted", _("Posted")  # needs created per community, not yet allocated
        ALLOCATED = "allocated", _("Allocated")  # cadres confirmed into the needs
        CANCELLED = "cancelled", _("Cancelled")

    region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    title = models.CharField(max_length=120, verbose_name=_("title"))
    total = models.PositiveIntegerField(verbose_name=_("cadres"))
    organisations = models.ManyToManyField("people.Organisation", related_name="deployments",
                                           verbose_name=_("releasing organisations"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.POSTED, verbose_name=_("status"))
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("cadre deployment")
        verbose_name_plural = _("cadre deployments")
        constraints = [models.CheckConstraint(condition=Q(total__gt=0), name="deployment_total_positive")]

    def __str__(self) -> str:
        return self.title


class Need(models.Model):
    """A community's call for hands: `headcount` people for a role, at a place, for a time."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("need status", "Open")  # taking reports
        PAUSED = "paused", _("Paused")  # visible to coordinators, not to reporters
        CANCELLED = "cancelled", _("Cancelled")  # called off; reports withdrawn
        CLOSED = "closed", _("Closed")  # done or filled by other means; history only

    class Urgency(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        CRITICAL = "critical", _("Critical")

    class Recurrence(models.TextChoices):
        NONE = "", _("Once")
        DAILY = "daily", _("Every day")
        WEEKLY = "weekly", _("Every week")

    region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="needs", verbose_name=_("community"))
    # The emergency this work belongs to (its purpose bounds the use of the data; see emergencies).
    emergency = models.ForeignKey("emergencies.Emergency", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("emergency"))
    site = models.ForeignKey("geo.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="needs", verbose_name=_("site"))
    role = models.ForeignKey(NeedRole, on_delete=models.PROTECT, related_name="needs", verbose_name=pgettext_lazy("a job to do", "role"))
    title = models.CharField(max_length=120, blank=True, verbose_name=_("title"))
    notes = models.TextField(blank=True, verbose_name=_("notes"))
    start = models.DateTimeField(db_index=True, verbose_name=_("start"))
    end = models.DateTimeField(verbose_name=_("end"))
    headcount = models.PositiveIntegerField(verbose_name=_("people needed"))
    # Kept by report_accept's conditional UPDATE (and the check constraint): never above headcount.
    accepted_count = models.PositiveIntegerField(default=0, verbose_name=_("accepted"))
    skills = models.ManyToManyField("people.Skill", blank=True, related_name="+", verbose_name=_("required skills"))
    # Organisation kinds of which the person must belong to one (e.g. ["party_branch"]); empty: anyone.
    affiliation_kinds = models.JSONField(default=list, blank=True, verbose_name=_("required affiliations"))
    urgency = models.CharField(max_length=8, choices=Urgency.choices, default=Urgency.NORMAL, verbose_name=_("urgency"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True, verbose_name=_("status"))
    recurrence = models.CharField(max_length=8, choices=Recurrence.choices, blank=True, default="", verbose_name=_("repeats"))
    # Occurrences of one recurring need share a series id; each is its own Need.
    series = models.UUIDField(null=True, blank=True, db_index=True)
    deployment = models.ForeignKey(Deployment, null=True, blank=True, on_delete=models.CASCADE, related_name="needs")
    # Printed as a QR code at the site; valid around the need's own time only.
    checkin_code = models.CharField(max_length=8, unique=True, verbose_name=_("check-in code"))
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        constraints = [
            models.CheckConstraint(condition=Q(headcount__gt=0), name="need_headcount_positive"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="need_end_after_start"),
            models.CheckConstraint(condition=Q(accepted_count__lte=F("headcount")), name="need_not_overfilled"),
        ]
        indexes = [models.Index(fields=["region", "status", "start"])]

    def __str__(self) -> str:
        return self.title or f"{self.role.label} {self.start:%m-%d}"

    @property
    def open_places(self) -> int:
        return max(0, self.headcount - self.accepted_count)

    @property
    def status_label(self) -> str:
        """The status as people read it: an open need with every place taken is full, not recruiting."""
        if self.status == self.Status.OPEN and not self.open_places:
            return str(pgettext_lazy("need status", "Full"))
        return self.get_status_display()

    @property
    def place(self):
        return self.site or self.region

    @property
    def duty(self):
        """The need as the fitness question sees it (people.fitness): its days, night or not, the role's minimum age."""
        from muster.people.fitness import Duty, Kind

        return Duty.spanning(Kind.NEED, self.start, self.end, min_age=self.role.min_age)


class Report(models.Model):
    """One person answering one need: 报到."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")  # offered, waiting for the coordinator
        ACCEPTED = "accepted", _("Accepted")  # holds one of the need's places
        DECLINED = "declined", _("Declined")  # coordinator said no
        WITHDRAWN = "withdrawn", _("Withdrawn")  # the person pulled out, with a reason
        CHECKED_IN = "checked_in", _("Checked in")  # at the site now
        COMPLETED = "completed", _("Completed")  # checked out; hours recorded
        NO_SHOW = "no_show", _("No-show")  # accepted but never came

    class Source(models.TextChoices):
        SELF = "self", _("Reported themself")
        COORDINATOR = "coordinator", _("Added by a coordinator")
        DISPATCH = "dispatch", _("Dispatcher")

    ACTIVE = (Status.REPORTED, Status.ACCEPTED, Status.CHECKED_IN)
    HOLDS_PLACE = (Status.ACCEPTED, Status.CHECKED_IN, Status.COMPLETED)

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="reports", verbose_name=_("need"))
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="reports", verbose_name=_("person"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REPORTED, db_index=True, verbose_name=_("status"))
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.SELF, verbose_name=_("source"))
    note = models.CharField(max_length=200, blank=True, verbose_name=pgettext_lazy("a member's message", "note"))
    reason = models.CharField(max_length=200, blank=True, verbose_name=_("reason"))
    checked_in_at = models.DateTimeField(null=True, blank=True, verbose_name=pgettext_lazy("time", "checked in"))
    checked_out_at = models.DateTimeField(null=True, blank=True, verbose_name=_("checked out"))
    hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True, verbose_name=_("hours"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            # Reporting twice: one live report per person and need (a withdrawn one may be renewed).
            models.UniqueConstraint(fields=["need", "person"], condition=Q(status__in=["reported", "accepted", "checked_in",
                                                                                       "completed", "no_show"]),
                                    name="report_one_live_per_need"),
        ]
        indexes = [models.Index(fields=["person", "status"])]

    def __str__(self) -> str:
        return f"{self.person} → {self.need}"


class DispatchRun(models.Model):
    """One run of the dispatcher for a region (or a deployment): its status, figures and proposal."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")  # waiting for the worker
        RUNNING = "running", _("Running")
        READY = "ready", _("Ready for review")  # proposal lines written
        FAILED = "failed", _("Failed")
        CONFIRMED = "confirmed", _("Confirmed")  # reports created, people notified
        DISCARDED = "discarded", _("Discarded")
        SUPERSEDED = "superseded", _("Superseded")  # a newer proposal for some of the same needs replaces it
        EXPIRED = "expired", _("Expired")  # the needs or someone's fitness changed since; `error` says what

    region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    deployment = models.ForeignKey(Deployment, null=True, blank=True, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, verbose_name=_("status"))
    max_km = models.FloatField(default=5.0, verbose_name=_("radius (km)"))
    needs_count = models.PositiveIntegerField(default=0)
    people_count = models.PositiveIntegerField(default=0)
    places = models.PositiveIntegerField(default=0)
    filled = models.PositiveIntegerField(default=0)
    total_m = models.BigIntegerField(default=0)
    solve_ms = models.PositiveIntegerField(default=0)
    engine_status = models.CharField(max_length=12, blank=True)
    error = models.CharField(max_length=300, blank=True)
    confirmed_count = models.PositiveIntegerField(default=0)
    # What the proposal was made from, checked again when it is confirmed: the needs it
    # considered and a fingerprint of their time, place, numbers and status.
    need_ids = models.JSONField(default=list, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # People of the pool who may not be sent (people.fitness): {"total", "counts": {code: n}, "people": [...]}.
    left_out = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dispatch run")
        verbose_name_plural = _("dispatch runs")

    def __str__(self) -> str:
        return f"{self.region} {self.created_at:%m-%d %H:%M}"


class ProposalLine(models.Model):
    """One proposed (person, need) pair with its one-line reason; the coordinator may untick or swap it."""

    run = models.ForeignKey(DispatchRun, on_delete=models.CASCADE, related_name="lines")
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="+", verbose_name=_("need"))
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("person"))
    metres = models.PositiveIntegerField(default=0, verbose_name=_("distance (m)"))
    reason = models.CharField(max_length=200, blank=True, verbose_name=_("reason"))
    included = models.BooleanField(default=True, verbose_name=_("included"))
    # Set on confirm: the report made, or why the line could not be confirmed.
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["need__start", "need_id", "metres", "id"]
        verbose_name = _("proposal line")
        verbose_name_plural = _("proposal lines")
        constraints = [models.UniqueConstraint(fields=["run", "person", "need"], name="proposal_line_unique")]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.need_id}"
