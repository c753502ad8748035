"""Saved benchmark figures carry the conditions they were measured under, and busy runs are not saved quietly."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
import _common  # noqa: E402

def _state(load: float, clock: float, machine_cpu: float, own_cpu: float) -> dict:
    return {"load_1min": load, "cpus": 2, "time": f"t{clock}", "clock": clock, "machine_cpu_s": machine_cpu,
            "own_cpu_s": own_cpu}


BEFORE = _state(0.3, 0.0, 100.0, 1.0)
QUIET = _state(1.9, 10.0, 120.0, 21.0)  # 20 s of CPU in 10 s, all of it the run's own: load 1.9 after is ours
BUSY = _state(3.0, 10.0, 120.0, 9.0)  # the run used 8 s, others 12 s of 20: 60% of each core


@pytest.fixture
def results(monkeypatch, tmp_path):
    monkeypatch.setattr(_common, "RESULTS", tmp_path / "results")
    monkeypatch.setattr(_common, "machine", lambda: "test machine")
    return tmp_path / "results"


def _args(*flags: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    _common.add_save_arguments(parser)
    return parser.parse_args(list(flags))


GOALS = (_common.Goal("seconds", "<=", 10, "seconds for the thing"), _common.Goal("ratio", ">=", 2, "speed-up"))


def test_a_quiet_run_is_saved_with_its_conditions_and_goals(results, monkeypatch, capsys):
    monkeypatch.setattr(_common, "conditions", lambda: QUIET)
    _common.report("demo", {"seconds": 4.0, "ratio": 1.5}, _args("--save"), BEFORE, GOALS)
    saved = json.loads((results / "demo.json").read_text())
    assert saved["conditions"] == {"before": {"load_1min": 0.3, "cpus": 2, "time": "t0.0"},
                                   "after": {"load_1min": 1.9, "cpus": 2, "time": "t10.0"},
                                   "others_cpu_per_core": 0.0, "noisy": False}
    assert [g["met"] for g in saved["goals"]] == [True, False]
    table = (results.parent / "RESULTS.md").read_text()
    assert "| seconds for the thing | <= 10 | 4.0 | met |" in table
    assert "| speed-up | >= 2 | 1.5 | **not met** |" in table
    assert "load average 0.3 before and 1.9 after (the run's own work included), on 2 cores; other " \
           "processes used 0% of the CPU during the run." in table
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == saved


def test_a_busy_run_is_refused_unless_marked_noisy(results, monkeypatch):
    monkeypatch.setattr(_common, "conditions", lambda: BUSY)
    with pytest.raises(SystemExit, match=r"not saved: .* other processes used 0.6 of each of the 2 cores .*--noisy"):
        _common.report("demo", {"seconds": 4.0}, _args("--save"), BEFORE, GOALS)
    assert not (results / "demo.json").exists()
    _common.report("demo", {"seconds": 4.0}, _args("--save", "--noisy"), BEFORE, GOALS)
    assert json.loads((results / "demo.json").read_text())["conditions"]["noisy"] is True
    assert "noisy: the machine was busy" in (results.parent / "RESULTS.md").read_text()


def test_a_busy_start_is_busy_whatever_happens_during_the_run():
    assert _common.busy(_state(1.5, 0.0, 100.0, 1.0), QUIET)
    assert not _common.busy(BEFORE, QUIET)


def test_the_counters_see_this_process_working():
    before = _common.conditions()
    sum(i * i for i in range(2_000_000))
    after = _common.conditions()
    assert after["own_cpu_s"] > before["own_cpu_s"]
    assert after["machine_cpu_s"] >= before["machine_cpu_s"]
    assert _common.others_per_core(before, after) is not None


def test_without_save_nothing_is_written(results, monkeypatch):
    monkeypatch.setattr(_common, "conditions", lambda: BUSY)
    _common.report("demo", {"seconds": 4.0}, _args(), BEFORE)
    assert not results.exists()


@pytest.mark.parametrize("path", sorted((BENCHMARKS / "results").glob("*.json")), ids=lambda p: p.stem)
def test_every_saved_result_was_measured_on_a_quiet_machine(path):
    """The appendix and chapters 4 and 7 show these figures: each carries its load, none is noisy."""
    figures = json.loads(path.read_text())
    conditions = figures.get("conditions")
    assert conditions, f"{path.name} has no recorded load: run benchmarks/bench_{path.stem}.py --save again"
    assert {"load_1min", "cpus"} <= set(conditions["before"]) and {"load_1min", "cpus"} <= set(conditions["after"])
    assert conditions["others_cpu_per_core"] is not None, f"{path.name} does not say what else used the CPU"
    assert not conditions["noisy"], f"{path.name} was measured on a busy machine"
    assert conditions["before"]["load_1min"] <= _common.MAX_LOAD_PER_CORE * conditions["before"]["cpus"]
    assert conditions["others_cpu_per_core"] <= _common.MAX_LOAD_PER_CORE
