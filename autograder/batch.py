"""Grade a folder of submissions in parallel into a gradebook CSV (one row per notebook)."""

from __future__ import annotations

import csv
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path

from tqdm import tqdm

from .grade import grade_submission
from .labs import LABS
from .sandbox import Limits

__all__ = ["find_submissions", "grade_directory", "grade_one_row"]


def find_submissions(folder: Path) -> list[Path]:
    """Every ``.ipynb`` under ``folder`` (checkpoints excluded), in a stable order."""
    return sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def grade_one_row(path: Path, lab_id: str | None, limits: Limits, seed: int | None) -> dict:
    """A gradebook row for one submission; any failure becomes a row with score 0 and the error."""
    try:
        report = grade_submission(path, lab_id, limits, seed)
    except Exception as err:
        max_score = LABS[lab_id].max_score if lab_id in LABS else 0
        return {"submission": str(path), "lab": lab_id or "", "score": 0, "max_score": max_score,
                "percent": 0.0, "errors": f"{type(err).__name__}: {err}"}
    row = {"submission": str(path), "lab": report.lab, "score": report.score, "max_score": report.max_score,
           "percent": round(report.percent, 1), "errors": " | ".join(report.errors)}
    row.update({ex.name: ex.score for ex in report.exercises})
    return row


def grade_directory(folder: Path, csv_path: Path, lab_id: str | None = None, limits: Limits | None = None,
                    workers: int | None = None, seed: int | None = None) -> list[dict]:
    """Grade every notebook under ``folder`` with ``workers`` processes; write and return the rows."""
    limits = limits or Limits()
    paths = find_submissions(folder)
    workers = max(1, workers or min(len(paths), os.cpu_count() or 1))
    rows: list[dict] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        futures = {pool.submit(grade_one_row, p, lab_id, limits, seed): p for p in paths}
        for future in tqdm(as_completed(futures), total=len(futures), desc="grading", unit="notebook"):
            try:
                rows.append(future.result())
            except Exception as err:
                rows.append({"submission": str(futures[future]), "lab": lab_id or "", "score": 0,
                             "max_score": 0, "percent": 0.0, "errors": f"grading crashed: {err}"})
    rows.sort(key=lambda r: r["submission"])
    _write_csv(rows, csv_path)
    return rows


def _write_csv(rows: list[dict], path: Path) -> None:
    fixed = ["submission", "lab", "score", "max_score", "percent"]
    exercise_cols = list(dict.fromkeys(k for r in rows for k in r if k not in [*fixed, "errors"]))
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=[*fixed, *exercise_cols, "errors"], restval="")
        writer.writeheader()
        writer.writerows(rows)
