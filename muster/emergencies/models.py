"""Emergencies (事件/响应) and the end date of the personal data collected in them.

An emergency is declared by command for a region, with a level and a purpose; the work of the
domains (campaigns, needs, posts, quarantine cases) points to it. Personal data collected in
it is lawful only for that purpose and only as long as needed (PIPL arts. 13(4), 19, 47): the
retention policies say how long per record type, legal holds keep what must not go, and purge
runs record what went.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from muster.geo.models import Region


class Emergency(models.Model):
    class Level(models.TextChoices):
        ONE = "1", _("Level I (particularly serious)")  # 一级响应
        TWO = "2", _("Level II (serious)")  # 二级响应
        THREE = "3", _("Level III (major)")  # 三级响应
        FOUR = "4", _("Level IV (general)")  # 四级响应

    class Status(models.TextChoices):
        ACTIVE = "active", _("Under way")  # declared; domains may attach work to it
        CLOSED = "closed", _("Declared over")  # command declared it over; retention clocks run

    name = models.CharField(max_length=120, verbose_name=_("name"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    level = models.CharField(max_length=1, choices=Level.choices, verbose_name=_("response level"))
    purpose = models.TextField(verbose_name=_("purpose"))
    started_at = models.DateTimeField(verbose_name=_("started"))
    ended_at = models.DateTimeField(null=True, blank=True, verbose_name=_("ended"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE, verbose_name=_("status"))
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("emergency")
        verbose_name_plural = _("emergencies")
        constraints = [
            models.CheckConstraint(condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                                   name="emergency_ends_after_start"),
            models.CheckConstraint(condition=Q(status="active", ended_at__isnull=True) | Q(status="closed", ended_at__isnull=False),
                                   name="emergency_closed_has_end"),
        ]

    def __str__(self) -> str:
        return self.name


class RetentionPolicy(models.Model):
    """This deployment's days for one record type (core.retention); absent: the type's default."""

    key = models.CharField(max_length=60, unique=True, verbose_name=_("record type"))
    days = models.PositiveIntegerField(verbose_name=_("days kept"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")

    def __str__(self) -> str:
        return f"{self.key}: {self.days}"


class LegalHold(models.Model):
    """Keeps a person's data, or one record (and so its person), out of every purge until lifted."""

    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("person"))
    record_type = models.CharField(max_length=60, blank=True, verbose_name=_("record type"))
    object_id = models.BigIntegerField(null=True, blank=True, verbose_name=_("record number"))
    reason = models.CharField(max_length=200, verbose_name=_("reason"))
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    placed_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        constraints = [
            models.CheckConstraint(condition=Q(person__isnull=False) | (~Q(record_type="") & Q(object_id__isnull=False)),
                                   name="hold_names_something"),
        ]

    def __str__(self) -> str:
        return f"hold {self.pk}: {self.reason}"


class PurgeRun(models.Model):
    """One purge (or dry run) and its report: per record type, rows deleted, anonymised, kept and why."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")  # batches being purged (or counted, for a dry run)
        DONE = "done", _("Done")  # every due row purged or kept for a stated reason
        FAILED = "failed", _("Failed")  # stopped by an error; the next run resumes where it stopped
        INTERRUPTED = "interrupted", _("Interrupted")  # its process died; the next run resumed the work

    dry_run = models.BooleanField(default=False, verbose_name=_("dry run"))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RUNNING, verbose_name=_("status"))
    started_at = models.DateTimeField(auto_now_add=True, verbose_name=_("started"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # {"types": {key: {"due": n, "deleted": n, "anonymised": n, "held": n, "batches": n, "days": d}}, "holds": n}
    report = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("purge run")
        verbose_name_plural = _("purge runs")

    def __str__(self) -> str:
        return f"purge {self.pk} {self.status}"


class CorrectionRequest(models.Model):
    """A resident asks for their data to be corrected (PIPL art. 46); the responsible community answers."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")  # waiting for the community
        DONE = "done", _("Answered")  # the community corrected it or said why not

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    text = models.TextField(verbose_name=_("what is wrong"))
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN, verbose_name=_("status"))
    answer = models.TextField(blank=True, verbose_name=_("answer"))
    created_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")

    def __str__(self) -> str:
        return f"correction {self.pk}"
