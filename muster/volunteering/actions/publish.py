"""A community need published as a volunteer project in one step.

The need already says what the project needs: a role (its category and minimum age), a place,
a time (the one session) and a headcount (its places: those not yet filled by reports to the
need, so the two together never call more people than the need asked for). The project keeps a
link to its need, unique, so publishing twice (a double click, a retried request, two
coordinators at once) gives the same project, never a second one.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.accounts.scoping import MANAGERS, Scope
from muster.core import audit, purpose
from muster.core.errors import Conflict, Forbidden, InvalidInput
from muster.core.transactions import atomic
from muster.needs.models import Need
from muster.volunteering.audits import Audit
from muster.volunteering.models import MIN_REGISTER_AGE, Category, Project, Session

__all__ = ["NEED_ROLE_CATEGORY", "need_project", "need_publish"]

# A need's role (needs' catalogue) to the volunteer platform's service category; any other role is "other".
NEED_ROLE_CATEGORY = {
    "gate_duty": Category.GATE,
    "publicity": Category.PUBLICITY,
    "errands": Category.ERRANDS,
    "door_knocking": Category.DOOR_KNOCKING,
    "sampling_order": Category.SAMPLING_ORDER,
    "kit_preparation": Category.KITS,
    "data_entry": Category.DATA_ENTRY,
}
MAX_SESSION = dt.timedelta(hours=24)


def need_project(need: Need) -> Project | None:
    """The project published from this need, if any."""
    return Project.objects.filter(need=need).first()


def need_publish(*, actor, need: Need) -> tuple[Project, bool]:
    """Publish a community need as a volunteer project (title, category, place, skills, minimum age) with one
    session at the need's time whose places are the need's open places. Returns (project, created): publishing
    a need that already has its project returns that project, unchanged."""
    if not Scope.of(actor).covers(need.region, MANAGERS):
        raise Forbidden(_("Only the need's community coordinators may publish it as a volunteer project."))
    existing = need_project(need)
    if existing is not None:
        return existing, False
    if need.status not in (Need.Status.OPEN, Need.Status.PAUSED):
        raise Conflict(_("Only an open or paused need can be published as a volunteer project."), field="need",
                       code="need_closed")
    if need.start <= timezone.now():
        raise Conflict(_("This need has already started: there is no time left to recruit volunteers for it."),
                       field="need", code="started")
    if need.end - need.start > MAX_SESSION:
        raise InvalidInput(_("A volunteer session lasts at most 24 hours; this need is longer."), field="need")
    places = need.open_places
    if places <= 0:
        raise Conflict(_("Every place of this need is already filled."), field="need", code="full")
    skills = list(need.skills.all())
    title = (str(need) or need.role.label)[:120]
    category = NEED_ROLE_CATEGORY.get(need.role.code, Category.OTHER)
    min_age = max(MIN_REGISTER_AGE, need.role.min_age)
    try:
        with atomic():
            project = Project.objects.create(
                title=title, category=category, region=need.region, site=need.site, description=need.notes,
                min_age=min_age, created_by=actor, need=need,
                emergency_id=need.emergency_id or purpose.emergency_for(need.region))
            if skills:
                project.skills.set(skills)
            session = Session.objects.create(project=project, starts_at=need.start, ends_at=need.end, places=places,
                                             code=f"{secrets.randbelow(10**6):06d}")
            audit.record(actor=actor, action=Audit.NEED_PUBLISH, obj=project, region=need.region,
                         changes={"need": need.pk, "title": title, "category": category, "session": session.pk,
                                  "places": places, "min_age": min_age, "skills": sorted(s.code for s in skills)})
    except IntegrityError:
        # Another request published the same need a moment earlier: that project is the answer.
        project = need_project(need)
        if project is None:
            raise
        return project, False
    return project, True
