"""The permission matrix: every list and detail that exists, for every role, against the neighbour."""

import pytest

from muster.accounts.scoping import Scope
from muster.geo import selectors as geo
from muster.people import selectors as people


def test_coordinator_sees_own_community_and_nothing_of_the_neighbour(world):
    visible = set(people.people_visible(world.coordinator))
    assert world.alice in visible
    assert world.bob not in visible and world.carol not in visible
    assert set(people.people_visible(world.outsider)) == {world.bob}


def test_street_and_district_see_their_subtree(world):
    assert set(people.people_visible(world.street_coordinator)) == {world.alice, world.bob}
    assert set(people.people_visible(world.district_command)) == {world.alice, world.bob}
    assert set(people.people_visible(world.command)) == {world.alice, world.bob, world.carol}


@pytest.mark.parametrize("who", ["site_lead", "sampler", "clerk", "lab_tech", "nobody"])
def test_site_and_lab_roles_see_no_directory(world, who):
    assert list(people.people_visible(getattr(world, who))) == []


def test_member_sees_only_themself(world):
    assert list(people.people_visible(world.member)) == [world.alice]


def test_sites_are_scoped(world):
    assert set(geo.sites_visible(world.coordinator)) == {world.gate, world.collection}
    assert set(geo.sites_visible(world.outsider)) == {world.neighbour_gate}
    assert set(geo.sites_visible(world.sampler)) == {world.collection}
    assert set(geo.sites_visible(world.lab_tech)) == {world.lab_site}


def test_regions_are_scoped(world):
    codes = set(geo.regions_visible(world.coordinator).values_list("code", flat=True))
    assert codes == {world.puanli.code}
    assert world.neighbour.code in set(geo.regions_visible(world.street_coordinator).values_list("code", flat=True))
    assert not geo.regions_visible(world.nobody).exists()


def test_nested_grants_collapse_to_the_widest():
    class G:
        def __init__(self, role, path):
            self.role, self.region, self.site_id = role, type("R", (), {"path": path})(), None

    scope = Scope.__new__(Scope)
    scope.is_superuser, scope.is_anonymous = False, False
    scope.grants = [G("coordinator", "/1/2/"), G("coordinator", "/1/2/3/"), G("command", "/1/5/")]
    assert scope.paths() == ["/1/2/", "/1/5/"]
