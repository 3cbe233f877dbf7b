import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from muster.people import fitness
from muster.people.fitness import Duty, Kind, Reason
from muster.people.models import Person
from muster.people.tests.fitness_helpers import adult, aged, contact, observe_at_home, quarantine
from muster.testing import actions as testing
from muster.testing.models import RecallItem
from muster.testing.tests.factories import campaign, people, resident_id_of, sample_all, ship


def today():
    return timezone.localdate()


def day(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def codes(found, person) -> list[str]:
    return [r.code for r in found.get(person.pk, [])]


def test_every_domain_registers_its_provider():
    assert {"people.age", "quarantine", "testing"} <= set(fitness.providers())


def test_a_fit_adult_has_no_reasons(world):
    p = adult(world, "成年人")
    assert fitness.unfit([p.pk, world.alice.pk], Duty(Kind.NEED, day(1))) == {}


def test_quarantine_refuses_the_days_of_the_stay_only(world):
    p = adult(world, "隔离者")
    quarantine(world, p, until_days=7)
    assert codes(fitness.unfit([p.pk], Duty(Kind.NEED, day(2))), p) == ["quarantine"]
    # A duty across the end of the stay is refused; one after it is not (the stay's flag does not count twice).
    assert codes(fitness.unfit([p.pk], Duty(Kind.NEED, day(6), day(9))), p) == ["quarantine"]
    assert fitness.unfit([p.pk], Duty(Kind.NEED, day(8))) == {}
    reason = fitness.unfit([p.pk], Duty(Kind.NEED, day(2)))[p.pk][0]
    assert reason.params["until"] == day(7)
    with translation.override("zh-hans"):
        assert reason.message == f"在集中隔离至{day(7).month}月{day(7).day}日"
    with translation.override("en"):
        assert reason.message.startswith("In centralised quarantine until ")


def test_home_observation_refuses_until_lifted(world):
    p = adult(world, "居家者")
    observe_at_home(world, p)
    assert codes(fitness.unfit([p.pk], Duty(Kind.ROSTER, day(30))), p) == ["observation"]


def test_contact_flag(world):
    p = adult(world, "密接者")
    contact(world, p)
    found = fitness.unfit([p.pk], Duty(Kind.CHECKPOINT, today()))
    assert codes(found, p) == ["contact"]
    with translation.override("zh-hans"):
        assert found[p.pk][0].message == "密接标记"


def test_open_recall_then_positive_then_negative(world):
    c, point = campaign(world, pool_size=5)
    ps = people(world, 5)
    tubes = sample_all(world, point, ps)
    ship(world, point, tubes)
    testing.results_enter(actor=world.lab_tech, lab=world.lab_site, rows=testing.parse_result_text(f"{tubes[0]} positive")[0])
    found = fitness.unfit([p.pk for p in ps], Duty(Kind.SAMPLING, today()))
    assert all(codes(found, p) == ["recall_open"] for p in ps)
    with translation.override("zh-hans"):
        assert found[ps[0].pk][0].message == "单管复核未完成"
    # ps[0] comes back for a single tube, which is positive; ps[1] is negative.
    for i, p in enumerate(ps[:2]):
        testing.tube_open(actor=world.clerk, point=point, barcode=f"T{900 + i:09d}")
        testing.desk_scan(actor=world.clerk, point=point, tube_barcode=f"T{900 + i:09d}", scan=resident_id_of(p), client_key=f"re{i}")
    ship(world, point, [f"T{900:09d}", f"T{901:09d}"], barcode="B0002")
    testing.results_enter(actor=world.lab_tech, lab=world.lab_site,
                          rows=testing.parse_result_text(f"T{900:09d} positive\nT{901:09d} negative")[0])
    assert RecallItem.objects.get(person=ps[0]).status == RecallItem.Status.POSITIVE
    found = fitness.unfit([p.pk for p in ps], Duty(Kind.NEED, today()))
    assert codes(found, ps[0]) == ["positive"]
    assert ps[1].pk not in found
    assert codes(found, ps[2]) == ["recall_open"]


@pytest.mark.parametrize(("age", "duty", "expected"), [
    (13, Duty(Kind.ROSTER, dt.date(2030, 6, 1)), ["under_age"]),
    (17, Duty(Kind.NEED, dt.date(2030, 6, 1)), ["under_age"]),
    (18, Duty(Kind.NEED, dt.date(2030, 6, 1)), ["maybe_under_age"]),  # may not have had the birthday yet
    (18, Duty(Kind.NEED, dt.date(2030, 12, 31)), []),
    (19, Duty(Kind.NEED, dt.date(2030, 6, 1)), []),
    (16, Duty(Kind.NEED, dt.date(2030, 6, 1), min_age=16), ["maybe_under_age"]),
    (17, Duty(Kind.NEED, dt.date(2030, 6, 1), min_age=16), []),
    (17, Duty(Kind.NEED, dt.date(2030, 6, 1), min_age=16, night=True), ["under_age"]),  # nights: never below 18
    (17, Duty(Kind.SAMPLING, dt.date(2030, 6, 1), min_age=16), ["under_age"]),  # sampling: never below 18
    (30, Duty(Kind.NEED, dt.date(2030, 6, 1), min_age=35), ["under_age"]),
])
def test_minimum_age(world, age, duty, expected):
    p = Person.objects.create(name="某人", region=world.puanli, birth_year=duty.start.year - age)
    assert codes(fitness.unfit([p.pk], duty), p) == expected


def test_age_message_and_unknown_birth_year(world):
    kid = aged(world, "初中生", 13)
    unknown = Person.objects.create(name="无出生年", region=world.puanli)
    found = fitness.unfit([kid.pk, unknown.pk], Duty(Kind.ROSTER, today()))
    assert unknown.pk not in found
    with translation.override("zh-hans"):
        assert found[kid.pk][0].message == f"未满18岁（{today().year - 13}年生）"


def test_night_is_judged_from_local_hours():
    tz = timezone.get_current_timezone()
    at = lambda h, d=0: dt.datetime(2030, 6, 1 + d, h, tzinfo=tz)  # noqa: E731
    assert not Duty.spanning(Kind.NEED, at(8), at(17)).night
    assert Duty.spanning(Kind.NEED, at(18), at(23)).night
    assert Duty.spanning(Kind.NEED, at(5), at(9)).night
    assert Duty.spanning(Kind.NEED, at(22), at(6, 1)).night
    d = Duty.spanning(Kind.NEED, at(22), at(6, 1))
    assert (d.start, d.last) == (dt.date(2030, 6, 1), dt.date(2030, 6, 2))
    assert Duty.spanning(Kind.NEED, at(8), at(0, 1)).last == dt.date(2030, 6, 1)


def test_bulk_queries_do_not_grow_with_people_or_duties(world):
    ps = [adult(world, f"人{i}") for i in range(30)]
    for p in ps[:5]:
        contact(world, p)
    quarantine(world, ps[5], until_days=20)
    kids = [aged(world, f"孩{i}", 12) for i in range(5)]
    ids = Person.objects.filter(region=world.puanli).values_list("pk", flat=True)
    duties = [Duty(Kind.ROSTER, day(d), night=d % 2 == 0) for d in range(14)]
    with CaptureQueriesContext(connection) as ctx:
        found = fitness.unfit_each(ids, duties)
    assert len(ctx.captured_queries) <= 8
    assert all(set(found[d]) == {p.pk for p in ps[:6]} | {k.pk for k in kids} for d in duties)


def test_reasons_round_trip_as_json_and_several_reasons_are_kept(world):
    p = adult(world, "两个原因")
    quarantine(world, p)
    contact(world, p)
    found = fitness.unfit([p.pk], Duty(Kind.NEED, day(1)))[p.pk]
    assert [r.code for r in found] == ["quarantine", "contact"]
    again = [Reason.from_json(r.as_json()) for r in found]
    assert [r.message for r in again] == [r.message for r in found]
    with translation.override("en"):
        assert "; " in fitness.says(found)


def test_require_fit_raises_a_conflict_with_a_stable_code(world):
    p = adult(world, "密接者")
    contact(world, p)
    with translation.override("en"), pytest.raises(fitness.Unfit) as e:
        fitness.require_fit(p, Duty(Kind.NEED, today()))
    assert e.value.code == "unfit" and e.value.status == 409
    assert "密接者" in str(e.value.message) and "close contact" in str(e.value.message)
    fitness.require_fit(world.alice, Duty(Kind.NEED, today()))  # fit: nothing raised
