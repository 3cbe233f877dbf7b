import io
import json
import subprocess
import sys

from muster.needs.dispatch.cli import main

from .helpers import need, person

EXAMPLE = {
    "needs": [{"id": "n1", "lat": 39.86, "lon": 116.42, "places": 3, "skills": ["medical"],
               "start": "2020-06-20T07:00:00+08:00", "end": "2020-06-20T12:00:00+08:00"}],
    "people": [{"id": "p1", "lat": 39.87, "lon": 116.41, "skills": ["medical", "car"],
                "available": [["2020-06-20T06:00:00+08:00", "2020-06-20T18:00:00+08:00"]]}],
    "max_km": 5,
}


def run(tmp_path, capsys, data, *extra):
    path = tmp_path / "instance.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    code = main(["--input", str(path), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_solves_the_issue_example(tmp_path, capsys):
    code, out, err = run(tmp_path, capsys, EXAMPLE)
    assert code == 0 and err == ""
    proposal = json.loads(out)
    assert proposal["filled"] == 1 and proposal["total_m"] == 1402
    assert proposal["assignments"] == [{"need": "n1", "person": "p1", "m": 1402, "reason": "1.4 km, has medical",
                                        "cost": 1402}]


def test_reads_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(EXAMPLE)))
    assert main(["--input", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["filled"] == 1


def test_baseline_and_output_file(tmp_path, capsys):
    out_path = tmp_path / "out.json"
    code, out, _ = run(tmp_path, capsys, EXAMPLE, "--baseline", "--output", str(out_path))
    assert code == 0 and out == ""
    assert json.loads(out_path.read_text())["status"] == "heuristic"


def test_invalid_json_is_a_clear_error(tmp_path, capsys):
    code, out, err = run(tmp_path, capsys, '{"needs": [')
    assert code == 2 and out == ""
    assert "invalid instance" in err and "not valid JSON: EOF while parsing a list" in err


def test_invalid_fields_are_listed_with_their_path(tmp_path, capsys):
    bad = {"needs": [need("n1") | {"start": "2020-06-20T07:00:00"}, need("n2", start=12, end=8)],
           "people": [person("p1") | {"lat": "north"}], "max_km": 5}
    code, _, err = run(tmp_path, capsys, bad)
    assert code == 2
    assert "(3 problems)" in err
    assert "  needs[0].start: Input should have timezone info" in err
    assert "  needs[1].end: end must be after start" in err
    assert "  people[0].lat: Input should be a valid number" in err


def test_missing_file_and_missing_argument(tmp_path, capsys):
    assert main(["--input", str(tmp_path / "nope.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main([]) == 2
    assert "--input" in capsys.readouterr().err


def test_module_is_runnable():
    result = subprocess.run([sys.executable, "-m", "muster.needs.dispatch.cli", "--input", "-"],
                            input=json.dumps(EXAMPLE), capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["total_m"] == 1402
