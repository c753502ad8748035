"""Grade a folder of submissions in parallel into a gradebook CSV (one row per notebook).

One bad file never loses the gradebook: a submission that cannot be graded (or
whose grading crashes) gets a row with score 0 and the reason. The gradebook is
safe to open in a spreadsheet: a text cell that a spreadsheet would read as a
formula (OWASP's CSV injection) starts with ``'``; points stay numbers.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path

from tqdm import tqdm

from .grade import grade_submission
from .inputs import refusal, safe_output
from .labs import UnknownLabError, get_lab
from .report import Report
from .safetext import clean
from .sandbox import Limits

__all__ = ["GRADEBOOK_COLUMNS", "find_submissions", "grade_directory", "grade_many", "spreadsheet_text",
           "student_name", "write_gradebook"]

#: the gradebook's first columns; one column per exercise follows, then ``feedback`` and ``errors``
GRADEBOOK_COLUMNS = ("student", "submission", "lab", "score", "max_score", "percent", "seed")
_LAST_COLUMNS = ("feedback", "errors")
#: what makes a spreadsheet read a cell as a formula (or start one): OWASP's CSV injection list
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: object) -> object:
    """``value`` as a gradebook cell: text that starts like a formula gets a leading ``'`` (a spreadsheet
    then shows it as text); numbers, and text that starts otherwise, are unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def find_submissions(folder: Path) -> list[Path]:
    """Every ``.ipynb`` under ``folder`` (checkpoints excluded), in a stable order."""
    return sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def student_name(path: Path, folder: Path) -> str:
    """Who handed it in: the first folder under ``folder`` (one folder per student, as GitHub
    Classroom downloads them), else the notebook's file name without ``.ipynb``."""
    relative = path.relative_to(folder)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _grade_or_reason(path: Path, lab_id: str | None, limits: Limits, seed: int | None) -> Report | str:
    try:
        return grade_submission(path, lab_id, limits, seed)
    except Exception as err:  # one submission's failure is its own row, never the batch's
        return clean(f"{type(err).__name__}: {err}", 500)


def grade_many(paths: Iterable[Path], lab_id: str | None = None, limits: Limits | None = None,
               workers: int | None = None, seed: int | None = None) -> dict[Path, Report | str]:
    """Grade ``paths`` with ``workers`` processes: path -> its report, or why it could not be graded."""
    paths, limits = list(paths), limits or Limits()
    workers = max(1, min(workers or os.cpu_count() or 1, len(paths) or 1))
    results: dict[Path, Report | str] = {}
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        futures = {pool.submit(_grade_or_reason, p, lab_id, limits, seed): p for p in paths}
        for future in tqdm(as_completed(futures), total=len(futures), desc="grading", unit="notebook"):
            try:
                results[futures[future]] = future.result()
            except Exception as err:  # the worker process itself died
                results[futures[future]] = clean(f"grading crashed: {type(err).__name__}: {err}", 500)
    return results


def _row(path: Path, folder: Path, lab_id: str | None, outcome: Report | str) -> dict:
    row = {"student": student_name(path, folder), "submission": str(path.relative_to(folder))}
    if isinstance(outcome, str):
        try:
            max_score = get_lab(lab_id, path=path).max_score
        except UnknownLabError:
            max_score = 0
        return {**row, "lab": lab_id or "", "score": 0, "max_score": max_score, "percent": 0.0,
                "feedback": "", "errors": outcome}
    row.update({"lab": outcome.lab, "score": outcome.score, "max_score": outcome.max_score,
                "percent": round(outcome.percent, 1), "seed": outcome.seed})
    row.update({ex.name: ex.score for ex in outcome.exercises})
    row["feedback"] = " | ".join(f"{ex.name}: {clean(ex.feedback, 600)}" for ex in outcome.exercises if not ex.passed)
    row["errors"] = " | ".join(outcome.errors)
    return row


def grade_directory(folder: Path, csv_path: Path, lab_id: str | None = None, limits: Limits | None = None,
                    workers: int | None = None, seed: int | None = None) -> list[dict]:
    """Grade every notebook under ``folder``; write the gradebook to ``csv_path`` and return its rows."""
    folder = Path(folder)
    paths = find_submissions(folder)
    refused = {p: why for p in paths if (why := refusal(p, folder))}  # FIFOs, links out of the folder, ...
    outcomes: dict[Path, Report | str] = {**grade_many([p for p in paths if p not in refused], lab_id, limits,
                                                       workers, seed), **refused}
    rows = sorted((_row(p, folder, lab_id, o) for p, o in outcomes.items()), key=lambda r: r["submission"])
    with safe_output(csv_path) as written:  # a gradebook planted as a symlink is replaced, not followed
        write_gradebook(rows, written)
    return rows


def write_gradebook(rows: list[dict], path: Path, first: Sequence[str] = GRADEBOOK_COLUMNS) -> None:
    """``rows`` as a gradebook CSV at ``path``: the ``first`` columns, the exercises in order of appearance,
    feedback and errors; every text cell made safe for a spreadsheet by :func:`spreadsheet_text`."""
    fixed = [*first, *_LAST_COLUMNS]
    exercise_cols = list(dict.fromkeys(k for r in rows for k in r if k not in fixed))
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=[*first, *exercise_cols, *_LAST_COLUMNS], restval="")
        writer.writeheader()
        writer.writerows({key: spreadsheet_text(value) for key, value in row.items()} for row in rows)
