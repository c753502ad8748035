"""Grading speed: lab 1 graded in the sandbox vs the same notebook plainly executed with nbclient.

Reports (last line, one JSON object): the plain nbclient execution time (the
floor), the grading time of the solution and their ratio, the same for a
one-cell notebook (the fixed cost of starting a kernel in the bubblewrap
sandbox: cgroup, tmpfs work dir, bwrap, setpriv), and the wall time of a batch
of N submissions (copies of the solution) graded with 2 workers. In the sandbox
the notebook's ``check()`` cells are a stub that does nothing.
Goals: ratio <= 1.3, <= 10 s per submission, 100 submissions <= 3 min (GOALS).
The plain run gets the kernel settings the sandbox uses (Agg backend, one BLAS
thread), so the ratio measures the grading overhead, not a different backend.
Run: ``python benchmarks/bench_grading.py [--batch 100] [--repeats 3] [--save]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder.batch import grade_directory
from autograder.grade import grade_submission
from autograder.runner import KernelRunner
from autograder.sandbox import Limits, isolation_note

from _common import Goal, add_save_arguments, conditions, report

GOALS = (
    Goal("ratio", "<=", 1.3, "grading time over plain execution of the lab 1 solution"),
    Goal("batch_per_submission_s", "<=", 10, "seconds per submission in the batch"),
    Goal("batch_s", "<=", 180, "seconds for 100 lab-1 submissions with 2 workers"),
)

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "lab01_token_embeddings.ipynb"


SANDBOX_KERNEL_SETTINGS = {"MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                           "MKL_NUM_THREADS": "1"}


def plain_execution() -> float:
    os.environ.update(SANDBOX_KERNEL_SETTINGS)  # inherited by the kernel nbclient starts
    nb = nbformat.read(SOLUTION, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    return time.perf_counter() - start


def trivial_plain() -> float:
    os.environ.update(SANDBOX_KERNEL_SETTINGS)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    start = time.perf_counter()
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    return time.perf_counter() - start


def trivial_sandboxed() -> float:
    start = time.perf_counter()
    with KernelRunner(Limits()) as runner:
        runner.run("x = 1")
    return time.perf_counter() - start


def graded() -> float:
    start = time.perf_counter()
    report = grade_submission(SOLUTION, seed=0)
    elapsed = time.perf_counter() - start
    if report.score != report.max_score:
        raise SystemExit(f"the solution scored {report.score}/{report.max_score}: {report.errors}")
    return elapsed


def batch(n: int, workers: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        for i in range(n):
            shutil.copy(SOLUTION, Path(folder) / f"student{i:03d}.ipynb")
        start = time.perf_counter()
        grade_directory(Path(folder), Path(folder) / "gradebook.csv", workers=workers)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    add_save_arguments(parser)
    args = parser.parse_args()
    before = conditions()
    print(f"sandbox: {isolation_note()}")
    plain, grade, start_plain, start_sandbox = [], [], [], []
    for _ in range(args.repeats):  # alternate, so background load hits both alike
        plain.append(plain_execution())
        grade.append(graded())
        start_plain.append(trivial_plain())
        start_sandbox.append(trivial_sandboxed())
    plain_s, grade_s = statistics.median(plain), statistics.median(grade)
    start_plain_s, start_sandbox_s = statistics.median(start_plain), statistics.median(start_sandbox)
    print(f"plain nbclient execution: median {plain_s:.2f} s of {args.repeats}")
    print(f"graded in the sandbox:    median {grade_s:.2f} s  (ratio {grade_s / plain_s:.2f})")
    print(f"one-cell notebook: plain {start_plain_s:.2f} s, sandboxed kernel {start_sandbox_s:.2f} s "
          f"(ratio {start_sandbox_s / start_plain_s:.2f})")
    batch_s = batch(args.batch, args.workers) if args.batch else 0.0
    if args.batch:
        print(f"batch of {args.batch} with {args.workers} workers: {batch_s:.1f} s "
              f"({batch_s / args.batch:.2f} s per submission)")
    report("grading", {"plain_execution_s": round(plain_s, 3), "grading_s": round(grade_s, 3),
                       "ratio": round(grade_s / plain_s, 3), "trivial_plain_s": round(start_plain_s, 3),
                       "trivial_sandboxed_s": round(start_sandbox_s, 3),
                       "trivial_ratio": round(start_sandbox_s / start_plain_s, 3), "batch_n": args.batch,
                       "workers": args.workers,
                       "batch_s": round(batch_s, 1), "batch_per_submission_s": round(batch_s / max(args.batch, 1), 3),
                       "sandbox": isolation_note()}, args, before, GOALS)


if __name__ == "__main__":
    main()
