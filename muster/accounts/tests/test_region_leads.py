from muster.accounts.models import Role, RoleGrant
from muster.accounts.selectors import region_leads
from muster.people.actions import PersonData, person_create


def link(world, user, name, region, phone):
    user.person = person_create(actor=world.admin, data=PersonData(name=name, region=region, phone=phone))
    user.save(update_fields=["person"])
    return user.person


def test_nearest_managers_with_a_person_lead(world):
    assert region_leads(world.puanli) == []  # nobody in the world is reachable yet
    street = link(world, world.street_coordinator, "街道刘", world.neighbour, "13900000010")
    assert region_leads(world.puanli) == [street]  # no community lead: the street's
    community = link(world, world.coordinator, "社区陈", world.puanli, "13900000011")
    link(world, world.outsider, "邻居赵", world.neighbour, "13900000012")
    assert region_leads(world.puanli) == [community]  # the nearest level only
    assert region_leads(world.street) == [street]
    assert region_leads(world.bajiao) == []


def test_inactive_users_and_non_managers_are_skipped(world):
    community = link(world, world.coordinator, "社区陈", world.puanli, "13900000011")
    second = link(world, world.clerk, "社区孙", world.puanli, "13900000013")  # a clerk is not a lead
    assert region_leads(world.puanli) == [community]
    RoleGrant.objects.create(user=world.clerk, role=Role.COORDINATOR, region=world.puanli)
    assert region_leads(world.puanli) == [community, second]
    world.coordinator.is_active = False
    world.coordinator.save(update_fields=["is_active"])
    assert region_leads(world.puanli) == [second]
