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

QUIET = {"load_1min": 0.3, "cpus": 2, "time": "t0"}
BUSY = {"load_1min": 5.0, "cpus": 2, "time": "t1"}


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
    _common.report("demo", {"seconds": 4.0, "ratio": 1.5}, _args("--save"), QUIET, GOALS)
    saved = json.loads((results / "demo.json").read_text())
    assert saved["conditions"] == {"before": QUIET, "after": QUIET, "noisy": False}
    assert [g["met"] for g in saved["goals"]] == [True, False]
    table = (results.parent / "RESULTS.md").read_text()
    assert "| seconds for the thing | <= 10 | 4.0 | met |" in table
    assert "| speed-up | >= 2 | 1.5 | **not met** |" in table
    assert "load average 0.3 before and 0.3 after, on 2 cores." in table
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == saved


def test_a_busy_run_is_refused_unless_marked_noisy(results, monkeypatch):
    monkeypatch.setattr(_common, "conditions", lambda: BUSY)
    with pytest.raises(SystemExit, match=r"not saved: the load average was 0.3 before and 5.0 after .*--noisy"):
        _common.report("demo", {"seconds": 4.0}, _args("--save"), QUIET, GOALS)
    assert not (results / "demo.json").exists()
    _common.report("demo", {"seconds": 4.0}, _args("--save", "--noisy"), QUIET, GOALS)
    assert json.loads((results / "demo.json").read_text())["conditions"]["noisy"] is True
    assert "noisy: the machine was busy" in (results.parent / "RESULTS.md").read_text()


def test_without_save_nothing_is_written(results, monkeypatch):
    monkeypatch.setattr(_common, "conditions", lambda: BUSY)
    _common.report("demo", {"seconds": 4.0}, _args(), BUSY)
    assert not results.exists()


@pytest.mark.parametrize("path", sorted((BENCHMARKS / "results").glob("*.json")), ids=lambda p: p.stem)
def test_every_saved_result_was_measured_on_a_quiet_machine(path):
    """The appendix and chapters 4 and 7 show these figures: each carries its load, none is noisy."""
    figures = json.loads(path.read_text())
    conditions = figures.get("conditions")
    assert conditions, f"{path.name} has no recorded load: run benchmarks/bench_{path.stem}.py --save again"
    assert {"load_1min", "cpus"} <= set(conditions["before"]) and {"load_1min", "cpus"} <= set(conditions["after"])
    assert not conditions["noisy"], f"{path.name} was measured on a busy machine"
    assert not _common.busy(conditions["before"], conditions["after"])
