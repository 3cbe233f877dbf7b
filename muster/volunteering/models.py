"""Volunteers (志愿者), teams (志愿团体), projects (志愿项目) with their sessions, and sign-ups.

The national record rules (民政部《志愿服务记录与证明出具办法（试行）》) decide what a
registration holds: who the volunteer is, where they live, what they can do, and their consent
(with a guardian's for ages 14–17). Places are claimed with a conditional UPDATE on the
session's `taken` count, so a session is never over-filled whoever signs up at the same moment.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MIN_REGISTER_AGE = 14  # below this nobody registers
ADULT_AGE = 18  # below this a guardian's consent must be on record


class Category(models.TextChoices):
    """Service categories, after the Beijing platform's recruitment of June 2020."""

    DOOR_KNOCKING = "door_knocking", _("Door-knocking")
    SAMPLING_ORDER = "sampling_order", _("Order at sampling sites")
    KITS = "kits", _("Making up test kits")
    DATA_ENTRY = "data_entry", _("Data entry and checking")
    GATE = "gate", _("Gate duty")
    ERRANDS = "errands", _("Errands for people at home")
    PUBLICITY = "publicity", _("Publicity")
    OTHER = "other", _("Other")


class Volunteer(models.Model):
    """A registered volunteer: the person's record rules fields beyond what `people.Person` holds."""

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="volunteer",
                                  verbose_name=_("person"))
    birth_date = models.DateField(verbose_name=_("date of birth"))
    region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("area of residence"))
    categories = models.JSONField(default=list, blank=True, verbose_name=_("service categories"))
    availability = models.CharField(max_length=200, blank=True, verbose_name=_("availability"))
    # Consent: when, and the exact words shown (a later change of wording never rewrites a past consent).
    consent_text = models.TextField(verbose_name=_("consent text"))
    consent_at = models.DateTimeField(verbose_name=_("consent given"))
    guardian_name = models.CharField(max_length=60, blank=True, verbose_name=_("guardian's name"))
    guardian_phone = models.CharField(max_length=20, blank=True, verbose_name=_("guardian's phone"))
    guardian_relation = models.CharField(max_length=30, blank=True, verbose_name=_("guardian's relation"))
    guardian_consent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("guardian's consent given"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")  # None: the volunteer on the public page
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")

    def __str__(self) -> str:
        return self.person.name

    def category_labels(self) -> list[str]:
        names = dict(Category.choices)
        return [str(names.get(c, c)) for c in self.categories]


class Team(models.Model):
    """A volunteer team (志愿团体): a community's, a company branch's, a school's; teams may nest."""

    class JoinMode(models.TextChoices):
        INVITATION = "invitation", _("By invitation")  # managers add members
        APPROVAL = "approval", _("On approval")  # anyone asks, a manager approves
        OPEN = "open", pgettext_lazy("join mode", "Open")  # anyone joins

    name = models.CharField(max_length=120, verbose_name=_("name"))
    region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("parent team"))
    join_mode = models.CharField(max_length=12, choices=JoinMode.choices, default=JoinMode.APPROVAL,
                                 verbose_name=_("how to join"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="volunteer_team_unique_name")]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        MANAGER = "manager", _("Manager")
        MEMBER = "member", _("Member")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Member")  # in the team
        PENDING = "pending", _("Asked to join")  # awaits a manager (approval mode)
        INVITED = "invited", _("Invited")  # a manager invited them; awaits the volunteer's answer
        REFUSED = "refused", _("Request refused")  # a manager refused the request, with a reason
        DECLINED = "declined", _("Invitation declined")  # the volunteer declined the invitation
        LEFT = "left", _("Left the team")  # was a member, left

    # Rows in these states tie the person to the team: its managers see them (and decide on them).
    OPEN = (Status.ACTIVE, Status.PENDING, Status.INVITED)

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="volunteer_memberships")
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MEMBER, verbose_name=_("role"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE, verbose_name=_("status"))
    # The manager's reason for refusing a request (the volunteer sees it); when and by whom it last changed state.
    reason = models.CharField(max_length=200, blank=True, verbose_name=_("reason"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [models.UniqueConstraint(fields=["team", "person"], name="volunteer_membership_unique")]

    def __str__(self) -> str:
        return f"{self.team} · {self.get_role_display()}"


class Project(models.Model):
    """A volunteer project (志愿项目), published by a team or a community coordinator."""

    class Approval(models.TextChoices):
        AUTO = "auto", _("Automatic")  # a sign-up is confirmed at once
        MANUAL = "manual", _("By the organiser")  # the team or community confirms each sign-up

    class Status(models.TextChoices):
        OPEN = "open", _("Recruiting")  # listed publicly, sign-ups accepted
        CLOSED = "closed", _("Closed")  # no longer listed

    title = models.CharField(max_length=120, verbose_name=_("title"))
    category = models.CharField(max_length=20, choices=Category.choices, verbose_name=_("category"))
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="projects",
                             verbose_name=_("team"))
    region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    site = models.ForeignKey("geo.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("site"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    skills = models.ManyToManyField("people.Skill", blank=True, related_name="+", verbose_name=_("skills wanted"))
    min_age = models.PositiveSmallIntegerField(default=18, verbose_name=_("minimum age"))
    risks = models.TextField(blank=True, verbose_name=_("risks disclosed"))
    insurance_required = models.BooleanField(default=False, verbose_name=_("accident insurance required"))
    approval = models.CharField(max_length=8, choices=Approval.choices, default=Approval.AUTO,
                                verbose_name=_("sign-up approval"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN, verbose_name=_("status"))
    # The emergency it was set up for (muster.core.purpose): its sign-ups fall under that purpose.
    emergency = models.ForeignKey("emergencies.Emergency", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("emergency"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The community need it was published from (actions.need_publish): one project per need, however often published.
    need = models.OneToOneField("needs.Need", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("need"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("volunteer project")
        verbose_name_plural = _("volunteer projects")
        constraints = [models.CheckConstraint(condition=Q(min_age__gte=MIN_REGISTER_AGE), name="project_min_age_floor")]

    def __str__(self) -> str:
        return self.title

    @property
    def organiser(self) -> str:
        return self.team.name if self.team_id else self.region.name


class Session(models.Model):
    """One session of a project: a time and a number of places. `taken` counts places held."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(verbose_name=_("start"))
    ends_at = models.DateTimeField(verbose_name=_("end"))
    places = models.PositiveIntegerField(verbose_name=_("places"))
    taken = models.PositiveIntegerField(default=0, verbose_name=_("places taken"))
    # The 6-digit code volunteers enter to sign in and out on the day (shown to the session's organisers).
    code = models.CharField(max_length=6, blank=True, db_index=True, verbose_name=_("attendance code"))

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(condition=Q(places__gt=0), name="session_places_positive"),
            models.CheckConstraint(condition=Q(taken__lte=F("places")), name="session_never_overfilled"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def open_places(self) -> int:
        return max(0, self.places - self.taken)


class Signup(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")  # holds a place
        PENDING = "pending", _("Awaiting the organiser")  # holds a place until the organiser decides
        WAITING = "waiting", _("On the waiting list")  # no place yet; moves up when one frees
        WITHDRAWN = "withdrawn", _("Withdrawn")  # by the volunteer; the place went to the next
        DECLINED = "declined", _("Declined")  # by the organiser
        NO_SHOW = "no_show", _("Did not come")  # confirmed, never signed in; marked by the leader after the start
        CANCELLED = "cancelled", _("Project closed")  # the project was closed before the session; the volunteer was told

    HOLDING = (Status.CONFIRMED, Status.PENDING)
    ACTIVE = (Status.CONFIRMED, Status.PENDING, Status.WAITING)

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="signups")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="volunteer_signups")
    status = models.CharField(max_length=10, choices=Status.choices, verbose_name=_("status"))
    created_at = models.DateTimeField(auto_now_add=True)
    # When it joined the waiting list (the list's order) or last changed state.
    changed_at = models.DateTimeField(auto_now=True)
    # When the reminder before the session was sent: claimed by a conditional UPDATE, so it goes out once.
    reminded_at = models.DateTimeField(null=True, blank=True)
    # The organiser's reason for declining, shown to the volunteer; cleared when they sign up again.
    decision_note = models.CharField(max_length=200, blank=True, verbose_name=_("reason for declining"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        constraints = [models.UniqueConstraint(fields=["person", "session"], name="signup_once_per_session")]
        indexes = [models.Index(fields=["session", "status", "changed_at"], name="signup_waiting_order")]

    def __str__(self) -> str:
        return f"{self.session} · {self.get_status_display()}"

    @property
    def attendance_or_none(self):
        try:
            return self.attendance
        except ObjectDoesNotExist:
            return None


class Insurance(models.Model):
    """A volunteer's accident insurance policy (志愿者意外伤害保险): a project that requires it admits to its
    sessions only volunteers with a policy covering the session's day."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="volunteer_insurances")
    insurer = models.CharField(max_length=100, verbose_name=_("insurer"))
    policy_number = models.CharField(max_length=60, verbose_name=_("policy number"))
    valid_from = models.DateField(verbose_name=_("valid from"))
    valid_until = models.DateField(verbose_name=_("valid until"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_until", "-pk"]
        verbose_name = _("accident insurance")
        verbose_name_plural = _("accident insurance")
        constraints = [
            models.UniqueConstraint(fields=["person", "insurer", "policy_number"], name="insurance_policy_once"),
            models.CheckConstraint(condition=Q(valid_until__gte=F("valid_from")), name="insurance_valid_span"),
        ]
        indexes = [models.Index(fields=["person", "valid_until"], name="insurance_person_until")]

    def __str__(self) -> str:
        return f"{self.insurer} {self.policy_number}"


# Attendance counts hours only when at least this share of the session was covered.
CREDIT_SHARE = 0.6


class Attendance(models.Model):
    """A volunteer's sign-in and sign-out for a session; the hours are computed once at sign-out and never edited."""

    class Method(models.TextChoices):
        CODE = "code", _("Session code or QR")  # the volunteer entered or scanned the session's code
        LEADER = "leader", _("Scanned by the leader")  # the leader scanned the volunteer's personal code
        BACKFILL = "backfill", _("Back-filled by the leader")  # no scan at all: only back-filled hours

    signup = models.OneToOneField(Signup, on_delete=models.CASCADE, related_name="attendance")
    method = models.CharField(max_length=8, choices=Method.choices, default=Method.CODE, verbose_name=_("how"))
    signed_in_at = models.DateTimeField(null=True, blank=True, verbose_name=_("signed in"))
    signed_out_at = models.DateTimeField(null=True, blank=True, verbose_name=_("signed out"))
    hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True, verbose_name=_("hours served"))
    credited = models.BooleanField(default=False, verbose_name=_("hours credited"))
    # Hours the leader added afterwards, with a reason: shown apart from the captured ones, never above the session.
    backfill_hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True,
                                         verbose_name=_("back-filled hours"))
    backfill_reason = models.CharField(max_length=200, blank=True, verbose_name=_("reason for back-filling"))
    backfill_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    backfill_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self) -> str:
        return f"{self.signup} · {self.hours or ''}"


class ServiceRecord(models.Model):
    """One line of the hours ledger, with the national record fields. `source_key` names what it records
    (a session attended, later a need check-in or a duty shift), so the same hour is never counted twice."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="service_records")
    source_key = models.CharField(max_length=80, unique=True)
    activity = models.CharField(max_length=120, verbose_name=_("activity"))
    date = models.DateField(verbose_name=_("date"))
    place = models.CharField(max_length=200, verbose_name=_("place"))
    content = models.CharField(max_length=300, blank=True, verbose_name=_("content"))
    hours = models.DecimalField(max_digits=5, decimal_places=2, verbose_name=_("hours"))
    organiser = models.CharField(max_length=120, verbose_name=_("organising unit"))
    leader = models.CharField(max_length=60, blank=True, verbose_name=_("leader"))
    region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    # The span served: a second path naming an overlapping span of the same person is not counted again.
    starts_at = models.DateTimeField(null=True, blank=True, verbose_name=_("start"))
    ends_at = models.DateTimeField(null=True, blank=True, verbose_name=_("end"))
    origin = models.CharField(max_length=30, blank=True, verbose_name=_("recorded from"))  # the ledger source's name
    backfilled = models.BooleanField(default=False, verbose_name=_("back-filled"))  # added by the leader, not captured
    # The organiser's account in whose name the record was made (谁组织谁记录).
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["person", "starts_at"], name="service_record_person_span")]
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="service_record_hours_positive")]

    def __str__(self) -> str:
        return f"{self.activity} {self.date} {self.hours}h"


class Correction(models.Model):
    """A volunteer's request to correct one of their ledger lines; the organiser accepts or refuses it, with a reason."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting the organiser")  # asked, not yet decided
        ACCEPTED = "accepted", _("Corrected")  # the organiser changed the record
        REFUSED = "refused", _("Refused")  # the organiser kept the record, with a reason

    record = models.ForeignKey(ServiceRecord, on_delete=models.CASCADE, related_name="corrections")
    reason = models.CharField(max_length=300, verbose_name=_("what is wrong"))
    hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True, verbose_name=_("correct hours"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN, verbose_name=_("status"))
    answer = models.CharField(max_length=300, blank=True, verbose_name=_("organiser's reason"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        constraints = [models.UniqueConstraint(fields=["record"], condition=Q(status="open"), name="correction_one_open")]

    def __str__(self) -> str:
        return f"{self.record} · {self.get_status_display()}"


class Honour(models.Model):
    """A training a volunteer took, an award they received or the organiser's evaluation of their service,
    recorded by the organiser (培训记录, 表彰奖励, 服务评价)."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        AWARD = "award", _("Award")
        EVALUATION = "evaluation", _("Evaluation of service")

    class Rating(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent")
        GOOD = "good", _("Good")
        SATISFACTORY = "satisfactory", _("Satisfactory")
        POOR = "poor", _("Unsatisfactory")

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="volunteer_honours")
    kind = models.CharField(max_length=10, choices=Kind.choices, verbose_name=_("kind"))
    rating = models.CharField(max_length=12, choices=Rating.choices, blank=True, verbose_name=_("rating"))
    title = models.CharField(max_length=120, verbose_name=_("title"))
    date = models.DateField(verbose_name=_("date"))
    hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True, verbose_name=_("training hours"))
    organiser = models.CharField(max_length=120, verbose_name=_("organising unit"))
    region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("training, award or evaluation")
        verbose_name_plural = _("trainings, awards and evaluations")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"


class Certificate(models.Model):
    """A certificate of service issued for a period. `digest` is the keyed HMAC of exactly what it states, so the
    public verify page can tell a genuine certificate from a forged or altered one."""

    number = models.CharField(max_length=24, unique=True, verbose_name=_("certificate number"))
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="volunteer_certificates")
    period_from = models.DateField(verbose_name=_("from"))
    period_to = models.DateField(verbose_name=_("to"))
    hours = models.DecimalField(max_digits=8, decimal_places=2, verbose_name=_("hours"))
    records = models.PositiveIntegerField(verbose_name=_("records"))
    units = models.CharField(max_length=600, verbose_name=_("recording units"))
    digest = models.CharField(max_length=64)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificate of service")
        verbose_name_plural = _("certificates of service")

    def __str__(self) -> str:
        return self.number


# Star levels by recorded hours (星级志愿者): one star at 100 h, up to five at 1,500 h.
STAR_HOURS = (100, 300, 600, 1000, 1500)


def stars_for(hours) -> int:
    return sum(1 for h in STAR_HOURS if (hours or 0) >= h)
