"""Helpers shared by the benchmark scripts: timing, the machine description, saved results."""

from __future__ import annotations

import argparse
import json
import os
import platform
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from _figures import FIGURES, SUMMARIES, Figure

RESULTS = Path(__file__).parent / "results"


def best_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Best wall time of ``repeat`` calls, and the last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def machine() -> str:
    """One line naming the CPU, cores and BLAS the figures were measured with."""
    import threadpoolctl

    blas = threadpoolctl.threadpool_info()[0]
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, numpy {np.__version__} "
        f"({blas['internal_api']} {blas.get('architecture', '')}, {blas['num_threads']} threads), "
        f"Python {platform.python_version()}"
    )


#: ``--save`` refuses figures measured while the 1-minute load average exceeded this, per core
MAX_LOAD_PER_CORE = 0.5


@dataclass(frozen=True)
class Goal:
    """A target one saved figure must meet, shown beside it in RESULTS.md (met or not)."""

    figure: str
    op: str  # "<=" or ">="
    target: float
    meaning: str

    def met(self, figures: dict[str, Any]) -> bool | None:
        value = figures.get(self.figure)
        if not isinstance(value, (int, float)):
            return None
        return value <= self.target if self.op == "<=" else value >= self.target


def add_save_arguments(parser: argparse.ArgumentParser) -> None:
    """``--save`` (keep the figures) and ``--noisy`` (keep them although the machine was busy, marked so)."""
    parser.add_argument("--save", action="store_true", help="keep the figures in benchmarks/results/")
    parser.add_argument("--noisy", action="store_true",
                        help="with --save: keep figures measured on a busy machine, marked noisy")


class _OthersMeter(threading.Thread):
    """Every half second, the CPU ticks of the processes outside this benchmark's process tree.

    The 1-minute load average after a run counts the run itself (two busy threads make it
    2), and the grading benchmark's kernels run in sandboxes whose CPU time never reaches
    this process's ``getrusage``; walking each process's parent chain tells ours from the rest.
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.others_ticks = 0
        self._halt = threading.Event()
        self._last: dict[int, int] = {}

    @staticmethod
    def _snapshot() -> dict[int, tuple[int, int]]:
        """pid -> (parent pid, user + system ticks so far) of every process now."""
        found = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except (OSError, IndexError):
                    continue  # gone meanwhile
                found[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
        return found

    def _sample(self, first: bool = False) -> None:
        snapshot, mine, ours = self._snapshot(), os.getpid(), {}

        def in_tree(pid: int) -> bool:
            chain = []
            while pid not in ours and pid not in (0, 1, mine) and pid in snapshot:
                chain.append(pid)
                pid = snapshot[pid][0]
            verdict = ours.get(pid, pid == mine)
            ours.update(dict.fromkeys(chain, verdict))
            return verdict

        for pid, (_, ticks) in snapshot.items():
            if not first and not in_tree(pid):
                self.others_ticks += max(ticks - self._last.get(pid, 0), 0)
            self._last[pid] = ticks

    def run(self) -> None:
        self._sample(first=True)
        while not self._halt.wait(0.5):
            self._sample()

    def stop(self) -> float:
        """Stop measuring; the CPU seconds the other processes used."""
        self._halt.set()
        self.join()
        self._sample()
        return self.others_ticks / os.sysconf("SC_CLK_TCK")


_meter: _OthersMeter | None = None


def conditions() -> dict[str, Any]:
    """What the machine is doing: the 1-minute load average, the CPU count and the time.

    The first call (before a run) also starts measuring the CPU other processes use.
    """
    global _meter
    if _meter is None and Path("/proc/self/stat").exists():
        _meter = _OthersMeter()
        _meter.start()
    return {"load_1min": round(os.getloadavg()[0], 2), "cpus": os.cpu_count(),
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "clock": time.monotonic()}


def others_per_core(before: dict[str, Any], after: dict[str, Any]) -> float | None:
    """The CPU that other processes used during the run, in cores per core (0 = none, 1 = all of it)."""
    if "others_cpu_s" not in after:
        return None
    wall = max(after["clock"] - before["clock"], 1e-9)
    return round(after["others_cpu_s"] / wall / (before["cpus"] or 1), 3)


def _finish() -> dict[str, Any]:
    """The conditions after the run, with what the other processes used during it."""
    global _meter
    after = conditions()
    if _meter is not None:
        after["others_cpu_s"] = _meter.stop()
        _meter = None
    return after


def busy(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether other work shared the machine: other processes using more than
    :data:`MAX_LOAD_PER_CORE` of each core during the run, as measured by :class:`_OthersMeter`.

    Without that measurement (off Linux) the 1-minute load average before the run decides.
    The load average is recorded either way but does not decide where the meter ran: it lags a
    minute (a benchmark run right after another starts at a load of 2) and counts the run itself.
    """
    others = others_per_core(before, after)
    if others is not None:
        return others > MAX_LOAD_PER_CORE
    return before["load_1min"] > MAX_LOAD_PER_CORE * (before["cpus"] or 1)


def report(name: str, figures: dict[str, Any], args: argparse.Namespace, before: dict[str, Any],
           goals: Sequence[Goal] = ()) -> None:
    """Print the figures, with the conditions they were measured under, as the last JSON line.

    With ``args.save`` they are also kept in ``results/<name>.json`` and the table of
    all saved results, ``RESULTS.md`` (shown in the book's appendix), is rewritten;
    a run on a busy machine is refused (exit 3) unless ``args.noisy``, which marks it.
    """
    after = _finish()
    noisy = busy(before, after)
    shown = ("load_1min", "cpus", "time")
    figures = {"benchmark": name, **figures, "machine": machine(), "date": time.strftime("%Y-%m-%d"),
               "conditions": {"before": {k: before[k] for k in shown}, "after": {k: after[k] for k in shown},
                              "others_cpu_per_core": others_per_core(before, after), "noisy": noisy},
               "goals": [{**asdict(goal), "met": goal.met(figures)} for goal in goals]}
    line = json.dumps(figures)
    print(line)
    if not args.save:
        return
    if noisy and not args.noisy:
        raise SystemExit(
            f"not saved: other processes used {others_per_core(before, after)} of each of the {before['cpus']} "
            f"cores during the run (the load average was {before['load_1min']} before it; limit "
            f"{MAX_LOAD_PER_CORE} per core). Stop what else runs and measure again, or pass --noisy to keep "
            "these figures marked as noisy.")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(line + "\n")
    write_results_table()


_HEADER = ("<!-- Generated by benchmarks/_common.py from benchmarks/results/*.json, labels from "
           "benchmarks/_figures.py; do not edit. -->")
#: keys of a saved result that are not figures
_NOT_FIGURES = ("benchmark", "machine", "date", "conditions", "goals")
_OPS = {"<=": "≤", ">=": "≥"}


def _period(cond: dict[str, Any], date: str) -> str:
    """``2026-12-06, 06:45 to 06:49 UTC`` from the recorded start and end (the date alone if they are missing)."""
    try:
        start, end = (datetime.strptime(cond[when]["time"], "%Y-%m-%dT%H:%M:%S%z") for when in ("before", "after"))
    except (KeyError, ValueError):
        return date
    zone = "UTC" if start.utcoffset() == timedelta(0) else start.strftime("UTC%z")
    span = f"{start:%H:%M}" if f"{start:%H:%M}" == f"{end:%H:%M}" else f"{start:%H:%M} to {end:%H:%M}"
    return f"{start:%Y-%m-%d}, {span} {zone}"


def _conditions_line(figures: dict[str, Any]) -> str:
    """When, on what and under which load the figures were measured."""
    cond = figures.get("conditions")
    when = f"Measured {_period(cond or {}, figures['date'])} on {figures['machine']}."
    if not cond:
        return f"{when} Load: not recorded (measured before the load was recorded; run the script again)."
    before, after = cond["before"], cond["after"]
    others = cond.get("others_cpu_per_core")
    during = "" if others is None else f"other processes used {others:.1%} of the CPU during the run; "
    text = (f"{when} Load: {during}the 1-minute load average was {before['load_1min']} before and "
            f"{after['load_1min']} after, on {before['cpus']} cores (the run's own work included)")
    return text + (" — **noisy: the machine was busy, so times may be too slow**." if cond["noisy"] else ".")


def _value(value: Any, unit: str = "") -> str:
    """A figure as the table shows it: thousands separated, booleans as yes/no, lists joined, a unit after."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return f"{value:,}{unit}"
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value) + unit
    return str(value).replace("|", "\\|")


def _describe(benchmark: str, key: str) -> Figure:
    """The figure's label and meaning (a key without an entry in ``_figures.FIGURES`` is shown as code)."""
    unlabelled = Figure(f"`{key}`", "(no label yet: add one to benchmarks/_figures.py)")
    return FIGURES.get(benchmark, {}).get(key) or unlabelled


def render_results(results: Path) -> str:
    """RESULTS.md for every ``<results>/*.json``: per benchmark what it compares, when, on what and under which
    load it ran, and one table of its figures with their meaning and goal (see :mod:`_figures`)."""
    lines = [_HEADER, ""]
    for path in sorted(results.glob("*.json")):
        figures = json.loads(path.read_text())
        name = figures["benchmark"]
        goals = {goal["figure"]: goal for goal in figures.get("goals", [])}
        # the marker lets the book split the file between its appendix pages
        lines += [f"<!-- benchmark: {name} -->", f"## {name} (`bench_{name}.py`)", ""]
        if name in SUMMARIES:
            lines += [SUMMARIES[name], ""]
        lines += [_conditions_line(figures), "", "| figure | value | what it means | goal | met? |",
                  "|---|---|---|---|---|"]
        notes = []
        keys = [k for k in figures if k not in _NOT_FIGURES] + [k for k in goals if k not in figures]
        for key in keys:
            figure = _describe(name, key)
            goal, met = goals.get(key), ""
            if goal is not None:
                met = {True: "yes", False: "**no**", None: "not measured"}[goal["met"]]
                goal = f"{_OPS.get(goal['op'], goal['op'])} {goal['target']:g}{figure.unit}"
            value = _value(figures[key], figure.unit) if key in figures else "—"
            lines.append(f"| {figure.label} | {value} | {figure.meaning} | {goal or ''} | {met} |")
            if key in figures and (note := figure.note_for(figures)):
                notes.append(f"* **{figure.label}:** {note}")
        lines += ["", *notes, ""] if notes else [""]
    return "\n".join(lines)


def write_results_table() -> Path:
    """Render every ``results/*.json`` into RESULTS.md (:func:`render_results`)."""
    out = RESULTS.parent / "RESULTS.md"
    out.write_text(render_results(RESULTS))
    return out
