"""The hostile suite, graded by the batch grader: every submission gets exactly its expected score."""

from __future__ import annotations

import csv
import re

import pytest

from autograder.batch import student_name
from autograder.sandbox import isolation_available

from agtest_helpers import REPO_PROBE, ROOT

pytestmark = [pytest.mark.slow, pytest.mark.notebooks]


def test_hostile_suite_has_at_least_20_submissions(hostile_dir):
    assert len(hostile_dir[1]) >= 20


def test_every_submission_gets_its_expected_score(graded_batch):
    rows, expected, _ = graded_batch
    assert set(rows) == set(expected)
    got = {name: float(rows[name]["score"]) for name in expected}
    wrong = {name: (got[name], expected[name], rows[name]["errors"][:300])
             for name in expected if got[name] != pytest.approx(expected[name])}
    assert not wrong


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


def test_broken_files_get_a_zero_row_with_their_error(graded_batch):
    rows, _, _ = graded_batch
    assert "not UTF-8" in rows["non_utf8_bytes.ipynb"]["errors"]
    assert "invalid JSON" in rows["malformed_json.ipynb"]["errors"]
    assert rows["not_a_notebook_json.ipynb"]["errors"]


def test_timeouts_and_crashes_are_reported(graded_batch):
    rows, _, _ = graded_batch
    assert "timed out" in rows["infinite_loop_cell.ipynb"]["errors"]
    assert "kernel died" in rows["os_exit_in_a_cell.ipynb"]["errors"]
    assert "dropped" in rows["output_flood.ipynb"]["errors"]
    assert "MemoryError" in rows["memory_bomb.ipynb"]["errors"]


@pytest.mark.skipif(not isolation_available(), reason="needs root and namespaces")
def test_submissions_cannot_write_into_the_repository(graded_batch):
    assert not REPO_PROBE.exists()
    assert "pwned" not in (ROOT / "autograder" / "judge.py").read_text()
