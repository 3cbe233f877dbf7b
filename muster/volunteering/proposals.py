"""Registered volunteers proposed for a session's open places, by the needs dispatch engine (a read, no writes).

The engine (`muster.needs.dispatch`, pure) ranks people for a need by distance, skills and this
week's load. A session is one more such need: its place (the project's site, else its community's
centre), its time, its open places and the project's skills. This adapter chooses who may be
proposed at all, all of it in the database, before the engine ranks them:

- volunteers the organiser may see (`selectors.volunteers_visible`: their regions, their teams' members);
- not already on this session (holding a place, awaiting the organiser or waiting), nor holding a place
  in another session at an overlapping time;
- of age on the session's day: the project's minimum, 18 at night (people.fitness), a guardian's consent
  on record below 18;
- fit for duty (people.fitness: quarantine, testing, …); those left out for that are listed with why.

Reports to needs at the same time are taken out by the engine adapter (`needs.dispatching.engine_people`)
as for any need. The organiser signs a proposed volunteer up with `actions.session_invite`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from muster.core.errors import NotFound
from muster.needs import dispatching
from muster.needs.dispatch import Need as ENeed
from muster.needs.dispatch import PeopleIndex, suggest
from muster.people import fitness
from muster.people.models import Person
from muster.volunteering import selectors
from muster.volunteering.actions.core import may_manage_project
from muster.volunteering.models import ADULT_AGE, Session, Signup

DEFAULT_MAX_KM = dispatching.DEFAULT_MAX_KM


@dataclass
class Proposed:
    person: Person
    m: int  # great-circle metres from the session's place to where the volunteer lives
    reason: str


@dataclass
class LeftOut:
    person: Person
    why: str


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def session_point(session: Session) -> tuple[float, float] | None:
    site = session.project.site
    if site is not None and site.lat is not None and site.lon is not None:
        return site.lat, site.lon
    return dispatching._region_coords([session.project.region_id]).get(session.project.region_id)


def session_need(session: Session, point: tuple[float, float]) -> ENeed:
    p = session.project
    return ENeed(id=f"s{session.pk}", lat=point[0], lon=point[1], places=session.open_places,
                 skills=sorted(s.code for s in p.skills.all()), start=session.starts_at, end=session.ends_at,
                 region=p.region.code)


def candidates(user, session: Session):
    """Volunteers the organiser may see who may serve in this session, before distance and skills (a queryset)."""
    day = timezone.localtime(session.starts_at).date()
    needed = max(session.project.min_age, fitness.NIGHT_MIN_AGE if fitness.is_night(session.starts_at, session.ends_at) else 0)
    on_it = Signup.objects.filter(session=session, status__in=Signup.ACTIVE).values("person_id")
    elsewhere = Signup.objects.filter(status__in=Signup.HOLDING, session__starts_at__lt=session.ends_at,
                                      session__ends_at__gt=session.starts_at).exclude(session=session).values("person_id")
    adult_born_by = _years_before(day, ADULT_AGE)
    vols = (selectors.volunteers_visible(user)
            .filter(birth_date__lte=_years_before(day, needed))
            .exclude(person_id__in=on_it).exclude(person_id__in=elsewhere)
            .exclude(birth_date__gt=adult_born_by, guardian_consent_at__isnull=True))
    return Person.objects.filter(pk__in=vols.values("person_id"))


def volunteer_person(user, pk: int) -> Person:
    """A registered volunteer the organiser may see, as the person to sign up; 404 otherwise."""
    v = selectors.volunteers_visible(user).filter(person_id=pk).first()
    if v is None:
        raise NotFound(field="person")
    return v.person


def proposals_for(user, session: Session, *, k: int = 20,
                  max_km: float = DEFAULT_MAX_KM) -> tuple[list[Proposed], list[LeftOut]]:
    """The `k` best registered volunteers for the session's open places, nearest and best fitted first, and
    those who would have ranked among them but may not be sent (people.fitness), with why.
    Nobody for a user who does not organise the session."""
    if not may_manage_project(user, session.project):
        return [], []
    if session.open_places <= 0 or session.starts_at <= timezone.now():
        return [], []
    point = session_point(session)
    if point is None:
        return [], []
    pool = candidates(user, session)
    people = dispatching.engine_people(pool, horizon=(session.starts_at, session.ends_at))
    if not people:
        return [], []
    duty = fitness.Duty.spanning(fitness.Kind.VOLUNTEER, session.starts_at, session.ends_at,
                                 min_age=fitness.MIN_AGE_FLOOR, night=False)  # age judged above, from the birth date
    unfit = fitness.unfit(pool.values("pk"), duty)
    eneed = session_need(session, point)
    index = PeopleIndex.build(people, max_km)
    top = suggest(eneed, index, k=k, exclude=[f"p{pid}" for pid in unfit])
    would = [s for s in suggest(eneed, index, k=k) if int(s.person[1:]) in unfit] if unfit else []
    by_id = Person.objects.select_related("region").in_bulk([int(s.person[1:]) for s in [*top, *would]])
    epeople = {p.id: p for p in people}
    names = dispatching._skill_names()
    items = [Proposed(by_id[int(s.person[1:])], s.m, dispatching.local_reason(eneed, epeople.get(s.person), s.m, names))
             for s in top if int(s.person[1:]) in by_id]
    left = [LeftOut(by_id[int(s.person[1:])], fitness.says(unfit[int(s.person[1:])]))
            for s in would if int(s.person[1:]) in by_id]
    return items, left
