"""The hostile suite, graded by the batch grader: every submission gets exactly its expected score;
and the gradebook it writes is safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import re
import time
from dataclasses import replace

import nbformat
import pytest

from autograder.batch import grade_directory, spreadsheet_text, student_name, write_gradebook
from autograder.cgroup import cgroup_plan
from autograder.labs import get_lab
from autograder.runner import MAX_RESTARTS, KernelRunner
from autograder.sandbox import isolation_available

from agtest_helpers import FAST, FULL, REPO_PROBE, ROOT, SOLUTION

HYPERLINK = '=HYPERLINK("x.example","y")'  # a file name cannot hold the "//" of a full URL
slow_notebooks = [pytest.mark.slow, pytest.mark.notebooks]


def _read_csv(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.slow
@pytest.mark.notebooks
def test_hostile_suite_has_at_least_20_submissions(hostile_dir):
    assert len(hostile_dir[1]) >= 20


@pytest.mark.slow
@pytest.mark.notebooks
def test_every_submission_gets_its_expected_score(graded_batch):
    rows, expected, _ = graded_batch
    assert set(rows) == set(expected)
    got = {name: float(rows[name]["score"]) for name in expected}
    wrong = {name: (got[name], expected[name], rows[name]["errors"][:300])
             for name in expected if got[name] != pytest.approx(expected[name])}
    assert not wrong


@pytest.mark.slow
@pytest.mark.notebooks
def test_gradebook_has_one_row_per_submission_with_exercise_columns(graded_batch):
    _, expected, csv_path = graded_batch
    with open(csv_path, newline="", encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    assert len(table) == len(expected)
    assert {"student", "submission", "seed", "score", "max_score", "feedback", "errors", "cos_sim",
            "most_similar"} <= set(table[0])
    rows = {row["submission"]: row for row in table}
    assert rows["solution.ipynb"]["student"] == "solution" and rows["solution.ipynb"]["feedback"] == ""
    nan = rows["nan_and_inf.ipynb"]
    assert nan["cos_sim"] == "0.0" and re.search(r"cos_sim: 0/\d+ cases pass\. contains NaN or inf", nan["feedback"])
    assert "\n" not in nan["feedback"]


def test_the_student_is_the_folder_or_the_file_name(tmp_path):
    assert student_name(tmp_path / "lab01-alice" / "lab01.ipynb", tmp_path) == "lab01-alice"
    assert student_name(tmp_path / "bob_lab01.ipynb", tmp_path) == "bob_lab01"


@pytest.mark.slow
@pytest.mark.notebooks
def test_broken_files_get_a_zero_row_with_their_error(graded_batch):
    rows, _, _ = graded_batch
    assert "not UTF-8" in rows["non_utf8_bytes.ipynb"]["errors"]
    assert "invalid JSON" in rows["malformed_json.ipynb"]["errors"]
    assert rows["not_a_notebook_json.ipynb"]["errors"]


@pytest.mark.slow
@pytest.mark.notebooks
def test_timeouts_and_crashes_are_reported(graded_batch):
    rows, _, _ = graded_batch
    assert "timed out" in rows["infinite_loop_cell.ipynb"]["errors"]
    assert "kernel died" in rows["os_exit_in_a_cell.ipynb"]["errors"]
    assert "dropped" in rows["output_flood.ipynb"]["errors"]
    assert "MemoryError" in rows["memory_bomb.ipynb"]["errors"]


@pytest.mark.slow
@pytest.mark.notebooks
@pytest.mark.skipif(not isolation_available(), reason="needs root and namespaces")
def test_submissions_cannot_write_into_the_repository(graded_batch):
    assert not REPO_PROBE.exists()
    assert "pwned" not in (ROOT / "autograder" / "judge.py").read_text()


# -- issue 18, item 5: the gradebook is safe in a spreadsheet ----------------------------------

@pytest.mark.parametrize("text", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx", HYPERLINK])
def test_text_that_starts_like_a_formula_is_prefixed(text):
    assert spreadsheet_text(text) == "'" + text


@pytest.mark.parametrize("value", ["alice", "lab05", "'=already text", "a=b", 12.0, 0, -1.5, None])
def test_other_text_and_every_number_are_unchanged(value):
    assert spreadsheet_text(value) == value


def test_hostile_file_and_folder_names_are_text_and_points_stay_numbers(tmp_path):
    """The attack of issue 18: a submission named like a formula, and a student folder named like one.
    Both are unreadable notebooks, so no kernel runs; their rows still carry the names and the points."""
    (tmp_path / f"{HYPERLINK}_lab05.ipynb").write_text('{"cells": [')
    (tmp_path / "+cmd").mkdir()
    (tmp_path / "+cmd" / "lab05_semantic_search.ipynb").write_text('{"cells": [')
    grade_directory(tmp_path, tmp_path / "gradebook.csv", limits=FAST, workers=1)
    rows = {row["submission"]: row for row in _read_csv(tmp_path / "gradebook.csv")}
    named = rows[f"'{HYPERLINK}_lab05.ipynb"]
    assert named["student"] == f"'{HYPERLINK}_lab05"
    folder = rows["'+cmd/lab05_semantic_search.ipynb"]
    assert folder["student"] == "'+cmd"
    for row in (named, folder):
        assert row["lab"] == "" and "invalid JSON" in row["errors"]
        assert float(row["score"]) == 0 and float(row["max_score"]) == get_lab("lab05").max_score
    cells = [value for row in rows.values() for value in row.values()]
    assert not any(value.startswith(("=", "+", "-", "@", "\t", "\r")) for value in cells)


def test_feedback_and_errors_are_prefixed_too(tmp_path):
    row = {"student": "bob", "submission": "bob/lab01.ipynb", "lab": "lab01", "score": 1.5, "max_score": 12.0,
           "percent": 12.5, "seed": 7, "cos_sim": 0.0, "feedback": "@evil", "errors": "-cmd|' /C calc'!A0"}
    write_gradebook([row], tmp_path / "g.csv")
    (back,) = _read_csv(tmp_path / "g.csv")
    assert back["feedback"] == "'@evil" and back["errors"] == "'-cmd|' /C calc'!A0"
    assert list(back) == ["student", "submission", "lab", "score", "max_score", "percent", "seed", "cos_sim",
                          "feedback", "errors"]
    assert (back["score"], back["max_score"], back["seed"], back["cos_sim"]) == ("1.5", "12.0", "7", "0.0")


@pytest.mark.slow
@pytest.mark.notebooks
def test_a_graded_row_in_a_formula_named_folder_keeps_numeric_points(tmp_path):
    (tmp_path / "+cmd").mkdir()
    (tmp_path / "+cmd" / "lab01_token_embeddings.ipynb").write_bytes(SOLUTION.read_bytes())
    grade_directory(tmp_path, tmp_path / "gradebook.csv", limits=FAST, workers=1)
    (row,) = _read_csv(tmp_path / "gradebook.csv")
    assert row["student"] == "'+cmd" and row["lab"] == "lab01"
    exercises = [ex.name for ex in get_lab("lab01").exercises]
    assert float(row["score"]) == sum(float(row[name]) for name in exercises) == FULL
    assert int(row["seed"]) >= 0 and float(row["percent"]) == 100


# -- issue 18, item 6: one bad cell costs that cell, not the lab --------------------------------

#: real grading limits but a 1 GiB memory cap, as the issue's attack used
TIGHT = replace(FAST, memory_mb=1024)
CHILDREN_OVER_THE_CAP = (  # three children of 700 MB each under a 1 GiB cap
    "import subprocess, sys\n"
    "hog = \"x = b'\\\\x01' * (700 << 20); import time; time.sleep(60)\"\n"
    "children = [subprocess.Popen([sys.executable, '-c', hog]) for _ in range(3)]\n"
    "print([child.wait() for child in children])")
BAD_CELLS = {
    "children_over_the_memory_cap": CHILDREN_OVER_THE_CAP,
    "os_exit": "import os\nos._exit(3)",
    "fork_bomb": "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
    "sleeps_past_its_timeout": "import time\ntime.sleep(3600)",
}
#: runs fine in the first kernel (whose connection file is k0.json), kills every later one
FAILS_ONLY_ON_REPLAY = "import os\nif not os.path.exists('k0.json'):\n    os._exit(1)\nreplayed = True"


def _with_cells(cells: list[str], at: int | None = 3):
    """Lab 1's solution with ``cells`` inserted after its import cell (so before every definition),
    or at the end (``at=None``)."""
    nb = nbformat.read(SOLUTION, as_version=4)
    at = len(nb.cells) if at is None else at
    nb.cells[at:at] = [nbformat.v4.new_code_cell(code) for code in cells]
    return nb


@pytest.fixture(scope="module")
def bad_cells_graded(tmp_path_factory):
    """Each bad cell alone, all four in one notebook, a cell that fails only when replayed, and more
    crashing cells than the restart budget: graded once by the batch grader under a 1 GiB memory cap."""
    folder = tmp_path_factory.mktemp("bad_cells")
    notebooks = {name: _with_cells([code]) for name, code in BAD_CELLS.items()}
    notebooks["all_four"] = _with_cells(list(BAD_CELLS.values()))
    notebooks["fails_only_on_replay"] = _with_cells([FAILS_ONLY_ON_REPLAY, BAD_CELLS["os_exit"]])
    # at the end, and without the check() cells: a report keeps 20 notebook errors, the budget's note comes last
    budget = _with_cells([BAD_CELLS["os_exit"]] * (MAX_RESTARTS + 1), at=None)
    budget.cells = [c for c in budget.cells if not c.source.startswith("check(")]
    notebooks["more_crashes_than_restarts"] = budget
    for name, nb in notebooks.items():
        nbformat.write(nb, folder / f"{name}.lab01.ipynb")
    rows = grade_directory(folder, folder / "gradebook.csv", limits=TIGHT, workers=2)
    return {row["submission"].removesuffix(".lab01.ipynb"): row for row in rows}


isolated_and_capped = pytest.mark.skipif(
    not isolation_available() or cgroup_plan() is None, reason="needs root, bubblewrap and a memory cgroup")


STOPPED = re.compile(r"cell \d+: (timed out after \d+ s|the kernel died \(.*\))")


def _errors(row: dict, *cells: int) -> list[str]:
    """The gradebook's errors of ``cells`` (by number), in order."""
    return [e for e in row["errors"].split(" | ") if e.split(":")[0] in {f"cell {n}" for n in cells}]


@pytest.mark.slow
@pytest.mark.notebooks
@isolated_and_capped
@pytest.mark.parametrize("name", BAD_CELLS)
def test_one_bad_cell_costs_only_itself(bad_cells_graded, name):
    row = bad_cells_graded[name]
    assert float(row["score"]) == 12, row["errors"]
    (error,) = _errors(row, 4)
    assert STOPPED.fullmatch(error), error
    assert "restarted again" not in row["errors"] and "replayed" not in row["errors"]


@pytest.mark.slow
@pytest.mark.notebooks
@isolated_and_capped
def test_four_bad_cells_cost_only_themselves(bad_cells_graded):
    row = bad_cells_graded["all_four"]
    assert float(row["score"]) == 12, row["errors"]
    errors = _errors(row, 4, 5, 6, 7)
    assert [e.split(":")[0] for e in errors] == ["cell 4", "cell 5", "cell 6", "cell 7"]
    assert all(STOPPED.fullmatch(e) for e in errors), errors
    assert "restarted again" not in row["errors"]


@pytest.mark.slow
@pytest.mark.notebooks
@isolated_and_capped
def test_a_cell_that_fails_only_when_replayed_is_left_out_and_reported(bad_cells_graded):
    row = bad_cells_graded["fails_only_on_replay"]
    assert float(row["score"]) == 12, row["errors"]
    assert "cell 5: the kernel died" in row["errors"]
    assert "the cell starting 'import os' ran fine at first but failed when replayed" in row["errors"]


@pytest.mark.slow
@pytest.mark.notebooks
@isolated_and_capped
def test_the_restart_budget_bounds_the_run(bad_cells_graded):
    row = bad_cells_graded["more_crashes_than_restarts"]
    assert float(row["score"]) == 0
    assert f"the kernel was not restarted again (all {MAX_RESTARTS} restarts were used)" in row["errors"]
    assert row["errors"].count("not restarted again") == 1  # said once, not once per exercise


@pytest.mark.slow
@isolated_and_capped
def test_the_total_time_bounds_the_replay_and_is_not_blamed_on_a_cell():
    with KernelRunner(replace(TIGHT, total_timeout=120)) as runner:
        assert runner.run("import os, time").status == "ok"
        assert runner.run("time.sleep(5)").status == "ok"
        runner.deadline = time.monotonic() + 4  # 4 s left: the replay of the 5 s cell cannot finish
        assert runner.run("os._exit(1)").status == "died"
        assert runner.notes == ["the kernel was not restarted again (the total time limit was reached)"]
        assert runner.history == ["import os, time", "time.sleep(5)"]
        assert runner.run("1 + 1").status == "died"  # no kernel, and no new restart
        assert runner.restarts == 1 and len(runner.notes) == 1
