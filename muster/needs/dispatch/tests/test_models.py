import pytest
from pydantic import ValidationError

from muster.needs.dispatch import Instance
from muster.needs.dispatch.cli import describe

from .helpers import at, need, person


def problems(data) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        Instance.model_validate(data)
    return describe(exc.value)


def test_times_without_timezone_are_rejected_with_their_path():
    n = need("n1")
    n["start"] = "2020-06-20T07:00:00"
    assert problems({"needs": [n], "people": [], "max_km": 5}) == [
        "needs[0].start: Input should have timezone info"]


def test_need_ending_before_it_starts_is_rejected():
    [line] = problems({"needs": [need("n1", start=12, end=8)], "people": [], "max_km": 5})
    assert line.startswith("needs[0].end: end must be after start")


def test_zero_length_need_is_rejected():
    [line] = problems({"needs": [need("n1", start=8, end=8)], "people": [], "max_km": 5})
    assert line.startswith("needs[0].end:")


def test_availability_window_ending_before_it_starts_is_rejected():
    p = person("p1", windows=[(6, 18), (20, 19)])
    [line] = problems({"needs": [], "people": [p], "max_km": 5})
    assert line.startswith("people[0].available[1]: availability window must end after it starts")


def test_naive_availability_is_rejected():
    p = person("p1")
    p["available"][0][1] = "2020-06-20T18:00:00"
    [line] = problems({"needs": [], "people": [p], "max_km": 5})
    assert line == "people[0].available[0][1]: Input should have timezone info"


def test_duplicate_ids_are_rejected():
    [line] = problems({"needs": [need("n1"), need("n1")], "people": [], "max_km": 5})
    assert "duplicate need id 'n1' at indexes 0 and 1" in line


def test_unknown_keys_are_rejected_so_typos_do_not_switch_terms_off():
    [line] = problems({"needs": [need("n1", prefered_skills=["car"])], "people": [], "max_km": 5})
    assert line.startswith("needs[0].prefered_skills: Extra inputs are not permitted")


def test_ranges_are_checked():
    lines = problems({"needs": [need("n1", places=-1)], "people": [person("p1", max_assignments=0)],
                      "max_km": -1})
    assert {line.split(":")[0] for line in lines} == {"needs[0].places", "people[0].max_assignments", "max_km"}


def test_max_km_is_required():
    assert problems({"needs": [], "people": []}) == ["max_km: Field required"]


def test_issue_example_parses():
    inst = Instance.model_validate({
        "needs": [{"id": "n1", "lat": 39.86, "lon": 116.42, "places": 3, "skills": ["medical"],
                   "start": "2020-06-20T07:00:00+08:00", "end": "2020-06-20T12:00:00+08:00"}],
        "people": [{"id": "p1", "lat": 39.87, "lon": 116.41, "skills": ["medical", "car"],
                    "available": [["2020-06-20T06:00:00+08:00", "2020-06-20T18:00:00+08:00"]]}],
        "max_km": 5})
    assert inst.people[0].max_assignments == 1 and inst.weights.load == 1000
    assert at(0) == "2020-06-20T00:00:00+08:00"
