"""`next` can only send a user somewhere on this site (issue 10: open redirect through recall contact and needs)."""

import pytest
from django.test import RequestFactory

from muster.needs.models import Report
from muster.needs.tests.helpers import post
from muster.testing import actions
from muster.testing.models import RecallItem
from muster.testing.tests.factories import campaign, people, sample_all, ship
from muster.web.redirects import safe_next

HOSTILE = ["https://evil.com/", "//evil.com/", "/\\evil.com", "\\\\evil.com", "/\\/evil.com", "http:/evil.com",
           "javascript:alert(1)", " //evil.com", "\t//evil.com", "https:evil.com"]


@pytest.mark.parametrize("value", HOSTILE)
def test_safe_next_refuses_other_hosts(value):
    request = RequestFactory().post("/x/", {"next": value})
    assert safe_next(request, "/fallback/") == "/fallback/"


def test_safe_next_keeps_local_paths_and_reads_get_too():
    rf = RequestFactory()
    assert safe_next(rf.post("/x/", {"next": "/needs/open/?day=1"}), "/f/") == "/needs/open/?day=1"
    assert safe_next(rf.get("/x/", {"next": "/people/"}), "/f/") == "/people/"
    assert safe_next(rf.get("/x/"), "/f/") == "/f/"


def _recall_item(world):
    _c, point = campaign(world, pool_size=5)
    ps = people(world, 5)
    tubes = sample_all(world, point, ps)
    ship(world, point, tubes)
    rows, _e = actions.parse_result_text(f"{tubes[0]} positive 28")
    actions.results_enter(actor=world.lab_tech, lab=world.lab_site, rows=rows)
    return RecallItem.objects.filter(person=ps[0]).get()


@pytest.mark.parametrize("value", ["https://evil.com/", "/\\evil.com"])
def test_recall_contact_never_redirects_off_site(world, login, value):
    item = _recall_item(world)
    r = login(world.coordinator).post(f"/testing/recall-items/{item.pk}/contact/", {"next": value})
    assert r.status_code == 302 and r["Location"] == f"/testing/{item.recall.campaign_id}/recalls/"


def test_recall_contact_follows_a_local_next(world, login):
    item = _recall_item(world)
    r = login(world.coordinator).post(f"/testing/recall-items/{item.pk}/contact/",
                                      {"next": f"/testing/{item.recall.campaign_id}/recalls/?all=1"})
    assert r["Location"] == f"/testing/{item.recall.campaign_id}/recalls/?all=1"


@pytest.mark.parametrize("value", ["/\\evil.com", "https://evil.com/", "//evil.com"])
def test_needs_report_never_redirects_off_site(world, login, value):
    need = post(world, site=world.gate, region=None)
    r = login(world.member).post(f"/needs/{need.pk}/report/", {"next": value})
    assert r.status_code == 302 and r["Location"] == "/needs/open/"
    assert Report.objects.filter(need=need).exists()
