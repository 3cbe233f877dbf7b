from ninja import Router, Schema
from pydantic import Field

from muster.core.api import Paged, paged
from muster.core.pii import IdType
from muster.geo import selectors as geo
from muster.people import actions, selectors
from muster.people.models import Organisation, Person

router = Router(tags=["people"])


class PersonOut(Schema):
    id: int
    name: str
    sex: str
    birth_year: int | None
    phone: str
    id_type: str
    id_masked: str
    community: str
    community_name: str
    skills: list[str]


class PersonIn(Schema):
    name: str = Field(min_length=1, max_length=60)
    community: str = Field(pattern=r"^\d{12}$", description="12-digit code of the home community")
    phone: str = ""
    sex: Person.Sex = Person.Sex.UNKNOWN
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    id_type: str = IdType.RESIDENT
    id_number: str = ""
    skills: list[str] = []
    notes: str = ""


def person_out(p: Person) -> dict:
    return {"id": p.id, "name": p.name, "sex": p.sex, "birth_year": p.birth_year, "phone": p.phone, "id_type": p.id_type,
            "id_masked": p.id_masked, "community": p.region.code, "community_name": p.region.name,
            "skills": [s.code for s in p.skills.all()]}


@router.get("/people", response=Paged[PersonOut], summary="The people directory in your scope")
def list_people(request, q: str = "", region: str = "", skill: str = "", organisation_kind: Organisation.Kind | None = None,
                min_age: int | None = None, max_age: int | None = None, limit: int = 50, offset: int = 0):
    reg = geo.region_get(request.user, region) if region else None
    qs = selectors.people_search(request.user, q=q, region=reg, skill=skill, organisation_kind=organisation_kind or "",
                                 min_age=min_age, max_age=max_age).prefetch_related("skills")
    return paged(qs, limit, offset, person_out)


@router.get("/people/{int:person_id}", response=PersonOut)
def get_person(request, person_id: int):
    return person_out(selectors.person_get(request.user, person_id))


@router.post("/people", response={201: PersonOut}, summary="Register a person")
def create_person(request, body: PersonIn):
    region = geo.region_get(request.user, body.community)
    person = actions.person_create(actor=request.user, data=actions.PersonData(
        name=body.name, region=region, phone=body.phone, sex=body.sex, birth_year=body.birth_year, id_type=body.id_type,
        id_number=body.id_number, skills=tuple(body.skills), notes=body.notes))
    return 201, person_out(selectors.person_get(request.user, person.pk))
