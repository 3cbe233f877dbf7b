"""Every write of the volunteering app: registration, teams, projects and sessions, sign-ups.

Each action is one transaction with its audit event. Places are claimed with a conditional
UPDATE (`taken < places`) inside the sign-up's transaction and the (person, session) pair is
unique, so neither a burst of sign-ups nor a double click can over-fill a session or count twice.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Subquery, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.accounts.models import Role, RoleGrant, User
from muster.accounts.scoping import MANAGERS, Scope
from muster.core import audit, pii, purpose
from muster.core.errors import Conflict, Forbidden, InvalidInput
from muster.core.transactions import atomic
from muster.geo.actions import region_count_add
from muster.geo.models import Region, Site
from muster.notifications.actions import notify
from muster.people import fitness
from muster.people.models import Person, Skill
from muster.volunteering.audits import Audit
from muster.volunteering.models import (
    ADULT_AGE,
    MIN_REGISTER_AGE,
    Category,
    Insurance,
    Membership,
    Project,
    Session,
    Signup,
    Team,
    Volunteer,
)

# The consent a volunteer gives, stored word for word with its time on every registration.
CONSENT_TEXT = ("本人自愿注册为志愿者，同意本平台按《志愿服务记录与证明出具办法（试行）》记录本人的身份信息、"
                "联系方式、技能和志愿服务记录，仅用于志愿服务的招募、组织、记录和证明，不向无关方提供。"
                "本人可随时查看、更正自己的信息。")
GUARDIAN_CONSENT_TEXT = "监护人已知悉并同意其参加志愿服务，了解服务内容与风险。"


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass
class Registration:
    """A volunteer's registration, the same from the public page, a team manager and the API."""

    name: str
    id_number: str
    region: Region
    phone: str
    id_type: str = pii.IdType.RESIDENT
    sex: str = ""
    birth_date: dt.date | None = None
    skills: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    availability: str = ""
    consent: bool = False
    guardian_name: str = ""
    guardian_phone: str = ""
    guardian_relation: str = ""
    guardian_consent: bool = False
    extra: dict = field(default_factory=dict)


def _clean(data: Registration, today: dt.date) -> tuple[dict, pii.SealedId, list[Skill], dict]:
    name = " ".join((data.name or "").split())
    if not name or len(name) > 60:
        raise InvalidInput(_("The name is required and has at most 60 characters."), field="name")
    sealed = pii.seal(data.id_type, data.id_number)
    born = data.birth_date
    if data.id_type == pii.IdType.RESIDENT:
        n = sealed.number
        from_id = dt.date(int(n[6:10]), int(n[10:12]), int(n[12:14]))
        if born and born != from_id:
            raise InvalidInput(_("The date of birth does not match the ID number."), field="birth_date")
        born = from_id
        sex = "M" if int(n[16]) % 2 else "F"
        if data.sex and data.sex != sex:
            raise InvalidInput(_("The sex does not match the ID number."), field="sex")
    else:
        sex = data.sex
    if born is None:
        raise InvalidInput(_("The date of birth is required."), field="birth_date")
    if sex not in ("F", "M"):
        raise InvalidInput(_("Choose the sex."), field="sex")
    age = age_on(born, today)
    if age < MIN_REGISTER_AGE:
        raise InvalidInput(_("Volunteers must be at least %(age)d years old to register.") % {"age": MIN_REGISTER_AGE},
                           field="birth_date", code="too_young")
    if age > 110:
        raise InvalidInput(_("The date of birth is not plausible."), field="birth_date")
    phone = pii.validate_phone(data.phone)
    if not phone:
        raise InvalidInput(_("A mobile number is required, so that organisers can reach you."), field="phone")
    if data.region is None or data.region.level != Region.Level.COMMUNITY:
        raise InvalidInput(_("The area of residence must be a community or village."), field="region")
    unknown = [c for c in data.categories if c not in Category.values]
    if unknown:
        raise InvalidInput(_("Unknown service category: %(codes)s") % {"codes": ", ".join(unknown)}, field="categories")
    skills = list(Skill.objects.filter(code__in=data.skills))
    missing = sorted(set(data.skills) - {s.code for s in skills})
    if missing:
        raise InvalidInput(_("Unknown skill: %(codes)s") % {"codes": ", ".join(missing)}, field="skills")
    if not data.consent:
        raise InvalidInput(_("Registration needs your consent to the volunteer record."), field="consent")
    now = timezone.now()
    guardian = {"guardian_name": "", "guardian_phone": "", "guardian_relation": "", "guardian_consent_at": None}
    if age < ADULT_AGE:
        g_name = " ".join((data.guardian_name or "").split())
        if not g_name:
            raise InvalidInput(_("Volunteers under 18 need a guardian: give the guardian's name."), field="guardian_name")
        g_phone = pii.validate_phone(data.guardian_phone)
        if not g_phone:
            raise InvalidInput(_("Give the guardian's phone number."), field="guardian_phone")
        relation = (data.guardian_relation or "").strip()
        if not relation:
            raise InvalidInput(_("Say how the guardian is related to the volunteer."), field="guardian_relation")
        if not data.guardian_consent:
            raise InvalidInput(_("Volunteers under 18 need their guardian's consent on record."), field="guardian_consent")
        guardian = {"guardian_name": g_name[:60], "guardian_phone": g_phone, "guardian_relation": relation[:30],
                    "guardian_consent_at": now}
    fields = {"birth_date": born, "region": data.region, "categories": list(dict.fromkeys(data.categories)),
              "availability": (data.availability or "").strip()[:200],
              "consent_text": CONSENT_TEXT + (("\n" + GUARDIAN_CONSENT_TEXT) if age < ADULT_AGE else ""),
              "consent_at": now, **guardian}
    return {"name": name, "sex": sex, "phone": phone, "born": born}, sealed, skills, fields


def volunteer_register(*, actor, data: Registration, password: str = "", team: Team | None = None,
                       own: bool = False) -> Volunteer:
    """Register a volunteer: from the public page (actor None, with a password for their account), by a
    signed-in person for themselves (`own`), or by a team manager with the person's consent (`team`: they join it).

    A person already on file (the same document number) is registered as a volunteer when the name
    matches; their record keeps its home community. The document number is stored sealed, as everywhere.
    """
    if own:
        if not getattr(actor, "person_id", None):
            raise Forbidden(_("This account is not linked to a person: register on the public page."))
    elif actor is not None and team is not None:
        _require_team_manager(actor, team)
    elif actor is not None and not Scope.of(actor).covers(data.region, MANAGERS):
        raise Forbidden(_("You can only register volunteers in your own region or for your own team."))
    person_fields, sealed, skills, fields = _clean(data, timezone.localdate())
    if actor is None:
        if len(password or "") < 8:
            raise InvalidInput(_("Choose a password of at least 8 characters."), field="password")
        if User.objects.filter(username=person_fields["phone"]).exists():
            raise Conflict(_("This mobile number already has an account: sign in instead."), field="phone")
    try:
        with atomic():
            person = Person.objects.filter(id_type=data.id_type, id_hash=sealed.hash).first()
            if person is not None:
                if own and person.pk != actor.person_id:
                    raise Conflict(_("This ID number is not the one on record for your account."), field="id_number")
                if person.name != person_fields["name"]:
                    raise Conflict(_("This ID number is registered under another name. Ask your community to check it."),
                                   field="id_number")
                if Volunteer.objects.filter(person=person).exists():
                    raise Conflict(_("This person is already registered as a volunteer."), field="id_number")
                if actor is None and User.objects.filter(person=person).exists():
                    raise Conflict(_("This person already has an account: sign in to register as a volunteer."),
                                   field="id_number")
                if not person.phone:
                    person.phone = person_fields["phone"]
                    person.save(update_fields=["phone", "updated_at"])
            elif own:
                raise Conflict(_("This ID number is not the one on record for your account."), field="id_number")
            else:
                person = Person.objects.create(
                    name=person_fields["name"], sex=person_fields["sex"], phone=person_fields["phone"],
                    birth_year=person_fields["born"].year, id_type=data.id_type, id_cipher=sealed.cipher,
                    id_hash=sealed.hash, id_masked=sealed.masked, region=data.region)
                region_count_add(data.region, "people_count", 1)
            if skills:
                person.skills.add(*skills)
            volunteer = Volunteer.objects.create(person=person, registered_by=actor, **fields)
            if actor is None:
                user = User.objects.create_user(username=person_fields["phone"], password=password,
                                                first_name=person_fields["name"][:150], person=person)
                RoleGrant.objects.create(user=user, role=Role.VOLUNTEER, region=data.region)
            if team is not None:
                Membership.objects.get_or_create(team=team, person=person, defaults={"role": Membership.Role.MEMBER})
            audit.record(actor=actor, action=Audit.VOLUNTEER_REGISTER, obj=volunteer, region=data.region,
                         object_repr=person.name,
                         changes={"id": person.id_masked, "minor": bool(fields["guardian_consent_at"]),
                                  "team": team.name if team else "", "categories": fields["categories"]})
    except IntegrityError:
        raise Conflict(_("This person or mobile number is already registered."), field="id_number") from None
    return volunteer


def volunteer_update(*, actor, volunteer: Volunteer, skills: tuple[str, ...], availability: str,
                     categories: tuple[str, ...]) -> Volunteer:
    """A volunteer changes their own skills, availability and service categories."""
    if getattr(actor, "person_id", None) != volunteer.person_id:
        raise Forbidden(_("Only the volunteer may change their own skills and availability."))
    found = list(Skill.objects.filter(code__in=skills))
    missing = sorted(set(skills) - {s.code for s in found})
    if missing:
        raise InvalidInput(_("Unknown skill: %(codes)s") % {"codes": ", ".join(missing)}, field="skills")
    unknown = [c for c in categories if c not in Category.values]
    if unknown:
        raise InvalidInput(_("Unknown service category: %(codes)s") % {"codes": ", ".join(unknown)}, field="categories")
    with atomic():
        person = volunteer.person
        old = sorted(person.skills.values_list("code", flat=True))
        changes = audit.diff(volunteer, {"availability": (availability or "").strip()[:200],
                                         "categories": list(dict.fromkeys(categories))})
        if changes:
            volunteer.save(update_fields=list(changes))
        if old != sorted(s.code for s in found):
            person.skills.set(found)
            changes["skills"] = [old, sorted(s.code for s in found)]
        if changes:
            audit.record(actor=actor, action=Audit.VOLUNTEER_UPDATE, obj=volunteer, region=volunteer.region,
                         object_repr=person.name, changes=changes)
    return volunteer


# --- teams ------------------------------------------------------------------------------------

def manages_team(user, team: Team) -> bool:
    """A team's managers (through their person) and the coordinators of its region manage it."""
    if Scope.of(user).covers(team.region, MANAGERS):
        return True
    person_id = getattr(user, "person_id", None)
    return bool(person_id) and Membership.objects.filter(
        team=team, person_id=person_id, role=Membership.Role.MANAGER, status=Membership.Status.ACTIVE).exists()


def _require_team_manager(actor, team: Team) -> None:
    if not manages_team(actor, team):
        raise Forbidden(_("Only the team's managers and its community's coordinators may do this."))


def team_create(*, actor, name: str, region: Region, join_mode: str = Team.JoinMode.APPROVAL,
                parent: Team | None = None, managers: list[Person] | tuple = ()) -> Team:
    """Set up a volunteer team in the actor's region, optionally under a parent team, with its managers."""
    if not Scope.of(actor).covers(region, MANAGERS) and not (parent is not None and manages_team(actor, parent)):
        raise Forbidden(_("You can only set up teams in your own region."))
    name = " ".join((name or "").split())
    if not name or len(name) > 120:
        raise InvalidInput(_("The name is required and has at most 120 characters."), field="name")
    if join_mode not in Team.JoinMode.values:
        raise InvalidInput(_("Unknown way of joining."), field="join_mode")
    if parent is not None and not region.path.startswith(parent.region.path):
        raise InvalidInput(_("A sub-team lies within its parent team's region."), field="parent")
    try:
        with atomic():
            team = Team.objects.create(name=name, region=region, join_mode=join_mode, parent=parent, created_by=actor)
            Membership.objects.bulk_create([Membership(team=team, person=p, role=Membership.Role.MANAGER) for p in managers])
            audit.record(actor=actor, action=Audit.TEAM_CREATE, obj=team, region=region,
                         changes={"join_mode": join_mode, "parent": parent.name if parent else "",
                                  "managers": [p.name for p in managers]})
    except IntegrityError:
        raise Conflict(_("A team of this name already exists here."), field="name") from None
    return team


def team_member_add(*, actor, team: Team, person: Person, role: str = Membership.Role.MEMBER) -> Membership:
    """A manager adds a registered volunteer to the team (or makes them a manager)."""
    _require_team_manager(actor, team)
    if role not in Membership.Role.values:
        raise InvalidInput(_("Unknown role."), field="role")
    if not Volunteer.objects.filter(person=person).exists():
        raise InvalidInput(_("Only registered volunteers can join a team."), field="person")
    with atomic():
        m, created = Membership.objects.update_or_create(team=team, person=person,
                                                         defaults={"role": role, "status": Membership.Status.ACTIVE})
        audit.record(actor=actor, action=Audit.TEAM_MEMBER_ADD, obj=team, region=team.region,
                     changes={"person": person.name, "role": role, "new": created})
    return m


# --- projects and sessions --------------------------------------------------------------------

def _may_publish(actor, region: Region, team: Team | None) -> None:
    if team is not None:
        _require_team_manager(actor, team)
        if not region.path.startswith(team.region.path) and not Scope.of(actor).covers(region, MANAGERS):
            raise Forbidden(_("A team publishes projects in its own region."))
    elif not Scope.of(actor).covers(region, MANAGERS):
        raise Forbidden(_("You can only publish projects in your own region."))


def project_create(*, actor, title: str, category: str, region: Region, team: Team | None = None,
                   site: Site | None = None, description: str = "", skills: tuple[str, ...] = (), min_age: int = 18,
                   risks: str = "", insurance_required: bool = False, approval: str = Project.Approval.AUTO) -> Project:
    """Publish a volunteer project for a team or a community; it joins the region's active emergency."""
    _may_publish(actor, region, team)
    title = " ".join((title or "").split())
    if not title or len(title) > 120:
        raise InvalidInput(_("The title is required and has at most 120 characters."), field="title")
    if category not in Category.values:
        raise InvalidInput(_("Choose a service category."), field="category")
    if not (MIN_REGISTER_AGE <= int(min_age) <= 80):
        raise InvalidInput(_("The minimum age lies between %(low)d and 80.") % {"low": MIN_REGISTER_AGE}, field="min_age")
    if approval not in Project.Approval.values:
        raise InvalidInput(_("Unknown approval mode."), field="approval")
    if site is not None and not site.region.path.startswith(region.path):
        raise InvalidInput(_("The site lies outside the project's region."), field="site")
    found = list(Skill.objects.filter(code__in=skills))
    missing = sorted(set(skills) - {s.code for s in found})
    if missing:
        raise InvalidInput(_("Unknown skill: %(codes)s") % {"codes": ", ".join(missing)}, field="skills")
    with atomic():
        project = Project.objects.create(
            title=title, category=category, region=region, team=team, site=site, description=(description or "").strip(),
            min_age=int(min_age), risks=(risks or "").strip(), insurance_required=bool(insurance_required),
            approval=approval, created_by=actor, emergency_id=purpose.emergency_for(region))
        if found:
            project.skills.set(found)
        audit.record(actor=actor, action=Audit.PROJECT_CREATE, obj=project, region=region,
                     changes={"title": title, "category": category, "team": team.name if team else "",
                              "min_age": int(min_age), "approval": approval})
    return project


def may_manage_project(user, project: Project) -> bool:
    if Scope.of(user).covers(project.region, MANAGERS):
        return True
    return project.team_id is not None and manages_team(user, project.team)


def session_add(*, actor, project: Project, starts_at: dt.datetime, ends_at: dt.datetime, places: int) -> Session:
    """Add a session (start, end, places) to a project the actor organises."""
    if not may_manage_project(actor, project):
        raise Forbidden(_("Only the project's organisers may add sessions."))
    if ends_at <= starts_at:
        raise InvalidInput(_("The session must end after it starts."), field="ends_at")
    if ends_at - starts_at > dt.timedelta(hours=24):
        raise InvalidInput(_("A session lasts at most 24 hours; add one per day."), field="ends_at")
    if starts_at < timezone.now() - dt.timedelta(days=1):
        raise InvalidInput(_("The session starts in the past."), field="starts_at")
    if not (1 <= int(places) <= 10_000):
        raise InvalidInput(_("Places lie between 1 and 10,000."), field="places")
    with atomic():
        session = Session.objects.create(project=project, starts_at=starts_at, ends_at=ends_at, places=int(places),
                                         code=f"{secrets.randbelow(10**6):06d}")
        audit.record(actor=actor, action=Audit.SESSION_ADD, obj=project, region=project.region,
                     changes={"starts_at": starts_at, "ends_at": ends_at, "places": int(places)})
    return session


# --- sign-ups ---------------------------------------------------------------------------------

def _eligible(person_id: int | None, session: Session) -> Volunteer:
    """Whether this person may serve in this session; raise the first reason they may not.

    One query reads the volunteer with their person, the status of their sign-up for this session if they have one
    (`held`, None if not), and whether a policy covers the session's day (`insured`; True when the project does not
    require insurance): a sign-up reads nothing else about them but the fitness check."""
    if not person_id:
        raise InvalidInput(_("Register as a volunteer before signing up."), field="person", code="not_registered")
    project = session.project
    day = timezone.localtime(session.starts_at).date()
    mine = Signup.objects.filter(session_id=session.pk, person_id=OuterRef("person_id")).values("status")[:1]
    insured = (Exists(Insurance.objects.filter(person_id=OuterRef("person_id"), valid_from__lte=day, valid_until__gte=day))
               if project.insurance_required else Value(True))
    volunteer = (Volunteer.objects.select_related("person").filter(person_id=person_id)
                 .annotate(held=Subquery(mine), insured=insured).first())
    if volunteer is None:
        raise InvalidInput(_("Register as a volunteer before signing up."), field="person", code="not_registered")
    if project.status != Project.Status.OPEN:
        raise Conflict(_("This project no longer takes sign-ups."), field="session", code="closed")
    if session.starts_at <= timezone.now():
        raise Conflict(_("This session has already started."), field="session", code="started")
    age = age_on(volunteer.birth_date, day)
    night = fitness.is_night(session.starts_at, session.ends_at)
    needed = max(project.min_age, fitness.NIGHT_MIN_AGE if night else 0)
    if age < needed:
        raise Conflict(_("This session needs volunteers aged %(age)d or over.") % {"age": needed},
                       field="person", code="under_age")
    if age < ADULT_AGE and not (volunteer.guardian_consent_at and volunteer.guardian_name):
        raise Conflict(_("Volunteers under 18 need their guardian's consent on record."), field="person",
                       code="no_guardian_consent")
    # Quarantine, testing and the other domains' reasons. Age is judged above from the full date of birth, so the
    # duty asks for no age of its own: the people rule knows only the birth year and would call a volunteer who
    # turned 14 this year "maybe under 14".
    fitness.require_fit(volunteer.person, fitness.Duty.spanning(
        fitness.Kind.VOLUNTEER, session.starts_at, session.ends_at, min_age=0, night=False))
    return volunteer


def _check_volunteer(person: Person | None, session: Session) -> Volunteer:
    return _eligible(person.pk if person is not None else None, session)


def _claim(session: Session) -> int | None:
    """Take one of the session's places if one is open: the session's `taken` after, or None when it is full.

    One conditional UPDATE (`taken < places`): concurrent claims queue on the session's row and each re-checks the
    condition on the row as the one before left it, so no burst takes more places than there are."""
    table = connection.ops.quote_name(Session._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET taken = taken + 1 WHERE id = %s AND taken < places RETURNING taken",  # noqa: S608
                       [session.pk])
        got = cursor.fetchone()
    return got[0] if got else None


def _duplicate() -> Conflict:
    return Conflict(_("You have already signed up for this session."), field="session", code="duplicate")


def signup_create(*, actor, session: Session, waitlist: bool = False) -> Signup:
    """Sign the actor's person up for a session: a place if one is open (confirmed, or awaiting the organiser
    when the project says so), else the waiting list when `waitlist`, else a Conflict "full".

    The sign-up returned says `insurance_missing` when the project requires accident insurance and no policy of theirs
    covers the session's day: they are signed up all the same (they may record it before the session; sign-in
    refuses them until they do).

    Inside a caller's transaction (the API's idempotency record) this joins it without a savepoint: every refusal is
    raised after the block, before anything was written, and the one error inside it (a concurrent duplicate's
    IntegrityError) aborts the caller's transaction on PostgreSQL anyway, so the caller rolls back whole."""
    volunteer = _eligible(getattr(actor, "person_id", None), session)
    if volunteer.held in Signup.ACTIVE:
        raise _duplicate()
    person = volunteer.person
    manual = session.project.approval == Project.Approval.MANUAL
    row, status, taken = None, None, None
    try:
        with transaction.atomic(savepoint=False, durable=not connection.in_atomic_block):
            if volunteer.held is not None:
                # A row from an earlier sign-up (withdrawn, declined...): lock it and re-read, another request may
                # have renewed it meanwhile.
                row = Signup.objects.select_for_update().filter(session=session, person=person).first()
            if row is None or row.status not in Signup.ACTIVE:
                taken = _claim(session)
                if taken is not None:
                    status = Signup.Status.PENDING if manual else Signup.Status.CONFIRMED
                elif waitlist:
                    status = Signup.Status.WAITING
            if status is not None:
                if row is None:
                    row = Signup.objects.create(session=session, person=person, status=status)
                else:
                    # A fresh sign-up after a withdrawal is reminded afresh.
                    row.status, row.reminded_at, row.decision_note = status, None, ""
                    row.save(update_fields=["status", "reminded_at", "decision_note", "changed_at"])
                audit.record(actor=actor, action=Audit.SIGNUP_CREATE, obj=session.project,
                             region=session.project.region, changes={"session": session.pk, "status": status})
    except IntegrityError:
        # The same person's other request won the race; this one's claim rolls back with it.
        raise _duplicate() from None
    if status is None:
        if row is not None and row.status in Signup.ACTIVE:
            raise _duplicate()
        raise Conflict(_("This session is full. You can join its waiting list."), field="session", code="full")
    if taken is not None:
        session.taken = taken
    else:
        session.refresh_from_db(fields=["taken"])
    row.insurance_missing = not volunteer.insured
    return row


def _promote(session: Session) -> Signup | None:
    """Give a freed place to the first on the waiting list (inside the caller's transaction)."""
    nxt = (Signup.objects.select_for_update().filter(session=session, status=Signup.Status.WAITING)
           .order_by("changed_at", "pk").first())
    if nxt is None:
        Session.objects.filter(pk=session.pk, taken__gt=0).update(taken=F("taken") - 1)
        return None
    manual = session.project.approval == Project.Approval.MANUAL
    nxt.status = Signup.Status.PENDING if manual else Signup.Status.CONFIRMED
    nxt.save(update_fields=["status", "changed_at"])
    when = timezone.localtime(session.starts_at)
    notify(person=nxt.person, event="volunteering.moved_up",
           subject=_("A place opened for you: %(project)s, %(when)s.") % {"project": session.project.title[:60],
                                                                          "when": f"{when:%m-%d %H:%M}"})
    return nxt


def signup_withdraw(*, actor, signup: Signup) -> Signup:
    """The volunteer withdraws; a place they held goes to the first on the waiting list, who is told."""
    if getattr(actor, "person_id", None) != signup.person_id:
        raise Forbidden(_("Only the volunteer may withdraw their own sign-up."))
    with atomic():
        row = Signup.objects.select_for_update().filter(pk=signup.pk, status__in=Signup.ACTIVE).first()
        if row is None:
            raise Conflict(_("This sign-up is no longer active."), field="signup", code="inactive")
        held = row.status in Signup.HOLDING
        row.status = Signup.Status.WITHDRAWN
        row.save(update_fields=["status", "changed_at"])
        moved = _promote(signup.session) if held else None
        audit.record(actor=actor, action=Audit.SIGNUP_WITHDRAW, obj=signup.session.project,
                     region=signup.session.project.region,
                     changes={"session": signup.session_id, "moved_up": moved.person.name if moved else ""})
    return row


def signup_decide(*, actor, signup: Signup, accept: bool, reason: str | None = None) -> Signup:
    """The organiser confirms or declines a sign-up awaiting them; a declined place goes to the waiting list.
    A caller that asks for a reason (`reason` not None, as the API does) gets a refusal without one refused;
    the reason is shown to the volunteer on their sign-up and kept in the audit trail."""
    if not may_manage_project(actor, signup.session.project):
        raise Forbidden(_("Only the project's organisers may decide on sign-ups."))
    reason = " ".join((reason or "").split()) if reason is not None else None
    if reason is not None and not accept and not reason:
        raise InvalidInput(_("Give the reason for refusing this sign-up."), field="reason")
    if reason is not None and len(reason) > 200:
        raise InvalidInput(_("At most 200 characters."), field="reason")
    with atomic():
        row = Signup.objects.select_for_update().filter(pk=signup.pk, status=Signup.Status.PENDING).first()
        if row is None:
            raise Conflict(_("This sign-up is not awaiting a decision."), field="signup", code="not_pending")
        row.status = Signup.Status.CONFIRMED if accept else Signup.Status.DECLINED
        row.decision_note = "" if accept else (reason or "")
        row.save(update_fields=["status", "decision_note", "changed_at"])
        if not accept:
            _promote(signup.session)
        audit.record(actor=actor, action=Audit.SIGNUP_DECIDE, obj=signup.session.project,
                     region=signup.session.project.region,
                     changes={"person": row.person.name, "session": signup.session_id, "status": row.status,
                              **({"reason": reason} if reason else {})})
    return row
