"""State for the situation tests, built through the actions: a busy morning in Fengtai."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from muster.checkpoints import actions as checkpoints
from muster.checkpoints.tests.helpers import data as passage
from muster.checkpoints.tests.helpers import put_on_duty
from muster.geo.actions import site_create
from muster.geo.models import Site
from muster.needs import actions as needs
from muster.needs.tests.helpers import post as need_post
from muster.quarantine import actions as quarantine
from muster.rosters import actions as rosters
from muster.testing import actions as testing
from muster.testing.parsing import ResultRow
from muster.testing.tests.factories import campaign, people, sample_all, ship


def busy_morning(world):
    """A morning in Fengtai: 12 people sampled 5-in-1 at the Pu'anli point, two tubes resulted (one positive
    pool), one box on its way, a fever at the gate, an open need half filled, a post with one of two
    shifts staffed, and a case in quarantine."""
    ps = people(world, 12)
    c, point = campaign(world, pool_size=5)  # its target: the people of Fengtai, these twelve among them
    tubes = sample_all(world, point, ps)  # 5 + 5 + 2
    ship(world, point, tubes[:2], barcode="B0001")
    testing.results_enter(actor=world.lab_tech, lab=world.lab_site,
                          rows=[ResultRow(1, tubes[0], "positive", 28.0), ResultRow(2, tubes[1], "negative")])
    box = testing.box_open(actor=world.clerk, point=point, barcode="B0002", lab=world.lab_site)
    testing.box_add_tubes(actor=world.clerk, box=box, barcodes=tubes[2:])
    testing.box_seal(actor=world.clerk, box=box)
    testing.box_hand_over(actor=world.clerk, box=box, courier="快递员老刘")

    gate_post = rosters.post_create(actor=world.coordinator, site=world.gate, name="南门帐篷")
    checkpoints.passage_record(actor=world.coordinator, post=gate_post, data=passage(temperature="37.8"))
    checkpoints.passage_record(actor=world.coordinator, post=gate_post, data=passage(temperature="36.5"))

    need = need_post(world, headcount=2)
    needs.report_create(actor=world.coordinator, need=need, person=world.alice, accept=True, source="coordinator")

    rosters.team_add(actor=world.coordinator, post=gate_post, person=world.alice)
    put_on_duty(gate_post, world.alice)
    put_on_duty(gate_post, ps[0])
    rosters.checkin(actor=world.member, post=gate_post)

    hotel = site_create(actor=world.coordinator, region=world.puanli, kind=Site.Kind.HOTEL, name="隔离酒店")
    today = timezone.localdate()
    quarantine.case_open(actor=world.district_command, data=quarantine.CaseData(
        person=ps[11], site=hotel, start=today, planned_end=today + dt.timedelta(days=14)))
    return {"campaign": c, "point": point, "people": ps, "tubes": tubes, "box": box, "post": gate_post}
