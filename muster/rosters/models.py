"""Posts, their cover, their team and rules; rosters and the duty log."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from muster.geo.models import Region, Site
from muster.people.models import Person, Skill

WEEKDAY_CHOICES = [(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
                   (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday"))]


def _token() -> str:
    return secrets.token_urlsafe(18)


class Post(models.Model):
    """A place kept staffed: a gate, a tent, a patrol route. Belongs to a site; carries the rules."""

    class Kind(models.TextChoices):
        GATE = "gate", _("Gate")
        TENT = "tent", _("Tent post")
        PATROL = "patrol", _("Patrol route")

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="posts", verbose_name=_("site"))
    # Denormalised from the site so that scoping is one path filter.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    name = models.CharField(max_length=80, verbose_name=_("name"))
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TENT, verbose_name=_("kind"))
    # The emergency this post was set up for: its passage records and duty logs fall under its purpose.
    emergency = models.ForeignKey("emergencies.Emergency", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("emergency"))
    fever_threshold = models.DecimalField(max_digits=3, decimal_places=1, default=Decimal("37.3"),
                                          validators=[MinValueValidator(Decimal("36.0")), MaxValueValidator(Decimal("40.0"))],
                                          verbose_name=_("fever threshold (°C)"))
    # Rules the coordinator switches on (a blank value means the rule is off).
    max_hours_day = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("max hours per day"))
    max_hours_week = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("max hours per week"))
    min_rest_hours = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("min rest between shifts (hours)"))
    max_consecutive_days = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("max consecutive days"))
    max_consecutive_nights = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("max consecutive nights"))
    night_age_limit = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("no night shift over this age without consent"))
    night_mix_age = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("never only people over this age at night"))
    # Nobody younger is rostered or checked in (people.fitness); nights never go below 18 whatever it says.
    min_age = models.PositiveSmallIntegerField(default=18, validators=[MinValueValidator(14), MaxValueValidator(80)],
                                               verbose_name=_("minimum age"))
    fair_nights = models.PositiveSmallIntegerField(default=0, verbose_name=_("weight of fair nights"))
    fair_weekends = models.PositiveSmallIntegerField(default=0, verbose_name=_("weight of fair weekends"))
    keep_pairs = models.PositiveSmallIntegerField(default=0, verbose_name=_("weight of keeping pairs together"))
    change_weight = models.PositiveSmallIntegerField(default=5, verbose_name=_("weight of each change against the published roster"))
    solve_seconds = models.PositiveSmallIntegerField(default=20, validators=[MinValueValidator(2), MaxValueValidator(300)],
                                                     verbose_name=_("solver time limit (seconds)"))
    checkin_token = models.CharField(max_length=40, unique=True, default=_token, editable=False)
    active = models.BooleanField(default=True, verbose_name=_("active"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="post_unique_name_at_site")]

    def __str__(self) -> str:
        return self.name


class Band(models.Model):
    """How many people a post needs in one time band of one weekday. End before start crosses midnight."""

    class Line(models.TextChoices):
        DUTY = "duty", _("Shift")  # 值班: the shift plan
        PATROL = "patrol", _("Night patrol")  # 夜巡: the night-patrol plan

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="bands")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAY_CHOICES, verbose_name=_("weekday"))
    line = models.CharField(max_length=8, choices=Line.choices, default=Line.DUTY, verbose_name=_("plan"))
    start = models.TimeField(verbose_name=_("start"))
    end = models.TimeField(verbose_name=_("end"))
    required = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(50)], verbose_name=_("people needed"))
    skill = models.ForeignKey(Skill, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("required skill"))
    skill_count = models.PositiveSmallIntegerField(default=0, verbose_name=_("how many with the skill"))

    class Meta:
        ordering = ["weekday", "line", "start"]
        verbose_name = _("cover band")
        verbose_name_plural = _("cover bands")
        constraints = [models.CheckConstraint(condition=~models.Q(start=models.F("end")), name="band_not_empty")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.clock}"

    @property
    def minutes(self) -> int:
        return band_minutes(self.start, self.end)

    @property
    def clock(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def key(self) -> str:
        """The shift type this band is an instance of: the same hours on another weekday share it."""
        return f"{self.line}-{self.start:%H%M}-{self.end:%H%M}"


def band_minutes(start: dt.time, end: dt.time) -> int:
    a, b = start.hour * 60 + start.minute, end.hour * 60 + end.minute
    return (b - a) % (24 * 60)


class CoverException(models.Model):
    """A date on which one band (or all) needs a different number of people; 0 closes it."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(verbose_name=_("date"))
    band = models.ForeignKey(Band, null=True, blank=True, on_delete=models.CASCADE, related_name="exceptions",
                             verbose_name=_("band (blank: all bands)"))
    required = models.PositiveSmallIntegerField(validators=[MaxValueValidator(50)], verbose_name=_("people needed"))
    note = models.CharField(max_length=120, blank=True, verbose_name=_("note"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("cover exception")
        verbose_name_plural = _("cover exceptions")

    def __str__(self) -> str:
        return f"{self.date} ×{self.required}"


class TeamMember(models.Model):
    """A person who staffs a post, with their availability, preferences and limits."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="team")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="post_memberships", verbose_name=_("person"))
    available_weekdays = models.JSONField(default=list, blank=True, verbose_name=_("weekdays available (empty: all)"))
    no_nights = models.BooleanField(default=False, verbose_name=_("never nights"))
    night_consent = models.BooleanField(default=False, verbose_name=_("consents to nights despite age"))
    preferred = models.JSONField(default=list, blank=True, verbose_name=_("preferred bands"))
    max_hours_week = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("own max hours per week"))
    pair_with = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("likes to work with"))
    active = models.BooleanField(default=True, verbose_name=_("active"))

    class Meta:
        ordering = ["person__name"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [models.UniqueConstraint(fields=["post", "person"], name="team_member_unique")]

    def __str__(self) -> str:
        return str(self.person)


class Absence(models.Model):
    """Days a team member cannot do."""

    member = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="absences")
    start = models.DateField(verbose_name=_("from"))
    end = models.DateField(verbose_name=_("to"))
    note = models.CharField(max_length=120, blank=True, verbose_name=_("note"))

    class Meta:
        ordering = ["start"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="absence_ordered")]

    def __str__(self) -> str:
        return f"{self.member} {self.start}–{self.end}"


class Roster(models.Model):
    """One solve of one or more weeks of a post; its assignments exist only when the validator passed."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")  # waiting for the worker
        SOLVING = "solving", _("Solving")  # the engine is running
        READY = "ready", _("Ready")  # a valid roster, not yet published
        PUBLISHED = "published", _("Published")  # the roster members see
        SUPERSEDED = "superseded", _("Superseded")  # replaced by a later publish
        FAILED = "failed", _("No roster")  # infeasible, or no roster within the time limit

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="rosters")
    start = models.DateField(verbose_name=_("first day"))  # a Monday
    weeks = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(8)], verbose_name=_("weeks"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    engine_status = models.CharField(max_length=14, blank=True)  # OPTIMAL / FEASIBLE / INFEASIBLE / UNKNOWN
    objective = models.IntegerField(null=True, blank=True)
    lower_bound = models.IntegerField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    time_limit = models.PositiveSmallIntegerField(default=20)
    progress = models.JSONField(default=list, blank=True)  # [{seconds, objective, lower_bound, phase}]
    penalties = models.JSONField(default=list, blank=True)  # soft rules broken: [{rule, amount, count, examples}]
    problems = models.JSONField(default=list, blank=True)  # why no roster, in words
    # Team members who may not be sent on some days (people.fitness), made unavailable there:
    # [{"person", "name", "days": [iso dates], "nights_only": bool, "reasons": [Reason.as_json()]}]
    left_out = models.JSONField(default=list, blank=True)
    changes = models.IntegerField(null=True, blank=True)  # person-days changed against the previous publish
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # When a worker took the solve: a solve "solving" far past its time limit lost its worker.
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-start", "-created_at"]
        verbose_name = _("roster")
        verbose_name_plural = _("rosters")
        indexes = [models.Index(fields=["post", "status", "start"])]

    def __str__(self) -> str:
        return f"{self.post} {self.start:%Y-%m-%d}"

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=7 * self.weeks - 1)

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.lower_bound is None or not self.objective:
            return None
        return round(100.0 * (self.objective - self.lower_bound) / self.objective, 1)

    @property
    def engine_status_label(self) -> str:
        """The solver's verdict in the coordinator's words; `engine_status` keeps the engine's code for the API."""
        return str(ENGINE_WORDS.get(self.engine_status, self.engine_status))


# OR-Tools' status codes, as a coordinator reads them on the roster pages.
ENGINE_WORDS = {
    "OPTIMAL": pgettext_lazy("solver status", "Best possible"),
    "FEASIBLE": pgettext_lazy("solver status", "Good, not proven best"),
    "INFEASIBLE": pgettext_lazy("solver status", "No roster can meet the rules"),
    "UNKNOWN": pgettext_lazy("solver status", "No answer within the time limit"),
    "MODEL_INVALID": pgettext_lazy("solver status", "The rules could not be set up"),
}


class Assignment(models.Model):
    """One person on one band on one date."""

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="assignments")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assignments")
    band = models.ForeignKey(Band, null=True, on_delete=models.SET_NULL, related_name="+")
    date = models.DateField()
    line = models.CharField(max_length=8, choices=Band.Line.choices, default=Band.Line.DUTY)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # When the coordinators were told nobody checked in for it: set once, so each missed shift is told once.
    missed_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "person__name"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [models.Index(fields=["person", "starts_at"]), models.Index(fields=["post", "starts_at"]),
                   # the missed-shift job looks across every post at the last few hours each minute
                   models.Index(fields=["starts_at"], name="assignment_starts_at")]

    def __str__(self) -> str:
        return f"{self.person} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class SwapRequest(models.Model):
    """A member asks someone else to take their shift (cover) or to trade shifts (swap)."""

    class Kind(models.TextChoices):
        COVER = "cover", _("Cover")  # someone takes my shift
        SWAP = "swap", _("Swap")  # we trade shifts

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("swap status", "Open")  # waiting for the coordinator
        APPROVED = "approved", _("Approved")  # the roster was changed
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")  # withdrawn by the member

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="swap_requests")
    kind = models.CharField(max_length=6, choices=Kind.choices, verbose_name=_("kind"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("with"))
    other_assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                         verbose_name=_("their shift"))
    reason = models.CharField(max_length=200, blank=True, verbose_name=_("reason"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("swap request")
        verbose_name_plural = _("swap requests")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.assignment}"


class CheckIn(models.Model):
    """Somebody actually on duty: by the QR at the post or a tap. May differ from who was rostered."""

    class Method(models.TextChoices):
        QR = "qr", _("QR at the post")
        TAP = "tap", _("Tap")
        COORDINATOR = "coordinator", _("Entered by coordinator")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="checkins")
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="checkins")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="checkins")
    at = models.DateTimeField()
    method = models.CharField(max_length=12, choices=Method.choices, default=Method.TAP)
    minutes = models.PositiveIntegerField(default=0)  # hours credited to the person's record

    class Meta:
        ordering = ["-at"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [models.UniqueConstraint(fields=["assignment", "person"], name="checkin_once_per_shift")]

    def __str__(self) -> str:
        return f"{self.person} {self.at:%Y-%m-%d %H:%M}"


class DutyNote(models.Model):
    """A line of the duty record: a hand-over note or an incident."""

    class Kind(models.TextChoices):
        HANDOVER = "handover", _("Hand-over")
        INCIDENT = "incident", _("Incident")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.HANDOVER, verbose_name=_("kind"))
    text = models.TextField(max_length=2000, verbose_name=_("text"))

    class Meta:
        ordering = ["-at"]
        verbose_name = _("duty note")
        verbose_name_plural = _("duty notes")

    def __str__(self) -> str:
        return self.text[:40]


class CalendarFeed(models.Model):
    """The secret behind a member's private iCalendar URL."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=40, unique=True, default=_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.person)
