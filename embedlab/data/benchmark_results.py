"""The course's saved benchmark figures (``benchmarks/results/<name>.json``), for chapters that show them.

In a checkout of the course they are read from disk (or from the folder
``$EMBEDLAB_BENCHMARK_RESULTS`` names: the Colab-like test, which has no network,
points it at the checkout). Elsewhere (Colab, where ``embedlab`` is installed from
the repository but ``benchmarks/`` is not) the same file is fetched from the
repository, if the network allows.
"""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path
from typing import Any

__all__ = ["REPOSITORY_RAW", "load_benchmark_results"]

REPOSITORY_RAW = "https://raw.githubusercontent.com/embeddings-course/embeddings-course/main"
_CHECKOUT = Path(__file__).resolve().parents[2]  # embedlab/data/ -> the repository root


def load_benchmark_results(name: str, timeout: float = 10) -> dict[str, Any]:
    """The figures ``benchmarks/bench_<name>.py --save`` last wrote, as a dict.

    Raises ``FileNotFoundError`` saying where it looked when neither the checkout
    nor the repository has them (offline outside a checkout, or a name never saved).
    """
    relative = f"benchmarks/results/{name}.json"
    folder = os.environ.get("EMBEDLAB_BENCHMARK_RESULTS")
    local = Path(folder) / f"{name}.json" if folder else _CHECKOUT / relative
    if local.is_file():
        return json.loads(local.read_text())
    try:
        with urllib.request.urlopen(f"{REPOSITORY_RAW}/{relative}", timeout=timeout) as response:
            return json.loads(response.read())
    except (OSError, ValueError) as error:
        raise FileNotFoundError(
            f"{relative} is neither in this checkout ({local}) nor could be fetched from "
            f"{REPOSITORY_RAW} ({error}); run benchmarks/bench_{name}.py --save in a checkout of the course."
        ) from error
