"""Helpers shared by the benchmark scripts: timing, the machine description, saved results."""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

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


def _cpu_seconds() -> tuple[float | None, float]:
    """(busy CPU seconds of the whole machine since boot, or None off Linux; this process's and its
    finished children's CPU seconds)."""
    own = sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for f in ("ru_utime", "ru_stime"))
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None, own
    idle = values[3] + values[4]  # idle and iowait
    return (sum(values) - idle) / os.sysconf("SC_CLK_TCK"), own


def conditions() -> dict[str, Any]:
    """What the machine was doing: the 1-minute load average, the CPU count, the time and CPU counters."""
    machine_busy, own = _cpu_seconds()
    return {"load_1min": round(os.getloadavg()[0], 2), "cpus": os.cpu_count(),
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "clock": time.monotonic(),
            "machine_cpu_s": machine_busy, "own_cpu_s": own}


def others_per_core(before: dict[str, Any], after: dict[str, Any]) -> float | None:
    """The CPU that other processes used during the run, in cores per core (0 = none, 1 = all of it).

    The 1-minute load average after a run counts the benchmark itself (two busy threads
    make it 2), so the run's own CPU time is taken out of the machine's.
    """
    if before.get("machine_cpu_s") is None or after.get("machine_cpu_s") is None:
        return None
    wall = max(after["clock"] - before["clock"], 1e-9)
    others = (after["machine_cpu_s"] - before["machine_cpu_s"]) - (after["own_cpu_s"] - before["own_cpu_s"])
    return round(max(others, 0.0) / wall / (before["cpus"] or 1), 3)


def busy(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether the machine was busy with other work: a load above :data:`MAX_LOAD_PER_CORE` per core
    before the run, or other processes using more than that share of the CPU during it."""
    limit = MAX_LOAD_PER_CORE * (before["cpus"] or 1)
    others = others_per_core(before, after)
    return before["load_1min"] > limit or (others is not None and others > MAX_LOAD_PER_CORE)


def report(name: str, figures: dict[str, Any], args: argparse.Namespace, before: dict[str, Any],
           goals: Sequence[Goal] = ()) -> None:
    """Print the figures, with the conditions they were measured under, as the last JSON line.

    With ``args.save`` they are also kept in ``results/<name>.json`` and the table of
    all saved results, ``RESULTS.md`` (shown in the book's appendix), is rewritten;
    a run on a busy machine is refused (exit 3) unless ``args.noisy``, which marks it.
    """
    after = conditions()
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
            f"not saved: the load average was {before['load_1min']} before the run and other processes used "
            f"{others_per_core(before, after)} of each of the {before['cpus']} cores during it (limit "
            f"{MAX_LOAD_PER_CORE} per core). Stop what else runs and measure again, or pass --noisy to keep "
            "these figures marked as noisy.")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(line + "\n")
    write_results_table()


def _conditions_line(figures: dict[str, Any]) -> str:
    cond = figures.get("conditions")
    if not cond:
        return "Conditions: not recorded (measured before the load was recorded; run the script again)."
    before, after = cond["before"], cond["after"]
    others = cond.get("others_cpu_per_core")
    during = "" if others is None else f"; other processes used {others:.0%} of the CPU during the run"
    text = (f"Conditions: 1-minute load average {before['load_1min']} before and {after['load_1min']} after "
            f"(the run's own work included), on {before['cpus']} cores{during}")
    return text + (" — **noisy: the machine was busy, so times may be too slow**." if cond["noisy"] else ".")


def _goal_rows(figures: dict[str, Any]) -> list[str]:
    rows = []
    for goal in figures.get("goals", []):
        met = {True: "met", False: "**not met**", None: "not measured"}[goal["met"]]
        value = figures.get(goal["figure"], "—")
        rows.append(f"| {goal['meaning']} | {goal['op']} {goal['target']:g} | {value} | {met} |")
    return rows


def write_results_table() -> Path:
    """Render every ``results/*.json`` into RESULTS.md: per benchmark its conditions, goals and figures."""
    lines = [
        "<!-- Generated by benchmarks/_common.py from benchmarks/results/*.json; do not edit. -->",
        "",
    ]
    for path in sorted(RESULTS.glob("*.json")):
        figures = json.loads(path.read_text())
        lines += [
            f"## `{figures['benchmark']}` (bench_{figures['benchmark']}.py, {figures['date']})",
            "",
            f"Machine: {figures['machine']}.",
            "",
            _conditions_line(figures),
            "",
        ]
        if goal_rows := _goal_rows(figures):
            lines += ["| goal | target | measured | |", "|---|---|---|---|", *goal_rows, ""]
        lines += ["| figure | value |", "|---|---|"]
        skip = {"benchmark", "machine", "date", "conditions", "goals"}
        lines += [f"| `{key}` | {value} |" for key, value in figures.items() if key not in skip]
        lines.append("")
    out = RESULTS.parent / "RESULTS.md"
    out.write_text("\n".join(lines))
    return out
