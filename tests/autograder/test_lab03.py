"""Lab 3 (analogies and bias): what is specific to it (test_labs.py keeps the contract of every lab).

Fast tests judge functions in process (the path ``check()`` takes); the slow one
runs ``python -m autograder grade`` on a solution whose 3CosAdd forgets to
exclude the question words.
"""

from __future__ import annotations

import copy

import nbformat
import numpy as np
import pytest

from autograder.labs import get_lab
from autograder.spec import PUBLIC_SEED

from agtest_helpers import ROOT, _load, _replace_def, grade_with_cli, judge_in_process

LAB = get_lab("lab03")
SOLUTION = ROOT / "solutions" / LAB.notebook



def test_lab03_is_registered_with_its_seven_exercises():
    assert [ex.name for ex in LAB.exercises] == ["analogy_3cosadd", "analogy_3cosmul", "accuracy_by_category",
                                                 "bias_direction", "project", "weat_effect_size", "neutralize"]
    assert _load(SOLUTION).metadata["autograder"] == {"lab": "lab03"}


def test_the_sandbox_gets_no_reference_and_no_embeddings_table():
    assert not any(m.startswith(("embedlab.evaluation", "embedlab.bias", "embedlab.embeddings"))
                   for m in LAB.allowed_modules)


def test_the_trap_question_is_answered_by_an_input_when_inputs_are_kept():
    exercise = LAB.exercise("analogy_3cosadd")
    vectors, a, b, c = exercise.cases(np.random.default_rng(5))[0].args
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    assert int(np.argmax(unit @ (unit[b] - unit[a] + unit[c]))) in (a, b, c)
    assert exercise.reference(vectors, a, b, c) not in (a, b, c)


def _neutralize_in_place(vectors, direction):
    g = direction / np.linalg.norm(direction)
    vectors -= np.outer(vectors @ g, g)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def test_neutralize_that_changes_vectors_in_place_loses_the_points_and_is_told_which_argument():
    """The lab says "do not change `vectors` in place": right values returned from the caller's matrix
    earn nothing, and the message names `vectors`; the same code on a copy earns full marks."""
    exercise = LAB.exercise("neutralize")
    result = judge_in_process(exercise, (_neutralize_in_place,))
    assert result.score == 0 and "`vectors`" in result.feedback and "in place" in result.feedback, result.feedback
    on_a_copy = judge_in_process(exercise, (lambda v, g: _neutralize_in_place(v.copy(), g),))
    assert on_a_copy.passed, on_a_copy.feedback


def _3cosmul(eps: float):
    def analogy_3cosmul(vectors, a, b, c):
        unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        cos_a, cos_b, cos_c = ((unit @ unit[i] + 1) / 2 for i in (a, b, c))
        scores = cos_b * cos_c / (cos_a + eps)
        scores[[a, b, c]] = -np.inf
        return int(np.argmax(scores))
    return analogy_3cosmul


def test_3cosmul_with_the_papers_epsilon_gets_full_marks_on_every_seed():
    """The lab accepts any epsilon up to 1e-3 (the paper's): graded alike on every seed; a larger one
    (1e-2) changes answers and loses points, so the cases can tell."""
    exercise = LAB.exercise("analogy_3cosmul")
    assert "any $\\varepsilon$ up to $10^{-3}$ is accepted" in _load(SOLUTION).cells[8].source
    for seed in range(50):
        result = judge_in_process(exercise, (_3cosmul(1e-3),), seed)
        assert result.passed, (seed, result.feedback)
    assert judge_in_process(exercise, (_3cosmul(1e-2),), PUBLIC_SEED).score < exercise.points


# -- the notebooks through the grader --------------------------------------------------------------

@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A 3CosAdd that keeps its inputs, graded by the CLI (test_labs.py grades solution and lab)."""
    folder = tmp_path_factory.mktemp("lab03")
    buggy = copy.deepcopy(_load(SOLUTION))
    _replace_def(buggy, "analogy_3cosadd", """
unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
return int(np.argmax(unit @ (unit[b] - unit[a] + unit[c])))""")
    nbformat.write(buggy, folder / "inputs_kept.ipynb")
    return grade_with_cli({"inputs_kept": folder / "inputs_kept.ipynb"}, folder, "--lab", "lab03")


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
