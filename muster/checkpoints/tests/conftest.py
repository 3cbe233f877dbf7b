import pytest

from muster.rosters import actions as rosters


@pytest.fixture
def post(world):
    """The south gate's tent, a post of the coordinator's community."""
    return rosters.post_create(actor=world.coordinator, site=world.gate, name="南门帐篷")
