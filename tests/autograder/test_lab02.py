"""Lab 2 (word2vec by hand): what is specific to it (the generic contract is in test_labs.py).

Fast tests judge functions in process (the path ``check()`` takes); the slow one
runs ``python -m autograder grade`` on a solution with the classic ``W[ids] -= ...`` bug.
"""

from __future__ import annotations

import copy
import json
import re

import nbformat
import numpy as np
import pytest

from autograder.labs import get_lab
from autograder.spec import PUBLIC_SEED

from agtest_helpers import ROOT, _load, _replace_def, grade_with_cli, judge_in_process, judge_source

LAB = get_lab("lab02")
SOLUTION = ROOT / "solutions" / LAB.notebook


def _judge(exercise, fn, seed: int = PUBLIC_SEED):
    return judge_in_process(exercise, (fn,), seed)


# -- the specs ------------------------------------------------------------------------------------

def test_lab02_is_registered_with_its_seven_exercises():
    assert [ex.name for ex in LAB.exercises] == ["build_vocab", "keep_probabilities", "context_pairs",
                                                 "noise_distribution", "sgns_loss", "sgns_gradients", "sgd_step"]
    assert _load(SOLUTION).metadata["autograder"] == {"lab": "lab02"}


@pytest.mark.parametrize("exercise", LAB.exercises, ids=lambda ex: ex.name)
def test_hidden_cases_change_with_the_seed(exercise):
    def fingerprint(seed):
        return json.dumps([repr(case.args) for case in exercise.cases(np.random.default_rng(seed))])
    assert fingerprint(1) != fingerprint(2)
    assert fingerprint(3) == fingerprint(3)


def _gradients_wrong_context(center, context, negatives):
    d_center, d_context, d_negatives = get_lab("lab02").exercise("sgns_gradients").reference(center, context, negatives)
    return d_center, 2 * d_context, d_negatives


def test_a_wrong_array_in_a_returned_tuple_is_named():
    result = _judge(LAB.exercise("sgns_gradients"), _gradients_wrong_context)
    assert not result.passed
    assert "value 2 of the 3 it returned is wrong: wrong values" in result.feedback


LOOPED_SGNS_LOSS = """
def sgns_loss(center, context, negatives):
    sig = lambda x: 1 / (1 + np.exp(-x))
    return np.array([-np.log(sig(c @ o)) - np.log(sig(-(n @ c))).sum()
                     for c, o, n in zip(center, context, negatives, strict=True)])
"""


def test_a_correct_sgns_loss_with_a_python_loop_gets_half_marks_and_is_told_its_values_are_right():
    result = judge_source(LAB.exercise("sgns_loss"), LOOPED_SGNS_LOSS)
    assert result.score == pytest.approx(LAB.exercise("sgns_loss").points / 2)
    assert result.feedback.startswith("values correct; loses half the points for looping over the data")
    assert re.search(r"line [45] of cell \[2\] ran \d+ times for 64 pairs", result.feedback), result.feedback


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
    """The sgd_step bug graded by the CLI: name -> (exit, report)."""
    folder = tmp_path_factory.mktemp("lab02")
    buggy = copy.deepcopy(_load(SOLUTION))
    _add_at_bug(buggy)
    nbformat.write(buggy, folder / "add_at_bug.ipynb")
    return grade_with_cli({"add_at_bug": folder / "add_at_bug.ipynb"}, folder)


@pytest.mark.slow
@pytest.mark.notebooks
def test_the_add_at_bug_costs_sgd_step_with_its_message_through_the_sandbox(graded):
    code, report = graded["add_at_bug"]
    assert code == 0
    assert report["score"] == 10
    feedback = {ex["name"]: ex["feedback"] for ex in report["exercises"]}
    assert "W[ids] -= ... keeps only one of them" in feedback["sgd_step"]
