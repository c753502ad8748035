"""Grading speed: lab 1 graded in the sandbox vs the same notebook plainly executed with nbclient.

Reports (last line, one JSON object): the plain nbclient execution time (the
floor), the grading time of the solution and their ratio, and the wall time of
a batch of N submissions (copies of the solution) graded with 2 workers.
Goals: ratio <= 1.3, <= 10 s per submission, 100 submissions <= 10 min.
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
from autograder.sandbox import isolation_note

from _common import report

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
    parser.add_argument("--save", action="store_true", help="keep the figures in benchmarks/results/")
    args = parser.parse_args()
    print(f"sandbox: {isolation_note()}")
    plain, grade = [], []
    for _ in range(args.repeats):  # alternate, so background load hits both alike
        plain.append(plain_execution())
        grade.append(graded())
    plain_s, grade_s = statistics.median(plain), statistics.median(grade)
    print(f"plain nbclient execution: median {plain_s:.2f} s of {args.repeats}")
    print(f"graded in the sandbox:    median {grade_s:.2f} s  (ratio {grade_s / plain_s:.2f})")
    batch_s = batch(args.batch, args.workers) if args.batch else 0.0
    if args.batch:
        print(f"batch of {args.batch} with {args.workers} workers: {batch_s:.1f} s "
              f"({batch_s / args.batch:.2f} s per submission)")
    report("grading", {"plain_execution_s": round(plain_s, 3), "grading_s": round(grade_s, 3),
                       "ratio": round(grade_s / plain_s, 3), "batch_n": args.batch, "workers": args.workers,
                       "batch_s": round(batch_s, 1), "batch_per_submission_s": round(batch_s / max(args.batch, 1), 3),
                       "sandbox": isolation_note()}, save=args.save)


if __name__ == "__main__":
    main()
