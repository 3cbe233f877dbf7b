"""What residents do themselves: pre-register for a campaign, take away a verifiable report."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.utils.translation import gettext as _

from muster.core import audit, pii
from muster.core.errors import InvalidInput
from muster.core.transactions import atomic
from muster.geo.actions import region_count_add
from muster.geo.models import Region
from muster.notifications.actions import notify
from muster.people.models import Person
from muster.testing.audits import Audit
from muster.testing.models import CODE_ALPHABET, Campaign, Registration, Report, Sample


def new_code() -> str:
    return "MP" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


def preregister(*, campaign: Campaign, name: str, id_type: str, id_number: str, phone: str = "", community: Region | None = None) -> Registration:
    """A resident registers themself for a campaign and gets a personal code (their QR).

    Someone already in the registry must give the name on record; someone not in it is
    added to the community they name, which must lie in the campaign's region.
    """
    if campaign.status == Campaign.Status.CLOSED:
        raise InvalidInput(_("This campaign is closed."), field="campaign")
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise InvalidInput(_("The name is required and has at most 60 characters."), field="name")
    sealed = pii.seal(id_type, id_number)
    phone = pii.validate_phone(phone)
    person = Person.objects.filter(id_type=id_type, id_hash=sealed.hash).select_related("region").first()
    with atomic():
        if person is None:
            if community is None or community.level != Region.Level.COMMUNITY or not campaign.region.contains(community):
                raise InvalidInput(_("Choose your community in the campaign's area."), field="community")
            birth = pii.birth_year_from_resident_id(sealed.number) if id_type == pii.IdType.RESIDENT else None
            person = Person.objects.create(name=name, phone=phone, birth_year=birth, id_type=id_type, id_cipher=sealed.cipher,
                                           id_hash=sealed.hash, id_masked=sealed.masked, region=community)
            region_count_add(community, "people_count", 1)
            audit.record(actor=None, action=Audit.PERSON_SELF_REGISTER, obj=person, region=community,
                         changes={"campaign": campaign.pk})
        elif person.name != name:
            # Same answer as for a wrong number: a stranger learns nothing about who is registered.
            raise InvalidInput(_("The name does not match the registry for this ID number."), field="name")
        existing = Registration.objects.filter(campaign=campaign, person=person).first()
        if existing is not None:
            return existing
        reg = Registration.objects.create(campaign=campaign, person=person, code=new_code())
        audit.record(actor=None, action=Audit.PREREGISTER, obj=reg, region=person.region, changes={"campaign": campaign.pk},
                     object_repr=person.id_masked)
    return reg


def preregister_self(*, campaign: Campaign, name: str, id_type: str, id_number: str, phone: str = "",
                     community: Region | None = None, code_url: Callable[[Registration], str] | None = None) -> None:
    """Pre-registration from the public page: the code always goes by SMS, never onto the page.

    Someone already in the registry under this name gets it on the phone on record; a newcomer who
    named their community is added and gets it on the phone they gave. A wrong name, or a newcomer
    who named no community, gets nothing. The page answers all of them alike, so it tells no stranger
    whether a number is registered. `code_url` makes the link to the code's QR page for the SMS.
    """
    sealed = pii.seal(id_type, id_number)
    person = Person.objects.filter(id_type=id_type, id_hash=sealed.hash).first()
    if person is None:
        if community is None or not phone:
            return
        reg = preregister(campaign=campaign, name=name, id_type=id_type, id_number=id_number, phone=phone, community=community)
        to = pii.validate_phone(phone)
    elif person.name != (name or "").strip() or not person.phone:
        return
    else:
        reg = preregister(campaign=campaign, name=name, id_type=id_type, id_number=id_number)
        to = person.phone
    text = _("Your Muster personal code for %(campaign)s: %(code)s. Show it at the desk.") % {
        "campaign": campaign.name[:40], "code": reg.code}
    if code_url:
        text += " " + _("Its QR code: %(url)s") % {"url": code_url(reg)}
    with atomic():  # the SMS goes out once this commits
        notify(person=reg.person, subject=text, event="testing.preregister_code", channels=[("sms", to)], confidential=True)


def report_issue(*, sample: Sample, result: str) -> Report:
    """A verifiable test report for a resident's sample (one per sample and result); issuing it again returns it."""
    existing = Report.objects.filter(sample=sample, result=result).first()
    if existing:
        return existing
    with atomic():
        report = Report.objects.create(sample=sample, token=secrets.token_urlsafe(24), result=result)
        audit.record(actor=None, action=Audit.REPORT_ISSUE, obj=sample, region=None, changes={"result": result})
    return report
