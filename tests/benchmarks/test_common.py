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
import _figures  # noqa: E402

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
    unlabelled = "(no label yet: add one to benchmarks/_figures.py)"
    assert f"| `seconds` | 4.0 | {unlabelled} | ≤ 10 | yes |" in table
    assert f"| `ratio` | 1.5 | {unlabelled} | ≥ 2 | **no** |" in table
    assert "Load: other processes used 0.0% of the CPU during the run; the 1-minute load average was 0.3 " \
           "before and 1.9 after, on 2 cores (the run's own work included)." in table
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


@pytest.mark.slow  # seconds: every seed, or sentence-transformers' import, or a timed window
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


# -- RESULTS.md: every figure with a label, a meaning, its goal and a note when it looks odd ---------

def test_a_figure_is_shown_with_its_label_unit_goal_and_note(results, monkeypatch):
    monkeypatch.setattr(_common, "_finish", lambda: QUIET)
    monkeypatch.setitem(_common.FIGURES, "demo", {
        "seconds": _figures.Figure("Time for the thing", "one call of the thing", " s"),
        "ratio": _figures.Figure("Speed-up", "theirs over ours", _figures.TIMES, note="Below 2: odd.",
                                 when=lambda f: f["ratio"] < 2),
        "flag": _figures.Figure("Same answer", "whether both agree", note="Never shown.",
                                when=lambda f: not f["flag"]),
    })
    _common.report("demo", {"seconds": 4.0, "ratio": 1.5, "flag": True, "count": 12345}, _args("--save"),
                   BEFORE, GOALS)
    table = (results.parent / "RESULTS.md").read_text()
    assert "| figure | value | what it means | goal | met? |" in table
    assert "| Time for the thing | 4.0 s | one call of the thing | ≤ 10 s | yes |" in table
    assert f"| Speed-up | 1.5{_figures.TIMES} | theirs over ours | ≥ 2{_figures.TIMES} | **no** |" in table
    assert "| Same answer | yes | whether both agree |  |  |" in table
    assert "| `count` | 12,345 |" in table  # no entry: shown by its key, and flagged
    assert "* **Speed-up:** Below 2: odd." in table and "Never shown" not in table


def test_the_period_and_machine_are_stated():
    figures = {"date": "2026-12-06", "machine": "m", "conditions": {
        "before": {"load_1min": 0.2, "cpus": 2, "time": "2026-12-06T06:38:26+0000"},
        "after": {"load_1min": 2.1, "cpus": 2, "time": "2026-12-06T06:41:28+0000"},
        "others_cpu_per_core": 0.061, "noisy": False}}
    assert _common._conditions_line(figures).startswith(
        "Measured 2026-12-06, 06:38 to 06:41 UTC on m. Load: other processes used 6.1% of the CPU")


@pytest.mark.parametrize("path", sorted((BENCHMARKS / "results").glob("*.json")), ids=lambda p: p.stem)
def test_every_saved_figure_has_a_label_and_a_meaning(path):
    figures = json.loads(path.read_text())
    keys = {k for k in figures if k not in _common._NOT_FIGURES} | {g["figure"] for g in figures["goals"]}
    labels = _figures.FIGURES.get(figures["benchmark"], {})
    assert sorted(keys - labels.keys()) == [], f"add these figures of {path.name} to benchmarks/_figures.py"
    assert figures["benchmark"] in _figures.SUMMARIES
    for key in keys:  # every odd-figure condition can be evaluated on the saved figures
        labels[key].note_for(figures)


def test_results_md_is_rendered_from_the_saved_figures():
    """RESULTS.md (included by the book's appendix) is what the writer makes of results/*.json."""
    assert (BENCHMARKS / "RESULTS.md").read_text() == _common.render_results(BENCHMARKS / "results"), \
        "regenerate it: cd benchmarks && python -c 'import _common; _common.write_results_table()'"
