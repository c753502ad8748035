"""Helpers shared by the benchmark scripts: timing, the machine description, saved results."""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Callable
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


def report(name: str, figures: dict[str, Any], save: bool) -> None:
    """Print the figures as the last JSON line; with ``save``, also keep them in results/<name>.json."""
    figures = {"benchmark": name, **figures, "machine": machine(), "date": time.strftime("%Y-%m-%d")}
    line = json.dumps(figures)
    if save:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"{name}.json").write_text(line + "\n")
    print(line)
