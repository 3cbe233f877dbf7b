import datetime as dt

import pytest
from django.utils import timezone

from muster.checkpoints.models import Passage
from muster.core import pii, retention
from muster.core.models import AuditEvent
from muster.emergencies import actions, purging
from muster.emergencies.models import PurgeRun
from muster.emergencies.tests.helpers import LONG_AGO, age, hotel, old_campaign, passage, post
from muster.people.actions import PersonData, person_create
from muster.people.models import Person
from muster.quarantine import actions as quarantine
from muster.quarantine.models import Case, ReleaseNotice
from muster.testing.models import Sample, SingleTubeFlag, Tube
from muster.testing.tests.factories import campaign, people, sample_all
from muster.web.tests.pdftext import pdf_text

pytestmark = pytest.mark.django_db


def _names(persons) -> set[str]:
    return set(Person.objects.filter(pk__in=[p.pk for p in persons]).values_list("name", flat=True))


def _text(response) -> str:
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        import io

        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(response.content))
        return "\n".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row)
    return response.content.decode("utf-8", "ignore")


def test_dry_run_counts_and_changes_nothing(world):
    _c, _point, residents = old_campaign(world, n=6)
    run = purging.run(actor=world.command, dry_run=True)
    assert run.status == PurgeRun.Status.DONE and run.dry_run
    assert run.report["types"]["people.person"]["due"] == 6
    assert _names(residents) == {p.name for p in residents}
    assert not Person.objects.filter(purged_at__isnull=False).exists()


def test_purge_anonymises_people_and_keeps_every_count(world, login):
    c, _point, residents = old_campaign(world, n=12)
    world.puanli.refresh_from_db()
    people_count = world.puanli.people_count
    samples, swabs = Sample.objects.filter(campaign=c).count(), sum(Tube.objects.filter(campaign=c).values_list("count", flat=True))
    numbers = [pii.decrypt(p.id_cipher) for p in residents]

    run = purging.run(actor=world.command)

    assert run.report["types"]["people.person"]["anonymised"] == 12
    for p in Person.objects.filter(pk__in=[r.pk for r in residents]):
        assert (p.name, p.phone, p.id_cipher, p.id_hash, p.id_masked, p.household_id) == (retention.PLACEHOLDER, "", "", "", "", None)
        assert p.purged_at and p.region_id == world.puanli.pk and p.birth_year % 10 == 0
    # Counts stay: samples, swabs, the community's people.
    assert Sample.objects.filter(campaign=c).count() == samples
    assert sum(Tube.objects.filter(campaign=c).values_list("count", flat=True)) == swabs
    world.puanli.refresh_from_db()
    assert world.puanli.people_count == people_count
    # Nobody finds them by ID number any more.
    assert not Person.objects.filter(id_hash__in=[pii.lookup_hash("resident", n) for n in numbers]).exists()
    # No page, export, API or audit detail shows a purged name or number.
    client = login(world.command)
    pages = [f"/people/?q={residents[0].name}", "/people/", f"/people/{residents[0].pk}/", "/people/export.xlsx",
             "/api/v1/people", f"/api/v1/people/{residents[0].pk}", f"/testing/{c.pk}/", "/accounts/audit/"]
    for url in pages:
        r = client.get(url)
        # 200 each: a 404 page (as "/api/v1/people/", with its slash, was) would hide no name by itself.
        assert r.status_code == 200, url
        body = _text(r).replace(f'value="{residents[0].name}"', "")  # the search box echoes the query
        for p, number in zip(residents, numbers, strict=True):
            assert p.name not in body, (url, p.name)
            # (a mask is not checked: another resident of the district can share region and check digit)
            assert number not in body and p.phone not in body, url
    assert not AuditEvent.objects.filter(object_type="people.person", object_id__in=[str(p.pk) for p in residents],
                                         object_repr__startswith="居民").exists()
    # Idempotent: a second run finds nothing.
    again = purging.run(actor=world.command)
    assert again.report["types"]["people.person"]["anonymised"] == 0


def test_what_is_still_needed_is_kept(world):
    """An open campaign, a recent person, an account holder, a recent passage: none of them goes."""
    _c, _point, old = old_campaign(world, n=4)
    c2, point2 = campaign(world)
    current = people(world, 2, start=100)
    sample_all(world, point2, current, first_tube=100)
    age(current)  # entered long ago, but sampled in a campaign still open
    recent = people(world, 1, start=200)
    sample_all(world, point2, recent, first_tube=200)
    gate = post(world)
    passage(world, gate, old[0], timezone.now() - dt.timedelta(days=3))  # seen at a gate three days ago
    world.member.person = old[1]
    world.member.save(update_fields=["person"])  # now has an account: their own record
    purging.run(actor=world.command)
    gone = set(Person.objects.filter(purged_at__isnull=False).values_list("pk", flat=True))
    assert gone == {old[2].pk, old[3].pk}


def test_passages_lose_the_person_after_28_days_and_counts_stay(world):
    gate = post(world)
    alice = world.alice
    old = passage(world, gate, alice, timezone.now() - dt.timedelta(days=29), "37.8")
    new = passage(world, gate, alice, timezone.now() - dt.timedelta(days=2))
    before = Passage.objects.filter(post=gate).count()
    run = purging.run(actor=world.command)
    assert run.report["types"]["checkpoints.passage"]["anonymised"] == 1
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.person_id is None and old.visitor_name == retention.PLACEHOLDER and old.note == ""
    assert old.temperature == old.temperature and str(old.temperature) == "37.8"
    assert new.person_id == alice.pk
    assert Passage.objects.filter(post=gate).count() == before


def test_legal_hold_on_a_person_or_a_case_is_never_purged(world):
    _c, _point, residents = old_campaign(world, n=5)
    h = hotel(world)
    today = timezone.localdate()
    case = quarantine.case_open(actor=world.coordinator, data=quarantine.CaseData(
        person=residents[1], site=h, start=today - dt.timedelta(days=30), planned_end=today - dt.timedelta(days=16), room="301"))
    Case.objects.filter(pk=case.pk).update(status=Case.Status.RELEASED, released_at=timezone.now() - dt.timedelta(days=200))
    SingleTubeFlag.objects.filter(person=residents[1]).update(active=False)  # as the release does
    ReleaseNotice.objects.create(case=case, number="N1", token="t" * 40, issued_at=timezone.now() - dt.timedelta(days=200))
    actions.hold_place(actor=world.command, reason="公安机关调查", person=residents[0])
    actions.hold_place(actor=world.command, reason="投诉处理中", record_type="quarantine.case", object_id=case.pk)

    dry = purging.run(actor=world.command, dry_run=True)
    assert dry.report["types"]["people.person"] == {**dry.report["types"]["people.person"], "due": 3, "held": 2}
    run = purging.run(actor=world.command)

    assert run.report["types"]["people.person"]["anonymised"] == 3
    assert run.report["types"]["people.person"]["held"] == 2
    assert run.report["types"]["quarantine.case"]["held"] == 1
    kept = Person.objects.filter(pk__in=[residents[0].pk, residents[1].pk])
    assert {p.name for p in kept} == {residents[0].name, residents[1].name}
    case.refresh_from_db()
    assert case.room == "301" and ReleaseNotice.objects.filter(case=case).exists()
    # Lifted: the next purge takes them.
    for hold in actions.LegalHold.objects.all():
        actions.hold_lift(actor=world.command, hold=hold)
    purging.run(actor=world.command)
    case.refresh_from_db()
    assert case.room == "" and not ReleaseNotice.objects.filter(case=case).exists()
    assert not Person.objects.filter(pk__in=[p.pk for p in residents], purged_at__isnull=True).exists()


def test_an_interrupted_purge_leaves_nobody_half_anonymised_and_resumes(world, monkeypatch):
    _c, _point, residents = old_campaign(world, n=10)
    t = retention.get("people.person")
    calls = {"n": 0}

    def dying(pks, clock):
        calls["n"] += 1
        if calls["n"] == 2:
            # Half-way through the second batch's work: its transaction must roll back whole.
            Person.objects.filter(pk__in=pks[:2]).update(name=retention.PLACEHOLDER)
            raise RuntimeError("power cut")
        return t.purge(pks, clock)

    monkeypatch.setitem(retention._registry.entries, "people.person", retention.RecordType(**{**t.__dict__, "purge": dying}))
    with pytest.raises(RuntimeError):
        purging.run(actor=world.command, batch=4)
    failed = PurgeRun.objects.get()
    assert failed.status == PurgeRun.Status.FAILED and "power cut" in failed.error
    rows = list(Person.objects.filter(pk__in=[p.pk for p in residents]).order_by("pk"))
    done = [p for p in rows if p.purged_at]
    # The first batch committed with the run's progress; the second rolled back whole.
    assert 0 < len(done) < 10 and failed.report["types"]["people.person"]["anonymised"] == len(done)
    for p in rows:  # every person is either wholly anonymised or wholly untouched
        assert (p.name == retention.PLACEHOLDER) == bool(p.purged_at) == (p.id_hash == "") == (p.phone == "")

    monkeypatch.setitem(retention._registry.entries, "people.person", t)
    resumed = purging.run(actor=world.command, batch=4)
    assert resumed.report["types"]["people.person"]["anonymised"] == 10 - len(done)
    assert not Person.objects.filter(pk__in=[p.pk for p in residents], purged_at__isnull=True).exists()


def test_a_stale_running_purge_is_marked_interrupted(world):
    stale = PurgeRun.objects.create(dry_run=False)
    PurgeRun.objects.filter(pk=stale.pk).update(started_at=timezone.now() - dt.timedelta(days=1))
    purging.run(actor=None, dry_run=True)
    stale.refresh_from_db()
    assert stale.status == PurgeRun.Status.INTERRUPTED


def test_policy_within_bounds_only_by_city_command(world):
    from muster.core.errors import Forbidden, InvalidInput

    with pytest.raises(InvalidInput):
        actions.policy_set(actor=world.command, key="checkpoints.passage", days=3)
    with pytest.raises(Forbidden):
        actions.policy_set(actor=world.district_command, key="checkpoints.passage", days=30)
    actions.policy_set(actor=world.command, key="checkpoints.passage", days=60)
    assert purging.policy_days()["checkpoints.passage"] == 60
    gate = post(world)
    p = passage(world, gate, world.alice, timezone.now() - dt.timedelta(days=40))
    purging.run(actor=world.command)
    p.refresh_from_db()
    assert p.person_id == world.alice.pk  # 40 days < 60


def test_directory_people_who_never_gave_emergency_data_are_left_alone(world):
    p = person_create(actor=world.admin, data=PersonData(name="社区志愿者", region=world.puanli))
    age([p], LONG_AGO)
    purging.run(actor=world.command)
    p.refresh_from_db()
    assert p.purged_at is None and p.name == "社区志愿者"


def test_a_purged_release_notice_no_longer_prints_or_verifies(world, login):
    _c, _point, residents = old_campaign(world, n=1)
    me = residents[0]
    h = hotel(world)
    today = timezone.localdate()
    case = quarantine.case_open(actor=world.coordinator, data=quarantine.CaseData(
        person=me, site=h, start=today - dt.timedelta(days=250), planned_end=today - dt.timedelta(days=236), room="808"))
    Case.objects.filter(pk=case.pk).update(status=Case.Status.RELEASED, released_at=timezone.now() - dt.timedelta(days=236))
    SingleTubeFlag.objects.filter(person=me).update(active=False)
    notice = ReleaseNotice.objects.create(case=case, number="QN-2020-0001", token="v" * 40,
                                          issued_at=timezone.now() - dt.timedelta(days=236))
    client = login(world.coordinator)
    before = client.get(f"/quarantine/{case.pk}/notice.pdf")
    assert before.status_code == 200
    purging.run(actor=world.command)
    assert client.get(f"/quarantine/{case.pk}/notice.pdf").status_code == 404
    assert me.name not in client.get(f"/quarantine/verify/{notice.token}/").content.decode()
    page = client.get(f"/quarantine/{case.pk}/").content.decode()
    assert me.name not in page and "808" not in page
    assert me.name in pdf_text(before.content)  # the notice did carry the name before the purge


def test_the_purge_is_a_periodic_job():
    from muster.core import periodic

    periodic.discover()
    assert "emergencies.purge" in {j.name for j in periodic.registered()}
