"""Lab 2 (word2vec by hand): the specs, the near misses, and both notebooks through the real grader.

Fast tests judge functions in process (the path ``check()`` takes); the slow ones
run ``python -m autograder grade`` on the solution, the untouched lab and a
solution with one classic bug, three submissions in parallel.
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
from autograder.assign import BEGIN, student_version
from autograder.evaluate import evaluate
from autograder.kernel_side import handle
from autograder.labs import get_lab
from autograder.notebook import exercise_tag
from autograder.spec import PUBLIC_SEED

from agtest_helpers import ROOT, _load, _replace_def

LAB = get_lab("lab02")
SOLUTION = ROOT / "solutions" / LAB.notebook
STUDENT = ROOT / "labs" / LAB.notebook
HIDDEN_SEEDS = range(1, 11)
NEAR_MISSES = [pytest.param(ex, near, id=f"{ex.name}-{i}")
               for ex in LAB.exercises for i, near in enumerate(ex.near_misses)]


def _judge(exercise, fn, seed: int = PUBLIC_SEED):
    """``exercise`` judged on ``fn`` in process, through the same plain-data boundary as grading."""
    return evaluate(exercise, np.random.default_rng(seed), lambda request: handle(request, {exercise.targets[0]: fn}))


# -- the specs ------------------------------------------------------------------------------------

def test_lab02_is_registered_with_seven_exercises_and_12_points():
    assert [ex.name for ex in LAB.exercises] == ["build_vocab", "keep_probabilities", "context_pairs",
                                                 "noise_distribution", "sgns_loss", "sgns_gradients", "sgd_step"]
    assert LAB.max_score == 12
    assert _load(SOLUTION).metadata["autograder"] == {"lab": "lab02"}


@pytest.mark.parametrize("exercise", LAB.exercises, ids=lambda ex: ex.name)
def test_the_reference_passes_its_own_cases_through_the_plain_data_boundary(exercise):
    for seed in (PUBLIC_SEED, *HIDDEN_SEEDS):
        result = _judge(exercise, exercise.reference, seed)
        assert result.passed, (seed, result.feedback)


@pytest.mark.parametrize("exercise", LAB.exercises, ids=lambda ex: ex.name)
def test_hidden_cases_change_with_the_seed(exercise):
    def fingerprint(seed):
        return json.dumps([repr(case.args) for case in exercise.cases(np.random.default_rng(seed))])
    assert fingerprint(1) != fingerprint(2)
    assert fingerprint(3) == fingerprint(3)


# -- near misses --------------------------------------------------------------------------------

@pytest.mark.parametrize(("exercise", "near"), NEAR_MISSES)
def test_check_shows_the_near_miss_message(exercise, near, capsys):
    check(exercise.name, near.wrong, lab="lab02")
    out = capsys.readouterr().out
    assert f"{exercise.name}: not yet" in out
    assert near.message in out


@pytest.mark.parametrize(("exercise", "near"), NEAR_MISSES)
def test_near_miss_loses_points_and_gets_its_message_on_hidden_seeds(exercise, near):
    for seed in HIDDEN_SEEDS:
        result = _judge(exercise, near.wrong, seed)
        assert result.score < exercise.points, seed
        assert near.message in result.feedback, (seed, result.feedback)


def _gradients_wrong_context(center, context, negatives):
    d_center, d_context, d_negatives = get_lab("lab02").exercise("sgns_gradients").reference(center, context, negatives)
    return d_center, 2 * d_context, d_negatives


def test_a_wrong_array_in_a_returned_tuple_is_named():
    result = _judge(LAB.exercise("sgns_gradients"), _gradients_wrong_context)
    assert not result.passed
    assert "value 2 of the 3 it returned is wrong: wrong values" in result.feedback


def _looped_sgns_loss(center, context, negatives):
    sig = lambda x: 1 / (1 + np.exp(-x))
    return np.array([-np.log(sig(c @ o)) - np.log(sig(-(n @ c))).sum()
                     for c, o, n in zip(center, context, negatives, strict=True)])


def test_a_correct_sgns_loss_with_a_python_loop_gets_half_marks():
    result = _judge(LAB.exercise("sgns_loss"), _looped_sgns_loss)
    assert result.score == pytest.approx(LAB.exercise("sgns_loss").points / 2)
    assert "Python loop" in result.feedback


# -- the notebooks ------------------------------------------------------------------------------

def test_the_generated_lab_is_current():
    assert STUDENT.read_text(encoding="utf-8") == student_version(SOLUTION)[1]


def test_every_exercise_cell_of_the_lab_is_a_stub():
    nb = _load(STUDENT)
    for ex in LAB.exercises:
        cell = next(c for c in nb.cells if exercise_tag(ex.name) in c.metadata.get("tags", []))
        assert f"def {ex.name}(" in cell.source
        assert "raise NotImplementedError" in cell.source
        assert BEGIN not in cell.source


def _add_at_bug(nb) -> None:
    """The classic sgd_step bug: W[ids] -= ... loses the updates of ids repeated in a batch."""
    _replace_def(nb, "sgd_step", """
w_in, w_out = w_in.copy(), w_out.copy()
v, u_o, u_n = w_in[centers], w_out[contexts], w_out[negatives]
loss = sgns_loss(v, u_o, u_n)
d_center, d_context, d_negatives = sgns_gradients(v, u_o, u_n)
w_in[centers] -= lr * d_center
w_out[contexts] -= lr * d_context
w_out[negatives] -= lr * d_negatives
return w_in, w_out, loss.mean()""")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The solution, the untouched lab and the sgd_step bug, graded by the CLI in parallel: name -> (exit, report)."""
    folder = tmp_path_factory.mktemp("lab02")
    buggy = copy.deepcopy(_load(SOLUTION))
    _add_at_bug(buggy)
    nbformat.write(buggy, folder / "add_at_bug.ipynb")
    submissions = {"solution": SOLUTION, "untouched_lab": STUDENT, "add_at_bug": folder / "add_at_bug.ipynb"}
    running = {name: subprocess.Popen([sys.executable, "-m", "autograder", "grade", str(path),
                                       "--json", str(folder / f"{name}.json")],
                                      cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for name, path in submissions.items()}
    results = {}
    for name, proc in running.items():
        out, err = proc.communicate(timeout=600)
        assert (folder / f"{name}.json").exists(), f"{name}: no report\n{out}\n{err}"
        results[name] = (proc.returncode, json.loads((folder / f"{name}.json").read_text()))
    return results


@pytest.mark.slow
@pytest.mark.notebooks
def test_the_solution_scores_full_marks_and_every_cell_runs(graded):
    code, report = graded["solution"]
    assert code == 0
    assert report["lab"] == "lab02"
    assert report["score"] == report["max_score"] == 12
    assert report["errors"] == []


@pytest.mark.slow
@pytest.mark.notebooks
def test_the_untouched_lab_scores_zero_without_crashing(graded):
    code, report = graded["untouched_lab"]
    assert code == 0
    assert report["score"] == 0 and report["max_score"] == 12
    assert [ex["name"] for ex in report["exercises"]] == [ex.name for ex in LAB.exercises]
    for ex in report["exercises"]:
        assert "raised NotImplementedError" in ex["feedback"], ex
    # stubs and what depends on them fail; nothing times out or kills the kernel
    assert report["errors"]
    assert all(("NotImplementedError" in e or "NameError" in e) for e in report["errors"]), report["errors"]


@pytest.mark.slow
@pytest.mark.notebooks
def test_the_add_at_bug_costs_sgd_step_with_its_message_through_the_sandbox(graded):
    code, report = graded["add_at_bug"]
    assert code == 0
    assert report["score"] == 10
    feedback = {ex["name"]: ex["feedback"] for ex in report["exercises"]}
    assert "W[ids] -= ... keeps only one of them" in feedback["sgd_step"]
