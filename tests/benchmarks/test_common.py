"""Saved benchmark figures carry the conditions they were measured under, and busy runs are not saved quietly."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
import _common  # noqa: E402

def _state(load: float, clock: float, others_cpu: float | None = None) -> dict:
    state = {"load_1min": load, "cpus": 2, "time": f"t{clock}", "clock": clock}
    return state if others_cpu is None else {**state, "others_cpu_s": others_cpu}


BEFORE = _state(0.3, 0.0)
QUIET = _state(1.9, 10.0, 0.0)  # the load of 1.9 after the run is the run's own two threads
BUSY = _state(3.0, 10.0, 12.0)  # others used 12 s of CPU in 10 s: 60% of each of 2 cores


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
    monkeypatch.setattr(_common, "_finish", lambda: QUIET)
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
    monkeypatch.setattr(_common, "_finish", lambda: BUSY)
    refused = r"not saved: other processes used 0.6 of each of the 2 cores during the run .*--noisy"
    with pytest.raises(SystemExit, match=refused):
        _common.report("demo", {"seconds": 4.0}, _args("--save"), BEFORE, GOALS)
    assert not (results / "demo.json").exists()
    _common.report("demo", {"seconds": 4.0}, _args("--save", "--noisy"), BEFORE, GOALS)
    assert json.loads((results / "demo.json").read_text())["conditions"]["noisy"] is True
    assert "noisy: the machine was busy" in (results.parent / "RESULTS.md").read_text()


def test_the_meter_decides_and_the_load_before_only_without_it():
    assert not _common.busy(_state(2.4, 0.0), QUIET)  # right after another benchmark: the load lags
    assert _common.busy(BEFORE, BUSY)
    assert _common.busy(_state(1.5, 0.0), _state(1.0, 10.0))  # no meter: the load before decides
    assert not _common.busy(BEFORE, _state(1.0, 10.0))


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
class _WatchedMeter(_common._OthersMeter):
    """The meter over this test's processes only: its own tree and the orphans it names in ``watched``
    (the machine's other processes, a parallel test worker among them, would make the count unknowable)."""

    watched: frozenset[int] = frozenset()

    def _snapshot(self):
        snapshot = super()._snapshot()

        def ours(pid: int) -> bool:
            while pid in snapshot and pid not in (0, 1):
                if pid == os.getpid():
                    return True
                pid = snapshot[pid][0]
            return False

        return {pid: value for pid, value in snapshot.items() if pid in self.watched or ours(pid)}


def test_the_meter_counts_other_processes_and_not_this_ones_tree():
    import subprocess

    meter = _WatchedMeter()
    meter.start()
    spin = "import time; end = time.process_time() + 1.5\nwhile time.process_time() < end: pass"
    subprocess.run([sys.executable, "-c", spin], check=True)  # a child: in this tree
    end = time.process_time() + 1.0
    while time.process_time() < end:  # this process itself
        pass
    # an orphan adopted by init (outside the tree) spinning 1.5 s
    started = subprocess.run(["sh", "-c", f'{sys.executable} -c "{spin}" > /dev/null 2>&1 & echo $!'],
                             check=True, capture_output=True, text=True)
    meter.watched = frozenset({int(started.stdout)})
    time.sleep(2.5)
    others = meter.stop()
    assert 1.2 < others < 3.0, others


def test_without_save_nothing_is_written(results, monkeypatch):
    monkeypatch.setattr(_common, "_finish", lambda: BUSY)
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
    assert conditions["others_cpu_per_core"] <= _common.MAX_LOAD_PER_CORE
