"""Lab 3 (analogies and bias): the specs, every near miss, and both notebooks through the real grader.

Fast tests judge functions in process (the path ``check()`` takes); the slow ones
run ``python -m autograder grade`` on the solution, the untouched lab and a
solution whose 3CosAdd forgets to exclude the question words.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import nbformat
import numpy as np
import pytest

from autograder import check
from autograder.assign import student_version
from autograder.evaluate import evaluate
from autograder.kernel_side import handle
from autograder.labs import get_lab
from autograder.spec import PUBLIC_SEED

from agtest_helpers import ROOT, _load, _replace_def

LAB = get_lab("lab03")
SOLUTION = ROOT / "solutions" / LAB.notebook
STUDENT = ROOT / "labs" / LAB.notebook
HIDDEN_SEEDS = range(1, 11)
NEAR_MISSES = [pytest.param(ex, near, id=f"{ex.name}-{i}")
               for ex in LAB.exercises for i, near in enumerate(ex.near_misses)]


def _judge(exercise, fn, seed: int = PUBLIC_SEED):
    return evaluate(exercise, np.random.default_rng(seed), lambda request: handle(request, {exercise.targets[0]: fn}))


def test_lab03_is_registered_with_seven_exercises_and_12_points():
    assert [ex.name for ex in LAB.exercises] == ["analogy_3cosadd", "analogy_3cosmul", "accuracy_by_category",
                                                 "bias_direction", "project", "weat_effect_size", "neutralize"]
    assert LAB.max_score == 12
    assert _load(SOLUTION).metadata["autograder"] == {"lab": "lab03"}


def test_the_sandbox_gets_no_reference_and_no_embeddings_table():
    assert not any(m.startswith(("embedlab.evaluation", "embedlab.bias", "embedlab.embeddings"))
                   for m in LAB.allowed_modules)


@pytest.mark.parametrize("exercise", LAB.exercises, ids=lambda ex: ex.name)
def test_the_reference_passes_its_own_cases(exercise):
    for seed in (PUBLIC_SEED, *HIDDEN_SEEDS):
        result = _judge(exercise, exercise.reference, seed)
        assert result.passed, (seed, result.feedback)


@pytest.mark.parametrize(("exercise", "near"), NEAR_MISSES)
def test_check_shows_the_near_miss_message(exercise, near, capsys):
    check(exercise.name, near.wrong, lab="lab03")
    out = capsys.readouterr().out
    assert f"{exercise.name}: not yet" in out
    assert near.message in out


@pytest.mark.slow
@pytest.mark.parametrize(("exercise", "near"), NEAR_MISSES)
def test_near_miss_loses_points_and_gets_its_message_on_hidden_seeds(exercise, near):
    for seed in HIDDEN_SEEDS:
        result = _judge(exercise, near.wrong, seed)
        assert result.score < exercise.points, seed
        assert near.message in result.feedback, (seed, result.feedback)


def test_the_trap_question_is_answered_by_an_input_when_inputs_are_kept():
    exercise = LAB.exercise("analogy_3cosadd")
    vectors, a, b, c = exercise.cases(np.random.default_rng(5))[0].args
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    assert int(np.argmax(unit @ (unit[b] - unit[a] + unit[c]))) in (a, b, c)
    assert exercise.reference(vectors, a, b, c) not in (a, b, c)


def test_the_generated_lab_is_current():
    assert STUDENT.read_text(encoding="utf-8") == student_version(SOLUTION)[1]


# -- the notebooks through the grader --------------------------------------------------------------

@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The solution, the untouched lab and a 3CosAdd that keeps its inputs, graded by the CLI in parallel."""
    folder = tmp_path_factory.mktemp("lab03")
    buggy = copy.deepcopy(_load(SOLUTION))
    _replace_def(buggy, "analogy_3cosadd", """
unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
return int(np.argmax(unit @ (unit[b] - unit[a] + unit[c])))""")
    nbformat.write(buggy, folder / "inputs_kept.ipynb")
    submissions = {"solution": SOLUTION, "untouched_lab": STUDENT, "inputs_kept": folder / "inputs_kept.ipynb"}
    running = {name: subprocess.Popen([sys.executable, "-m", "autograder", "grade", str(path), "--lab", "lab03",
                                       "--json", str(folder / f"{name}.json")],
                                      cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for name, path in submissions.items()}
    results = {}
    for name, proc in running.items():
        out, err = proc.communicate(timeout=900)
        assert (folder / f"{name}.json").exists(), f"{name}: no report\n{out}\n{err}"
        results[name] = (proc.returncode, json.loads((folder / f"{name}.json").read_text()))
    return results


@pytest.mark.slow
@pytest.mark.notebooks
def test_the_solution_scores_full_marks_and_every_cell_runs(graded):
    code, report = graded["solution"]
    assert code == 0
    assert report["score"] == report["max_score"] == 12
    assert report["errors"] == []


@pytest.mark.slow
@pytest.mark.notebooks
def test_the_untouched_lab_scores_zero_without_crashing(graded):
    code, report = graded["untouched_lab"]
    assert code == 0
    assert report["score"] == 0 and report["max_score"] == 12
    for ex in report["exercises"]:
        assert "raised NotImplementedError" in ex["feedback"], ex


@pytest.mark.slow
@pytest.mark.notebooks
def test_keeping_the_inputs_costs_3cosadd_and_the_accuracy_built_on_it(graded):
    code, report = graded["inputs_kept"]
    assert code == 0
    feedback = {ex["name"]: ex["feedback"] for ex in report["exercises"]}
    assert "a, b and c are never the answer" in feedback["analogy_3cosadd"]
    scores = {ex["name"]: ex["score"] for ex in report["exercises"]}
    assert scores["analogy_3cosadd"] < 2 and scores["accuracy_by_category"] < 2
    assert scores["neutralize"] == 2
