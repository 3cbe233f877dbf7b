"""The coordinator's board costs the same few queries however many needs and reports it shows (no query per row)."""

from muster.needs import actions
from muster.needs.tests.helpers import post, soon
from muster.people.actions import PersonData, person_create

# Measured for the page below; a query per need or per report would add dozens.
# (12: the nav asks once whether the region has a quarantine place before offering that section.)
BOARD_PAGE_QUERIES = 12


def test_the_board_runs_no_query_per_row(world, login, django_assert_max_num_queries):
    people = [person_create(actor=world.admin, data=PersonData(name=f"志愿者{i}", region=world.puanli, birth_year=1980))
              for i in range(12)]
    for n in range(6):
        need = post(world, title=f"值守{n}", start=soon(2 + 5 * n), headcount=3)
        for i in range(2):
            actions.report_create(actor=world.coordinator, need=need, person=people[2 * n + i], accept=bool(i))
    c = login(world.coordinator)
    c.get("/needs/board/")  # the session and the user's grants are read once
    with django_assert_max_num_queries(BOARD_PAGE_QUERIES):
        r = c.get("/needs/board/")
    assert r.status_code == 200
    page = r.content.decode()
    assert all(f"值守{n}" in page for n in range(6)) and "志愿者11" in page
