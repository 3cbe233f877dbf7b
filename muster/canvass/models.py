"""Door-knocking campaigns (敲门行动): scope, walk lists, the doors on them, visits, answers and findings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from muster.geo.models import Building, Household, Region
from muster.people.models import Person


class Campaign(models.Model):
    """A door-knocking campaign over one or more communities, with one question form."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("canvass", "Open")  # visitors record visits
        CLOSED = "closed", pgettext_lazy("canvass", "Closed")  # finished; read only

    name = models.CharField(max_length=120, verbose_name=_("name"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    regions = models.ManyToManyField(Region, related_name="+", verbose_name=_("scope"))
    purpose = models.CharField(max_length=300, verbose_name=_("purpose"))
    template = models.CharField(max_length=30, verbose_name=_("question form"))
    # [{"key", "type", "label", "choices"?}] — validated by muster.canvass.questions.Form.
    questions = models.JSONField(default=list)
    # [{"key", "question", "equals", "label", "action"}] — an answer matching one is a finding.
    rules = models.JSONField(default=list)
    starts_at = models.DateTimeField(verbose_name=_("start"))
    ends_at = models.DateTimeField(verbose_name=_("end"))
    max_rounds = models.PositiveSmallIntegerField(default=3, verbose_name=_("visit rounds"))
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    emergency = models.ForeignKey("emergencies.Emergency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("door-knocking campaign")
        verbose_name_plural = _("door-knocking campaigns")
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="canvass_window")]

    def __str__(self) -> str:
        return self.name


class WalkList(models.Model):
    """A share of the campaign's doors, cut by building and unit, walked by one visitor (or a team)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="walk_lists")
    number = models.PositiveIntegerField()
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=pgettext_lazy("canvass", "visitor"))
    team = models.CharField(max_length=60, blank=True, verbose_name=pgettext_lazy("canvass", "team"))

    class Meta:
        ordering = ["campaign", "number"]
        verbose_name = _("walk list")
        verbose_name_plural = _("walk lists")
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="walklist_unique_number")]
        indexes = [models.Index(fields=["assignee", "campaign"])]

    def __str__(self) -> str:
        return f"#{self.number}"


class Door(models.Model):
    """One household of the campaign and where it stands: the coverage board counts these rows."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Not visited")  # no visit yet
        COMPLETED = "completed", _("Completed")  # someone answered
        NOT_HOME = "not_home", _("No one at home")  # to revisit in the next round
        NO_RESPONDENT = "no_respondent", _("No competent respondent")  # to revisit
        REFUSED = "refused", pgettext_lazy("canvass", "Refused")  # final
        VACANT = "vacant", _("Vacant")  # final
        NOT_FOUND = "not_found", _("Not found")  # final: the address does not exist
        OTHER = "other", pgettext_lazy("canvass", "Other")  # to revisit
        NOTICE = "notice", _("Door notice")  # rounds used up: notice on the door, checked twice a day

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="doors")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    walk_list = models.ForeignKey(WalkList, null=True, on_delete=models.SET_NULL, related_name="doors")
    building = models.ForeignKey(Building, null=True, on_delete=models.PROTECT, related_name="+")
    unit = models.CharField(max_length=10, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=13, choices=Status.choices, default=Status.PENDING)
    rounds = models.PositiveSmallIntegerField(default=0)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    added_at_door = models.BooleanField(default=False)
    changed_at = models.DateTimeField(null=True, blank=True)

    REVISIT = (Status.NOT_HOME, Status.NO_RESPONDENT, Status.OTHER)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "household"], name="door_unique_household")]
        # (campaign, region, status, walk_list): a street's or community's doors by status, and which walk lists
        # they are on, read from the index alone (the board's lists and revisits); (walk_list, status): a list's
        # doors counted.
        indexes = [models.Index(fields=["campaign", "region", "status", "walk_list"], name="door_area_status_list"),
                   models.Index(fields=["walk_list", "status"]),
                   models.Index(fields=["campaign", "building", "unit"])]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.household_id}"


class Tally(models.Model):
    """Doors of a campaign per community and status, kept with every change of a door's status.

    The district and street boards read these few thousand rows instead of grouping 800,000 doors;
    building and unit figures still come from the doors of one community.

    A community's count is the sum of its SHARDS rows: a change is added to the shard of the door's walk
    list (walk_list_id % SHARDS), so visitors of one community syncing at once add to different rows instead
    of queueing on one row lock. A shard's own n means nothing (it goes below zero when a door leaves
    "pending" on another shard than the one it was counted on); only the sum is exact.
    """

    SHARDS = 8

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=13, choices=Door.Status.choices)
    shard = models.PositiveSmallIntegerField(default=0)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "region", "status", "shard"], name="tally_unique_shard")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.region_id}:{self.status}[{self.shard}]={self.n}"


class Visit(models.Model):
    """One knock at one door, as recorded on the visitor's phone (maybe hours before it synced)."""

    class Result(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        NOT_HOME = "not_home", _("No one at home")
        NO_RESPONDENT = "no_respondent", _("No competent respondent")
        REFUSED = "refused", pgettext_lazy("canvass", "Refused")
        VACANT = "vacant", _("Vacant")
        NOT_FOUND = "not_found", _("Not found")
        OTHER = "other", pgettext_lazy("canvass", "Other")

    class State(models.TextChoices):
        ACCEPTED = "accepted", pgettext_lazy("canvass visit", "Accepted")  # counted on the door
        CONFLICT = "conflict", _("Conflict")  # the door was already completed by someone else: the leader decides
        RESOLVED = "resolved", _("Resolved")  # a conflict the leader has looked at

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="visits")
    door = models.ForeignKey(Door, on_delete=models.CASCADE, related_name="visits")
    round = models.PositiveSmallIntegerField()
    result = models.CharField(max_length=13, choices=Result.choices, verbose_name=_("result"))
    state = models.CharField(max_length=8, choices=State.choices, default=State.ACCEPTED)
    note = models.CharField(max_length=200, blank=True)
    key = models.CharField(max_length=100, unique=True)
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    synced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["campaign", "state"])]

    def __str__(self) -> str:
        return f"{self.door_id} r{self.round} {self.result}"


class VisitPerson(models.Model):
    """A person met at the door and their answers (sensitive: only the campaign's leaders read them)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=60, blank=True)  # someone who lives there but is not in the registry
    answers = models.JSONField(default=dict)
    purged_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name or str(self.person_id)


class Finding(models.Model):
    """An answer that matched a campaign rule; the leader acts on it in one step."""

    class Action(models.TextChoices):
        NONE = "", _("Awaiting review")
        SAMPLING = "sampling", _("Flagged for single-tube sampling")
        QUARANTINE = "quarantine", _("Quarantine case opened")
        NEED = "need", _("Need raised")
        DISMISSED = "dismissed", _("Dismissed")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="findings")
    visit_person = models.ForeignKey(VisitPerson, on_delete=models.CASCADE, related_name="findings")
    rule = models.CharField(max_length=40)
    label = models.CharField(max_length=120)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.NONE, blank=True)
    action_ref = models.CharField(max_length=60, blank=True)
    acted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    acted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["visit_person", "rule"], name="finding_unique_rule")]
        # In the board's order (awaiting review first, newest first): its first 60 cards are read off the index,
        # not found by joining all of a district's findings with their people and doors and sorting them.
        indexes = [models.Index(fields=["campaign", "action", "-created_at"], name="finding_board_order")]

    def __str__(self) -> str:
        return self.label


class FollowUp(models.Model):
    """A household checked again and again after the door-knock: a finding's person (daily), or a door with a
    notice after the last round (twice a day) until someone there reports."""

    class Kind(models.TextChoices):
        FINDING = "finding", _("Daily check after a finding")
        NOTICE = "notice", _("Twice-daily check of a door notice")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("canvass follow-up", "Open")  # checked on schedule
        CLOSED = "closed", pgettext_lazy("canvass follow-up", "Closed")  # someone reported, or the leader ended it

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="follow_ups")
    door = models.ForeignKey(Door, on_delete=models.CASCADE, related_name="follow_ups")
    finding = models.ForeignKey(Finding, null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    label = models.CharField(max_length=120)
    every_hours = models.PositiveSmallIntegerField(default=24)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    due_at = models.DateTimeField()
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["finding"], condition=Q(kind="finding"), name="followup_one_per_finding"),
            models.UniqueConstraint(fields=["door"], condition=Q(kind="notice"), name="followup_one_notice_per_door"),
        ]
        indexes = [models.Index(fields=["campaign", "status", "due_at"])]

    def __str__(self) -> str:
        return self.label


class FollowUpCheck(models.Model):
    """One check of a follow-up: who, when, what they found."""

    class Result(models.TextChoices):
        WELL = "well", _("Checked, all well")
        HELP = "help", _("Needs help")
        NO_ANSWER = "no_answer", _("No answer")
        REPORTED = "reported", _("Someone reported")  # closes a door-notice follow-up

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="checks")
    result = models.CharField(max_length=9, choices=Result.choices)
    note = models.CharField(max_length=200, blank=True)
    key = models.CharField(max_length=100, unique=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.follow_up_id} {self.result}"


class Team(models.Model):
    """A campaign team: a named group of visitors with a leader; a walk list given to a team goes to its leader."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=60, verbose_name=_("name"))
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="canvass_team_unique_name")]

    def __str__(self) -> str:
        return self.name
