"""``muster plan pool|desks|lab`` on the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from muster.testing.planning.cli import main

REPO = Path(__file__).resolve().parents[4]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else {}), err if code else out


def test_pool_default_is_dorfman_eleven(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, text = run(capsys, "pool", "--prevalence", "0.01")
    assert code == 0
    assert text.startswith('{"pool_sizes": [11], "tests_per_person": 0.1956, ')
    assert out["rounds"] == 2


def test_pool_four_stages_at_two_percent(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, text = run(capsys, "pool", "--prevalence", "0.02", "--stages", "4")
    assert code == 0
    assert out["pool_sizes"] == [27, 9, 3]
    assert '"tests_per_person": 0.1980,' in text


def test_pool_max_pool_and_allowed(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "pool", "--prevalence", "0.01", "--max-pool", "10")[1]["pool_sizes"] == [10]
    code, out, _ = run(capsys, "pool", "--prevalence", "0.001", "--allowed", "1,5,10,20")
    assert out["pool_sizes"] == [20]
    assert out["allowed"] == [1, 5, 10, 20]


def test_desks_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, text = run(
        capsys,
        "desks",
        "--people",
        "11450",
        "--hours",
        "7",
        "--service-seconds",
        "30",
        "--max-mean-wait-minutes",
        "5",
    )
    assert code == 0
    assert text.startswith('{"erlangs": 13.63, "desks": 14, "mean_wait_minutes": 1.2, ')
    assert out["guidance"]["collection_points_min"] == 4


def test_desks_simulate_adds_a_simulation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "desks",
        "--people",
        "11450",
        "--hours",
        "7",
        "--simulate",
        "--customers",
        "2000",
        "--seed",
        "2",
    )
    assert code == 0
    assert out["simulation"]["customers"] == 2000


def test_lab(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "lab",
        "--people",
        "11450",
        "--prevalence",
        "0.001",
        "--pool-sizes",
        "10",
        "--turnaround-hours",
        "21",
    )
    assert code == 0
    assert out["analysers"] == 2
    assert out["expected_retests"] == 114.0
    assert out["meets_turnaround"] is True


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["pool", "--prevalence", "1.5"], "--prevalence"),
        (["pool", "--prevalence", "0"], "--prevalence"),
        (["pool", "--prevalence", "abc"], "--prevalence"),
        (["pool", "--prevalence", "0.01", "--stages", "0"], "--stages"),
        (["pool", "--prevalence", "0.01", "--allowed", "5,x"], "--allowed"),
        (["pool"], "--prevalence"),
        (["desks", "--people", "-5", "--hours", "7"], "--people"),
        (["desks", "--people", "100", "--hours", "0"], "--hours"),
        (["desks", "--people", "100000", "--hours", "1", "--max-desks", "10"], "--max-desks"),
        (["lab", "--people", "100", "--prevalence", "0.01", "--pool-sizes", "10,3"], "--pool-sizes"),
        (
            ["lab", "--people", "100000", "--prevalence", "0.01", "--turnaround-hours", "1"],
            "--turnaround-hours",
        ),
    ],
)
def test_invalid_input_exits_2_naming_the_option(
    capsys: pytest.CaptureFixture[str], argv: list[str], option: str
) -> None:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert option in err


def test_unknown_subcommand_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nope"]) == 2
    assert main([]) == 2


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pool", "--help"]) == 0
    assert "--max-pool" in capsys.readouterr().out


def test_runs_as_a_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "muster.testing.planning.cli", "pool", "--prevalence", "0.01"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["pool_sizes"] == [11]
