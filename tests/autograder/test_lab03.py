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

from agtest_helpers import ROOT, _load, _replace_def, grade_with_cli

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
