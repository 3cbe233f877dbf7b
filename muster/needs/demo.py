"""Demo needs and reports: the Puanli gate, Xiguan's student volunteers, Bajiao's door-knocking, Fengtai's cadres.

Called by `muster demo` after the city is built, inside its transaction. Times are
relative to today so the pages always show upcoming work.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from muster.needs import actions, deploying
from muster.needs.models import Need, NeedRole, Report


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    today = timezone.localdate()
    return timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=day), dt.time(hour, minute)))


def _post(actor, role, region, start, hours, headcount, **kw) -> list[Need]:
    data = actions.NeedData(role=NeedRole.objects.get(code=role), region=region if not kw.get("site") else None,
                            start=start, end=start + dt.timedelta(hours=hours), headcount=headcount, **kw)
    return actions.need_post(actor=actor, data=data)


def _report(actor, need, person, *, accept=False, by=None):
    try:
        r = actions.report_create(actor=actor, need=need, person=person if actor.person_id != person.pk else None)
        if accept:
            actions.report_accept(actor=by, report=r)
        return r
    except Exception:  # noqa: BLE001 - demo data: a clash just means one report fewer
        return None


def build(ctx) -> None:
    from muster.geo.models import Region
    from muster.people.models import Affiliation, Organisation, Person

    rng = ctx.rng
    u = ctx.users
    puanli, bajiao, xiguan = ctx.regions["puanli"], ctx.regions["bajiao"], ctx.regions["xiguan"]
    coord = u["puanli"]

    # Puanli: the south-gate tent post, day and evening shifts for a week, staffed by the gate team.
    gate = ctx.sites["puanli.checkpoint"]
    day_shifts = _post(coord, "gate_duty", puanli, _at(1, 7), 6, 4, site=gate, title="南门值守 早班",
                       urgency="high", recurrence="daily", occurrences=7, notes="测温、查证、验码、登记。带好袖标。")
    late_shifts = _post(coord, "gate_duty", puanli, _at(1, 13), 6, 4, site=gate, title="南门值守 午班",
                        urgency="high", recurrence="daily", occurrences=7, skills=("health_code_app",))
    team = list(ctx.gate_team)
    for i, need in enumerate(day_shifts):
        for p in team[(i * 3) % len(team):][:3]:
            _report(coord, need, p, accept=rng.random() < 0.8, by=coord)
    qualified = [p for p in team if p.skills.filter(code="health_code_app").exists()]
    for i, need in enumerate(late_shifts[:4]):
        for p in qualified[i % max(1, len(qualified)):][:2]:
            _report(coord, need, p, accept=True, by=coord)
    _post(coord, "errands", puanli, _at(1, 15), 3, 2, title="为居家老人代购药品", skills=("car",), urgency="critical")
    _post(coord, "sampling_order", puanli, _at(2, 7), 8, 6, site=ctx.sites["puanli.collection"], title="核酸采样点秩序维护")
    _post(coord, "publicity", puanli, _at(1, 9), 3, 3, title="张贴防疫通告", urgency="low")
    _post(coord, "contact_screening", puanli, _at(1, 9), 8, 4, title="新发地市场接触者排查", skills=("health_code_app",),
          affiliation_kinds=("party_branch",), urgency="critical")

    # The demo member (gate team): one upcoming accepted shift and one finished with hours.
    member = u["member"]
    mine = _post(coord, "cleaning", puanli, _at(3, 18), 2, 2, title="楼道消杀")[0]
    r = _report(member, mine, member.person)
    if r:
        actions.report_accept(actor=coord, report=r)
    past = _post(coord, "door_knocking", puanli, _at(4, 9), 4, 2, title="敲门行动 1-3号楼")[0]
    r = _report(member, past, member.person, accept=True, by=coord)
    if r:
        start = timezone.now() - dt.timedelta(days=2, hours=4)
        Need.objects.filter(pk=past.pk).update(start=start, end=start + dt.timedelta(hours=4))
        Report.objects.filter(pk=r.pk).update(status=Report.Status.COMPLETED, checked_in_at=start,
                                              checked_out_at=start + dt.timedelta(hours=3, minutes=45),
                                              hours=actions.hours_between(start, start + dt.timedelta(hours=3, minutes=45)))

    # Xiguan: the student volunteer team makes up test kits and enters data.
    xc = u["xiguan"]
    kits = _post(xc, "kit_preparation", xiguan, _at(1, 8), 4, 6, title="试剂盒分装", urgency="high")[0]
    data = _post(xc, "data_entry", xiguan, _at(1, 14), 4, 4, title="采样信息录入核对", skills=("data_entry",))[0]
    _post(xc, "sampling_order", xiguan, _at(2, 7), 6, 8, site=ctx.sites["xiguan.collection"], title="采样点引导")
    for p in ctx.students[1:6]:
        _report(xc, kits, p, accept=True, by=xc)
    if ctx.students[0].skills.filter(code="data_entry").exists():
        _report(u["volunteer"], data, ctx.students[0])
    for p in ctx.students[5:15:5]:
        _report(xc, data, p)

    # Bajiao: the property agency's 12 staff join the door-knocking campaign.
    bc = u["bajiao"]
    knock = _post(bc, "door_knocking", bajiao, _at(1, 9), 6, 12, title="敲门行动 全覆盖", skills=("building_knowledge",),
                  urgency="high")[0]
    for p in ctx.staff[:9]:
        _report(bc, knock, p, accept=rng.random() < 0.7, by=bc)

    # Fengtai: cadres from the district's government unit go down to the street's communities.
    fengtai_user = u["fengtai"]
    fengtai = Region.objects.get(code="110106000000")
    unit = Organisation.objects.filter(region=fengtai, kind=Organisation.Kind.GOVERNMENT).first()
    street = puanli.parent
    communities = list(Region.objects.filter(parent=street, level=Region.Level.COMMUNITY).order_by("code")[:12])
    if unit is not None and communities:
        pool = list(Person.objects.filter(region__path__startswith=fengtai.path, birth_year__range=(1965, 1995))
                    .exclude(region=puanli).order_by("pk")[:90])
        Affiliation.objects.bulk_create([Affiliation(person=p, organisation=unit, role=Affiliation.Role.CADRE) for p in pool],
                                        ignore_conflicts=True)
        dep = deploying.deployment_post(actor=fengtai_user, region=fengtai, title="区机关干部下沉社区", total=min(60, len(pool)),
                                        communities=communities, organisations=[unit],
                                        role=NeedRole.objects.get(code="gate_duty"), start=_at(1, 8), end=_at(15, 20),
                                        notes="下沉干部连续在岗两周，服从社区安排。")
        del dep  # allocation is left for the demo user to run and review

    # A proposal waiting for the Puanli coordinator's review.
    actions.dispatch_start(actor=coord, region=puanli, max_km=3)
